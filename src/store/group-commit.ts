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
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;

  constructor(private readonly db: Db) {
    // prepared once: a batch runs two of them per write
    this.savepoint = db.prepare('SAVEPOINT one_write');
    this.release = db.prepare('RELEASE one_write');
    this.rollbackTo = db.prepare('ROLLBACK TO one_write');
  }

  /** Runs `work` inside the next batch's transaction; resolves after that batch commits. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Commits everything queued now, for a reader that must see it. */
  flushNow(): void {
    while (this.queue.length > 0) this.flushBatch();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushBatch();
      if (this.queue.length > 0) this.schedule();
    });
  }

  private flushBatch(): void {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
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
        this.savepoint.run();
        try {
          outcomes.push({ ok: true, value: p.work() });
          this.release.run();
        } catch (error) {
          this.rollbackTo.run();
          this.release.run();
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
