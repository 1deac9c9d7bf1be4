// Group commit: writes that arrive while the event loop is busy are committed together in
// one transaction. A write of several statements runs inside its own savepoint, so one that
// throws rolls back alone and the others still commit; a write of one statement needs no
// savepoint, since SQLite undoes a failed statement by itself. Callers are answered only after
// COMMIT, so an acknowledged write is as durable as with one transaction per write — the commit
// (WAL page writes) is simply shared, which is most of the cost of a small write here.
import type { Db } from './database.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  work: () => unknown;
  /** runs exactly one SQL statement */
  single: boolean;
  done: (outcome: Outcome) => void;
}

/** Bound on one batch, so a flood of writes still commits (and answers) in steady steps. */
const MAX_BATCH = 256;

/** One per database, so that every area's writes of a turn share one commit. */
const perDatabase = new WeakMap<Db, GroupCommit>();

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;

  /** The database's shared group commit. */
  static of(db: Db): GroupCommit {
    let writes = perDatabase.get(db);
    if (!writes) perDatabase.set(db, (writes = new GroupCommit(db)));
    return writes;
  }

  constructor(private readonly db: Db) {
    // prepared once: a batch runs two of them per write of several statements
    this.savepoint = db.prepare('SAVEPOINT one_write');
    this.release = db.prepare('RELEASE one_write');
    this.rollbackTo = db.prepare('ROLLBACK TO one_write');
  }

  /** Runs `work` inside the next batch's transaction; resolves after that batch commits. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, single: false, done: (o) => (o.ok ? resolve(o.value as T) : reject(o.error)) });
      this.schedule();
    });
  }

  /**
   * Queues a write of exactly one statement (`statement.run(…)`) that nobody waits for: no
   * savepoint and no promise. A failure is handed to `onError` once the batch is over.
   */
  runStatement(work: () => unknown, onError: (err: unknown) => void): void {
    this.queue.push({ work, single: true, done: (o) => (o.ok ? undefined : onError(o.error)) });
    this.schedule();
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
    batch.forEach((p, i) => p.done(outcomes[i]!));
  }

  private commit(batch: Pending[]): Outcome[] {
    const outcomes: Outcome[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const p of batch) outcomes.push(p.single ? this.runSingle(p) : this.runInSavepoint(p));
      this.db.exec('COMMIT');
      return outcomes;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      return batch.map(() => ({ ok: false as const, error }));
    }
  }

  private runSingle(p: Pending): Outcome {
    try {
      return { ok: true, value: p.work() };
    } catch (error) {
      // Some errors (a full disk, an I/O error) end the whole transaction: nothing in it stands.
      if (!this.db.inTransaction) throw error;
      return { ok: false, error };
    }
  }

  private runInSavepoint(p: Pending): Outcome {
    this.savepoint.run();
    try {
      const value = p.work();
      this.release.run();
      return { ok: true, value };
    } catch (error) {
      this.rollbackTo.run();
      this.release.run();
      return { ok: false, error };
    }
  }
}
