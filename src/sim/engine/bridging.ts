// Two legs talking (switch_ivr_bridge.c): switch_ivr_multi_threaded_bridge as the bridge app and
// uuid_bridge use it, and switch_ivr_uuid_bridge, which first pulls both legs out of whatever
// they were doing. Events: CHANNEL_BRIDGE and CHANNEL_UNBRIDGE on the originator, with
// Bridge-A/B-Unique-ID before the channel data.
import type { BridgeLink, Channel } from './channel.js';
import type { Core } from './core.js';
import { epochSeconds } from './clock.js';
import { dequeueDtmf, interrupted, isTrue, tick } from './execution.js';
import { answer, hangup, setState } from './lifecycle.js';
import { handleCause } from './handle-cause.js';
import { SITES } from './sites.js';
import { pushArray, sessionTransfer, stepProfile } from './transfer.js';
import type { Headers } from '../contracts.js';

function link(a: Channel, b: Channel, kind: BridgeLink['kind']): void {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  a.bridge = { peer: b, originator: true, kind, ended, end };
  b.bridge = { peer: a, originator: false, kind, ended, end };
}

/**
 * The bridge holds while both legs are up and neither was moved elsewhere: a transfer, a new
 * uuid_bridge or uuid_park changes a leg's state (the originator's from the one it bridged in,
 * the originatee's from CS_EXCHANGE_MEDIA).
 */
function holds(a: Channel, b: Channel, aState: Channel['state']): boolean {
  return a.ready && b.ready && a.state === aState && b.state === 'CS_EXCHANGE_MEDIA' && a.bridge?.peer === b && b.bridge?.peer === a;
}

/**
 * Whether the originator's side of each bridge ended because the originator itself left
 * (audio_bridge_thread's clean_exit: it was transferred, or it is up but not ready, e.g. reset
 * by the end of its outbound socket's listener). Its own after-bridge variables are then skipped.
 */
const cleanExits = new WeakMap<Channel, boolean>();

/**
 * Runs on the originator until the bridge ends. Then, as switch_ivr_bridge.c orders it: the
 * originator's exec_after_bridge_app (end of its audio_bridge_thread); the originatee's own end
 * (its exec_after_bridge_app, then audio_bridge_on_exchange_media parks, transfers or hangs it up
 * by its own variables), which switch_ivr_multi_threaded_bridge waits for; then
 * bridge_hangup_cause and CHANNEL_UNBRIDGE. The originator's other after-bridge variables are
 * the caller's business (afterBridge).
 */
export async function bridgeLegs(core: Core, a: Channel, b: Channel, kind: BridgeLink['kind']): Promise<void> {
  cleanExits.delete(a);
  if (b.answered && !a.answered) answer(core, a);
  if (!a.ready || !b.ready) return;
  const aState = a.state;
  setState(b, 'CS_EXCHANGE_MEDIA');
  b.setVar('call_uuid', a.uuid);
  const now = core.now();
  a.profile.times.bridged = now;
  b.profile.times.bridged = now;
  link(a, b, kind);
  a.sim.everBridged = true;
  b.sim.everBridged = true;
  const ids: Headers = [
    ['Bridge-A-Unique-ID', a.uuid],
    ['Bridge-B-Unique-ID', b.uuid],
  ];
  core.emit.channel('CHANNEL_BRIDGE', a, { site: SITES.bridge, lead: ids });
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    x.setVar('bridge_to', y.uuid);
    x.setVar('last_bridge_to', y.uuid);
  }
  while (holds(a, b, aState)) {
    // A bridge made on early media: the caller is answered when the far end is.
    if (b.answered && !a.answered) answer(core, a);
    while (dequeueDtmf(core, a));
    await tick(core, a);
  }
  // audio_bridge_thread checks the originator first: moved, or up but not ready, is a clean exit.
  cleanExits.set(a, a.ready && interrupted(a));
  // A leg that hung up takes its peer down before the UNBRIDGE (trace session-1: HANGUP(A), HANGUP(B), UNBRIDGE).
  if (!a.ready && b.ready && b.bridge?.peer === a) hangup(core, b, a.hangupCause ?? 'NORMAL_CLEARING');
  execAfterBridge(a);
  unlink(core, a, b);
  releaseOriginatee(core, b, a);
  if (!b.ready) a.setVar('bridge_hangup_cause', b.hangupCause ?? undefined);
  if (!a.ready) b.setVar('bridge_hangup_cause', a.hangupCause ?? undefined);
  core.emit.channel('CHANNEL_UNBRIDGE', a, { site: SITES.unbridge, lead: ids });
}

