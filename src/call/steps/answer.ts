import type { CallContext, Step } from '../step.js';
import { shanghaiDateOf } from '../../calendar/index.js';

/** Answers the caller and records when, by FreeSWITCH's clock. */
export class Answer implements Step {
  readonly name = 'answer';

  async start(ctx: CallContext): Promise<void> {
    await ctx.call.execute('answer');
    const t = await ctx.services.legs.when(ctx.id, 'answeredUs');
    if (t.answeredUs !== undefined) ctx.services.records.update(ctx.id, { answered_us: t.answeredUs });
  }

  cancel(): void {}
}

/** Records the whole call (record_session), and keeps the path on the call record. */
export class RecordCall implements Step {
  readonly name = 'record';

  async start(ctx: CallContext): Promise<void> {
    const day = shanghaiDateOf(new Date());
    const relative = `cti/${day}/${ctx.id}.wav`;
    await ctx.call.execute('record_session', `$\{recordings_dir}/${relative}`);
    ctx.services.records.update(ctx.id, { recording_path: relative });
  }

  cancel(): void {}
}
