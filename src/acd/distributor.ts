// The ACD (docs/architecture.md §3: it lives in the controller, not in mod_callcenter): agents and
// their states, calls waiting per queue, and who gets the next call — the highest-priority,
// longest-waiting call to the longest-idle available agent with the queue's skill. It decides
// and announces; the call flow rings the agent and reports back. State is written through to
// SQLite so a restarted controller knows who was logged in and who was waiting.
import { EventEmitter } from 'node:events';
import type { CtiConfig, Seat } from '../config/index.js';
import { CtiError } from '../errors.js';
import { loggedOut, nextAgentState, type AgentEvent, type AgentState } from './agent-state.js';
import { ServiceOrder } from './service-order.js';
import type { WaitingCall } from './waiting-call.js';
import type { AcdStore } from './store.js';

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface DistributorOptions {
  seats: Seat[];
  wrapUpS: number;
  /** first guess of the average talk time, refined as calls end */
  averageHandleS: number;
  now: () => number;
  timers?: Timers;
  store?: AcdStore;
}

export interface Offer {
  call: WaitingCall;
  agentId: string;
}

export interface AcdEvents {
  agent: [agentId: string, state: AgentState];
  offer: [offer: Offer];
  queued: [call: WaitingCall];
  left: [call: WaitingCall, reason: 'answered' | 'abandoned' | 'removed'];
  /** something an agent or supervisor must be told, e.g. the automatic break after two misses */
  notice: [agentId: string, message: string];
}

export class CallDistributor extends EventEmitter<AcdEvents> {
  private readonly agents = new Map<string, { seat: Seat; state: AgentState }>();
  private readonly waiting = new ServiceOrder();
  private readonly offering = new Map<string, Offer>();
  private readonly wrapUpTimers = new Map<string, unknown>();
  /** the call flow of each waiting call, told directly when its call is offered */
  private readonly offerHandlers = new Map<string, (offer: Offer) => void>();
  private averageHandleMs: number;
  private nextSeq = 1;
  private readonly timers: Timers;
  private wrapUpS: number;
  /** seat → a fallback call it talks on that adoption found while nobody had the seat logged in */
  private readonly unseenTalks = new Map<string, string>();
  /** seats gone from routing.yaml whose agents are still logged in: removed at their logout */
  private readonly retiring = new Set<string>();

  constructor(private readonly opts: DistributorOptions) {
    super();
    this.timers = opts.timers ?? realTimers;
    this.wrapUpS = opts.wrapUpS;
    this.averageHandleMs = opts.averageHandleS * 1000;
    const saved = opts.store?.loadAgents() ?? new Map<string, AgentState>();
    for (const seat of opts.seats) this.agents.set(seat.id, { seat, state: saved.get(seat.id) ?? loggedOut() });
    for (const call of opts.store?.loadWaiting() ?? []) {
      this.waiting.add(call);
      this.nextSeq = Math.max(this.nextSeq, call.seq + 1);
    }
    for (const [id, a] of this.agents) if (a.state.name === 'wrap_up') this.scheduleWrapUpEnd(id, a.state);
  }

  agentState(id: string): AgentState {
    return this.agent(id).state;
  }

  agentIds(): string[] {
    return [...this.agents.keys()];
  }

  /** Agent actions from the desktop or API: login, logout, ready (示闲), break (示忙). */
  agentAction(id: string, event: Extract<AgentEvent, { type: 'login' | 'logout' | 'ready' | 'break' }>): AgentState {
    const talk = event.type === 'ready' ? this.unseenTalks.get(id) : undefined;
    const next = talk ? this.apply(id, event, { force: 'on_call', callId: talk }) : this.apply(id, event);
    if (!next)
      throw new CtiError('ACD_BAD_STATE', `坐席 ${id} 当前为“${this.agent(id).state.name}”，不能${event.type} (agent ${id} is ${this.agent(id).state.name})`, {
        agent: id,
        state: this.agent(id).state.name,
      });
    this.match();
    return next;
  }

  enqueue(call: Omit<WaitingCall, 'missedBy' | 'seq'>): { position: number } {
    const entry: WaitingCall = { ...call, missedBy: [], seq: this.nextSeq++ };
    this.waiting.add(entry);
    this.opts.store?.saveWaiting(entry);
    this.emit('queued', entry);
    this.match();
    return { position: this.positionOf(call.callId) };
  }

  /** The caller hung up (or was sent elsewhere) while waiting or while an agent was ringing. */
  leave(callId: string, reason: 'abandoned' | 'removed'): void {
    const offer = this.offering.get(callId);
    if (offer) {
      this.offering.delete(callId);
      // only if the seat still rings for this call: adoption may have put it on another since
      // (a fallback call it answered), and that talk must not be undone (found by the explorer)
      if (this.ringsFor(offer.agentId, callId)) this.apply(offer.agentId, { type: 'ready' }, { force: 'available' });
    }
    const call = this.waiting.remove(callId) ?? offer?.call;
    this.opts.store?.removeWaiting(callId);
    if (call) this.emit('left', call, reason);
    this.match();
  }

