// playback, endless_playback, read, play_and_get_digits, record_session, stop_record_session
// (mod_dptools.c playback_function ~3029, endless_playback_function ~3075, read_function ~2755,
// play_and_get_digits_function ~2822, record_session_function; switch_ivr_play_say.c
// switch_ivr_read and switch_play_and_get_digits; switch_ivr.c switch_ivr_collect_digits_count).
import type { AppCall, AppSpec, Core } from '../core.js';
import type { Channel } from '../channel.js';
import { dequeueDtmf, interrupted, respond, tick } from '../execution.js';
import { playFile, startRecording, stopRecording, type PlayResult } from '../media.js';
import { sessionTransfer } from '../transfer.js';
import { terminatorSet } from './call-control.js';
import { splitWords } from '../words.js';

const RESPONSES: Record<PlayResult['status'], string> = {
  done: 'FILE PLAYED',
  break: 'FILE PLAYED',
  notfound: 'FILE NOT FOUND',
  hangup: 'PLAYBACK ERROR',
};

async function playback({ core, ch, arg }: AppCall): Promise<void> {
  ch.setVar('playback_terminator_used', '');
  const path = arg.split('@@')[0] ?? '';
  const terminators = terminatorSet(ch.getVar('playback_terminators') ?? '*');
  const result = await playFile(core, ch, path, { kind: 'terminators', terminators });
  respond(ch, RESPONSES[result.status]);
}

/** Plays the file again and again; a break (digit, uuid_break) just starts it over. */
async function endlessPlayback({ core, ch, arg }: AppCall): Promise<void> {
  const terminators = terminatorSet(ch.getVar('playback_terminators') ?? '*');
  let result: PlayResult = { status: 'done' };
  while (!interrupted(ch)) {
    result = await playFile(core, ch, arg, { kind: 'terminators', terminators });
    if (result.status === 'notfound' || result.status === 'hangup') break;
  }
  respond(ch, RESPONSES[result.status]);
}

type ReadStatus = 'success' | 'timeout' | 'too_small' | 'failure';

interface ReadSpec {
  min: number;
  max: number;
  prompt: string;
  variable: string;
  timeoutMs: number;
  terminators: string;
  digitTimeoutMs: number;
}

/** switch_ivr_read: prompt (the first digit stops it), collect the rest, set the result variables. */
async function readDigits(core: Core, ch: Channel, spec: ReadSpec): Promise<{ status: ReadStatus; digits: string }> {
  const max = Math.max(spec.max, spec.min);
  const digitTimeout = spec.digitTimeoutMs || spec.timeoutMs;
  ch.setVar('read_result', undefined);
  if (spec.variable) ch.setVar(spec.variable, undefined);
  let buffer = '';
  let status: ReadStatus = 'success';
  if (spec.prompt && spec.prompt.toLowerCase() !== 'silence') {
    const played = await playFile(core, ch, spec.prompt, { kind: 'first-digit' });
    if (played.digit) buffer = played.digit;
    if (played.status === 'notfound' || played.status === 'hangup') return finishRead(ch, spec, buffer, null);
  }
  let terminator = '';
  if ((spec.min && buffer.length < spec.min) || buffer.length < max) {
    const collected = await collectDigits(core, ch, buffer, max, spec.terminators, buffer ? digitTimeout : spec.timeoutMs, digitTimeout);
    ({ buffer, terminator, status } = collected);
  }
  if (terminator) ch.setVar('read_terminator_used', terminator);
  else if (spec.terminators.startsWith('=')) status = 'too_small';
  if (spec.min && buffer.length < spec.min) status = 'too_small';
  return finishRead(ch, spec, buffer, status);
}

/** read_result, the one-digit terminator rule, and the variable (only when there are digits). */
function finishRead(ch: Channel, spec: ReadSpec, buffer: string, status: ReadStatus | null): { status: ReadStatus; digits: string } {
  if (status !== null) ch.setVar('read_result', status === 'success' ? 'success' : status === 'timeout' ? 'timeout' : 'failure');
  let digits = buffer;
  if (Math.max(spec.max, spec.min) === 1 && digits.length === 1 && spec.terminators.includes(digits)) digits = '';
  if (spec.variable && digits) ch.setVar(spec.variable, digits);
  return { status: status ?? 'failure', digits };
}

