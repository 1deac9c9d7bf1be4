// Waiting in the 12345 queue and being answered by an agent: hold music, the ACD's offer, then
// the `bridge` application to the agent's softphone on the caller's own socket. Using the app
// (not originate + uuid_bridge) keeps the caller in our flow when the agent hangs up: with
// uuid_bridge the caller leaves the socket app and would run on into the dialplan's fallback
// (switch_ivr_bridge.c uuid_bridge_on_soft_execute). A caller who hangs up while the agent
// rings cancels the agent's leg in FreeSWITCH itself (ORIGINATOR_CANCEL).
// The queue wait ends when the agent's leg answers, by FreeSWITCH's clock (DESIGN.md §5).
import { randomUUID } from 'node:crypto';
import type { Offer } from '../../acd/index.js';
import { prompt, type CallContext, type Step } from '../step.js';
import { AfterTalk } from './survey.js';

export class Enqueue implements Step {
  readonly name = 'enqueue';
  private cancelled = false;
  private stopWaiting: (() => void) | null = null;

  constructor(
    private readonly line: string,
    private readonly queue: string,
    private readonly priority: number,
    private readonly intro: string[],
  ) {}

  async start(ctx: CallContext): Promise<Step[] | void> {
    const { acd, records } = ctx.services;
    ctx.line = this.line;
    records.update(ctx.id, { line: this.line, ...(ctx.department ? { department_id: ctx.department } : {}) });
    if (this.intro.length) await ctx.call.execute('playback', this.intro.length === 1 ? this.intro[0]! : `file_string://${this.intro.join('!')}`);
    const enteredUs = await this.holdMusic(ctx);
    records.update(ctx.id, { queue_entered_us: enteredUs });
    const nextOffer = this.listen(ctx);
    const { position } = acd.enqueue({ callId: ctx.id, queue: this.queue, line: this.line, priority: this.priority, enteredMs: Math.floor(enteredUs / 1000), caller: ctx.caller, originHotline: ctx.tags.originHotline, department: ctx.department });
    ctx.log.info({ line: this.line, queue: this.queue, position }, 'queued');
    try {
      while (!this.cancelled) {
        const offer = await nextOffer();
        if (!offer) return;
        if (await this.ringAgent(ctx, offer.agentId)) return [new AfterTalk()];
        if (!this.cancelled && !ctx.call.isHungUp) await this.holdMusic(ctx);
      }
    } finally {
      this.stopWaiting?.();
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.stopWaiting?.();
  }

  /** Starts hold music; returns FreeSWITCH's time of it (the CHANNEL_EXECUTE of endless_playback). */
  private async holdMusic(ctx: CallContext): Promise<number> {
    const started = ctx.call.waitFor((e) => e.name === 'CHANNEL_EXECUTE' && e.application === 'endless_playback', 3000).catch(() => null);
    ctx.call.execute('endless_playback', prompt('hold-music')).catch(() => undefined);
    const e = await started;
    return e?.timestampUs ?? Date.now() * 1000;
  }

  /**
   * Offers for this call, in order. The listener is attached before the call is enqueued,
   * because the ACD may offer it to a free agent within enqueue() itself.
   */
  private listen(ctx: CallContext): () => Promise<Offer | null> {
    const pending: Offer[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = ctx.services.acd.onOfferOf(ctx.id, (o: Offer) => {
      pending.push(o);
      wake?.();
    });
    this.stopWaiting = () => {
      unsubscribe();
      wake?.();
    };
    return async () => {
      while (pending.length === 0 && !this.cancelled) await new Promise<void>((r) => (wake = r));
      wake = null;
      return this.cancelled ? null : pending.shift()!;
    };
  }

  /** Rings the agent; true when the agent answered (the completion arrives after the talk). */
  private async ringAgent(ctx: CallContext, seat: string): Promise<boolean> {
    const { acd, legs, records } = ctx.services;
    const leg = randomUUID();
    await ctx.call.api(`uuid_break ${ctx.id} all`, { allowErr: true });
    const bridged = ctx.call.waitFor((e) => e.name === 'CHANNEL_BRIDGE').then(
      async (e) => {
        const answeredUs = (await legs.when(leg, 'answeredUs')).answeredUs ?? e.timestampUs ?? Date.now() * 1000;
        acd.offerResult(ctx.id, true);
        ctx.agent = { seat, leg, answeredUs };
        ctx.outcome = 'answered';
        records.update(ctx.id, { agent_id: seat, agent_answered_us: answeredUs, queue_left_us: answeredUs, outcome: 'answered' });
        ctx.log.info({ seat, leg }, 'agent answered');
        return true;
      },
      () => false,
    );
    const ringS = ctx.services.config().routing.acd.agentRingS;
    const vars = `{origination_uuid=${leg},originate_timeout=${ringS},ignore_early_media=true,cti_call_id=${ctx.id}}`;
    const done = await ctx.call.execute('bridge', `${vars}user/${seat}`);
    const createdUs = legs.times(leg).createdUs;
    if (createdUs !== undefined) records.leg(ctx.id, { id: leg, kind: 'agent', endpoint: `user/${seat}`, createdUs });
    const times = legs.times(leg);
    records.legEnded(leg, { answered_us: times.answeredUs ?? null, ended_us: times.hangupUs ?? null, hangup_cause: times.cause ?? done.variable('originate_disposition') ?? null });
    if (ctx.agent?.leg === leg) return bridged;
    ctx.log.info({ seat, disposition: done.variable('originate_disposition') }, 'agent did not take the call');
    if (!ctx.call.isHungUp) acd.offerResult(ctx.id, false);
    return false;
  }
}
