// When each leg was created, answered and hung up, by FreeSWITCH's clock: the
// Event-Date-Timestamp of CHANNEL_CREATE, CHANNEL_ANSWER and CHANNEL_HANGUP(_COMPLETE) as the
// inbound connection sees them (docs/architecture.md §3: measure from FreeSWITCH's clock). Answer times of
// agent and department legs, and so the 15 s figures, come from here.
import type { EslEvent } from '../esl/index.js';

export interface LegTimes {
  createdUs?: number;
  answeredUs?: number;
  hangupUs?: number;
  cause?: string;
}

type Waiter = { field: keyof LegTimes; resolve: (t: LegTimes) => void; timer: NodeJS.Timeout | null };

/** Legs are forgotten this long after hangup: long enough for any late reader. */
const KEEP_MS = 120_000;
/** How often hung-up legs past KEEP_MS are swept out: they go at most this much later. */
const SWEEP_MS = 10_000;

export class LegClock {
  private readonly legs = new Map<string, LegTimes>();
  private readonly waiters = new Map<string, Waiter[]>();
  /**
   * Hung-up legs, in the order they hung up (a Map keeps it), with when to forget them: one
   * sweep timer for all, not a timer per leg, which at 300 calls/s was 70,000 timers alive, each
   * outliving the young generation of the heap.
   */
  private readonly forget = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly keepMs = KEEP_MS) {}

  observe(e: EslEvent): void {
    const uuid = e.uuid;
    const at = e.timestampUs;
    if (!uuid || at === undefined) return;
    if (e.name === 'CHANNEL_BRIDGE') this.bridgedTo(uuid, e);
    const t = this.legs.get(uuid) ?? {};
    if (e.name === 'CHANNEL_CREATE') t.createdUs ??= at;
    else if (e.name === 'CHANNEL_ANSWER') t.answeredUs ??= at;
    else if (e.name === 'CHANNEL_HANGUP' || e.name === 'CHANNEL_HANGUP_COMPLETE') {
      if (t.hangupUs === undefined) this.forgetLater(uuid);
      t.hangupUs ??= at;
      t.cause ??= e.hangupCause;
    } else return;
    this.legs.set(uuid, t);
    this.wake(uuid, t);
  }

  /**
   * After the inbound connection was down: a leg we saw created and not hung up that FreeSWITCH
   * no longer lists ended while we could not hear it. Its hangup is taken as `atUs` (the
   * listing: the latest it can have been) with `cause`, so whatever waits on it (a talk waiting
   * for the agent's leg, a consult) goes on. Found by the explorer: a seat whose agent hung up
   * during an outage stayed on_call until the caller's call ended.
   * Only legs in `known` (the legs known before the listing was asked for, from `known()`) are
   * judged: a leg created after the listing is absent from it because it is new, not because it
   * ended. Found by the explorer (seed 305): a call that arrived 0.4 s after a restart was taken
   * as ended, and its seat freed while it talked.
   */
  reconcile(live: ReadonlySet<string>, known: ReadonlySet<string>, atUs: number, cause: string): number {
    let ended = 0;
    for (const uuid of known) {
      const t = this.legs.get(uuid);
      if (!t || t.hangupUs !== undefined || live.has(uuid)) continue;
      t.hangupUs = atUs;
      t.cause ??= cause;
      this.forgetLater(uuid);
      this.wake(uuid, t);
      ended++;
    }
    return ended;
  }

  /**
   * A bridge names the other leg, and a call's own socket (myevents) hears the bridge even while
   * the inbound link is down, though never the other leg's own events: that leg exists, so it is
   * known, and a reconnect's listing can judge it. Found by the explorer (link outages of
   * seconds): an agent who answered and hung up inside one outage kept the seat on_call for good.
   */
  private bridgedTo(uuid: string, e: EslEvent): void {
    for (const other of [e.get('Other-Leg-Unique-ID'), e.get('Bridge-B-Unique-ID'), e.get('Bridge-A-Unique-ID')]) {
      if (other && other !== uuid && !this.legs.has(other)) this.legs.set(other, {});
    }
  }

  /** The legs known now: what a later `reconcile` may judge. */
  known(): ReadonlySet<string> {
    return new Set(this.legs.keys());
  }

  /** How many legs are known (hung up ones until they are forgotten). */
  get size(): number {
    return this.legs.size;
  }

  private forgetLater(uuid: string): void {
    this.forget.set(uuid, Date.now() + this.keepMs);
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), Math.min(SWEEP_MS, this.keepMs));
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [uuid, atMs] of this.forget) {
      if (atMs > now) break;
      this.forget.delete(uuid);
      this.legs.delete(uuid);
    }
    if (this.forget.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Resolves when the leg hangs up, however long that takes (a talk, a consult). */
  hungUp(uuid: string): Promise<LegTimes> {
    const t = this.legs.get(uuid);
    if (t?.hangupUs !== undefined) return Promise.resolve(t);
    return new Promise((resolve) => this.waiters.set(uuid, [...(this.waiters.get(uuid) ?? []), { field: 'hangupUs', resolve, timer: null }]));
  }

  times(uuid: string): LegTimes {
    return this.legs.get(uuid) ?? {};
  }

  /** Resolves once the field is known (events can trail the reply that made us ask). */
  when(uuid: string, field: keyof LegTimes, timeoutMs = 2000): Promise<LegTimes> {
    const t = this.legs.get(uuid);
    if (t?.[field] !== undefined) return Promise.resolve(t);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.set(
          uuid,
          (this.waiters.get(uuid) ?? []).filter((w) => w.timer !== timer),
        );
        resolve(this.legs.get(uuid) ?? {});
      }, timeoutMs);
      this.waiters.set(uuid, [...(this.waiters.get(uuid) ?? []), { field, resolve, timer }]);
    });
  }

  private wake(uuid: string, t: LegTimes): void {
    const list = this.waiters.get(uuid);
    if (!list) return;
    const still = list.filter((w) => {
      if (t[w.field] === undefined) return true;
      if (w.timer) clearTimeout(w.timer);
      w.resolve(t);
      return false;
    });
    if (still.length) this.waiters.set(uuid, still);
    else this.waiters.delete(uuid);
  }
}
