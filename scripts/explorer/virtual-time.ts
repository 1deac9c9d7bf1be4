// One virtual clock for the whole process: the simulator's and the controller's timers and
// dates. Both read time through the standard timer API and Date, so the clock is injected at
// that seam (@sinonjs/fake-timers) rather than threaded through every constructor; the switch's
// microsecond stamps come from the same Date. Time jumps to the next timer whenever nothing is in
// flight, so a 30-minute call costs what its events cost.
//
// Each controller "life" runs in its own async context; every timer records the life that set
// it, so killing a controller clears exactly its timers, as a killed process's vanish. A timer's
// callback runs in the life it was set in (real Node timers keep their context; fake ones would not).
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import FakeTimers from '@sinonjs/fake-timers';

/** What a controller life owns that must stop when it is killed. */
export class Life {
  readonly timers = new Set<TimerHandle>();
  dead = false;
  constructor(readonly name: string) {}
}

type TimerHandle = { __life?: Life; __immediate?: boolean } & object;

export interface UncaughtError {
  at: number;
  life: string;
  error: unknown;
}

const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date', 'performance'] as const;

export class VirtualTime {
  readonly lives = new AsyncLocalStorage<Life>();
  readonly uncaught: UncaughtError[] = [];
  private readonly clock: FakeTimers.Clock;
  private readonly realImmediate = globalThis.setImmediate;
  private readonly onRejection = (reason: unknown) => this.uncaught.push({ at: this.now(), life: this.lives.getStore()?.name ?? 'switch', error: reason });

  constructor(startMs: number) {
    this.clock = FakeTimers.withGlobal(globalThis).install({ now: startMs, toFake: [...FAKED], loopLimit: 1e9 });
    this.wrap();
    process.on('unhandledRejection', this.onRejection);
  }

  now(): number {
    return this.clock.now;
  }

  /** Runs `fn` as part of `life`: its timers, its streams' callbacks, its promises. */
  run<T>(life: Life, fn: () => T): T {
    return this.lives.run(life, fn);
  }

  /** A scope to deliver into later: bytes for the controller run in its life, the switch's in none. */
  scope(life: Life | undefined): (fn: () => void) => void {
    const resource = life ? this.lives.run(life, () => new AsyncResource('explorer-scope')) : this.lives.exit(() => new AsyncResource('explorer-scope'));
    return (fn) => resource.runInAsyncScope(fn);
  }

  /** Stops every timer of a life: the process is gone. */
  kill(life: Life): void {
    life.dead = true;
    for (const t of life.timers) (t.__immediate ? this.clock.clearImmediate : this.clock.clearTimeout)(t as never);
    life.timers.clear();
  }

  /** Lets every promise, tick and stream callback in flight run (none waits on real I/O). */
  async settle(): Promise<void> {
    await new Promise<void>((resolve) => this.realImmediate(resolve));
  }

  /**
   * Runs timers in order until `untilMs`, settling after each. Returns early (true) when `stop`
   * says so after a step.
   */
  async runUntil(untilMs: number, stop?: () => boolean): Promise<boolean> {
    await this.settle();
    for (;;) {
      if (stop?.()) return true;
      const next = this.nextAt();
      if (next === undefined || next > untilMs) {
        // no timer falls due before untilMs, so the tick only moves the clock (setSystemTime
        // would shift every pending timer along with it)
        if (untilMs > this.now()) this.clock.tick(untilMs - this.now());
        await this.settle();
        // what is due at this very instant (immediates: a turn's group commit) runs too, so
        // whatever happens next happens at a quiet instant, not inside a turn
        if ((this.nextAt() ?? Infinity) <= this.now()) continue;
        return false;
      }
      this.clock.next();
      await this.settle();
    }
  }

  /** The virtual instant of the earliest pending timer, if any. */
  nextAt(): number | undefined {
    // fake-timers' public API runs the next timer (next) but does not show its time; its own
    // lookup is a heap on the clock (firstTimer: timerHeap.peek), read the same way here
    const heap = (this.clock as unknown as { timerHeap?: { peek(): { callAt: number } | undefined } }).timerHeap;
    return heap?.peek()?.callAt;
  }

  uninstall(): void {
    process.off('unhandledRejection', this.onRejection);
    this.clock.uninstall();
  }

  /**
   * The global timer functions as the code sees them: fake-timers' own, with the life that set
   * each timer recorded and its callback bound to the context it was set in. An exception in a
   * callback is recorded as uncaught (a real process would have died of it) and the run goes on.
   */
  private wrap(): void {
    const g = globalThis as unknown as Record<string, (...a: unknown[]) => unknown>;
    const track = (setter: string, repeats: boolean) => {
      const fake = g[setter]!;
      g[setter] = (fn: unknown, ...rest: unknown[]) => {
        if (typeof fn !== 'function') return fake(fn, ...rest);
        const life = this.lives.getStore();
        let handle: TimerHandle;
        const body = (...args: unknown[]) => {
          if (!repeats) life?.timers.delete(handle);
          try {
            (fn as (...a: unknown[]) => unknown)(...args);
          } catch (error) {
            this.uncaught.push({ at: this.now(), life: life?.name ?? 'switch', error });
          }
        };
        // the life is the only context anything reads; the switch's timers run outside any
        // (the explorer's loop calls them), so only a life's need entering
        const call = life ? (...args: unknown[]) => this.lives.run(life, body, ...args) : body;
        handle = fake(call, ...rest) as TimerHandle;
        if (life) {
          handle.__life = life;
          if (setter === 'setImmediate') handle.__immediate = true;
          life.timers.add(handle);
        }
        return handle;
      };
    };
    const untrack = (clearer: string) => {
      const fake = g[clearer]!;
      g[clearer] = (handle: unknown) => {
        (handle as TimerHandle | undefined)?.__life?.timers.delete(handle as TimerHandle);
        return fake(handle);
      };
    };
    track('setTimeout', false);
    track('setImmediate', false);
    track('setInterval', true);
    untrack('clearTimeout');
    untrack('clearImmediate');
    untrack('clearInterval');
  }
}
