// The CDR variables FreeSWITCH computes once, in the CS_HANGUP handler
// (switch_core_state_machine.c switch_core_session_hangup_state → switch_channel_set_timestamps
// in switch_channel.c). They therefore appear on CHANNEL_HANGUP_COMPLETE, not on CHANNEL_HANGUP.
// Seconds are differences of truncated whole-second epochs, milliseconds of truncated
// millisecond epochs, exactly as the C code does, so billsec can differ by one from µs/10⁶.
import type { Channel, ProfileTimes } from './channel.js';
import { epochSeconds } from './clock.js';
import { localDate } from '../events/index.js';
import { q850, type CauseName } from './causes.js';

const ms = (us: number) => Math.floor(us / 1000);

/** hangup_cause and hangup_cause_q850, set just before the timestamps (switch_core_session_hangup_state). */
export function setHangupCauseVars(ch: Channel, cause: CauseName): void {
  ch.setVar('hangup_cause', cause);
  ch.setVar('hangup_cause_q850', String(q850(cause)));
}

/** `utcOffsetMinutes`: the switch's local time for the *_stamp variables (480 in China). */
export function setTimestamps(ch: Channel, utcOffsetMinutes: number): void {
  if (ch.has('CF_TIMESTAMP_SET')) return;
  ch.flags.add('CF_TIMESTAMP_SET');
  const t = ch.profile.times;
  const last = ch.appLog[ch.appLog.length - 1];
  ch.setVar('digits_dialed', ch.dtmfLog.length > 0 ? ch.dtmfLog.join('') : 'none');
  setStamps(ch, t, (us) => localDate(us, utcOffsetMinutes));
  setEpochs(ch, t);
  ch.setVar('last_app', last?.app);
  ch.setVar('last_arg', last?.arg);
  const { callerIdName: name, callerIdNumber: number } = ch.profile;
  ch.setVar('caller_id', name ? `"${name}" <${number}>` : number);
  setDurations(ch, t);
}

function setStamps(ch: Channel, t: ProfileTimes, localStamp: (us: number) => string): void {
  ch.setVar('start_stamp', localStamp(t.created));
  ch.setVar('profile_start_stamp', localStamp(t.profileCreated));
  if (t.answered) ch.setVar('answer_stamp', localStamp(t.answered));
  if (t.bridged) ch.setVar('bridge_stamp', localStamp(t.bridged));
  if (t.lastHold) ch.setVar('hold_stamp', localStamp(t.lastHold));
  if (t.resurrected) ch.setVar('resurrect_stamp', localStamp(t.resurrected));
  if (t.progress) ch.setVar('progress_stamp', localStamp(t.progress));
  if (t.progressMedia) ch.setVar('progress_media_stamp', localStamp(t.progressMedia));
  ch.setVar('end_stamp', localStamp(t.hungup));
}

/** *_epoch and *_uepoch are always present; a moment that never happened is "0". */
function setEpochs(ch: Channel, t: ProfileTimes): void {
  const pair = (name: string, us: number) => {
    ch.setVar(`${name}_epoch`, String(epochSeconds(us)));
    ch.setVar(`${name}_uepoch`, String(us));
  };
  pair('start', t.created);
  pair('profile_start', t.profileCreated);
  pair('answer', t.answered);
  pair('bridge', t.bridged);
  pair('last_hold', t.lastHold);
  ch.setVar('hold_accum_seconds', String(epochSeconds(t.holdAccum)));
  ch.setVar('hold_accum_usec', String(t.holdAccum));
  ch.setVar('hold_accum_ms', String(ms(t.holdAccum)));
  pair('resurrect', t.resurrected);
  pair('progress', t.progress);
  pair('progress_media', t.progressMedia);
  pair('end', t.hungup);
}

interface Span {
  sec: number;
  msec: number;
  usec: number;
}

/** from → to in the three units, each from truncated epochs of that unit. */
function span(from: number, to: number): Span {
  return { sec: epochSeconds(to) - epochSeconds(from), msec: ms(to) - ms(from), usec: to - from };
}

const NONE: Span = { sec: 0, msec: 0, usec: 0 };

function setDurations(ch: Channel, t: ProfileTimes): void {
  const duration = span(t.created, t.hungup);
  const wait = t.bridged > t.created ? span(t.created, t.bridged) : NONE;
  const bill = t.answered ? span(t.answered, t.hungup) : NONE;
  const flow = t.answered ? duration : NONE;
  const answer = t.answered ? span(t.created, t.answered) : NONE;
  const progress = t.progress ? span(t.created, t.progress) : NONE;
  const media = t.progressMedia ? span(t.created, t.progressMedia) : NONE;
  const set = (name: string, v: number) => ch.setVar(name, String(v));
  set('duration', duration.sec);
  set('billsec', bill.sec);
  set('progresssec', progress.sec);
  set('answersec', answer.sec);
  set('waitsec', wait.sec);
  set('progress_mediasec', media.sec);
  set('flow_billsec', flow.sec);
  set('mduration', duration.msec);
  set('billmsec', bill.msec);
  set('progressmsec', progress.msec);
  set('answermsec', answer.msec);
  set('waitmsec', wait.msec);
  set('progress_mediamsec', media.msec);
  set('flow_billmsec', flow.msec);
  set('uduration', duration.usec);
  set('billusec', bill.usec);
  set('progressusec', progress.usec);
  set('answerusec', answer.usec);
  set('waitusec', wait.usec);
  set('progress_mediausec', media.usec);
  set('flow_billusec', flow.usec);
}
