import { prompt, type CallContext, type Step } from '../step.js';
import { SURVEY_DIGITS } from '../talk-guard.js';

/** The satisfaction survey (满意度评价) for a caller still there after the talk with an agent. */
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
