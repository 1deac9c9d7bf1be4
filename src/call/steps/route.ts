import { decideRoute, lineForDigits } from '../../routing/index.js';
import { prompt, prompts, type CallContext, type Step } from '../step.js';
import { Enqueue } from './enqueue.js';
import { BridgeDepartment } from './bridge-department.js';

/** Chooses where the call goes (src/routing) and hands over to the menu, the queue or the department. */
export class Route implements Step {
  readonly name = 'route';

  async start(ctx: CallContext): Promise<Step[]> {
    const { config, calendar, log } = ctx.services;
    const plan = config().routing;
    const d = decideRoute(ctx.tags, new Date(), plan, calendar());
    if (d.kind === 'menu') return [new Menu()];
    if (d.hoursProvisional)
      log.warn(
        { hotline: ctx.tags.originHotline, open: d.kind === 'department' },
        "no holiday data for today: the department's hours follow the weekday rule (provisional); add the year to config/calendar.yaml",
      );
    if (d.kind === 'department') return [new BridgeDepartment(d.hotline)];
    if (d.reason === 'unknown-number') log.warn({ destination: ctx.tags.destination }, 'call to a number routing.yaml does not know: sent to line 1');
    ctx.department = d.department;
    return [new Enqueue(d.line, d.queue, d.priority, d.reason === 'parallel-after-hours' ? [prompt('after-hours')] : [])];
  }

  cancel(): void {}
}

/** The one-level menu of lines 1, 2 and 9; no input or a timeout is line 1 (GB/T 33358). */
export class Menu implements Step {
  readonly name = 'menu';

  async start(ctx: CallContext): Promise<Step[]> {
    const plan = ctx.services.config().routing;
    const timeoutMs = Math.round(plan.ivr.digitTimeoutS * 1000);
    const keys = plan.ivr.lines.map((l) => l.digit).join('');
    // min max tries timeout terminators file invalid_file var regexp digit_timeout (mod_dptools)
    const args = `1 1 1 ${timeoutMs} # ${prompts([plan.ivr.welcomePrompt, plan.ivr.menuPrompt])} ${prompt('invalid')} cti_line ^[${keys}]$ ${timeoutMs}`;
    const done = await ctx.call.execute('play_and_get_digits', args);
    const pressed = done.variable('cti_line') ?? '';
    const q = lineForDigits(pressed, plan, { priority: ctx.tags.priority, originHotline: ctx.tags.originHotline, department: ctx.tags.department });
    ctx.log.info({ pressed, line: q.line, read_result: done.variable('read_result') }, 'menu choice');
    return [new Enqueue(q.line, q.queue, q.priority, [])];
  }

  cancel(): void {}
}