  /** What became of an offer: the agent answered, or did not (no answer, busy, failed). */
  offerResult(callId: string, answered: boolean): void {
    const offer = this.offering.get(callId);
    if (!offer) return;
    this.offering.delete(callId);
    if (answered) {
      // the seat may have been put on a fallback call meanwhile (adoption), which ended before
      // the agent picked this ring up: the seat is on this call now all the same (explorer)
      if (this.ringsFor(offer.agentId, callId)) this.apply(offer.agentId, { type: 'answer' });
      else this.apply(offer.agentId, { type: 'ready' }, { force: 'on_call', callId });
      this.opts.store?.removeWaiting(callId);
      this.emit('left', offer.call, 'answered');
      return;
    }
    const after = this.apply(offer.agentId, { type: 'no_answer' });
    if (after?.name === 'break' && after.breakReason)
      this.emit('notice', offer.agentId, `坐席 ${offer.agentId} 连续 ${after.missedInARow} 次未接来电，已自动置为小休`);
    const back = { ...offer.call, missedBy: [...offer.call.missedBy, offer.agentId] };
    this.waiting.add(back);
    this.opts.store?.saveWaiting(back);
    this.match();
  }

  /** The agent's call ended: wrap-up (话后整理) for the configured time, then available. */
  callEnded(agentId: string, talkMs: number, callId?: string): void {
    // a talk that ends late (its flow waited for the hangup's time) after adoption put the seat
    // on another call (a fallback call it answered) ends nothing: found by the explorer
    if (callId !== undefined && this.unseenTalks.get(agentId) === callId) this.unseenTalks.delete(agentId);
    const now = this.agents.get(agentId)?.state;
    if (callId !== undefined && now?.callId != null && now.callId !== callId) return;
    if (talkMs > 0) this.averageHandleMs = 0.9 * this.averageHandleMs + 0.1 * talkMs;
    // a fallback call adopted while this seat rang for an offer, now over: the ring goes on
    const rung = [...this.offering.values()].find((o) => o.agentId === agentId && o.call.callId !== callId);
    if (rung && now?.name === 'on_call') {
      this.apply(agentId, { type: 'ready' }, { force: 'ringing', callId: rung.call.callId });
      return;
    }
    const next = this.apply(agentId, { type: 'call_ended', wrapUpMs: this.wrapUpS * 1000 });
    if (next?.name === 'wrap_up') this.scheduleWrapUpEnd(agentId, next);
    this.match();
  }

  /**
   * routing.yaml was reloaded: a new seat can be taken at once, changed skills count from the
   * next match, a new wrap-up from the next call's end. A removed seat that nobody holds goes
   * now; one in use keeps its agent and call but is offered nothing more, and goes at logout.
   */
  reconfigure(seats: readonly Seat[], wrapUpS: number): void {
    this.wrapUpS = wrapUpS;
    const kept = new Set(seats.map((s) => s.id));
    for (const seat of seats) {
      const a = this.agents.get(seat.id);
      if (a) a.seat = seat;
      else this.agents.set(seat.id, { seat, state: loggedOut() });
      this.retiring.delete(seat.id);
    }
    for (const [id, a] of this.agents) {
      if (kept.has(id)) continue;
      if (a.state.name === 'logged_out') this.agents.delete(id);
      else {
        a.seat = { ...a.seat, skills: [] };
        this.retiring.add(id);
      }
    }
    this.match();
  }

  /**
   * Seats, skills and wrap-up follow routing.yaml as it is reloaded, like everything else in it.
   * The one place the ACD is tied to the config's reloads: the server and the explorer both call it.
   */
  follow(config: { onChange(listener: (c: CtiConfig) => void): void }): void {
    config.onChange((c) => this.reconfigure(c.routing.seats, c.routing.acd.wrapUpS));
  }

  /** Tells `handler` each time this call is offered to an agent; returns the unsubscribe. */
  onOfferOf(callId: string, handler: (offer: Offer) => void): () => void {
    this.offerHandlers.set(callId, handler);
    return () => {
      if (this.offerHandlers.get(callId) === handler) this.offerHandlers.delete(callId);
    };
  }

  /**
   * After a restart: an agent recorded as ringing or talking on a call the controller no
   * longer controls is put back to available (the call went to FreeSWITCH's fallback).
   */
  reset(agentId: string): void {
    this.apply(agentId, { type: 'ready' }, { force: 'available' });
    this.match();
  }

