// Leaving a message (留言) instead of waiting on: the prompt and a tone, then FreeSWITCH's
// `record` application until the caller hangs up, presses #, or the longest message
// (acd.voicemail_max_s) is reached, or five seconds of silence pass. The message goes on the
// call-back list (漏接回拨) with its file and length, where agents see it and call back.
import type { CallContext, Step } from '../step.js';
import { prompt } from '../step.js';
import { requestCallback } from '../callbacks.js';
import { shanghaiDateOf } from '../../calendar/index.js';

/** A short beep after the prompt: 800 Hz for half a second (TGML, libteletone). */
export const MESSAGE_TONE = 'tone_stream://%(500,0,800)';
/** The record app's silence detection: energy below 200 for 5 s ends the message. */
const SILENCE = { thresh: 200, seconds: 5 };
/** Shorter than this is no message: the caller hung up on the tone. The call-back stays. */
const SHORTEST_MESSAGE_MS = 1000;

export class LeaveMessage implements Step {
  readonly name = 'voicemail';

  /** `requestedUs`: when the caller chose to leave a message, by FreeSWITCH's clock. */
  constructor(private readonly requestedUs: number) {}

  async start(ctx: CallContext): Promise<void> {
    const { records, config } = ctx.services;
    ctx.outcome = 'voicemail';
    records.update(ctx.id, { outcome: 'voicemail', queue_left_us: this.requestedUs });
    const day = shanghaiDateOf(new Date());
    const folder = `cti/voicemail/${day}`;
    const relative = `${folder}/${ctx.id}.wav`;
    // on the list before the recording starts: a controller that dies while the caller speaks
    // must not lose the request (found by the explorer); the message is added when it is done
    const request = { callId: ctx.id, caller: ctx.caller, line: ctx.line, requestedUs: this.requestedUs };
    requestCallback(records.db, request);
    let ms = 0;
    try {
      ms = await this.record(ctx, folder, relative, config().routing.acd.voicemailMaxS);
    } catch (err) {
      if (!ctx.call.isHungUp) throw err;
    } finally {
      // the caller asked to be contacted: on the list whatever became of the recording
      const message = ms >= SHORTEST_MESSAGE_MS ? { path: relative, ms } : undefined;
      if (message) requestCallback(records.db, { ...request, message });
      if (!message) {
        ctx.outcome = 'callback';
        records.update(ctx.id, { outcome: 'callback' });
      }
    }
    ctx.log.info({ messageMs: ms }, 'message left');
    if (ctx.call.isHungUp) return;
    await ctx.call.execute('playback', prompt('voicemail-saved'));
    await ctx.call.hangup('NORMAL_CLEARING');
  }

  /** Prompt, tone, record; the message's length in ms (0 when nothing was recorded). */
  private async record(ctx: CallContext, folder: string, relative: string, maxS: number): Promise<number> {
    // `record` does not make its folder (record_session does): a missing one fails the app and
    // FreeSWITCH hangs the caller up (mod_dptools.c record_function)
    await ctx.call.execute('mkdir', `$\{recordings_dir}/${folder}`);
    await ctx.call.setVar('playback_terminators', '#');
    await ctx.call.execute('playback', `file_string://${prompt('voicemail')}!${MESSAGE_TONE}`);
    // A listener that ends with socket_resume set resets the channel, and record_function hangs
    // up a channel that is not ready when the recording returns (mod_dptools.c): a controller
    // dying mid-message would cut the caller off. Without it the recording runs to its end and
    // the dialplan goes on to the fallback, where a seat answers.
    await ctx.call.setVar('socket_resume', 'false');
    const done = await ctx.call.execute('record', `$\{recordings_dir}/${relative} ${maxS} ${SILENCE.thresh} ${SILENCE.seconds}`);
    if (!ctx.call.isHungUp) await ctx.call.setVar('socket_resume', 'true');
    return Number(done.variable('record_ms') ?? 0) || 0;
  }

  cancel(): void {}
}
