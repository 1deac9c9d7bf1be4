import type { CallContext, Step } from '../step.js';
import { prompt } from '../step.js';

/**
 * The agent's talk is over (the bridge completed): the agent goes to wrap-up, and when the
 * caller is still there the satisfaction survey (满意度评价) follows.
 */
export class AfterTalk implements Step {
  readonly name = 'after-talk';

  async start(ctx: CallContext): Promise<Step[] | void> {
    const agent = ctx.agent!;
    const hangupUs = (await ctx.services.legs.when(agent.leg, 'hangupUs', 1000)).hangupUs;
    ctx.services.acd.callEnded(agent.seat, hangupUs ? (hangupUs - agent.answeredUs) / 1000 : 0);
    if (!ctx.call.isHungUp) return [new Survey()];
  }

  cancel(): void {}
}

export class Survey implements Step {
  readonly name = 'survey';

  async start(ctx: CallContext): Promise<Step[] | void> {
    const done = await ctx.call.execute('play_and_get_digits', `1 1 1 5000 # ${prompt('survey')} ${prompt('invalid')} cti_survey ^[123]$ 5000`);
    const score = Number(done.variable('cti_survey'));
    if (score >= 1 && score <= 3) {
      ctx.services.records.update(ctx.id, { survey_score: score });
      ctx.services.records.attachSurveyToTicket(ctx.id, score);
      await ctx.call.execute('playback', prompt('survey-thanks'));
    }
    await ctx.call.hangup('NORMAL_CLEARING');
  }

  cancel(): void {}
}