/** switch_ivr_collect_digits_count: first timeout, then the digit timeout after each batch of digits. */
async function collectDigits(
  core: Core,
  ch: Channel,
  start: string,
  max: number,
  terminators: string,
  firstMs: number,
  digitMs: number,
): Promise<{ buffer: string; terminator: string; status: ReadStatus }> {
  let buffer = start;
  for (let i = 0; i < buffer.length; i++) {
    if (terminators.includes(buffer[i]!)) return { buffer: buffer.slice(0, i), terminator: buffer[i]!, status: 'success' };
  }
  let limit = firstMs;
  let since = Date.now();
  while (!interrupted(ch)) {
    if (Date.now() - since >= limit) return { buffer, terminator: '', status: 'timeout' };
    if (ch.dtmf.length > 0) {
      limit = digitMs;
      since = Date.now();
      for (let d = dequeueDtmf(core, ch); d; d = dequeueDtmf(core, ch)) {
        if (terminators.includes(d.digit)) return { buffer, terminator: d.digit, status: 'success' };
        buffer += d.digit;
        if (buffer.length >= max) return { buffer, terminator: '', status: 'success' };
      }
    }
    await tick(core, ch, limit - (Date.now() - since));
  }
  return { buffer, terminator: '', status: 'failure' };
}

const int = (s: string | undefined, fallback = 0) => {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) ? n : fallback;
};

/** read <min> <max> <file> <var> <timeout_ms> <terminators> [<digit_timeout_ms>] */
async function read({ core, ch, arg }: AppCall): Promise<void> {
  const a = arg.split(' ');
  const min = Math.max(1, int(a[0]));
  await readDigits(core, ch, {
    min,
    max: Math.max(int(a[1]), min),
    prompt: a[2] ?? '',
    variable: a[3] ?? '',
    timeoutMs: Math.max(1000, int(a[4], 1000)),
    terminators: a[5] || '#',
    digitTimeoutMs: int(a[6]),
  });
}

/**
 * play_and_get_digits <min> <max> <tries> <timeout_ms> <terminators> <file> <invalid_file> <var>
 * <regexp> [<digit_timeout_ms>] ['<failure_ext> [<dialplan> [<context>]]']
 */
async function playAndGetDigits({ core, ch, arg }: AppCall): Promise<void> {
  const a = splitWords(arg, 11);
  const min = Math.max(0, int(a[0]));
  const spec: ReadSpec = {
    min,
    max: Math.max(int(a[1]), min),
    prompt: a[5] ?? '',
    variable: a[7] ?? '',
    timeoutMs: Math.max(1000, int(a[3], 1000)),
    terminators: a[4] || '#',
    digitTimeoutMs: int(a[9]),
  };
  let tries = int(a[2]);
  const regex = a[8] ?? '';
  const invalidFile = a[6] ?? '';
  if (regex && spec.variable) ch.setVar(`${spec.variable}_invalid`, undefined);
  while (ch.ready && tries > 0) {
    const read = await readDigits(core, ch, spec);
    const status = read.status === 'timeout' && read.digits.length >= min ? 'success' : read.status;
    if (min === 0 && read.digits === '' && ch.getVar('read_terminator_used') !== undefined) return;
    if (status === 'success' && read.digits !== '') {
      if (!regex || matches(read.digits, regex)) return;
      ch.setVar(spec.variable, undefined);
      if (spec.variable) ch.setVar(`${spec.variable}_invalid`, read.digits);
    }
    if (!ch.ready) break;
    // The invalid-input prompt plays after every failed try, the last one included, with no input args.
    await playFile(core, ch, invalidFile, { kind: 'none' });
    tries--;
  }
  const failure = a[10];
  if (failure && ch.ready) {
    const [ext = '', dialplan, context] = failure.replace(/^'|'$/g, '').split(' ');
    sessionTransfer(core, ch, ext, dialplan, context);
  }
}

/** FreeSWITCH regexes are PCRE; the forms used in dialplans (\d, [], {n,m}, ^$) read the same in JS. */
function matches(text: string, regex: string): boolean {
  try {
    return new RegExp(regex).test(text);
  } catch {
    return false;
  }
}

/** record_session <path> [+<limit_s>] [{vars}]: the recording starts after the app returns. */
async function recordSession({ core, ch, arg }: AppCall): Promise<void> {
  const path = arg.trim().split(/\s+/)[0];
  if (path) startRecording(core, ch, path);
}

async function stopRecordSession({ core, ch, arg }: AppCall): Promise<void> {
  stopRecording(core, ch, arg.trim() || 'all');
}

export const MEDIA_APPS: Record<string, AppSpec> = {
  playback: { run: playback, noMedia: false },
  endless_playback: { run: endlessPlayback, noMedia: false },
  read: { run: read, noMedia: false },
  play_and_get_digits: { run: playAndGetDigits, noMedia: false },
  record_session: { run: recordSession, noMedia: false },
  stop_record_session: { run: stopRecordSession, noMedia: false },
};
