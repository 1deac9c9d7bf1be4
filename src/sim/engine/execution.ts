// Running applications on a channel (switch_core_session_execute_application_get_flags and
// switch_core_session_exec in switch_core_session.c), the private message queue that sendmsg
// feeds (switch_ivr_parse_event / parse_all_events in switch_ivr.c), and DTMF reading.
// Applications that wait (park, playback, digit collection, sleep, bridge) call `tick` in their
// loop, so queued messages run nested inside them as they do in FreeSWITCH's media loops.
import { randomUUID } from 'node:crypto';
import type { Headers } from '../contracts.js';
import { parseCause } from './causes.js';
import type { Channel, Dtmf, PrivateMessage } from './channel.js';
import type { Core } from './core.js';
import { hangup, preAnswer } from './lifecycle.js';
import { SITES } from './sites.js';
import { broadcast, holdMusic, partnerOf, stopBroadcast } from './broadcast.js';

/**
 * An application must return: the channel hung up, was transferred or redirected, or was sent
 * to another state (FreeSWITCH's media reads break when the state changes under them).
 */
export function interrupted(ch: Channel): boolean {
  return !ch.ready || ch.has('CF_TRANSFER') || ch.has('CF_REDIRECT') || ch.state !== ch.runningState;
}

export interface ExecOptions {
  /** Event-UUID of the sendmsg: becomes Application-UUID */
  eventUuid?: string;
  eventUuidName?: string;
}

/** Runs one application with its CHANNEL_EXECUTE / CHANNEL_EXECUTE_COMPLETE pair. Returns false when it could not run. */
export async function executeApp(core: Core, ch: Channel, name: string, rawArg: string, opts: ExecOptions = {}): Promise<boolean> {
  const spec = core.apps.get(name);
  if (!ch.ready && !spec?.zombie) return false; // a hung-up channel runs only SAF_ZOMBIE_EXEC apps
  if (!spec) {
    // "Invalid Application": the channel is hung up with DESTINATION_OUT_OF_ORDER.
    hangup(core, ch, 'DESTINATION_OUT_OF_ORDER');
    return false;
  }
  if (!spec.noMedia && !ch.mediaReady) {
    // Apps that need media pre-answer an inbound leg; an outbound leg without media cannot run them.
    if (ch.direction === 'outbound' || !preAnswer(core, ch)) return false;
  }
  const arg = core.expand(ch, rawArg);
  const appUuid = opts.eventUuid ?? randomUUID();
  ch.setVar('current_application', name);
  ch.setVar('current_application_data', arg);
  ch.setVar('current_application_response', undefined);
  ch.application = name;
  ch.applicationData = arg;
  ch.appLog.push({ app: name, arg });
  const ids = (): Headers => [['Application-UUID', appUuid], ...(opts.eventUuidName ? ([['Application-UUID-Name', opts.eventUuidName]] as Headers) : [])];
  // An empty value never becomes a header (switch_event_add_header_string drops it).
  const data: Headers = arg === '' ? [] : [['Application-Data', arg]];
  core.emit.channel('CHANNEL_EXECUTE', ch, { site: SITES.execute, tail: [['Application', name], ...data, ...ids()] });
  await spec.run({ core, ch, arg });
  const response = ch.getVar('current_application_response') ?? '_none_';
  core.emit.channel('CHANNEL_EXECUTE_COMPLETE', ch, {
    site: SITES.executeComplete,
    tail: [['Application', name], ...data, ['Application-Response', response], ...ids()],
  });
  return true;
}

/** Sets what CHANNEL_EXECUTE_COMPLETE reports as Application-Response. */
export function respond(ch: Channel, response: string): void {
  ch.setVar('current_application_response', response);
}

const header = (m: PrivateMessage, name: string) => m.headers.find(([k]) => k.toLowerCase() === name)?.[1];

/** switch_ivr_parse_all_events: runs queued messages unless an event-lock holds them back. */
export async function processMessages(core: Core, ch: Channel): Promise<void> {
  while (ch.privateQueue.length > 0 && ch.eventLocks === 0 && ch.ready) {
    const message = ch.privateQueue.shift()!;
    await parseMessage(core, ch, message);
    // The parsed command is fired back as PRIVATE_COMMAND (switch_ivr_parse_next_event); it is a
    // clone of the command, so its own headers come before the common set.
    core.emit.channel('PRIVATE_COMMAND', ch, { site: SITES.privateCommand, prefix: message.headers });
  }
}

