// The calls waiting, kept in the order they will be served: per queue, one list per
// priority, each sorted by arrival. A queue position is then a sum of a few list lengths and
// one binary search, not a count over every waiting call: with thousands waiting, counting
// for each call's announcement took most of the controller's time (bench, hold phase).
import { servedBefore, type WaitingCall } from './waiting-call.js';

interface QueueOrder {
  /** priorities present, highest (lowest number) first */
  priorities: number[];
  byPriority: Map<number, WaitingCall[]>;
}

export class ServiceOrder {
  private readonly byId = new Map<string, WaitingCall>();
  private readonly queues = new Map<string, QueueOrder>();

  get size(): number {
    return this.byId.size;
  }

  get(callId: string): WaitingCall | undefined {
    return this.byId.get(callId);
  }

  has(callId: string): boolean {
    return this.byId.has(callId);
  }

  /** Adds the call, replacing any earlier entry with its id. */
  add(call: WaitingCall): void {
    this.remove(call.callId);
    this.byId.set(call.callId, call);
    const list = this.listFor(call.queue, call.priority);
    // arrivals come in order, so the usual insert is at the end
    const last = list[list.length - 1];
    if (!last || servedBefore(last, call)) list.push(call);
    else list.splice(insertionIndex(list, call), 0, call);
  }

  remove(callId: string): WaitingCall | undefined {
    const call = this.byId.get(callId);
    if (!call) return undefined;
    this.byId.delete(callId);
    const order = this.queues.get(call.queue)!;
    const list = order.byPriority.get(call.priority)!;
    list.splice(insertionIndex(list, call), 1);
    if (list.length === 0) {
      order.byPriority.delete(call.priority);
      order.priorities.splice(order.priorities.indexOf(call.priority), 1);
      if (order.priorities.length === 0) this.queues.delete(call.queue);
    }
    return call;
  }

  /** Calls waiting in each queue. */
  sizes(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [queue, order] of this.queues) {
      let n = 0;
      for (const list of order.byPriority.values()) n += list.length;
      out.set(queue, n);
    }
    return out;
  }

  /** When the longest-waiting call entered its queue: the earliest head of the lists (each is in arrival order). */
  earliestEnteredMs(): number | null {
    let earliest: number | null = null;
    for (const order of this.queues.values()) {
      for (const list of order.byPriority.values()) if (earliest === null || list[0]!.enteredMs < earliest) earliest = list[0]!.enteredMs;
    }
    return earliest;
  }

  /** 1 for the next call to be served in its queue; 0 if the call is not waiting. */
  position(callId: string): number {
    const call = this.byId.get(callId);
    if (!call) return 0;
    const order = this.queues.get(call.queue)!;
    let ahead = 0;
    for (const p of order.priorities) {
      const list = order.byPriority.get(p)!;
      if (p === call.priority) return ahead + insertionIndex(list, call) + 1;
      ahead += list.length;
    }
    throw new Error(`service order lost call ${callId}`);
  }

  /** The calls in the order they will be served, across the given queues (all when omitted); the first `limit` only, when given. */
  inOrder(queues?: Iterable<string>, limit = Infinity): WaitingCall[] {
    const out: WaitingCall[] = [];
    if (limit <= 0) return out;
    for (const call of this.walk(queues)) {
      out.push(call);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * The same order one call at a time, so a search for the next match or the first few calls
   * stops early without touching the rest. The order must not change while a walk is under way.
   */
  *walk(queues?: Iterable<string>): Generator<WaitingCall> {
    const cursors = this.orders(queues).map((order) => ({ lists: order.priorities.map((p) => order.byPriority.get(p)!), list: 0, at: 0 }));
    const head = (c: (typeof cursors)[number]): WaitingCall | undefined => {
      while (c.list < c.lists.length && c.at >= c.lists[c.list]!.length) {
        c.list++;
        c.at = 0;
      }
      return c.lists[c.list]?.[c.at];
    };
    // a few queues: the next call is the first of their heads
    for (;;) {
      let best = -1;
      let next: WaitingCall | undefined;
      for (let i = 0; i < cursors.length; i++) {
        const h = head(cursors[i]!);
        if (h && (!next || servedBefore(h, next))) [best, next] = [i, h];
      }
      if (!next) return;
      yield next;
      cursors[best]!.at++;
    }
  }

  private orders(queues?: Iterable<string>): QueueOrder[] {
    if (!queues) return [...this.queues.values()];
    return [...queues].flatMap((q) => this.queues.get(q) ?? []);
  }

  private listFor(queue: string, priority: number): WaitingCall[] {
    let order = this.queues.get(queue);
    if (!order) this.queues.set(queue, (order = { priorities: [], byPriority: new Map() }));
    let list = order.byPriority.get(priority);
    if (!list) {
      order.byPriority.set(priority, (list = []));
      order.priorities.push(priority);
      order.priorities.sort((a, b) => a - b);
    }
    return list;
  }
}

/** The index of `call` in `list` (sorted, one priority), or where it would go. */
function insertionIndex(list: WaitingCall[], call: WaitingCall): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (servedBefore(list[mid]!, call)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
