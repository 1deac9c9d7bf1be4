import type { CallContext, Step } from '../step.js';
import { prompt } from '../step.js';

/**
 * Caller and agent are talking. When the agent's leg ends and the caller is still there, the
 * satisfaction survey (满意度评价) follows; the agent goes to wrap-up either way.
 */
export class AfterAgent implements Step {
  readonly name = 'talk';
  private stop: (() => void) | null = null;

  async start(ctx: CallContext): Promise<Step[] | void> {
    const agent = ctx.agent!;
    const ended = await new Promise<boolean>((resolve) => {
      const onEvent = (e: { name: string; uuid?: string }) => {
        if (e.name === 'CHANNEL_UNBRIDGE') finish(true);
      };
      const finish = (v: boolean) => {
        ctx.call.off('event', onEvent as never);
        this.stop = null;
        resolve(v);
      };
      this.stop = () => finish(false);
      ctx.call.on('event', onEvent as never);
    });
    const hangupUs = (await ctx.services.legs.when(agent.leg, 'hangupUs', 1000)).hangupUs;
    ctx.services.acd.callEnded(agent.seat, hangupUs ? (hangupUs - agent.answeredUs) / 1000 : 0);
    if (ended && !ctx.call.isHungUp) return [new Survey()];
  }

  cancel(): void {
    this.stop?.();
  }
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