/** switch_ivr_parse_event for the call-commands the controller sends: execute and hangup. */
async function parseMessage(core: Core, ch: Channel, m: PrivateMessage): Promise<void> {
  const command = header(m, 'call-command');
  const locked = isTrue(header(m, 'event-lock'));
  if (locked) ch.eventLocks++;
  try {
    if (command === 'execute') await executeMessage(core, ch, m);
    else if (command === 'hangup') hangup(core, ch, parseCause(header(m, 'hangup-cause')));
  } finally {
    if (locked) ch.eventLocks--;
  }
}

/**
 * The execute call-command: the app, `loops` times (forever when negative); while it runs the
 * channel is "broadcasting" (CF_BROADCAST), so uuid_break stops the whole message. With
 * hold-bleg the bridged partner hears hold music meanwhile.
 */
async function executeMessage(core: Core, ch: Channel, m: PrivateMessage): Promise<void> {
  const app = header(m, 'execute-app-name');
  if (!app) return;
  let arg = header(m, 'execute-app-arg');
  if (!arg && header(m, 'content-type')?.toLowerCase() === 'text/plain') arg = m.body;
  // atoi: "0" (or junk) runs nothing, a negative count runs for ever.
  const loops = Number.parseInt(header(m, 'loops') ?? '1', 10) || 0;
  const opts = { eventUuid: header(m, 'event-uuid'), eventUuidName: header(m, 'event-uuid-name') };
  ch.flags.delete('CF_STOP_BROADCAST');
  const outer = ch.has('CF_BROADCAST');
  ch.flags.add('CF_BROADCAST');
  const held = isTrue(header(m, 'hold-bleg')) && ch.bridge ? holdPartner(core, ch) : undefined;
  try {
    await runLoops(core, ch, app, arg ?? '', loops, opts);
  } finally {
    if (held) stopBroadcast(held);
    if (!outer || ch.has('CF_STOP_BROADCAST')) ch.flags.delete('CF_BROADCAST');
    ch.flags.delete('CF_STOP_BROADCAST');
  }
}

/** Hold music to the bridged partner while this leg hears something else. */
function holdPartner(core: Core, ch: Channel): Channel | undefined {
  const partner = partnerOf(core, ch);
  const stream = holdMusic(core, ch);
  if (!partner || !stream) return undefined;
  broadcast(core, partner, stream, { aleg: true, bleg: false, holdBleg: false, loop: true });
  return partner;
}

async function runLoops(core: Core, ch: Channel, app: string, arg: string, loops: number, opts: ExecOptions): Promise<void> {
  for (let x = 0; x < loops || loops < 0; x++) {
    const before = core.now();
    ch.setVar('current_loop', String(x + 1));
    ch.setVar('total_loops', String(loops));
    if (!(await executeApp(core, ch, app, arg, opts))) break;
    // A loop ends when the channel is not ready (hung up, or moved or reset: switch_channel_ready
    // is false while a state change is pending), on a stopped broadcast, or when the app took
    // under half a second.
    if (interrupted(ch) || ch.has('CF_STOP_BROADCAST') || core.now() - before < 500_000) break;
  }
  ch.setVar('current_loop', undefined);
  ch.setVar('total_loops', undefined);
}

export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|yes|on|enabled|active|allow|1)$/i.test(value.trim());
}

/** switch_channel_dequeue_dtmf: takes one digit and fires DTMF (no variables) with it. */
export function dequeueDtmf(core: Core, ch: Channel): Dtmf | undefined {
  const d = ch.dtmf.shift();
  if (!d) return undefined;
  ch.dtmfLog.push(d.digit);
  core.emit.channel('DTMF', ch, {
    site: SITES.dtmf,
    tail: [
      ['DTMF-Digit', d.digit],
      ['DTMF-Duration', String(d.duration)],
      ['DTMF-Source', 'RTP'],
    ],
  });
  return d;
}

/**
 * One turn of a waiting loop: run queued messages, then sleep until something happens or
 * `ms` pass. Returns after each wake, so callers re-check their own conditions.
 */
export async function tick(core: Core, ch: Channel, ms?: number): Promise<void> {
  const seen = ch.waker.generation;
  await processMessages(core, ch);
  // Anything signalled while messages ran (a digit, a hangup) would be a lost wake-up.
  if (interrupted(ch) || ch.waker.generation !== seen) return;
  await ch.waker.sleep(ms);
}
