// Reads the rows the measures need from SQLite and groups them by hotline, line and period.
// Periods are Asia/Shanghai days and weeks (Monday first), as the centre reports them.
import type { Db } from '../store/index.js';
import type { RoutingPlan } from '../config/index.js';
import { shanghaiDateOf } from '../calendar/index.js';
import { transferRate, type AttemptRow, type TransferCounts, type TransferRate } from './transfer-rate.js';
import { serviceLevel, type QueuedCallRow, type ServiceLevel, type ServiceLevelCounts } from './service-level.js';
import { ENDED_UNSEEN } from '../call/call-records.js';

export type Period = 'total' | 'day' | 'week' | 'hour';

export interface Range {
  fromMs: number;
  toMs: number;
}

const DAY_MS = 86_400_000;

/**
 * Labels already made, per kind of period, by hour number since the epoch: a month's report
 * labels tens of thousands of rows, and making each label from a Date was most of its time.
 */
const labelsByHour: Record<Exclude<Period, 'total'>, Map<number, string>> = { day: new Map(), week: new Map(), hour: new Map() };

/** The Shanghai date (or week's Monday, or hour) a microsecond instant falls in. */
export function periodOf(us: number, by: Period): string {
  if (by === 'total') return 'total';
  // Shanghai's offset is whole hours, so every instant of one UTC hour has the same label
  const hour = Math.floor(us / 3_600_000_000);
  const labels = labelsByHour[by];
  let label = labels.get(hour);
  if (label === undefined) {
    if (labels.size >= 100_000) labels.clear();
    labels.set(hour, (label = periodLabel(us, by)));
  }
  return label;
}

