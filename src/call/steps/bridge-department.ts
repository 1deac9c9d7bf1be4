import type { Hotline } from '../../config/index.js';
import { prompt, type CallContext, type Step } from '../step.js';
import { Enqueue } from './enqueue.js';

/**
 * A parallel hotline dialled in its department's hours: ring the department's own seats.
 * When they do not answer, the caller is not dropped: 12345 takes the call, tagged with the
 * department, so a ticket can follow.
 */
export class BridgeDepartment implements Step {
  readonly name = 'bridge-department';

  constructor(private readonly hotline: Hotline) {}

  async start(ctx: CallContext): Promise<Step[] | void> {
    const plan = ctx.services.config().routing;
    ctx.department = this.hotline.department;
    await ctx.call.setVar('continue_on_fail', 'true');
    await ctx.call.setVar('hangup_after_bridge', 'true');
    // ignore_early_media: carriers send ringback as early media; only a real answer counts
    const done = await ctx.call.execute('bridge', `{originate_timeout=${plan.transfer.ringTimeoutS},ignore_early_media=true}${this.hotline.transfer!.endpoint}`);
    const disposition = done.variable('originate_disposition') ?? done.variable('DIALSTATUS') ?? '';
    if (/SUCCESS|ANSWER/.test(disposition) || done.get('Other-Leg-Unique-ID')) {
      ctx.outcome = 'transferred';
      ctx.services.records.update(ctx.id, { outcome: 'transferred', department_id: this.hotline.department ?? undefined });
      return;
    }
    ctx.log.info({ hotline: this.hotline.number, disposition }, 'department did not answer: 12345 takes the call');
    const line = plan.ivr.lines.find((l) => l.digit === plan.ivr.defaultLine)!;
    return [new Enqueue(line.digit, line.queue, ctx.tags.priority, [prompt('transfer-failed')])];
  }

  cancel(): void {}
}
