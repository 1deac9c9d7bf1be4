// The wallboard alert (DESIGN.md §5): a parallel hotline whose rolling 24 h transfer answer
// rate is below the target. Opened and closed as the rate crosses the target, each stored
// once; opening one also texts the department head through the SMS outbox (once a day at most).
import type { Db } from '../store/index.js';
import type { Migration } from '../store/migrate.js';
import type { RoutingPlan } from '../config/index.js';
import { shanghaiDateOf } from '../calendar/index.js';
import type { SmsQueue } from '../tickets/reminders.js';
import type { Figures } from './figures.js';

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
  detail: string;
}

const KIND = 'transfer_rate_below_target';

export class TransferAlerts {
  constructor(
    private readonly db: Db,
    private readonly figures: Figures,
    private readonly plan: () => RoutingPlan,
    private readonly sms: SmsQueue | null,
  ) {}

  /** Re-evaluates every parallel hotline's rolling 24 h rate; returns the alerts opened and closed. */
  run(now: Date): { opened: string[]; closed: string[] } {
    const nowMs = now.getTime();
    const plan = this.plan();
    const rates = this.figures.transferCounts({ fromMs: nowMs - 86_400_000, toMs: nowMs });
    const opened: string[] = [];
    const closed: string[] = [];
    this.db.transaction(() => {
      for (const r of rates) {
        const below = r.rate !== null && r.rate < plan.transfer.targetRate;
        const open = this.db.prepare<[string, string], AlertRow>('SELECT * FROM alerts WHERE kind = ? AND subject = ? AND closed_ms IS NULL').get(KIND, r.hotline);
        if (below && !open) {
          const detail = { rate: r.rate, counted: r.counted, answered_within_15s: r.answered_within_15s, name: r.name };
          this.db.prepare('INSERT INTO alerts (kind, subject, opened_ms, detail) VALUES (?, ?, ?, ?)').run(KIND, r.hotline, nowMs, JSON.stringify(detail));
          this.notifyHead(r.hotline, r.rate!, r.counted, now);
          opened.push(r.hotline);
        } else if (!below && open) {
          this.db.prepare('UPDATE alerts SET closed_ms = ? WHERE id = ?').run(nowMs, open.id);
          closed.push(r.hotline);
        }
      }
    })();
    return { opened, closed };
  }

  open(): AlertRow[] {
    return this.db.prepare<[], AlertRow>('SELECT * FROM alerts WHERE closed_ms IS NULL ORDER BY opened_ms').all();
  }

  private notifyHead(hotline: string, rate: number, counted: number, now: Date): void {
    const plan = this.plan();
    const h = plan.byNumber.get(hotline);
    const head = h?.department ? plan.departments.get(h.department)?.headMobile : null;
    if (!this.sms || !head) return;
    const pct = (rate * 100).toFixed(1);
    const text = `【12345】${h!.name}（${hotline}）近24小时转接15秒接通率为${pct}%（${counted}次），低于${(plan.transfer.targetRate * 100).toFixed(0)}%的要求，请加强坐席值守。`;
    this.sms.enqueue({ to: head, text, kind: 'alert', dedupeKey: `alert:${KIND}:${hotline}:${shanghaiDateOf(now)}` }, now);
  }
}
