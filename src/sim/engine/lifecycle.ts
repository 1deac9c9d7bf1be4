// What happens to a channel and the events it fires, in FreeSWITCH's order
// (switch_channel.c: perform_set_running_state, set_callstate, mark_ring_ready, mark_pre_answered,
// mark_answered, perform_hangup; switch_core_state_machine.c: hangup and reporting states;
// switch_core_session.c: destroy).
import { randomUUID } from 'node:crypto';
import type { CauseName } from './causes.js';
import { setHangupCauseVars, setTimestamps } from './cdr.js';
import { Channel, CALL_STATES, emptyTimes, type CallState, type CallerProfile, type ChannelState, type Direction } from './channel.js';
import type { Core } from './core.js';
import { stopRecording } from './media.js';
import { indicate, pairHangup, type Indication } from './pairs.js';
import { SITES } from './sites.js';

export interface NewChannel {
  direction: Direction;
  name: string;
  uuid?: string;
  profile: Partial<Omit<CallerProfile, 'times' | 'uuid' | 'channelName' | 'direction' | 'logicalDirection'>>;
  vars?: Iterable<[string, string]>;
}

/** A channel in CS_NEW with its first caller profile (switch_core_session_request + set_caller_profile). */
export function newChannel(core: Core, spec: NewChannel): Channel {
  const now = core.now();
  const uuid = spec.uuid && !core.channels.has(spec.uuid) ? spec.uuid : randomUUID();
  const times = { ...emptyTimes(), created: now, profileCreated: now };
  const profile: CallerProfile = {
    username: '',
    dialplan: 'XML',
    callerIdName: '',
    callerIdNumber: '',
    origCallerIdName: '',
    origCallerIdNumber: '',
    calleeIdName: '',
    calleeIdNumber: '',
    networkAddr: '',
    ani: '',
    aniii: '',
    destinationNumber: '',
    source: '',
    transferSource: '',
    context: 'default',
    rdnis: '',
    profileIndex: 1,
    ...spec.profile,
    uuid,
    channelName: spec.name,
    direction: spec.direction,
    logicalDirection: spec.direction,
    times,
  };
  const ch = new Channel(uuid, spec.direction, spec.name, profile);
  ch.setVar('direction', spec.direction);
  ch.setVar('uuid', uuid);
  ch.setVar('session_id', String(++core.sessionsCreated));
  ch.setVar('channel_name', spec.name);
  for (const [k, v] of spec.vars ?? []) ch.setVar(k, v);
  core.channels.set(uuid, ch);
  core.peakSessions = Math.max(core.peakSessions, core.channels.size);
  return ch;
}

/** switch_channel_set_state: the target state; the session loop runs it (and fires CHANNEL_STATE). */
export function setState(ch: Channel, state: ChannelState): void {
  if (ch.state === state) return;
  // Once hung up a channel only moves forward (switch_channel_perform_set_state).
  const order = (s: ChannelState) => ['CS_HANGUP', 'CS_REPORTING', 'CS_DESTROY'].indexOf(s);
  if (order(ch.state) >= 0 && order(state) < order(ch.state)) return;
  ch.state = state;
  ch.waker.wake();
  // The bridge's other side polls the pair each frame in FreeSWITCH (audio_bridge_thread); here
  // it sleeps, so a leg moved out of a bridge (uuid_park, a transfer) must wake its partner.
  ch.bridge?.peer.waker.wake();
}

/** switch_channel_perform_set_running_state: inbound legs derive their callstate, then CHANNEL_STATE. */
export function runState(core: Core, ch: Channel, state: ChannelState): void {
  ch.runningState = state;
  if (ch.direction === 'inbound' && ch.ready && !['CS_HANGUP', 'CS_REPORTING', 'CS_DESTROY'].includes(state)) {
    if (state === 'CS_ROUTING') setCallState(core, ch, 'RINGING');
    else if (ch.answered) setCallState(core, ch, 'ACTIVE');
    else if (ch.earlyMedia) setCallState(core, ch, 'EARLY');
  }
  core.emit.channel('CHANNEL_STATE', ch, { site: SITES.state });
}

