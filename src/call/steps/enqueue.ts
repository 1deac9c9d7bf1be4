// Waiting in the 12345 queue and being answered by an agent: hold music, the ACD's offer,
// ringing the agent's softphone with originate, then uuid_bridge. The queue wait ends when
// the agent's leg answers, by FreeSWITCH's clock (DESIGN.md §5 service level).
import { randomUUID } from 'node:crypto';
import type { Offer } from '../../acd/index.js';
import { prompt, type CallContext, type Step } from '../step.js';
import { AfterAgent } from './survey.js';

const AGENT_RING_S = 20;

export class Enqueue implements Step {
  readonly name = 'enqueue';
  private cancelled = false;
  private stopWaiting: (() => void) | null = null;
  /** the agent leg being rung, killed at once if the caller gives up */
  private ringing: { leg: string; ctx: CallContext } | null = null;

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
    const enteredUs = await this.startHoldMusic(ctx);
    records.update(ctx.id, { queue_entered_us: enteredUs });
    const { position } = acd.enqueue({ callId: ctx.id, queue: this.queue, line: this.line, priority: this.priority, enteredMs: Math.floor(enteredUs / 1000), caller: ctx.caller, originHotline: ctx.tags.originHotline, department: ctx.department });
    ctx.log.info({ line: this.line, queue: this.queue, position }, 'queued');
    while (!this.cancelled) {
      const offer = await this.nextOffer(ctx);
      if (!offer) return;
      if (await this.ringAgent(ctx, offer.agentId)) return [new AfterAgent()];
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.stopWaiting?.();
    if (this.ringing) {
      const { leg, ctx } = this.ringing;
      ctx.services.api(`uuid_kill ${leg} ORIGINATOR_CANCEL`, ctx.call).catch(() => undefined);
    }
  }

  /** Hold music until the bridge replaces it; the queue entry is stamped with FreeSWITCH's time of it. */
  private async startHoldMusic(ctx: CallContext): Promise<number> {
    const started = ctx.call.waitFor((e) => e.name === 'CHANNEL_EXECUTE' && e.application === 'endless_playback', 3000).catch(() => null);
    ctx.call.execute('endless_playback', prompt('hold-music')).catch(() => undefined);
    const e = await started;
    return e?.timestampUs ?? Date.now() * 1000;
  }

  private nextOffer(ctx: CallContext): Promise<Offer | null> {
    return new Promise((resolve) => {
      const onOffer = (o: Offer) => {
        if (o.call.callId !== ctx.id) return;
        done();
        resolve(o);
      };
      const done = () => {
        ctx.services.acd.off('offer', onOffer);
        this.stopWaiting = null;
      };
      this.stopWaiting = () => {
        done();
        resolve(null);
      };
      ctx.services.acd.on('offer', onOffer);
    });
  }

  /** Rings the agent's softphone; true once the agent answered and is bridged to the caller. */
  private async ringAgent(ctx: CallContext, seat: string): Promise<boolean> {
    const { acd, legs, records } = ctx.services;
    const leg = randomUUID();
    ctx.ownLegs.add(leg);
    const vars = `{origination_uuid=${leg},originate_timeout=${AGENT_RING_S},origination_caller_id_number=${ctx.caller},cti_call_id=${ctx.id}}`;
    this.ringing = { leg, ctx };
    const result = await ctx.call.bgapi(`originate ${vars}user/${seat} &park()`, { allowErr: true }).catch((err: Error) => `-ERR ${err.message}`);
    this.ringing = null;
    const created = legs.times(leg).createdUs ?? Date.now() * 1000;
    records.leg(ctx.id, { id: leg, kind: 'agent', endpoint: `user/${seat}`, createdUs: created });
    if (!result.startsWith('+OK') || this.cancelled) {
      ctx.log.info({ seat, result: result.trim() }, 'agent did not take the call');
      acd.offerResult(ctx.id, false);
      records.legEnded(leg, { hangup_cause: result.replace(/^-ERR\s*/, '').trim() || 'UNKNOWN' });
      return false;
    }
    await ctx.call.api(`uuid_bridge ${ctx.id} ${leg}`);
    const answeredUs = (await legs.when(leg, 'answeredUs')).answeredUs ?? Date.now() * 1000;
    acd.offerResult(ctx.id, true);
    ctx.agent = { seat, leg, answeredUs };
    ctx.outcome = 'answered';
    records.update(ctx.id, { agent_id: seat, agent_answered_us: answeredUs, queue_left_us: answeredUs, outcome: 'answered' });
    records.legEnded(leg, { answered_us: answeredUs });
    ctx.log.info({ seat, leg }, 'agent answered');
    return true;
  }
}
