import type { CallContext, Step } from '../step.js';
import { prompt } from '../step.js';
import { Enqueue } from './enqueue.js';
import { SURVEY_DIGITS } from '../talk-guard.js';

/**
 * The caller's time with the agent is over: talked and hung up, put through to a hotline that
 * has since hung up, or a transfer that left the caller without an agent. The agent's wrap-up
 * starts when the agent's leg hangs up (the talk sees to that). A caller still there is asked
 * for the satisfaction survey (满意度评价), or goes back to the queue, ahead of the others.
 */
export class AfterTalk implements Step {
  readonly name = 'after-talk';

  async start(ctx: CallContext): Promise<Step[] | void> {
    const end = await ctx.talk!.settled;
    if (end.transferredTo) {
      const hotline = ctx.services.config().routing.byNumber.get(end.transferredTo);
      ctx.outcome = 'transferred';
      ctx.services.records.update(ctx.id, { outcome: 'transferred', ...(hotline?.department ? { department_id: hotline.department } : {}) });
    }
    if (ctx.call.isHungUp) return;
    if (end.how === 'requeue') {
      const plan = ctx.services.config().routing;
      const line = plan.ivr.lines.find((l) => l.digit === (ctx.line ?? plan.ivr.defaultLine)) ?? plan.ivr.lines.find((l) => l.digit === plan.ivr.defaultLine)!;
      ctx.talk = null;
      const told = end.why === 'agent_left_hold' ? 'please-hold' : 'transfer-failed';
      return [new Enqueue(line.digit, line.queue, Math.max(1, ctx.tags.priority - 1), [prompt(told)])];
    }
    return [new Survey()];
  }

  cancel(): void {}
}

export class Survey implements Step {
  readonly name = 'survey';

  async start(ctx: CallContext): Promise<Step[] | void> {
    const done = await ctx.call.execute('play_and_get_digits', SURVEY_DIGITS);
    const score = Number(done.variable('cti_survey'));
    if (score >= 1 && score <= 3) {
      ctx.services.records.update(ctx.id, { survey_score: score });
      ctx.services.surveyTaken(ctx.id, score);
      await ctx.call.execute('playback', prompt('survey-thanks'));
    }
    await ctx.call.hangup('NORMAL_CLEARING');
  }

  cancel(): void {}
}
