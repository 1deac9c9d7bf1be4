// answer, pre_answer, ring_ready, respond, hangup, sleep, park, transfer, and the no-op log/info
// (mod_dptools.c answer_function, pre_answer_function, ring_ready_function, respond_function,
// hangup_function, sleep_function, park_function, transfer_function; switch_ivr.c switch_ivr_park).
import { parseCause, type CauseName } from '../causes.js';
import type { AppCall, AppSpec, Core } from '../core.js';
import type { Channel } from '../channel.js';
import { dequeueDtmf, interrupted, isTrue, tick } from '../execution.js';
import { answer, hangup, preAnswer, ringReady } from '../lifecycle.js';
import { sipCauseToFreeswitch } from '../pairs.js';
import { SITES } from '../sites.js';
import { sessionTransfer } from '../transfer.js';

async function answerApp({ core, ch }: AppCall): Promise<void> {
  answer(core, ch);
}

async function preAnswerApp({ core, ch }: AppCall): Promise<void> {
  preAnswer(core, ch);
}

async function ringReadyApp({ core, ch }: AppCall): Promise<void> {
  ringReady(core, ch);
}

/**
 * respond <code> [<reason>] (DP respond_function): SWITCH_MESSAGE_INDICATE_RESPOND to the
 * channel's endpoint with the text and numeric_arg -1. mod_sofia (receive_message) reads the
 * code with atoi (none: 488); without SDP and with that numeric_arg, a code above 399 is kept
 * as the final response and the channel is hung up with its cause
 * (sofia_glue_sip_cause_to_freeswitch; 401 and 407 USER_CHALLENGE); a lower code only logs
 * "Cannot respond." (100 acknowledges the INVITE, 302 redirects: not simulated). A 488 to an
 * answered call answers a re-INVITE. mod_loopback's channel_receive_message has no case for
 * RESPOND, so on a loopback leg the app does nothing.
 */
async function respond({ core, ch, arg }: AppCall): Promise<void> {
  if (ch.sim.tech === 'loopback') return;
  const code = Number.parseInt(arg.trim(), 10) || 488;
  if (code === 100 || code === 302 || code <= 399) return;
  if (ch.answered && code === 488) return;
  ch.sim.respondCode = code;
  hangup(core, ch, code === 401 || code === 407 ? 'USER_CHALLENGE' : sipCauseToFreeswitch(code));
}

/** hangup [cause]: an unknown name is NORMAL_CLEARING; CHANNEL_HANGUP fires inside the app. */
async function hangupApp({ core, ch, arg }: AppCall): Promise<void> {
  hangup(core, ch, parseCause(arg.trim() || undefined));
}

/**
 * sleep <ms>: digits stay queued for the next app unless sleep_eat_digits is true; then they
 * are read, and one in playback_terminators ends the sleep early.
 */
async function sleep({ core, ch, arg }: AppCall): Promise<void> {
  const ms = Number.parseInt(arg, 10);
  if (!(ms > 0)) return;
  const until = Date.now() + ms;
  const eat = isTrue(ch.getVar('sleep_eat_digits'));
  while (!interrupted(ch) && Date.now() < until) {
    if (eat && stopsSleep(core, ch)) return;
    await tick(core, ch, until - Date.now());
  }
}

function stopsSleep(core: Core, ch: Channel): boolean {
  const terminators = terminatorSet(ch.getVar('playback_terminators') ?? '*');
  for (let d = dequeueDtmf(core, ch); d; d = dequeueDtmf(core, ch)) {
    if (terminators.includes(d.digit)) {
      ch.setVar('playback_terminator_used', d.digit);
      return true;
    }
  }
  return false;
}

/** playback_terminators as on_dtmf reads it: `any` is every key, `none` is no key. */
export function terminatorSet(value: string): string {
  if (value.toLowerCase() === 'any') return '1234567890*#';
  if (value.toLowerCase() === 'none') return '';
  return value;
}

