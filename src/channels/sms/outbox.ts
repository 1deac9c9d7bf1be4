// The sms_outbox table and every query on it. Writers (the ticket store) only enqueue; the
// worker claims, sends and records; the admin page lists and counts.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../store/index.js';
import { SMS_STATUSES, validateNewSms, type NewSms, type SmsKind, type SmsRow, type SmsStatus } from './message.js';

interface DbRow {
  id: number;
  created_at: string;
  to_number: string;
  text: string;
  kind: SmsKind;
  ticket_id: number | null;
  dedupe_key: string;
  status: SmsStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  sent_at: string | null;
  provider_message_id: string | null;
  driver: string | null;
}

const toRow = (r: DbRow): SmsRow => ({
  id: r.id,
  createdAt: r.created_at,
  to: r.to_number,
  text: r.text,
  kind: r.kind,
  ticketId: r.ticket_id,
  dedupeKey: r.dedupe_key,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  sentAt: r.sent_at,
  providerMessageId: r.provider_message_id,
  driver: r.driver,
});

export interface ListQuery {
  status?: SmsStatus;
  limit: number;
  /** an id: only rows older than it (the next page of a newest-first list) */
  before?: number;
}

export class SmsOutbox {
  private readonly insert: Statement;
  private readonly idByKey: Statement;
  private readonly claim: Statement;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(`INSERT INTO sms_outbox (created_at, to_number, text, kind, ticket_id, dedupe_key, status, attempts, next_attempt_at)
      VALUES (@now, @to, @text, @kind, @ticketId, @dedupeKey, 'pending', 0, @now)
      ON CONFLICT (dedupe_key) DO NOTHING`);
    this.idByKey = db.prepare('SELECT id FROM sms_outbox WHERE dedupe_key = ?').pluck();
    // One statement, so claiming is atomic even between two processes on the same file:
    // a row moves to 'sending' exactly once. The attempt is counted here, before sending,
    // so a message that crashes the process mid-send still uses up its attempts.
    this.claim = db.prepare(`UPDATE sms_outbox SET status = 'sending', attempts = attempts + 1
      WHERE id IN (SELECT id FROM sms_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?)
      RETURNING *`);
  }

  /**
   * Records a message once per dedupeKey; `created` is false when the key was already
   * there (the earlier row is kept unchanged). Synchronous, so it can run inside the
   * caller's db.transaction() together with the ticket change.
   */
  enqueue(msg: NewSms, now: Date): { id: number; created: boolean } {
    validateNewSms(msg);
    const params = { now: now.toISOString(), to: msg.to, text: msg.text, kind: msg.kind, ticketId: msg.ticketId ?? null, dedupeKey: msg.dedupeKey };
    const result = this.insert.run(params);
    if (result.changes === 1) return { id: Number(result.lastInsertRowid), created: true };
    return { id: this.idByKey.get(msg.dedupeKey) as number, created: false };
  }

  get(id: number): SmsRow | undefined {
    const r = this.db.prepare('SELECT * FROM sms_outbox WHERE id = ?').get(id) as DbRow | undefined;
    return r && toRow(r);
  }

  /** Newest first. */
  list(q: ListQuery): SmsRow[] {
    const rows = this.db
      .prepare(`SELECT * FROM sms_outbox WHERE (@status IS NULL OR status = @status) AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit`)
      .all({ status: q.status ?? null, before: q.before ?? null, limit: q.limit }) as DbRow[];
    return rows.map(toRow);
  }

  /** Rows per status, every status present (0 when none). */
  counts(): Record<SmsStatus, number> {
    const counts = Object.fromEntries(SMS_STATUSES.map((s) => [s, 0])) as Record<SmsStatus, number>;
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM sms_outbox GROUP BY status').all() as { status: SmsStatus; n: number }[];
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }

  /** Moves up to `limit` due pending rows to 'sending' and returns them, oldest due first. */
  claimDue(now: Date, limit: number): SmsRow[] {
    const rows = (this.claim.all(now.toISOString(), limit) as DbRow[]).map(toRow);
    return rows.sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt) || a.id - b.id);
  }

  /**
   * Rows left in 'sending' by a process that died mid-send go back to 'pending', due now.
   * Run once at start-up, before this process claims anything: such a row may already
   * have reached the phone, so it can be sent twice (at-least-once delivery).
   */
  reclaimSending(now: Date): number {
    return this.db.prepare(`UPDATE sms_outbox SET status = 'pending', next_attempt_at = ? WHERE status = 'sending'`).run(now.toISOString()).changes;
  }

  markSent(id: number, r: { providerMessageId: string; driver: string }, now: Date): boolean {
    return this.finish(id, `status = 'sent', sent_at = @now, provider_message_id = @providerMessageId, last_error = NULL, driver = @driver`, {
      ...r,
      now: now.toISOString(),
    });
  }

  markRetry(id: number, r: { error: string; driver: string; nextAttemptAt: Date }): boolean {
    return this.finish(id, `status = 'pending', last_error = @error, driver = @driver, next_attempt_at = @next`, {
      error: r.error,
      driver: r.driver,
      next: r.nextAttemptAt.toISOString(),
    });
  }

  markFailed(id: number, r: { error: string; driver: string }): boolean {
    return this.finish(id, `status = 'failed', last_error = @error, driver = @driver`, r);
  }

  /** Final: no gateway was configured when it was due. It is not sent later (a stale reminder helps no one). */
  markUnsent(id: number, r: { reason: string; driver: string }): boolean {
    return this.finish(id, `status = 'unsent', last_error = @reason, driver = @driver`, r);
  }

  /** Only a row this worker holds in 'sending' is changed. */
  private finish(id: number, set: string, params: Record<string, unknown>): boolean {
    return this.db.prepare(`UPDATE sms_outbox SET ${set} WHERE id = @id AND status = 'sending'`).run({ ...params, id }).changes === 1;
  }
}