function periodLabel(us: number, by: Exclude<Period, 'total'>): string {
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
    const nowUs = this.now().getTime() * 1000;
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
      return { period, name: plan.byNumber.get(hotline)?.name ?? null, ...transferRate(hotline, list, plan.transfer.answerTargetS, nowUs) };
    });
  }

  /**
   * `transferRates` for one range in total, without the answer-time percentiles, counted by
   * SQLite: for the reads made every few seconds or on every attempt's end (the wallboard,
   * /metrics, the alerts), where a day's attempts carried into JavaScript cost milliseconds a
   * time. The CASE takes classifyAttempt's branches in its order (0 not an attempt, 1 answered
   * within the target, 2 answered later, 7 still ringing, 3 cancelled early, then busy, failed
   * and the rest unanswered); a test holds it to the same answers as transferRates. `nowMs`
   * is the instant legs still ringing are judged at (the alerts pass the instant they run for).
   */
  transferCounts(range: Range, nowMs = this.now().getTime()): Array<TransferCounts & { name: string | null }> {
    const plan = this.plan();
    const nowUs = nowMs * 1000;
    const rows = this.db
      .prepare<Record<string, number>, TransferCountRow>(
        `SELECT hotline, sum(branch > 0) AS attempts, sum(branch = 1) AS within, sum(branch IN (1, 2)) AS answered, sum(branch = 3) AS cancelled,
           sum(branch = 4) AS busy, sum(branch = 5) AS failed, sum(branch = 6) AS unanswered, sum(branch = 7) AS ringing,
           max(CASE WHEN branch = 7 THEN @now - created_us END) AS ringing_longest_us,
           max(CASE WHEN branch IN (1, 2, 4, 5, 6) THEN created_us END) AS last_counted_us
         FROM (SELECT hotline, created_us,
           CASE
             WHEN result = 'refused' THEN 0
             WHEN answered_us IS NOT NULL THEN CASE WHEN answered_us - created_us <= @target THEN 1 ELSE 2 END
             WHEN ended_us IS NULL AND result IS NULL AND @now - created_us <= @target THEN 7
             WHEN result = 'cancelled' AND ended_us IS NOT NULL AND ended_us - created_us < @target THEN 3
             WHEN result = 'busy' THEN 4
             WHEN result = 'failed' THEN 5
             ELSE 6
           END AS branch
           FROM transfer_attempts WHERE created_us >= @from AND created_us < @to AND kind IN ('warm', 'blind', 'three_way'))
         GROUP BY hotline`,
      )
      .all({ from: range.fromMs * 1000, to: range.toMs * 1000, target: plan.transfer.answerTargetS * 1_000_000, now: nowUs });
    const found = new Map(rows.map((r) => [r.hotline, r]));
    const hotlines = [...plan.hotlines.filter((h) => h.mode === 'parallel').map((h) => h.number), ...rows.map((r) => r.hotline)];
    return [...new Set(hotlines)].map((hotline) => ({ name: plan.byNumber.get(hotline)?.name ?? null, ...countsOfRow(hotline, found.get(hotline)) }));
  }

  serviceLevels(range: Range, opts: { line?: string; by?: Period | 'line' } = {}): Array<ServiceLevel & { period: string; line: string | null }> {
    const plan = this.plan();
    const rows = this.db
      .prepare<Record<string, unknown>, QueuedCallRow>(
        `SELECT line, queue_entered_us, agent_answered_us, queue_left_us, outcome, hangup_cause FROM calls
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

  /**
   * The counts and rates of `serviceLevels` (no waits), counted by SQLite: for what is read every
   * few seconds (each /metrics scrape, each wallboard screen), where carrying a busy day's queued
   * calls into JavaScript took tens of milliseconds of the event loop. The CASE takes the
   * branches of serviceLevel() in the same order (1 answered within the target, 2 answered
   * later, 3 pending, 4 short abandon, 5 abandoned, 6 other); a test holds the two to the same
   * answers.
   */
  queueCounts(range: Range, by: 'total' | 'hour' = 'total'): Array<ServiceLevelCounts & { period: string }> {
    const { answerTargetS, shortAbandonS } = this.plan().serviceLevel;
    const rows = this.db
      .prepare<
        Record<string, number | string>,
        { hour: number; total: number; answered: number; within: number; pending: number; short: number; abandoned: number; unknown: number }
      >(
        `SELECT hour, count(*) AS total, sum(branch <= 2) AS answered, sum(branch = 1) AS within, sum(branch = 3) AS pending,
           sum(branch = 4) AS short, sum(branch = 5) AS abandoned, sum(branch = 7) AS unknown
         FROM (SELECT ${by === 'hour' ? 'queue_entered_us / 3600000000' : '0'} AS hour,
           CASE
             WHEN agent_answered_us IS NOT NULL THEN CASE WHEN agent_answered_us - queue_entered_us <= @target THEN 1 ELSE 2 END
             WHEN hangup_cause = @unseen THEN 7
             WHEN queue_left_us IS NULL AND outcome IS NULL AND @now - queue_entered_us <= @target THEN 3
             WHEN outcome = 'abandoned_queue' AND queue_left_us IS NOT NULL AND queue_left_us - queue_entered_us < @short THEN 4
             WHEN outcome = 'abandoned_queue' THEN 5
             ELSE 6
           END AS branch
           FROM calls WHERE queue_entered_us >= @from AND queue_entered_us < @to)
         ${by === 'hour' ? 'GROUP BY hour ORDER BY hour' : ''}`,
      )
      .all({
        from: range.fromMs * 1000,
        to: range.toMs * 1000,
        now: this.now().getTime() * 1000,
        target: answerTargetS * 1_000_000,
        short: shortAbandonS * 1_000_000,
        unseen: ENDED_UNSEEN,
      });
    // without GROUP BY, an empty range is still one row, of zeros (sum() of nothing is NULL)
    return rows.map((r) => ({
      period: by === 'hour' ? periodOf(r.hour * 3_600_000_000, 'hour') : 'total',
      ...countsOf(
        r.total - (r.pending ?? 0) - (r.short ?? 0) - (r.unknown ?? 0),
        r.answered ?? 0,
        r.within ?? 0,
        r.abandoned ?? 0,
        r.short ?? 0,
        r.pending ?? 0,
        r.unknown ?? 0,
      ),
    }));
  }

  /**
   * What the capacity hint rests on (docs/figures.md#capacity-hint): calls that entered the 12345
   * queue in the window, and of the calls an agent answered in it those that have ended, with
   * their average talk (agent answer to the call's end). The queue-entry bound a day before the
   * window lets the answered calls be found on the queue-entry index.
   */
  load(range: Range): CapacityLoad {
    return this.db
      .prepare<Record<string, number>, CapacityLoad>(
        `SELECT (SELECT count(*) FROM calls WHERE queue_entered_us >= @from AND queue_entered_us < @to) AS arrivals,
           count(*) AS answered, count(ended_us) AS talk_samples,
           avg(CASE WHEN ended_us IS NOT NULL THEN (ended_us - agent_answered_us) / 1e6 END) AS average_talk_s
         FROM calls WHERE queue_entered_us >= @from - 86400000000 AND queue_entered_us < @to AND agent_answered_us >= @from AND agent_answered_us < @to`,
      )
      .get({ from: range.fromMs * 1000, to: range.toMs * 1000 })!;
  }
}

export interface CapacityLoad {
  /** calls that entered the 12345 queue in the window */
  arrivals: number;
  /** calls an agent answered in the window */
  answered: number;
  /** of those, the ones that have ended: the talk times averaged */
  talk_samples: number;
  average_talk_s: number | null;
}

interface TransferCountRow {
  hotline: string;
  attempts: number;
  within: number;
  answered: number;
  cancelled: number;
  busy: number;
  failed: number;
  unanswered: number;
  ringing: number;
  ringing_longest_us: number | null;
  last_counted_us: number | null;
}

function countsOfRow(hotline: string, r: TransferCountRow | undefined): TransferCounts {
  const counted = r ? r.attempts - r.cancelled - r.ringing : 0;
  return {
    hotline,
    attempts: r?.attempts ?? 0,
    cancelled: r?.cancelled ?? 0,
    ringing: r?.ringing ?? 0,
    ringing_longest_s: r?.ringing_longest_us == null ? null : r.ringing_longest_us / 1_000_000,
    counted,
    answered: r?.answered ?? 0,
    answered_within_15s: r?.within ?? 0,
    busy: r?.busy ?? 0,
    no_answer: r?.unanswered ?? 0,
    failed: r?.failed ?? 0,
    rate: counted === 0 ? null : r!.within / counted,
    last_counted_us: r?.last_counted_us ?? null,
  };
}

/** The counts of several periods together (the day from its hours): counts add, rates are recomputed. */
export function combinedCounts(items: readonly ServiceLevelCounts[]): ServiceLevelCounts {
  const sum = (k: 'offered' | 'answered' | 'answered_within_15s' | 'abandoned' | 'short_abandoned' | 'pending' | 'unknown') =>
    items.reduce((n, c) => n + c[k], 0);
  return countsOf(sum('offered'), sum('answered'), sum('answered_within_15s'), sum('abandoned'), sum('short_abandoned'), sum('pending'), sum('unknown'));
}

function countsOf(offered: number, answered: number, within: number, abandoned: number, short: number, pending: number, unknown: number): ServiceLevelCounts {
  return {
    offered,
    answered,
    answered_within_15s: within,
    abandoned,
    short_abandoned: short,
    pending,
    unknown,
    rate: offered > 0 ? within / offered : null,
    answer_rate: offered > 0 ? answered / offered : null,
    abandon_rate: offered > 0 ? abandoned / offered : null,
  };
}
