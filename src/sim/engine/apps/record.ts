// The `record` and `mkdir` applications. `record`: the caller's voice to a file in the foreground, as a voicemail
// takes it (mod_dptools.c record_function, switch_ivr_play_say.c switch_ivr_record_file_event).
//   record <path> [[+]<limit_s>] [<silence_thresh>] [<silence_hits_s>]
// It pre-answers, fires RECORD_START, then reads until the caller hangs up, a terminator digit
// (playback_terminators, `*` when unset) or uuid_break stops it, or more than <limit_s> whole
// seconds have passed; then record_seconds/_ms/_samples and RECORD_STOP. A hangup while it
// records still leaves the file and the variables; a transfer while it records hangs the
// channel up (DESTINATION_OUT_OF_ORDER), as record_function does whenever the channel is not
// ready afterwards. No audio flows in the simulator, so silence
// is never detected: <silence_thresh> is read and ignored (docs/freeswitch-fidelity.md).
import type { AppCall, AppSpec } from '../core.js';
import { dequeueDtmf, interrupted, tick } from '../execution.js';
import { hangup, preAnswer } from '../lifecycle.js';
import { SITES } from '../sites.js';
import { terminatorSet } from './call-control.js';

async function record({ core, ch, arg }: AppCall): Promise<void> {
  const [path, limitArg] = arg.trim().split(' ');
  if (!path) return; // "No file specified." and nothing else
  const limitS = limitArg ? Number.parseInt(limitArg.replace(/^\+/, ''), 10) || 0 : 0;
  ch.setVar('playback_terminator_used', '');
  if (!preAnswer(core, ch) || !ch.mediaReady) {
    hangup(core, ch, 'DESTINATION_OUT_OF_ORDER');
    return;
  }
  // the file is opened before RECORD_START; a missing folder fails it (GENERR) and
  // record_function hangs the caller up
  if (!core.canCreate(path)) {
    hangup(core, ch, 'DESTINATION_OUT_OF_ORDER');
    return;
  }
  ch.setVar('silence_hits_exhausted', 'false');
  core.emit.channel('RECORD_START', ch, { site: SITES.recordFileStart, tail: [['Record-File-Path', path]] });
  const terminators = terminatorSet(ch.getVar('playback_terminators') ?? '*');
  // the limit is checked against time(NULL): whole seconds, and only once it is exceeded
  const startS = Math.floor(Date.now() / 1000);
  const startedMs = Date.now();
  let failed = false;
  for (;;) {
    // switch_channel_ready is false in a transfer too, and record_function then hangs up
    if (interrupted(ch)) {
      failed = true;
      break;
    }
    if (ch.has('CF_BREAK')) {
      ch.flags.delete('CF_BREAK');
      break;
    }
    if (limitS && Math.floor(Date.now() / 1000) - startS > limitS) break;
    if (takeTerminator(core, ch, terminators)) break;
    const untilNextSecond = limitS ? (startS + limitS + 1) * 1000 - Date.now() + 1 : undefined;
    await tick(core, ch, untilNextSecond);
  }
  const samples = Math.round((Date.now() - startedMs) * 8);
  ch.setVar('record_seconds', String(Math.floor(samples / 8000)));
  ch.setVar('record_ms', String(Math.floor(samples / 8)));
  ch.setVar('record_samples', String(samples));
  core.emit.channel('RECORD_STOP', ch, { site: SITES.recordFileStop, tail: [['Record-File-Path', path]] });
  if (failed) hangup(core, ch, 'DESTINATION_OUT_OF_ORDER');
}

/** on_dtmf: every digit is read; one among the terminators ends the recording. */
function takeTerminator(core: AppCall['core'], ch: AppCall['ch'], terminators: string): boolean {
  for (let d = dequeueDtmf(core, ch); d; d = dequeueDtmf(core, ch)) {
    if (terminators.includes(d.digit)) {
      ch.setVar('playback_terminator_used', d.digit);
      return true;
    }
  }
  return false;
}

/** mkdir <path> (mod_dptools.c mkdir_function): switch_dir_make_recursive, nothing reported. */
async function mkdir({ core, arg }: AppCall): Promise<void> {
  if (arg.trim()) core.makeDirectory(arg.trim());
}

export const RECORD_APPS: Record<string, AppSpec> = {
  record: { run: record, noMedia: false },
  mkdir: { run: mkdir, noMedia: true },
};
