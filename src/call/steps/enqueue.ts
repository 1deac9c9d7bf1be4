// Waiting in the 12345 queue and being answered by an agent: hold music, the ACD's offer, then
// the `bridge` application to the agent's softphone on the caller's own socket.
// The music (music.ts) is stopped before anything else is played to the caller and before the
// bridge, so that every application runs straight from the socket app's park, never inside the
// music. The bridge app (not originate + uuid_bridge) keeps the caller in our flow when the agent
// hangs up: with uuid_bridge the caller leaves the socket app and would run on into the
// dialplan's fallback (switch_ivr_bridge.c uuid_bridge_on_soft_execute). Before the bridge the
// talk guard (talk-guard.ts) turns socket_resume off and sets what follows the talk without a
// controller (the survey), so that a controller that dies while the agent rings or talks cuts
// nothing; it is turned back on when the ring fails. A caller who hangs up while the agent
// rings cancels the agent's leg in FreeSWITCH itself (ORIGINATOR_CANCEL).
// The queue wait ends when the agent's leg answers, by FreeSWITCH's clock (docs/architecture.md §5).
import { randomUUID } from 'node:crypto';
import type { Offer } from '../../acd/index.js';
import type { EslEvent } from '../../esl/index.js';
import { prepareCallerForBridges, prompt, type CallContext, type Step } from '../step.js';
import { Survey } from './survey.js';
import { guardTalk, unguardTalk } from '../talk-guard.js';
import { queueAnnouncement } from '../announce.js';
import { requestCallback } from '../callbacks.js';
import { LeaveMessage } from './voicemail.js';

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
    // back in the queue from a hold or a consult: that music first
    await ctx.music.stop();
    if (this.intro.length) await ctx.call.execute('playback', this.intro.length === 1 ? this.intro[0]! : `file_string://${this.intro.join('!')}`);
    const enteredUs = this.holdMusic(ctx);
    records.update(ctx.id, { queue_entered_us: enteredUs });
    const offers = this.listen(ctx);
    const { position } = acd.enqueue({
      callId: ctx.id,
      queue: this.queue,
      line: this.line,
      priority: this.priority,
      enteredMs: Math.floor(enteredUs / 1000),
      caller: ctx.caller,
      originHotline: ctx.tags.originHotline,
      department: ctx.department,
    });
    ctx.log.info({ line: this.line, queue: this.queue, position }, 'queued');
    const { announceEveryS, maxWaitS } = ctx.services.config().routing.acd;
    const since = Date.now();
    let nextAnnounce = position > 1 ? since : since + announceEveryS * 1000;
    let callbackOffered = false;
    try {
      while (!this.cancelled) {
        const due = Math.min(nextAnnounce, callbackOffered ? Infinity : since + maxWaitS * 1000);
        const offer = await offers(Math.max(0, due - Date.now()));
        if (offer === null) return;
        if (offer !== 'timeout') {
          if (await this.ringAgent(ctx, offer.agentId)) return [new AfterTalk()];
          continue;
        }
        if (!callbackOffered && Date.now() >= since + maxWaitS * 1000) {
          callbackOffered = true;
          const chosen = await this.offerCallback(ctx);
          if (chosen) return chosen;
        } else if (Date.now() >= nextAnnounce) {
          nextAnnounce = Date.now() + announceEveryS * 1000;
          await this.announce(ctx);
        }
      }
    } finally {
      this.stopWaiting?.();
    }
  }

  /** Place in line and expected wait, between stretches of hold music. */
  private async announce(ctx: CallContext): Promise<void> {
    const position = ctx.services.acd.positionOf(ctx.id);
    if (position <= 1 || this.cancelled) return;
    await ctx.music.stop();
    await ctx.call.execute('playback', queueAnnouncement(position - 1, ctx.services.acd.estimatedWaitS(ctx.id)));
    if (!this.cancelled) ctx.music.start();
  }

  /**
   * After the longest wait: press 1 to be called back (漏接回拨), 3 to leave a message (留言),
   * 2 (or nothing) to wait on. What follows, when the caller chose to leave the queue.
   */
  private async offerCallback(ctx: CallContext): Promise<Step[] | null> {
    await ctx.music.stop();
    const done = await ctx.call.execute('play_and_get_digits', `1 1 1 5000 # ${prompt('callback-offer')} ${prompt('invalid')} cti_callback ^[123]$ 5000`);
    const choice = done.variable('cti_callback');
    if (choice !== '1' && choice !== '3') {
      if (!this.cancelled) ctx.music.start();
      return null;
    }
    ctx.services.acd.leave(ctx.id, 'removed');
    if (choice === '3') return [new LeaveMessage(done.timestampUs ?? Date.now() * 1000)];
    requestCallback(ctx.services.records.db, { callId: ctx.id, caller: ctx.caller, line: ctx.line, requestedUs: done.timestampUs ?? Date.now() * 1000 });
    ctx.outcome = 'callback';
    ctx.services.records.update(ctx.id, { outcome: 'callback', ...(done.timestampUs ? { queue_left_us: done.timestampUs } : {}) });
    await ctx.call.execute('playback', prompt('callback-registered'));
    await ctx.call.hangup('NORMAL_CLEARING');
    return [];
  }

  cancel(): void {
    this.cancelled = true;
    this.stopWaiting?.();
  }

  /**
   * Starts the hold music; returns when the caller began to wait by FreeSWITCH's clock: the end
   * of what they heard last (the intro, or the menu), a round trip before the music starts.
   */
  private holdMusic(ctx: CallContext): number {
    const enteredUs = ctx.call.lastEventUs ?? Date.now() * 1000;
    ctx.music.start();
    return enteredUs;
  }

  /**
   * Offers for this call, in order. The listener is attached before the call is enqueued,
   * because the ACD may offer it to a free agent within enqueue() itself.
   */
  private listen(ctx: CallContext): (timeoutMs: number) => Promise<Offer | null | 'timeout'> {
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
    return async (timeoutMs) => {
      if (pending.length === 0 && !this.cancelled) {
        await new Promise<void>((r) => {
          const timer = setTimeout(r, timeoutMs);
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
      wake = null;
      if (this.cancelled) return null;
      return pending.shift() ?? 'timeout';
    };
  }

  /** Rings the agent; true when the agent answered (the completion arrives after the talk). */
  private async ringAgent(ctx: CallContext, seat: string): Promise<boolean> {
    const { acd, legs, records } = ctx.services;
    const leg = randomUUID();
    const ringS = ctx.services.config().routing.acd.agentRingS;
    // This ring's bridge only: a waiter matching any CHANNEL_BRIDGE would, after a declined or
    // busy ring, also fire for the next agent's bridge and name the wrong seat. It expires once
    // this ring cannot be answered any more.
    const thisLeg = (e: EslEvent) => e.name === 'CHANNEL_BRIDGE' && (e.get('Other-Leg-Unique-ID') === leg || e.get('Bridge-B-Unique-ID') === leg);
    let bridgeHeard = false;
    const bridged = ctx.call.waitFor(thisLeg, (ringS + 10) * 1000).then(
      async (e) => {
        bridgeHeard = true;
        const times = await legs.when(leg, 'answeredUs');
        const answeredUs = times.answeredUs ?? e.timestampUs ?? Date.now() * 1000;
        // on the record from the answer on, not only after the talk: a controller that dies
        // mid-talk must leave the agent's leg behind it
        records.leg(ctx.id, { id: leg, kind: 'agent', endpoint: `user/${seat}`, createdUs: times.createdUs ?? answeredUs });
        records.legEnded(leg, { answered_us: answeredUs });
        acd.offerResult(ctx.id, true);
        ctx.agent = { seat, leg, answeredUs };
        ctx.talk = ctx.services.transfers.open({
          call: ctx.call,
          callId: ctx.id,
          caller: ctx.caller,
          originHotline: ctx.tags.originHotline,
          seat,
          agentLeg: leg,
          agentAnsweredUs: answeredUs,
          music: ctx.music,
        });
        ctx.outcome = 'answered';
        records.update(ctx.id, { agent_id: seat, agent_answered_us: answeredUs, queue_left_us: answeredUs, outcome: 'answered' });
        ctx.log.info({ seat, leg }, 'agent answered');
        return true;
      },
      () => false,
    );
    await ctx.music.stop();
    await prepareCallerForBridges(ctx);
    await guardTalk(ctx, 'survey');
    const vars = `{origination_uuid=${leg},originate_timeout=${ringS},ignore_early_media=true,cti_call_id=${ctx.id}}`;
    // on the record from its creation, the one place a ring's leg is written (the answer writes
    // it too, for a CHANNEL_CREATE the inbound link missed): a controller that dies while the
    // seat rings must leave the leg behind it (found by the explorer: a seat answered during the
    // outage, and the talk was on no record). A seat whose phone is not registered gets no leg;
    // the wait ends with the ring.
    void legs.when(leg, 'createdUs', (ringS + 10) * 1000).then((t) => {
      if (t.createdUs !== undefined) records.leg(ctx.id, { id: leg, kind: 'agent', endpoint: `user/${seat}`, createdUs: t.createdUs });
    });
    const done = await ctx.call.execute('bridge', `${vars}user/${seat}`);
    // the bridge was heard, and its handler may still wait (up to 2 s) for the answer time from
    // the inbound link: a talk that ended sooner must not be taken for a seat that did not answer.
    // Found with link outages: the agent answered and hung up within 2 s while the link was
    // down, the ring was counted a miss, and the caller could never be offered to that seat again.
    if (bridgeHeard) await bridged;
    const times = legs.times(leg);
    records.legEnded(leg, {
      answered_us: times.answeredUs ?? null,
      ended_us: times.hangupUs ?? null,
      hangup_cause: times.cause ?? done.variable('originate_disposition') ?? null,
    });
    if (ctx.agent?.leg === leg) return bridged;
    ctx.log.info({ seat, disposition: done.variable('originate_disposition') }, 'agent did not take the call');
    if (!ctx.call.isHungUp) {
      await unguardTalk(ctx);
      acd.offerResult(ctx.id, false);
      if (!this.cancelled) ctx.music.start();
    }
    return false;
  }
}

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
