// The wallboard alert (docs/figures.md#alerts): a parallel hotline
// whose rolling 24 h transfer answer rate is below the target. It opens only on enough counted
// attempts and closes only once the rate is clearly back (target + margin) or nothing has been
// counted for a while, so a rate hovering around 95% does not open and close it with every
// transfer. Each opening and closing is stored once; an opening texts the department head
// through the SMS outbox, at most once per hotline per hour.
import type { Db } from '../store/index.js';
import type { Migration } from '../store/migrate.js';
import type { RoutingPlan, TransferAlertSettings } from '../config/index.js';
import { formatShanghai } from '../calendar/index.js';
import type { SmsQueue } from '../tickets/reminders.js';
import type { Figures } from './figures.js';
import type { TransferCounts } from './transfer-rate.js';

export const alertsMigration: Migration = {
  version: 6,
  name: 'alerts',
  up: `
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  opened_ms INTEGER NOT NULL,
  closed_ms INTEGER,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX alerts_one_open ON alerts (kind, subject) WHERE closed_ms IS NULL;
`,
};

export interface AlertRow {
  id: number;
  kind: string;
  subject: string;
  opened_ms: number;
  closed_ms: number | null;
  /** JSON: the reading that opened it, `sms_ms` when a text went, `closed` with the reason and reading */
  detail: string;
}

export type CloseReason = 'recovered' | 'quiet';

const KIND = 'transfer_rate_below_target';
const WINDOW_MS = 86_400_000;
/** However often a hotline's alert opens, its head gets at most one text an hour. */
const SMS_GAP_MS = 3_600_000;
/** Rates are quotients; a threshold like 0.90 + 0.05 must not miss an exact 95%. */
const EPS = 1e-9;

/** What the alerts remember of a hotline's earlier alerts. */
interface History {
  lastClosedMs: number | null;
  lastSmsMs: number | null;
}

/**
 * Opens when at least `minCounted` attempts are counted, the rate is below the target and the
 * hotline is not quiet (it would close at once). After a close it opens again only on an attempt
 * placed since, so the 24 h window dropping old good attempts, or a quiet close with the same
 * attempts still in the window, never reopens it alone.
 */
export function shouldOpen(r: TransferCounts, s: TransferAlertSettings, targetRate: number, lastClosedMs: number | null, nowMs: number): boolean {
  if (r.rate === null || r.counted < s.minCounted || r.rate >= targetRate - EPS || closeReason(r, s, targetRate, nowMs) === 'quiet') return false;
  return lastClosedMs === null || r.last_counted_us! / 1000 > lastClosedMs;
}

/** Why an open alert closes now, if it does: the rate back at target + margin, or a quiet period. */
export function closeReason(r: TransferCounts | undefined, s: TransferAlertSettings, targetRate: number, nowMs: number): CloseReason | null {
  if (!r || r.last_counted_us === null || nowMs - r.last_counted_us / 1000 >= s.quietCloseMin * 60_000) return 'quiet';
  if (r.rate !== null && r.rate >= targetRate + s.closeMargin - EPS) return 'recovered';
  return null;
}

/** The alert rule in words, for the alerts list and the wallboard. */
export function alertRuleText(plan: RoutingPlan): string {
  const { targetRate, alert } = plan.transfer;
  const pct = (x: number) => `${+(x * 100).toFixed(1)}%`;
  return `近24小时计入不少于${alert.minCounted}次且15秒接通率低于${pct(targetRate)}时告警；接通率回升至${pct(targetRate + alert.closeMargin)}及以上，或连续${alert.quietCloseMin}分钟无计入的转接时解除；短信仅在告警开启时发送，每条热线每小时最多一条`;
}

export class TransferAlerts {
  constructor(
    private readonly db: Db,
    private readonly figures: Figures,
    private readonly plan: () => RoutingPlan,
    private readonly sms: SmsQueue | null,
  ) {}

