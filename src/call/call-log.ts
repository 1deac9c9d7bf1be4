// The call records as the API reads them: a page of calls newest first, one call with its legs
// and transfer attempts, today's calls by outcome for the wallboard. Reads only: calls and
// call_legs are written by call-records.ts and call-legs.ts, transfer_attempts by
// src/transfer/attempt-store.ts.
import type { Db } from '../store/index.js';

// biome-ignore lint/suspicious/noExplicitAny: a row of calls, call_legs or transfer_attempts, its columns read by name
export type Row = Record<string, any>;

export interface CallFilter {
  /** started at or after, ms since the epoch */
  fromMs?: number;
  /** started before, ms since the epoch */
  toMs?: number;
  caller?: string;
  limit: number;
}

export class CallLog {
  private readonly one;
  private readonly legs;
  private readonly attempts;
  private readonly outcomes;

  constructor(private readonly db: Db) {
    this.one = db.prepare('SELECT * FROM calls WHERE id = ?');
    this.legs = db.prepare('SELECT * FROM call_legs WHERE call_id = ? ORDER BY created_us');
    this.attempts = db.prepare('SELECT * FROM transfer_attempts WHERE call_id = ? ORDER BY created_us');
    this.outcomes = db.prepare('SELECT outcome, count(*) AS n FROM calls WHERE started_us >= ? GROUP BY outcome');
  }

  /** Newest first; the filter's fields are bound as parameters, never spliced. */
  list(f: CallFilter): Row[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: f.limit };
    if (f.fromMs !== undefined) where.push('started_us >= @from'), (args.from = f.fromMs * 1000);
    if (f.toMs !== undefined) where.push('started_us < @to'), (args.to = f.toMs * 1000);
    if (f.caller !== undefined) where.push('caller = @caller'), (args.caller = f.caller);
    const sql = `SELECT * FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_us DESC LIMIT @limit`;
    return this.db.prepare(sql).all(args) as Row[];
  }

  /** Calls started at or after `fromUs` (µs), counted by outcome; null (in progress) as in_progress. */
  outcomesSince(fromUs: number): Record<string, number> {
    const rows = this.outcomes.all(fromUs) as Array<{ outcome: string | null; n: number }>;
    return Object.fromEntries(rows.map((c) => [c.outcome ?? 'in_progress', c.n]));
  }

  /** The call with its legs and transfer attempts, in the order they were created. */
  detail(id: string): { call: Row; legs: Row[]; attempts: Row[] } | undefined {
    const call = this.one.get(id) as Row | undefined;
    if (!call) return undefined;
    return { call, legs: this.legs.all(id) as Row[], attempts: this.attempts.all(id) as Row[] };
  }
}