function unlink(core: Core, a: Channel, b: Channel): void {
  const bridge = a.bridge;
  if (a.bridge?.peer === b) a.bridge = null;
  if (b.bridge?.peer === a) b.bridge = null;
  bridge?.end();
  b.setVar('call_uuid', b.uuid);
  a.setVar('bridge_to', undefined);
  b.setVar('bridge_to', undefined);
  b.waker.wake();
  void core;
}

/**
 * The end of a leg's audio_bridge_thread: exec_after_bridge_app (with exec_after_bridge_arg)
 * becomes the leg's whole extension, unless the leg is down or redirected. In CS_EXECUTE (the
 * bridge app ran from the extension) CF_RESET tells the execution loop to start it when the
 * running app returns; in any other state the leg is sent to CS_EXECUTE.
 */
function execAfterBridge(ch: Channel): void {
  if (!ch.ready || ch.has('CF_REDIRECT')) return;
  const app = ch.getVar('exec_after_bridge_app');
  if (!app) return;
  ch.extension = { name: app, apps: [{ application: app, data: ch.getVar('exec_after_bridge_arg') ?? '' }], next: 0 };
  if (ch.state === 'CS_EXECUTE') ch.flag('CF_RESET');
  else setState(ch, 'CS_EXECUTE');
}

/** switch_ivr_park_session: CF_TRANSFER, so the running application returns, and CS_PARK. */
function parkSession(ch: Channel): void {
  ch.flag('CF_TRANSFER');
  setState(ch, 'CS_PARK');
}

function releaseOriginatee(core: Core, b: Channel, a: Channel): void {
  if (!b.ready || b.bridge) return;
  execAfterBridge(b);
  if (b.state !== 'CS_EXCHANGE_MEDIA') return;
  if (isTrue(b.getVar('park_after_bridge'))) {
    parkSession(b);
    return;
  }
  const after = b.getVar('transfer_after_bridge');
  if (after) {
    const [exten = '', dialplan, context] = after.split(':');
    sessionTransfer(core, b, exten, dialplan, context);
    return;
  }
  hangup(core, b, b.answered ? 'NORMAL_CLEARING' : 'ORIGINATOR_CANCEL');
  void a;
}

/**
 * What the bridge app does once the bridge ended with the caller still there
 * (end of switch_ivr_multi_threaded_bridge): hangup_after_bridge, park_after_bridge,
 * transfer_after_bridge, or nothing (the next application runs).
 */
export function afterBridge(core: Core, a: Channel, b: Channel): void {
  if (!a.ready || a.has('CF_TRANSFER') || a.has('CF_REDIRECT') || (cleanExits.get(a) ?? interrupted(a))) return;
  const cause = b.hangupCause ?? 'NORMAL_CLEARING';
  const hup = a.getVar('hangup_after_bridge');
  if (hup?.toLowerCase() === 'explicit') {
    hangup(core, a, cause);
    return;
  }
  // A far end that never answered: its cause decides, as after a failed originate.
  if (!b.answered) handleCause(core, a, cause);
  if (!a.ready || (!b.answered && !b.earlyMedia)) return;
  if (b.answered && isTrue(a.getVar('park_after_bridge'))) {
    parkSession(a);
    return;
  }
  const after = b.answered ? a.getVar('transfer_after_bridge') : undefined;
  if (after) {
    const [exten = '', dialplan, context] = after.split(':');
    sessionTransfer(core, a, exten, dialplan, context);
    return;
  }
  if (b.answered && isTrue(hup)) hangup(core, a, cause);
}

