// Response schemas of the stats API: each answer states its window, when it was computed and
// its definition (docs/figures.md) beside the figures, and the schemas say which figures may
// be null (nothing to divide by yet) rather than zero.
import { Type } from 'typebox';
import { Instant, Nullable } from '../api-schema.js';

const Window = Type.Object({ from: Instant, to: Instant });

/** What every figure answer states about itself. */
const stated = {
  from: Instant,
  to: Instant,
  window: Window,
  as_of: Instant,
  definition: Type.String({ description: 'the definition in Chinese (docs/figures.md)' }),
};

const count = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const share = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1, description }));

export const TransferRateAnswer = Type.Object({
  ...stated,
  target_s: Type.Number(),
  target_rate: Type.Number(),
  items: Type.Array(
    Type.Object({
      hotline: Type.String(),
      name: Nullable(Type.String()),
      period: Type.String({ description: 'the day or week, or the whole window' }),
      attempts: count('legs placed: counted + cancelled + ringing'),
      cancelled: count('given up by us before the target, unanswered: left out'),
      ringing: count('outcome not known yet and within the target: left out until it is'),
      ringing_longest_s: Nullable(Type.Number()),
      counted: count(),
      answered: count(),
      answered_within_15s: count(),
      busy: count(),
      no_answer: count(),
      failed: count(),
      rate: share('answered_within_15s ÷ counted; null when nothing counted'),
      last_counted_us: Nullable(Type.Integer({ description: 'FreeSWITCH creation time of the newest counted leg, µs' })),
      answer_p50_s: Nullable(Type.Number()),
      answer_p90_s: Nullable(Type.Number()),
    }),
  ),
});

/** The service level's counts and rates (reports/figures.ts countsOf). */
const levelCounts = {
  offered: count('calls that entered the 12345 queue, less the left-out ones'),
  answered: count(),
  answered_within_15s: count(),
  abandoned: count(),
  short_abandoned: count(),
  pending: count('still waiting and within the target: left out until decided'),
  unknown: count('ended while no controller was up, with no agent answer on record: left out'),
  rate: share('answered_within_15s ÷ offered; null when nothing was offered'),
  answer_rate: share('answered ÷ offered'),
  abandon_rate: share('abandoned ÷ offered'),
};

/** With the waits, as the stats answer gives them. */
const levelFields = {
  ...levelCounts,
  average_wait_s: Nullable(Type.Number()),
  p90_wait_s: Nullable(Type.Number()),
};

/** The total over the window, or with `by` one item per line, hour, day or week. */
export const ServiceLevelAnswer = Type.Object({
  ...stated,
  ...Type.Partial(Type.Object(levelFields)).properties,
  items: Type.Optional(Type.Array(Type.Object({ period: Type.String(), line: Nullable(Type.String()), ...levelFields }))),
});

export const CapacityAnswer = Type.Object({
  ...stated,
  arrivals: count(),
  calls_per_hour: Type.Number(),
  answered: count(),
  talk_samples: count(),
  average_talk_s: Nullable(Type.Number()),
  wrap_up_s: Type.Number(),
  average_handle_s: Type.Number(),
  waiting_now: Nullable(Type.Integer()),
  seats_configured: Type.Integer(),
  seats_needed: Nullable(Type.Integer({ description: 'null when no number of seats meets the target' })),
  target: Type.String(),
  basis: Type.String({ description: 'the figures the estimate rests on, in Chinese' }),
});

const Counts = (description: string) => Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description });

/** /api/wallboard: counts only, no caller numbers, each figure with its window, basis and definition. */
export const WallboardAnswer = Type.Object({
  title: Type.String(),
  at: Instant,
  queue: Type.Object({ waiting: count(), longest_wait_s: Type.Integer({ minimum: 0 }) }),
  agents: Counts('seats by state name in Chinese (空闲, 通话中, …)'),
  calls_today: Counts('calls since 00:00 by outcome; in_progress for those not ended'),
  service_level_today: Type.Object({
    ...levelCounts,
    target: Type.String(),
    target_rate: Type.Number(),
    window: Window,
    basis: Type.String(),
    definition: Type.String(),
  }),
  hours_today: Type.Array(
    Type.Object({
      hour: Type.String({ description: 'YYYY-MM-DDTHH:00, Shanghai' }),
      offered: count(),
      answered: count(),
      abandoned: count(),
      rate: share('of the hour'),
    }),
  ),
  transfer_answer_rate_24h: Type.Object({
    window: Window,
    target_rate: Type.Number(),
    basis: Type.String(),
    definition: Type.String(),
    alert_rule: Type.String(),
    items: Type.Array(
      Type.Object({
        hotline: Type.String(),
        name: Nullable(Type.String()),
        counted: count(),
        answered_within_15s: count(),
        rate: share('answered_within_15s ÷ counted'),
        ringing: count(),
        ringing_longest_s: Nullable(Type.Number()),
        cancelled: count(),
        below_target: Type.Boolean(),
        alert_since: Nullable(Instant),
        basis: Type.String(),
      }),
    ),
  }),
  tickets: Type.Object({
    open_by_light: Type.Object({ green: count(), yellow: count(), red: count() }),
    by_status: Counts('tickets by status'),
  }),
  api: Type.String(),
});

/** One department's month (src/reports/monthly.ts MonthlyRow; the CSV's columns in the same order). */
const MonthlyRowView = Type.Object({
  department: Type.String(),
  name: Type.String(),
  dispatched: count('tickets dispatched to the department in the month'),
  signed_on_time: count(),
  sign_late: count(),
  sign_not_due: count(),
  sign_on_time_rate: share('signed on time ÷ sign clocks ended (docs/figures.md#on-time-rates)'),
  resolved_on_time: count(),
  resolve_late: count(),
  resolve_not_due: count(),
  resolve_on_time_rate: share('replied on time ÷ reply clocks ended'),
  returned: count(),
  overdue_open: count(),
  satisfied: count(),
  follow_ups: count(),
  satisfaction_rate: share('satisfied ÷ follow-ups'),
  transfers_counted: count(),
  transfers_within_15s: count(),
  transfers_ringing: count(),
  transfer_rate: share('answered within 15 s ÷ counted (docs/figures.md#transfer-answer-rate)'),
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** GET /api/reports/monthly: the table as JSON, CSV or .xlsx, by `format`. */
export const MonthlyReportAnswer = {
  description: 'the monthly department table: JSON (format=json), CSV (the default) or an .xlsx workbook (format=xlsx)',
  content: {
    'application/json': {
      schema: Type.Object({
        month: Type.String(),
        window: Type.Object({ from: Type.String(), to: Type.String() }),
        as_of: Type.String(),
        definitions: Type.Record(Type.String(), Type.String()),
        items: Type.Array(MonthlyRowView),
      }),
    },
    'text/csv': { schema: Type.String({ description: 'UTF-8 with a byte order mark, Chinese headings; the notes after the table' }) },
    // the route sends a Buffer, which fastify passes through unserialized
    [XLSX]: { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'two sheets: the table (headings frozen) and 统计口径' }) },
  },
};
