// Reads the rows the measures need from SQLite and groups them by hotline, line and period.
// Periods are Asia/Shanghai days and weeks (Monday first), as the centre reports them.
import type { Db } from '../store/index.js';
import type { RoutingPlan } from '../config/index.js';
import { shanghaiDateOf } from '../calendar/index.js';
import { transferRate, type AttemptRow, type TransferRate } from './transfer-rate.js';
import { serviceLevel, type QueuedCallRow, type ServiceLevel } from './service-level.js';

export type Period = 'total' | 'day' | 'week' | 'hour';

export interface Range {
  fromMs: number;
  toMs: number;
}

const DAY_MS = 86_400_000;

/** The Shanghai date (or week's Monday, or hour) a microsecond instant falls in. */
export function periodOf(us: number, by: Period): string {
  if (by === 'total') return 'total';
  const d = new Date(Math.floor(us / 1000));
  const date = shanghaiDateOf(d);
  if (by === 'day') return date;
  if (by === 'hour') return `${date}T${String(new Date(d.getTime() + 8 * 3_600_000).getUTCHours()).padStart(2, '0')}:00`;
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  return shanghaiDateOf(new Date(Date.parse(`${date}T00:00:00+08:00`) - weekday * DAY_MS));
}

export class Figures {
  constructor(
    private readonly db: Db,
    private readonly plan: () => RoutingPlan,
    private readonly now: () => Date = () => new Date(),
  ) {}

  transferRates(range: Range, opts: { hotline?: string; by?: Period } = {}): Array<TransferRate & { period: string; name: string | null }> {
    const plan = this.plan();
    const rows = this.db
      .prepare<Record<string, unknown>, AttemptRow>(
        `SELECT hotline, created_us, answered_us, ended_us, result FROM transfer_attempts
         WHERE created_us >= @from AND created_us < @to ${opts.hotline ? 'AND hotline = @hotline' : ''} AND kind IN ('warm', 'blind', 'three_way')`,
      )
      .all({ from: range.fromMs * 1000, to: range.toMs * 1000, hotline: opts.hotline });
    const by = opts.by ?? 'total';
    const groups = new Map<string, AttemptRow[]>();
    const hotlines = opts.hotline ? [opts.hotline] : plan.hotlines.filter((h) => h.mode === 'parallel').map((h) => h.number);
    if (by === 'total') for (const h of hotlines) groups.set(`${h}|total`, []);
    for (const r of rows) {
      const key = `${r.hotline}|${periodOf(r.created_us, by)}`;
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(r);
    }
    return [...groups].map(([key, list]) => {
      const [hotline, period] = key.split('|') as [string, string];
      return { period, name: plan.byNumber.get(hotline)?.name ?? null, ...transferRate(hotline, list, plan.transfer.answerTargetS) };
    });
  }

  serviceLevels(range: Range, opts: { line?: string; by?: Period | 'line' } = {}): Array<ServiceLevel & { period: string; line: string | null }> {
    const plan = this.plan();
    const rows = this.db
      .prepare<Record<string, unknown>, QueuedCallRow>(
        `SELECT line, queue_entered_us, agent_answered_us, queue_left_us, outcome FROM calls
         WHERE queue_entered_us >= @from AND queue_entered_us < @to ${opts.line ? 'AND line = @line' : ''}`,
      )
      .all({ from: range.fromMs * 1000, to: range.toMs * 1000, line: opts.line });
    const by = opts.by ?? 'total';
    const groups = new Map<string, QueuedCallRow[]>();
    if (by === 'total') groups.set('total', []);
    for (const r of rows) {
      const key = by === 'line' ? (r.line ?? 'none') : periodOf(r.queue_entered_us, by);
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(r);
    }
    const { answerTargetS, shortAbandonS } = plan.serviceLevel;
    return [...groups].map(([key, list]) => ({
      period: by === 'line' ? 'total' : key,
      line: by === 'line' ? key : (opts.line ?? null),
      ...serviceLevel(list, answerTargetS, shortAbandonS, this.now().getTime() * 1000),
    }));
  }

  /** Arrival rate into the 12345 queue and average talk time over a range, for the Erlang C hint. */
  load(range: Range): { callsPerHour: number; averageTalkS: number | null } {
    const r = this.db
      .prepare<Record<string, number>, { offered: number; talk: number | null }>(
        `SELECT count(*) AS offered, avg(CASE WHEN agent_answered_us IS NOT NULL AND ended_us IS NOT NULL THEN (ended_us - agent_answered_us) / 1e6 END) AS talk
         FROM calls WHERE queue_entered_us >= @from AND queue_entered_us < @to`,
      )
      .get({ from: range.fromMs * 1000, to: range.toMs * 1000 })!;
    const hours = (range.toMs - range.fromMs) / 3_600_000;
    return { callsPerHour: hours > 0 ? r.offered / hours : 0, averageTalkS: r.talk };
  }
}