  /**
   * After a restart: the fallback put a call through to this seat while the controller was
   * away. A logged-in seat is on that call (not offered another) until callEnded; a seat
   * nobody had logged in stays as it is.
   */
  adoptTalk(agentId: string, callId: string): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    if (a.state.name === 'logged_out') {
      // the agent may log in while still on it: ready then means on this call (explorer)
      this.unseenTalks.set(agentId, callId);
      return;
    }
    this.apply(agentId, { type: 'ready' }, { force: 'on_call', callId });
  }

  /** 1 for the next call to be served in its queue. */
  positionOf(callId: string): number {
    return this.waiting.position(callId);
  }

  /** Waiting in a queue, not yet offered to an agent. */
  isWaiting(callId: string): boolean {
    return this.waiting.has(callId);
  }

  /** A plain estimate for the announcement: calls ahead × average talk time ÷ agents who can take them. */
  estimatedWaitS(callId: string): number {
    const call = this.waiting.get(callId);
    if (!call) return 0;
    const staffed = [...this.agents.values()].filter(
      (a) => a.seat.skills.includes(call.queue) && a.state.name !== 'logged_out' && a.state.name !== 'break',
    ).length;
    return Math.round(((this.positionOf(callId) - 1) * this.averageHandleMs) / Math.max(1, staffed) / 1000);
  }

  /** How many calls wait, for how long the longest has, and how many in each queue: without listing them. */
  queueSummary(nowMs: number): { waiting: number; longestWaitMs: number; byQueue: Map<string, number> } {
    const earliest = this.waiting.earliestEnteredMs();
    return { waiting: this.waiting.size, longestWaitMs: earliest === null ? 0 : Math.max(0, nowMs - earliest), byQueue: this.waiting.sizes() };
  }

  /** In the order they will be served; the first `limit` only, when given. */
  waitingCalls(queue?: string, limit = Infinity): WaitingCall[] {
    return this.waiting.inOrder(queue === undefined ? undefined : [queue], limit);
  }

  private match(): void {
    for (;;) {
      // With every agent busy nothing can match: the usual state of a long queue, where sorting
      // thousands of waiting calls on each arrival and departure took the whole event loop.
      const staffed = this.queuesWithAvailableAgents();
      if (staffed.size === 0) return;
      const offer = this.nextOffer(staffed);
      if (!offer) return;
      this.waiting.remove(offer.call.callId);
      this.offering.set(offer.call.callId, offer);
      this.apply(offer.agentId, { type: 'offer', callId: offer.call.callId });
      this.emit('offer', offer);
      this.offerHandlers.get(offer.call.callId)?.(offer);
    }
  }

  /**
   * The first call, in service order, that an available agent can take. Only the queues
   * someone can take now are walked, and there a call is passed over only if every such agent
   * already missed it, so the walk is short however long the other queues are.
   */
  private nextOffer(queues: Set<string>): Offer | null {
    for (const call of this.waiting.walk(queues)) {
      const agentId = this.longestIdle(call);
      if (agentId) return { call, agentId };
    }
    return null;
  }

  private queuesWithAvailableAgents(): Set<string> {
    const queues = new Set<string>();
    for (const a of this.agents.values()) if (a.state.name === 'available') for (const q of a.seat.skills) queues.add(q);
    return queues;
  }

  private longestIdle(call: WaitingCall): string | null {
    let best: { id: string; since: number } | null = null;
    for (const [id, a] of this.agents) {
      if (a.state.name !== 'available' || !a.seat.skills.includes(call.queue) || call.missedBy.includes(id)) continue;
      const since = a.state.idleSinceMs ?? 0;
      if (!best || since < best.since) best = { id, since };
    }
    return best?.id ?? null;
  }

  private apply(id: string, event: AgentEvent, opts: { force?: 'available' | 'on_call' | 'ringing'; callId?: string } = {}): AgentState | null {
    const a = this.agent(id);
    const next = opts.force ? { ...a.state, name: opts.force, callId: opts.callId ?? null } : nextAgentState(a.state, event, this.opts.now());
    if (!next) return null;
    a.state = next;
    if (next.name !== 'wrap_up') this.cancelWrapUp(id);
    this.opts.store?.saveAgent(id, next);
    this.emit('agent', id, next);
    if (next.name === 'logged_out' && this.retiring.delete(id)) this.agents.delete(id);
    return next;
  }

  private ringsFor(agentId: string, callId: string): boolean {
    const state = this.agents.get(agentId)?.state;
    return state?.name === 'ringing' && state.callId === callId;
  }

  private scheduleWrapUpEnd(id: string, state: AgentState): void {
    this.cancelWrapUp(id);
    const ms = Math.max(0, (state.wrapUpUntilMs ?? 0) - this.opts.now());
    this.wrapUpTimers.set(
      id,
      this.timers.set(() => {
        this.wrapUpTimers.delete(id);
        this.apply(id, { type: 'wrap_up_over' });
        this.match();
      }, ms),
    );
  }

  private cancelWrapUp(id: string): void {
    const h = this.wrapUpTimers.get(id);
    if (h !== undefined) this.timers.clear(h);
    this.wrapUpTimers.delete(id);
  }

  private agent(id: string) {
    const a = this.agents.get(id);
    if (!a) throw new CtiError('ACD_NO_SUCH_AGENT', `没有坐席 ${id} (no seat ${id} in routing.yaml)`, { agent: id });
    return a;
  }
}
