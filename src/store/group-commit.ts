// Group commit: writes that arrive while the event loop is busy are committed together in
// one transaction, each inside its own savepoint. A write that throws rolls back to its
// savepoint alone; the others still commit. Callers are answered only after COMMIT, so an
// acknowledged write is as durable as with one transaction per write — the commit (WAL
// page writes) is simply shared, which is most of the cost of a small write here.
import type { Db } from './database.js';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Bound on one batch, so a flood of writes still commits (and answers) in steady steps. */
const MAX_BATCH = 256;

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {}

  /** Runs `work` inside the next batch's transaction; resolves after that batch commits. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, MAX_BATCH);
    this.scheduled = this.queue.length > 0;
    if (this.scheduled) setImmediate(() => this.flush());
    const outcomes = this.commit(batch);
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }

  private commit(batch: Pending[]): Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const p of batch) {
        this.db.exec('SAVEPOINT one_write');
        try {
          outcomes.push({ ok: true, value: p.work() });
          this.db.exec('RELEASE one_write');
        } catch (error) {
          this.db.exec('ROLLBACK TO one_write');
          this.db.exec('RELEASE one_write');
          outcomes.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
      return outcomes;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      return batch.map(() => ({ ok: false as const, error }));
    }
  }
}