/** switch_channel_perform_set_callstate: no event for the same state, and nothing after HANGUP. */
export function setCallState(core: Core, ch: Channel, state: CallState): void {
  const old = ch.callState;
  if (old === state || old === 'HANGUP') return;
  ch.callState = state;
  core.emit.channel('CHANNEL_CALLSTATE', ch, {
    site: SITES.callState,
    lead: [
      ['Original-Channel-Call-State', old],
      ['Channel-Call-State-Number', String(CALL_STATES.indexOf(state))],
    ],
  });
}

/** The A-leg of a B-leg (the channel that originated it), for times FreeSWITCH copies across. */
function originatorOf(core: Core, ch: Channel): Channel | undefined {
  return ch.otherLeg?.type === 'originator' ? core.channel(ch.otherLeg.profile.uuid) : undefined;
}

/**
 * 180 Ringing: CHANNEL_PROGRESS. switch_channel_perform_mark_ring_ready_value sets the progress
 * time, and overwrites the originator's with it, every time (each B-leg that rings moves the
 * A-leg's progress time, as it does for progress_media below).
 */
export function markRingReady(core: Core, ch: Channel): void {
  if (ch.ringReady || ch.answered || !ch.ready) return;
  ch.ringReady = true;
  ch.profile.times.progress = core.now();
  const a = originatorOf(core, ch);
  if (a) a.profile.times.progress = ch.profile.times.progress;
  core.emit.channel('CHANNEL_PROGRESS', ch, { site: SITES.progress });
  setCallState(core, ch, 'RINGING');
  ch.waker.wake();
}

/** 183 with SDP: CHANNEL_PROGRESS_MEDIA (the originator's progress_media time is overwritten). */
export function markPreAnswered(core: Core, ch: Channel): void {
  if (ch.earlyMedia || ch.answered || !ch.ready) return;
  ch.earlyMedia = true;
  ch.setVar('endpoint_disposition', 'EARLY MEDIA');
  ch.profile.times.progressMedia = core.now();
  const a = originatorOf(core, ch);
  if (a) a.profile.times.progressMedia = ch.profile.times.progressMedia;
  core.emit.channel('CHANNEL_PROGRESS_MEDIA', ch, { site: SITES.progressMedia });
  setCallState(core, ch, 'EARLY');
  ch.waker.wake();
}

export function markAnswered(core: Core, ch: Channel): boolean {
  if (!ch.ready) return false;
  if (ch.answered) return true;
  ch.profile.times.answered = core.now();
  ch.answered = true;
  core.emit.channel('CHANNEL_ANSWER', ch, { site: SITES.answer });
  ch.setVar('endpoint_disposition', 'ANSWER');
  setCallState(core, ch, 'ACTIVE');
  core.observe((o) => o.legAnswered?.(ch));
  ch.waker.wake();
  ch.bridge?.peer.waker.wake(); // a bridge made on early media answers its caller now
  return true;
}

/**
 * switch_channel_pre_answer on our side of the call: only inbound legs can be pre-answered
 * (an outbound leg's media comes from the far end). The INDICATE_PROGRESS reaches the
 * endpoint first: a loopback -b leg marks its -a leg (pairs.ts).
 */
export function preAnswer(core: Core, ch: Channel): boolean {
  if (!ch.ready) return false;
  if (ch.direction === 'inbound' && !ch.answered && !ch.earlyMedia) {
    signalPair(core, ch, 'progress', () => markPreAnswered(core, ch));
  }
  return true;
}

/**
 * switch_channel_ring_ready on an inbound leg: INDICATE_RINGING to the endpoint (a 180, or the
 * loopback -a leg marked), then CHANNEL_PROGRESS here.
 */
export function ringReady(core: Core, ch: Channel): void {
  if (!ch.ready || ch.direction !== 'inbound' || ch.answered || ch.earlyMedia) return;
  signalPair(core, ch, 'ringing', () => markRingReady(core, ch));
}

/**
 * switch_channel_answer: an outbound leg returns success without doing anything
 * (switch_channel_perform_answer); a sofia inbound leg sends 183 media first, then 200 OK,
 * which is why the traces show PROGRESS_MEDIA right before ANSWER. A loopback leg has no such
 * step: its INDICATE_ANSWER marks the -a leg answered, then this one.
 */
export function answer(core: Core, ch: Channel): boolean {
  if (!ch.ready) return false;
  if (ch.direction === 'outbound') return true;
  if (ch.answered) return true;
  if (ch.sim.tech !== 'loopback') markPreAnswered(core, ch);
  signalPair(core, ch, 'answer', () => markAnswered(core, ch));
  return ch.answered;
}

