// How a channel's running application learns that something happened (a DTMF digit, a
// queued sendmsg, a hangup, a break, a bridge request). FreeSWITCH's application loops read
// one media frame every 20 ms and re-check their flags; here an application awaits
// `sleep(ms)`, which ends early when anything is signalled, and then re-checks the same way.

export class Waker {
  private waiters = new Set<() => void>();
  /** bumped by every wake, so a loop can tell that something happened while it was busy */
  generation = 0;
  private listeners = new Set<() => void>();

  /** Resolves after `ms` (never when undefined) or at the next `wake()`, whichever is first. */
  sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      if (ms !== undefined) timer = setTimeout(done, Math.max(0, ms));
    });
  }

  /** Calls `fn` at every wake until the returned function is called. */
  onWake(fn: () => void): () => void {
    const listener = () => fn();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  wake(): void {
    for (const fn of [...this.listeners]) fn();
    this.generation++;
    for (const done of [...this.waiters]) done();
  }
}

/** A plain real-time delay. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Resolves at the first wake of any of the wakers, or after `ms` (never when undefined). */
export function waitAny(wakers: Waker[], ms?: number): Promise<void> {
  return new Promise((resolve) => {
    const offs: Array<() => void> = [];
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      if (timer) clearTimeout(timer);
      for (const off of offs) off();
      resolve();
    };
    for (const w of wakers) offs.push(w.onWake(done));
    if (ms !== undefined) timer = setTimeout(done, Math.max(0, ms));
  });
}