  /** Re-evaluates every parallel hotline's rolling 24 h rate at `now`; returns the alerts opened and closed. */
  run(now: Date): { opened: string[]; closed: string[] } {
    const nowMs = now.getTime();
    const readings = this.figures.transferCounts({ fromMs: nowMs - WINDOW_MS, toMs: nowMs }, nowMs);
    const byHotline = new Map(readings.map((r) => [r.hotline, r]));
    const opened: string[] = [];
    const closed: string[] = [];
    this.db.transaction(() => {
      const { targetRate, alert: settings } = this.plan().transfer;
      const open = new Map(
        this.open()
          .filter((a) => a.kind === KIND)
          .map((a) => [a.subject, a]),
      );
      for (const [hotline, row] of open) {
        const why = closeReason(byHotline.get(hotline), settings, targetRate, nowMs);
        if (why && this.close(row, why, byHotline.get(hotline), nowMs)) closed.push(hotline);
      }
      const history = this.history();
      for (const r of readings) {
        if (open.has(r.hotline) || !shouldOpen(r, settings, targetRate, history.get(r.hotline)?.lastClosedMs ?? null, nowMs)) continue;
        this.openAlert(r, nowMs, history.get(r.hotline)?.lastSmsMs ?? null, now);
        opened.push(r.hotline);
      }
    })();
    return { opened, closed };
  }

  open(): AlertRow[] {
    return openAlerts(this.db);
  }

  /** Every alert of one hotline, oldest first: what was opened and closed, and why. */
  ofHotline(hotline: string): AlertRow[] {
    return this.db.prepare<[string, string], AlertRow>('SELECT * FROM alerts WHERE kind = ? AND subject = ? ORDER BY opened_ms, id').all(KIND, hotline);
  }

  private history(): Map<string, History> {
    const rows = this.db
      .prepare<[string], { subject: string; last_closed_ms: number | null; last_sms_ms: number | null }>(
        "SELECT subject, max(closed_ms) AS last_closed_ms, max(json_extract(detail, '$.sms_ms')) AS last_sms_ms FROM alerts WHERE kind = ? GROUP BY subject",
      )
      .all(KIND);
    return new Map(rows.map((r) => [r.subject, { lastClosedMs: r.last_closed_ms, lastSmsMs: r.last_sms_ms }]));
  }

  private openAlert(r: TransferCounts & { name: string | null }, nowMs: number, lastSmsMs: number | null, now: Date): void {
    const detail = { ...readingOf(r, nowMs), name: r.name };
    const id = Number(
      this.db.prepare('INSERT INTO alerts (kind, subject, opened_ms, detail) VALUES (?, ?, ?, ?)').run(KIND, r.hotline, nowMs, JSON.stringify(detail))
        .lastInsertRowid,
    );
    if (lastSmsMs !== null && nowMs - lastSmsMs < SMS_GAP_MS) return;
    if (this.notifyHead(id, r, now)) this.db.prepare("UPDATE alerts SET detail = json_set(detail, '$.sms_ms', ?) WHERE id = ?").run(nowMs, id);
  }

  private close(row: AlertRow, reason: CloseReason, r: TransferCounts | undefined, nowMs: number): boolean {
    const closing = { reason, ...(r ? readingOf(r, nowMs) : {}) };
    return (
      this.db
        .prepare("UPDATE alerts SET closed_ms = ?, detail = json_set(detail, '$.closed', json(?)) WHERE id = ? AND closed_ms IS NULL")
        .run(nowMs, JSON.stringify(closing), row.id).changes === 1
    );
  }

  /** True when a text was queued: the department has a head's mobile and there is an outbox. */
  private notifyHead(alertId: number, r: TransferCounts, now: Date): boolean {
    const plan = this.plan();
    const h = plan.byNumber.get(r.hotline);
    const head = h?.department ? plan.departments.get(h.department)?.headMobile : null;
    if (!this.sms || !head || r.rate === null) return false;
    const pct = (r.rate * 100).toFixed(1);
    const text = `【12345】${h!.name}（${r.hotline}）近24小时转接15秒接通率为${pct}%（${r.counted}次），低于${(plan.transfer.targetRate * 100).toFixed(0)}%的要求，请加强坐席值守。`;
    this.sms.enqueue({ to: head, text, kind: 'alert', dedupeKey: `alert:${KIND}:${r.hotline}:${alertId}` }, now);
    return true;
  }
}

/** The alerts open now, oldest first: for the API, the live feed and the wallboard. */
export function openAlerts(db: Db): AlertRow[] {
  return db.prepare<[], AlertRow>('SELECT * FROM alerts WHERE closed_ms IS NULL ORDER BY opened_ms').all();
}

/** The figures an alert opened or closed on, with their window and basis (docs/figures.md#alerts). */
function readingOf(r: TransferCounts, nowMs: number) {
  return {
    rate: r.rate,
    counted: r.counted,
    answered_within_15s: r.answered_within_15s,
    ringing: r.ringing,
    cancelled: r.cancelled,
    window: { from: formatShanghai(new Date(nowMs - WINDOW_MS)), to: formatShanghai(new Date(nowMs)) },
  };
}