/**
 * The endpoint hears of it before the channel marks itself: mod_loopback marks its twin inside
 * channel_receive_message; a SIP response reaches the other profile's leg only afterwards.
 */
function signalPair(core: Core, ch: Channel, what: Indication, markSelf: () => void): void {
  if (ch.sim.tech === 'loopback') {
    indicate(core, ch, what);
    markSelf();
  } else {
    markSelf();
    indicate(core, ch, what);
  }
}

/** The leg this one is bonded to (signal_bond), for the *_partner variables. */
function partnerOf(core: Core, ch: Channel): Channel | undefined {
  return core.channel(ch.getVar('signal_bond') ?? ch.getVar('originate_signal_bond'));
}

/**
 * switch_channel_perform_hangup: once per channel. CHANNEL_HANGUP is fired at once, while the
 * running state is still the old one (the traces show Channel-State CS_EXECUTE with
 * Channel-State-Number 10). The session loop then runs the hangup and reporting states.
 */
export function hangup(core: Core, ch: Channel, cause: CauseName): void {
  if (!ch.ready) return;
  ch.state = 'CS_HANGUP';
  ch.hangupCause = cause;
  partnerOf(core, ch)?.setVar('last_bridge_hangup_cause', cause);
  const proto = ch.getVar('proto_specific_hangup_cause');
  if (proto) partnerOf(core, ch)?.setVar('last_bridge_proto_specific_hangup_cause', proto);
  if (ch.bridge) ch.setVar('last_bridge_role', ch.bridge.originator ? 'originator' : 'originatee');
  core.emit.channel('CHANNEL_HANGUP', ch, { site: SITES.hangup });
  ch.waker.wake();
  ch.bridge?.peer.waker.wake();
}

/**
 * api_hangup_hook (switch_core_state_machine.c api_hook): after the CDR variables, so that the
 * command can read them. "cmd::args" or "cmd args"; the arguments are expanded against the
 * channel's variables; the reply is only logged by FreeSWITCH, and dropped here.
 */
function runHangupHook(core: Core, ch: Channel): void {
  const hook = ch.getVar('api_hangup_hook');
  if (!hook || !core.api) return;
  const [command, args] = splitHook(hook);
  const reply = core.api(command, core.expand(ch, args));
  if (reply instanceof Promise) reply.catch(() => undefined);
}

/** api_hook's split: at the first `:` when a second follows it, else at the first space. */
function splitHook(hook: string): [string, string] {
  const colon = hook.indexOf(':');
  if (colon >= 0 && hook[colon + 1] === ':') return [hook.slice(0, colon), hook.slice(colon + 2)];
  const space = hook.indexOf(' ');
  return space < 0 ? [hook, ''] : [hook.slice(0, space), hook.slice(space + 1)];
}

/**
 * The end of a session, after its last application returned: CS_HANGUP (CDR variables,
 * callstate HANGUP), CS_REPORTING (CHANNEL_HANGUP_COMPLETE with the cause once more before the
 * channel data), then CHANNEL_DESTROY and the CS_DESTROY running state.
 */
export function finishSession(core: Core, ch: Channel): void {
  const cause = ch.hangupCause ?? 'NORMAL_CLEARING';
  runState(core, ch, 'CS_HANGUP');
  pairHangup(core, ch); // the endpoint's on_hangup (mod_loopback, sofia_on_hangup)
  ch.profile.times.hungup = core.now();
  stopRecording(core, ch, 'all'); // switch_core_media_bug_remove_all, first thing in the hangup state
  setHangupCauseVars(ch, cause);
  setTimestamps(ch, core.utcOffsetMinutes);
  setCallState(core, ch, 'HANGUP');
  runHangupHook(core, ch);
  ch.state = 'CS_REPORTING';
  runState(core, ch, 'CS_REPORTING');
  core.emit.channel('CHANNEL_HANGUP_COMPLETE', ch, { site: SITES.hangupComplete, lead: [['Hangup-Cause', cause]] });
  ch.state = 'CS_DESTROY';
  core.channels.delete(ch.uuid);
  core.emit.channel('CHANNEL_DESTROY', ch, { site: SITES.destroy });
  runState(core, ch, 'CS_DESTROY');
  core.observe((o) => o.channelDestroyed?.(ch));
  ch.markDestroyed();
}