/**
 * switch_ivr_park: CHANNEL_PARK, then wait — running queued messages, reading digits — until
 * a bridge, transfer or hangup takes the channel; CHANNEL_UNPARK on the way out. A channel
 * already under control (an outbound socket parks it) cannot be parked again: the app returns.
 * `park_timeout` (`<seconds>[:<cause>]`) is read by the first park that finds it and unset
 * there, together with park_after_bridge; when it expires the channel is hung up with the
 * cause (NORMAL_CLEARING by default). It never transfers anywhere.
 */
export async function parkChannel(core: Core, ch: Channel): Promise<void> {
  if (ch.has('CF_CONTROLLED')) return;
  const timeout = takeParkTimeout(ch);
  ch.flags.add('CF_CONTROLLED');
  ch.flags.add('CF_PARK');
  core.emit.channel('CHANNEL_PARK', ch, { site: SITES.park });
  const parked = () => ch.ready && ch.has('CF_CONTROLLED') && ch.has('CF_PARK') && !interrupted(ch);
  while (parked()) {
    while (ch.mediaReady && dequeueDtmf(core, ch));
    await tick(core, ch, timeout ? timeout.atMs - Date.now() : undefined);
    if (timeout && Date.now() >= timeout.atMs && parked()) {
      hangup(core, ch, timeout.cause);
      break;
    }
  }
  ch.flags.delete('CF_CONTROLLED');
  ch.flags.delete('CF_PARK');
  core.emit.channel('CHANNEL_UNPARK', ch, { site: SITES.unpark });
}

/**
 * switch_ivr.c switch_ivr_park: the seconds are read with atoi and a negative number means no
 * limit; the cause after `:` goes through switch_channel_str2cause. The limit counts whole
 * seconds of switch_epoch_time_now, so it expires between N−1 and N seconds after the park.
 */
function takeParkTimeout(ch: Channel): { atMs: number; cause: CauseName } | undefined {
  const value = ch.getVar('park_timeout');
  if (value === undefined) return undefined;
  ch.setVar('park_timeout', undefined);
  ch.setVar('park_after_bridge', undefined);
  const colon = value.indexOf(':');
  const cause = colon >= 0 ? parseCause(value.slice(colon + 1)) : 'NORMAL_CLEARING';
  const seconds = Number.parseInt(value, 10) || 0;
  if (seconds < 0) return undefined;
  return { atMs: (Math.floor(Date.now() / 1000) + seconds) * 1000, cause };
}

async function park({ core, ch }: AppCall): Promise<void> {
  await parkChannel(core, ch);
}

/** transfer [-bleg|-both] <exten> [<dialplan> [<context>]] */
async function transfer({ core, ch, arg }: AppCall): Promise<void> {
  const words = arg.trim().split(/\s+/).filter(Boolean);
  const leg = words[0] === '-bleg' || words[0] === '-both' ? words.shift() : undefined;
  const [exten = '', dialplan, context] = words;
  const peer = ch.bridge?.peer;
  if (leg && peer) sessionTransfer(core, peer, exten, dialplan, context);
  if (!leg || leg === '-both' || !peer) sessionTransfer(core, ch, exten, dialplan, context);
}

async function nothing(): Promise<void> {}

export const CALL_CONTROL_APPS: Record<string, AppSpec> = {
  answer: { run: answerApp, noMedia: true },
  pre_answer: { run: preAnswerApp, noMedia: true },
  ring_ready: { run: ringReadyApp, noMedia: true },
  respond: { run: respond, noMedia: true },
  hangup: { run: hangupApp, noMedia: true },
  sleep: { run: sleep, noMedia: true },
  park: { run: park, noMedia: true },
  transfer: { run: transfer, noMedia: true },
  log: { run: nothing, noMedia: true },
  info: { run: nothing, noMedia: true, zombie: true },
};
