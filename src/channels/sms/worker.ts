// Sends what the outbox holds. Delivery is at-least-once: a row is claimed ('sending')
// before the gateway is called and recorded after it answers, so a crash in between leaves
// it in 'sending'; start() puts such rows back to 'pending', and that one message may reach
// the phone twice. The other choice, at-most-once, would silently drop reminders.
import type { Logger } from 'pino';
import { isNotConfigured, isPermanentSendError, UNCONFIGURED_REASON, type SmsDriver } from './driver.js';
import { maskNumber, type SmsRow } from './message.js';
import type { SmsOutbox } from './outbox.js';

/** attempt (1 = the first send failed) → milliseconds until the next try */
export type Backoff = (attempt: number) => number;

/**
 * 30 s, 1 min, 2 min, … capped at 30 min, each spread by ±25% so messages that failed
 * together (the gateway was down) do not all come back in the same second.
 */
export function exponentialBackoff(opts: { baseMs?: number; capMs?: number; random?: () => number } = {}): Backoff {
  const base = opts.baseMs ?? 30_000;
  const cap = opts.capMs ?? 30 * 60_000;
  const random = opts.random ?? Math.random;
  return (attempt) => Math.round(Math.min(cap, Math.min(cap, base * 2 ** Math.max(0, attempt - 1)) * (0.75 + random() * 0.5)));
}

export interface OutboxWorkerOptions {
  outbox: SmsOutbox;
  driver: SmsDriver;
  log: Logger;
  clock?: () => Date;
  /** attempts before a message is 'failed' (default 5) */
  maxAttempts?: number;
  backoff?: Backoff;
  /** messages claimed per run (default 20) */
  batchSize?: number;
}

export class OutboxWorker {
  private readonly outbox: SmsOutbox;
  private readonly driver: SmsDriver;
  private readonly log: Logger;
  private readonly clock: () => Date;
  private readonly maxAttempts: number;
  private readonly backoff: Backoff;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private loops = 0;

  constructor(o: OutboxWorkerOptions) {
    this.outbox = o.outbox;
    this.driver = o.driver;
    this.log = o.log;
    this.clock = o.clock ?? (() => new Date());
    this.maxAttempts = o.maxAttempts ?? 5;
    this.backoff = o.backoff ?? exponentialBackoff();
    this.batchSize = o.batchSize ?? 20;
  }

  /**
   * Reclaims rows a crashed process left in 'sending', then runs every intervalMs. Assumes
   * one worker per database file: a second process starting would reclaim rows the first
   * is sending right now.
   */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.recover();
    const loop = ++this.loops; // a stop() and start() in quick succession must not leave two loops
    const tick = () => {
      void this.runOnce()
        .catch((err: unknown) => this.log.error({ err }, 'SMS outbox run failed'))
        .finally(() => {
          if (this.timer && loop === this.loops) this.timer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops the timer and waits for a run in progress; the driver stays open (its owner closes it). */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.loops++;
    await this.running?.catch(() => undefined);
  }

  /** Puts rows left in 'sending' back to 'pending'; start() calls it. */
  recover(): number {
    const n = this.outbox.reclaimSending(this.clock());
    if (n > 0) this.log.warn({ count: n }, 'SMS messages interrupted while sending are queued again (each may reach the phone twice)');
    return n;
  }

  /** Sends the messages due now, one after another; resolves with how many were claimed. Runs never overlap. */
  runOnce(): Promise<number> {
    this.running ??= this.sendDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sendDue(): Promise<number> {
    const claimed = this.outbox.claimDue(this.clock(), this.batchSize);
    for (const row of claimed) await this.sendOne(row);
    return claimed.length;
  }

  private async sendOne(row: SmsRow): Promise<void> {
    const driver = this.driver.name;
    const about = { sms: row.id, kind: row.kind, ticket: row.ticketId, to: maskNumber(row.to), attempt: row.attempts };
    try {
      const { providerMessageId } = await this.driver.send({ id: row.id, to: row.to, text: row.text });
      this.outbox.markSent(row.id, { providerMessageId, driver }, this.clock());
      this.log.info({ ...about, providerMessageId }, 'SMS sent');
    } catch (err) {
      this.recordFailure(row, err, about);
    }
  }

  private recordFailure(row: SmsRow, err: unknown, about: Record<string, unknown>): void {
    const driver = this.driver.name;
    const error = err instanceof Error ? err.message : String(err);
    if (isNotConfigured(err)) {
      this.outbox.markUnsent(row.id, { reason: UNCONFIGURED_REASON, driver });
      this.log.info(about, 'SMS not sent: no SMS gateway configured');
    } else if (isPermanentSendError(err) || row.attempts >= this.maxAttempts) {
      this.outbox.markFailed(row.id, { error, driver });
      this.log.error({ ...about, error }, 'SMS failed; no more attempts');
    } else {
      const nextAttemptAt = new Date(this.clock().getTime() + this.backoff(row.attempts));
      this.outbox.markRetry(row.id, { error, driver, nextAttemptAt });
      this.log.warn({ ...about, error, next: nextAttemptAt.toISOString() }, 'SMS send failed; will retry');
    }
  }
}
