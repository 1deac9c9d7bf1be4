// Playing a file on a channel (switch_ivr_play_say.c switch_ivr_play_file) without audio:
// the file lasts as long as the media catalog says, PLAYBACK_START/STOP are fired, digits and
// uuid_break end it as they would. Also the recording bookkeeping of record_session.
import type { Channel } from './channel.js';
import type { Core } from './core.js';
import { dequeueDtmf, interrupted, tick } from './execution.js';
import { SITES } from './sites.js';
import type { Headers } from '../contracts.js';

export type PlayStatus = 'done' | 'break' | 'notfound' | 'hangup';

/** What a digit does to the playing file. */
export type DigitMode =
  /** playback: digits are read; one in `terminators` stops the file */
  | { kind: 'terminators'; terminators: string }
  /** read / play_and_get_digits prompt: the first digit is kept and stops the file */
  | { kind: 'first-digit' }
  /** no input arguments: digits stay queued */
  | { kind: 'none' };

export interface PlayResult {
  status: PlayStatus;
  /** the digit that stopped the file */
  digit?: string;
}

/** Seconds a path plays; Infinity for streams that never end; null when it cannot be opened. */
export function mediaSeconds(core: Core, path: string): number | null {
  const file = path.replace(/^\{[^}]*\}/, '');
  if (file.startsWith('file_string://')) return playlistSeconds(core, file.slice('file_string://'.length));
  const silence = /^silence_stream:\/\/(-?\d+)/.exec(file);
  if (silence) return Number(silence[1]) < 0 ? Infinity : Number(silence[1]) / 1000;
  if (file.startsWith('local_stream://')) return Infinity;
  if (file.startsWith('tone_stream://')) return toneSeconds(file);
  return core.media(file);
}

/**
 * A TGML tone (libteletone): each %(on,off,freq…) segment lasts on + off ms, the whole played
 * `loops` times (L=<n> or loops=<n>; -1 is endless). A tone without segments plays nothing.
 */
function toneSeconds(file: string): number {
  const loops = Number(/(?:^|;|\/\/)(?:L|loops)=(-?\d+)/.exec(file)?.[1] ?? 1);
  if (loops < 0) return Infinity;
  let ms = 0;
  for (const m of file.matchAll(/%\((\d+),(\d+)/g)) ms += Number(m[1]) + Number(m[2]);
  return (ms * Math.max(1, loops)) / 1000;
}

/** file_string://a!b: the files one after the other; one that cannot be opened fails the whole string. */
function playlistSeconds(core: Core, list: string): number | null {
  let total = 0;
  for (const part of list.split('!').filter(Boolean)) {
    const s = mediaSeconds(core, part);
    if (s === null) return null;
    total += s;
  }
  return total;
}

/** Playback-File-Type for the stream schemes, then the path (switch_ivr_play_file ~1649). */
function fileHeaders(path: string): Headers {
  const type: Headers = path.startsWith('local_stream:')
    ? [['Playback-File-Type', 'local_stream']]
    : path.startsWith('tone_stream:')
      ? [['Playback-File-Type', 'tone_stream']]
      : [];
  return [...type, ['Playback-File-Path', path]];
}

export async function playFile(core: Core, ch: Channel, path: string, mode: DigitMode): Promise<PlayResult> {
  const seconds = path ? mediaSeconds(core, path) : null;
  if (seconds === null) return { status: 'notfound' };
  core.emit.channel('PLAYBACK_START', ch, { site: SITES.playbackStart, tail: fileHeaders(path) });
  const started = Date.now();
  const until = started + seconds * 1000;
  let result: PlayResult = { status: 'done' };
  while (Date.now() < until) {
    if (!ch.ready) {
      result = { status: 'hangup' };
      break;
    }
    if (ch.has('CF_BREAK') || interrupted(ch)) {
      ch.flags.delete('CF_BREAK');
      result = { status: 'break' };
      break;
    }
    const digit = readDigit(core, ch, mode);
    if (digit !== undefined) {
      result = { status: 'break', digit };
      break;
    }
    await tick(core, ch, Number.isFinite(until) ? until - Date.now() : undefined);
  }
  setPlaybackVars(ch, Date.now() - started);
  core.emit.channel('PLAYBACK_STOP', ch, {
    site: SITES.playbackStop,
    tail: [...fileHeaders(path), ['Playback-Status', result.status === 'break' ? 'break' : 'done']],
  });
  return result;
}

/** The digit that stops the file, if one is waiting; digits that do not stop it are consumed. */
function readDigit(core: Core, ch: Channel, mode: DigitMode): string | undefined {
  if (mode.kind === 'none' || !ch.mediaReady) return undefined;
  for (let d = dequeueDtmf(core, ch); d; d = dequeueDtmf(core, ch)) {
    if (mode.kind === 'first-digit') return d.digit;
    if (mode.terminators.includes(d.digit)) {
      ch.setVar('playback_terminator_used', d.digit);
      return d.digit;
    }
  }
  return undefined;
}

/** playback_seconds / _ms / _samples / _last_offset_pos, set before PLAYBACK_STOP (8 kHz). */
function setPlaybackVars(ch: Channel, playedMs: number): void {
  const samples = Math.round(playedMs * 8);
  ch.setVar('playback_last_offset_pos', String(samples));
  ch.setVar('playback_seconds', String(Math.floor(samples / 8000)));
  ch.setVar('playback_ms', String(Math.floor(samples / 8)));
  ch.setVar('playback_samples', String(samples));
}

/** Starts a recording: RECORD_START once the media bug runs, which is after the app returned. */
export function startRecording(core: Core, ch: Channel, path: string): void {
  if (ch.recordings.has(path)) return;
  const slash = path.lastIndexOf('/');
  if (slash > 0) core.makeDirectory(path.slice(0, slash));
  ch.recordings.set(path, core.now());
  setImmediate(() => {
    if (ch.recordings.has(path) && ch.state !== 'CS_DESTROY') {
      core.emit.channel('RECORD_START', ch, { site: SITES.recordStart, tail: [['Record-File-Path', path]] });
    }
  });
}

/** Stops one recording (or all): record_* variables, then RECORD_STOP. */
export function stopRecording(core: Core, ch: Channel, path: string | 'all'): boolean {
  const paths = path === 'all' ? [...ch.recordings.keys()] : ch.recordings.has(path) ? [path] : [];
  for (const p of paths) {
    const startedUs = ch.recordings.get(p)!;
    ch.recordings.delete(p);
    const samples = Math.round(((core.now() - startedUs) / 1_000_000) * 8000);
    ch.setVar('record_samples', String(samples));
    ch.setVar('record_seconds', String(Math.floor(samples / 8000)));
    ch.setVar('record_ms', String(Math.floor(samples / 8)));
    core.emit.channel('RECORD_STOP', ch, { site: SITES.recordStop, tail: [['Record-File-Path', p]] });
  }
  return paths.length > 0;
}