/**
 * switch_ivr_uuid_bridge: both legs leave their current app (CF_TRANSFER and CF_REDIRECT),
 * get new caller profiles and bridge variables; the originator then runs the bridge in
 * CS_SOFT_EXECUTE. The originator must have media; if only the other leg has, they swap.
 * Returns the leg actually bridged to, or null.
 */
export function uuidBridge(core: Core, first: Channel, second: Channel): Channel | null {
  let [a, b] = [first, second];
  if (!a.ready || !b.ready || a === b) return null;
  if (!a.mediaReady) {
    if (!b.mediaReady) return null;
    [a, b] = [b, a];
  }
  prepareUuidBridge(core, a, b);
  a.softExecute = () => runUuidBridge(core, a, b);
  b.softExecute = null;
  // Both legs are sent to HIBERNATE (CONSUME_MEDIA if already there), which interrupts them;
  // the originator then moves on to SOFT_EXECUTE (uuid_bridge_on_hibernate).
  setState(a, a.state === 'CS_HIBERNATE' ? 'CS_CONSUME_MEDIA' : 'CS_HIBERNATE');
  setState(b, b.state === 'CS_HIBERNATE' ? 'CS_CONSUME_MEDIA' : 'CS_HIBERNATE');
  return b;
}

function prepareUuidBridge(core: Core, a: Channel, b: Channel): void {
  a.setVar('uuid_bridge', b.uuid);
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    x.setVar('bridge_channel', y.name);
    x.setVar('bridge_uuid', y.uuid);
    x.setVar('signal_bond', y.uuid);
    x.setVar('original_destination_number', x.profile.destinationNumber);
    x.setVar('original_caller_id_name', x.profile.callerIdName);
    x.setVar('original_caller_id_number', x.profile.callerIdNumber);
  }
  stepProfile(core, b, {});
  stepProfile(core, a, {});
  b.otherLeg = { type: 'originator', profile: structuredClone(a.profile) };
  a.otherLeg = { type: 'originatee', profile: structuredClone(b.profile) };
  a.profile.calleeIdName = b.profile.calleeIdName;
  a.profile.calleeIdNumber = b.profile.calleeIdNumber;
  b.profile.callerIdName = a.profile.callerIdName;
  b.profile.callerIdNumber = a.profile.callerIdNumber;
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    const source = `${epochSeconds(core.now())}:${x.uuid}:uuid_br:${y.uuid}`;
    x.profile.transferSource = source;
    pushArray(x, 'transfer_history', source);
    x.setVar('transfer_source', source);
    x.flag('CF_TRANSFER');
    x.flag('CF_REDIRECT');
  }
}

/**
 * uuid_bridge_on_soft_execute: CHANNEL_EXECUTE "uuid_bridge" on both legs (no COMPLETE follows),
 * the bridge, then — unless hung up or moved — the originator resumes its extension
 * (CS_EXECUTE), which after an outbound socket means the action after `socket`.
 */
async function runUuidBridge(core: Core, a: Channel, b: Channel): Promise<void> {
  if (!a.ready || !b.ready) {
    if (!a.ready && b.ready) hangup(core, b, 'DESTINATION_OUT_OF_ORDER');
    if (!b.ready && a.ready) hangup(core, a, 'DESTINATION_OUT_OF_ORDER');
    return;
  }
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    x.application = 'uuid_bridge';
    x.applicationData = y.uuid;
    core.emit.channel('CHANNEL_EXECUTE', x, {
      site: SITES.uuidBridgeExecute,
      tail: [
        ['Application', 'uuid_bridge'],
        ['Application-Data', y.uuid],
      ],
    });
  }
  await bridgeLegs(core, a, b, 'uuid');
  afterBridge(core, a, b);
  // Unless hung up, moved, parked or back in routing: CS_EXECUTE, also from CS_RESET (the
  // listener of its outbound socket ended during the bridge).
  if (a.ready && !a.has('CF_TRANSFER') && !a.has('CF_REDIRECT') && a.state !== 'CS_ROUTING' && a.state !== 'CS_PARK') setState(a, 'CS_EXECUTE');
}
