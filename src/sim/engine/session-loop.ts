// A channel's session thread (switch_core_session_run in switch_core_state_machine.c): it runs
// each new state once — firing CHANNEL_STATE — and then that state's work: INIT fires
// CHANNEL_CREATE, ROUTING hunts the dialplan, EXECUTE runs the extension's applications,
// SOFT_EXECUTE runs a uuid_bridge, the waiting states run queued messages. When the channel
// is down it runs the hangup and reporting states (lifecycle.finishSession).
import type { Channel } from './channel.js';
import type { Core } from './core.js';
import { dequeueDtmf, executeApp, tick } from './execution.js';
import { finishSession, hangup, runState, setState } from './lifecycle.js';
import { SITES } from './sites.js';
import { parkChannel } from './apps/call-control.js';
import { huntInline } from './inline-dialplan.js';

/** Starts the session. Everything up to the first wait (CHANNEL_CREATE included) happens before it returns. */
export function startSession(core: Core, ch: Channel): void {
  // A leg hung up before its thread ran (a loopback -b leg whose -a leg went first) only ends.
  if (ch.ready) ch.state = 'CS_INIT';
  void sessionLoop(core, ch).catch((err: unknown) => {
    // A bug in the engine must not leave a channel half alive.
    process.emitWarning(`sim session ${ch.uuid} failed: ${(err as Error).stack ?? String(err)}`);
    if (ch.ready) hangup(core, ch, 'CRASH');
    if (ch.state !== 'CS_DESTROY') finishSession(core, ch);
  });
}

async function sessionLoop(core: Core, ch: Channel): Promise<void> {
  while (ch.ready) {
    const state = ch.state;
    if (state !== ch.runningState) {
      runState(core, ch, state);
      // Each new running state clears the transfer and redirect flags (switch_core_session_run).
      ch.flags.delete('CF_TRANSFER');
      ch.flags.delete('CF_REDIRECT');
    }
    await runStateWork(core, ch, state);
  }
  finishSession(core, ch);
}

async function runStateWork(core: Core, ch: Channel, state: Channel['state']): Promise<void> {
  switch (state) {
    case 'CS_INIT':
      return init(core, ch);
    case 'CS_ROUTING':
      return route(core, ch);
    case 'CS_EXECUTE':
      return executeExtension(core, ch);
    case 'CS_SOFT_EXECUTE':
      return softExecute(core, ch);
    case 'CS_RESET':
      // switch_core_standard_on_reset and sofia_on_reset leave the state alone, so a channel
      // reset outside the socket app (listener_run `done:`) waits here until it is moved or
      // hangs up. (uuid_bridge's own on_reset handler is folded into the HIBERNATE step below.)
      return idle(core, ch, state);
    default:
      return idle(core, ch, state);
  }
}

/**
 * CS_INIT: the endpoint's on_init (mod_loopback makes its -b leg there) moves the channel on to
 * ROUTING, then CREATE (and ORIGINATE for outbound legs) fire.
 */
function init(core: Core, ch: Channel): void {
  ch.sim.onInit?.();
  ch.sim.onInit = undefined;
  if (!ch.ready) return;
  setState(ch, 'CS_ROUTING');
  if (ch.direction === 'outbound') ch.sim.originating = true;
  core.emit.channel('CHANNEL_CREATE', ch, { site: SITES.create });
  if (ch.direction === 'outbound') core.emit.channel('CHANNEL_ORIGINATE', ch, { site: SITES.originate });
}

/**
 * CS_ROUTING: an inbound (or transferred) leg hunts the dialplan; an originated leg waits in
 * CONSUME_MEDIA until it is answered (originate_on_routing in switch_ivr_originate.c).
 */
function route(core: Core, ch: Channel): void {
  if (ch.sim.originating) {
    ch.sim.originating = false;
    setState(ch, 'CS_CONSUME_MEDIA');
    return;
  }
  ch.setVar('call_uuid', ch.uuid);
  const found = ch.profile.dialplan.toLowerCase() === 'inline' ? huntInline(ch) : core.dialplan.hunt(ch, ch.profile.context);
  if (!found) {
    hangup(core, ch, 'NO_ROUTE_DESTINATION');
    return;
  }
  ch.extension = { name: found.extension, apps: found.apps, next: 0 };
  setState(ch, 'CS_EXECUTE');
}

/**
 * switch_core_standard_on_execute: the next applications in order; after the last one the call
 * ends. An app that returns with CF_RESET set (a bridge inside it replaced the extension:
 * exec_after_bridge_app) starts the new extension from its first application (`goto top`).
 */
async function executeExtension(core: Core, ch: Channel): Promise<void> {
  for (;;) {
    ch.flags.delete('CF_RESET');
    const ext = ch.extension;
    if (!ext) {
      hangup(core, ch, 'NORMAL_CLEARING');
      return;
    }
    let reset = false;
    while (ch.state === 'CS_EXECUTE' && ext.next < ext.apps.length) {
      const app = ext.apps[ext.next++]!;
      await executeApp(core, ch, app.application, app.data);
      if (ch.has('CF_RESET')) {
        reset = true;
        break;
      }
    }
    if (!reset) break;
  }
  // "has executed the last dialplan instruction, hanging up"
  if (ch.ready && ch.state === 'CS_EXECUTE') hangup(core, ch, 'NORMAL_CLEARING');
}

async function softExecute(core: Core, ch: Channel): Promise<void> {
  const work = ch.softExecute;
  ch.softExecute = null;
  if (work) await work();
  else await idle(core, ch, 'CS_SOFT_EXECUTE');
}

/**
 * The passive states (CONSUME_MEDIA, EXCHANGE_MEDIA, HIBERNATE, PARK without an app): queued
 * messages still run, and a digit pressed on a bridged leg is read and reported there.
 */
async function idle(core: Core, ch: Channel, state: Channel['state']): Promise<void> {
  if (ch.softExecute && (state === 'CS_HIBERNATE' || state === 'CS_CONSUME_MEDIA')) {
    setState(ch, 'CS_SOFT_EXECUTE');
    return;
  }
  if (state === 'CS_PARK') return parkState(core, ch);
  while (ch.ready && ch.state === state) {
    while (ch.mediaReady && dequeueDtmf(core, ch));
    await tick(core, ch);
    // A flag without a state change (nothing sets one today) must not spin the loop.
    if (ch.state === state && (ch.has('CF_TRANSFER') || ch.has('CF_REDIRECT'))) await ch.waker.sleep(20);
  }
}

/**
 * CS_PARK (uuid_park, park_after_bridge): switch_core_standard_on_park runs switch_ivr_park once.
 * When the park returns without a state change (the listener's end cleared CF_CONTROLLED; or a
 * park_after_bridge or uuid_park on a channel already in CS_PARK set CF_TRANSFER, which no new
 * state will clear), the session thread just sleeps in CS_PARK, running queued messages as they
 * come (switch_core_session_run) — with CF_TRANSFER set, apps return at once.
 */
async function parkState(core: Core, ch: Channel): Promise<void> {
  await parkChannel(core, ch);
  while (ch.ready && ch.state === 'CS_PARK') {
    await tick(core, ch);
    if (ch.state === 'CS_PARK' && (ch.has('CF_TRANSFER') || ch.has('CF_REDIRECT'))) await ch.waker.sleep(20);
  }
}
