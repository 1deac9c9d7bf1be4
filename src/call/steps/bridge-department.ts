import { randomUUID } from 'node:crypto';
import type { Hotline } from '../../config/index.js';
import { prepareCallerForBridges, prompt, type CallContext, type Step } from '../step.js';
import { Enqueue } from './enqueue.js';
import { guardTalk, unguardTalk } from '../talk-guard.js';

/**
 * A parallel hotline dialled in its department's hours: ring the department's own seats.
 * When they do not answer, the caller is not dropped: 12345 takes the call, tagged with the
 * department, so a ticket can follow.
 *
 * Whether the department answered is read from its leg's CHANNEL_ANSWER, never from the
 * disposition's text (NO_ANSWER contains ANSWER). No hangup_after_bridge: it would stay on the
 * caller's channel and hang the caller up after any later bridge (the agent's, when the
 * department rang out); the end of this step's talk is the end of the call instead, and the
 * talk guard (exec_after_bridge_app=hangup, taken off again when nobody answered) ends it the
 * same way when the controller died during the talk.
 */
export class BridgeDepartment implements Step {
  readonly name = 'bridge-department';

  constructor(private readonly hotline: Hotline) {}

  async start(ctx: CallContext): Promise<Step[] | void> {
    const plan = ctx.services.config().routing;
    const { legs, records } = ctx.services;
    ctx.department = this.hotline.department;
    await prepareCallerForBridges(ctx);
    await ctx.call.execute('playback', prompt('transferring'));
    // a talk with the department outlives the controller and ends the call (talk-guard.ts)
    await guardTalk(ctx, 'hangup');
    const leg = randomUUID();
    const endpoint = this.hotline.transfer!.endpoint;
    // ignore_early_media: carriers send ringback as early media; only a real answer counts
    const done = await ctx.call.execute(
      'bridge',
      `{origination_uuid=${leg},originate_timeout=${plan.transfer.ringTimeoutS},ignore_early_media=true}${endpoint}`,
    );
    // the leg's own events come on the inbound connection, which may trail the caller's socket
    const times = legs.times(leg).createdUs === undefined ? legs.times(leg) : await legs.when(leg, 'hangupUs', 1000);
    const disposition = done.variable('originate_disposition') ?? '';
    if (times.createdUs !== undefined) {
      records.leg(ctx.id, { id: leg, kind: 'department', endpoint, createdUs: times.createdUs });
      records.legEnded(leg, { answered_us: times.answeredUs ?? null, ended_us: times.hangupUs ?? null, hangup_cause: times.cause ?? (disposition || null) });
    }
    if (times.answeredUs !== undefined) {
      ctx.outcome = 'transferred';
      records.update(ctx.id, { outcome: 'transferred', department_id: this.hotline.department ?? undefined });
      if (!ctx.call.isHungUp) await ctx.call.hangup('NORMAL_CLEARING');
      return;
    }
    ctx.log.info({ hotline: this.hotline.number, disposition }, 'department did not answer: 12345 takes the call');
    if (!ctx.call.isHungUp) await unguardTalk(ctx);
    const line = plan.ivr.lines.find((l) => l.digit === plan.ivr.defaultLine)!;
    return [new Enqueue(line.digit, line.queue, ctx.tags.priority, [prompt('transfer-failed')])];
  }

  cancel(): void {}
}
