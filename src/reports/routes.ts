// Stats API (docs/architecture.md §4), the monthly department table, open alerts, and Prometheus gauges.
// Every answer states its window, what it rests on and its definition (docs/figures.md).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Gauge } from 'prom-client';
import { CtiError } from '../errors.js';
import { requireRole } from '../auth/index.js';
import { formatShanghai, shanghaiDateOf } from '../calendar/index.js';
import type { Figures, Range } from './figures.js';
import { alertRuleText, type TransferAlerts } from './alerts.js';
import { capacityHint } from './capacity.js';
import { serviceLevelDefinition, transferRateDefinition } from './definitions.js';
import { monthlyReport, reportNotes, toCsv, toXlsx } from './monthly.js';
import { CapacityAnswer, MonthlyReportAnswer, ServiceLevelAnswer, TransferRateAnswer } from './schemas.js';

export interface StatsPluginOptions {
  figures: Figures;
  alerts: TransferAlerts;
  now: () => Date;
  /** callers waiting in the ACD now, for the capacity hint */
  waitingNow?: () => number;
}

const RangeQuery = {
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  window: Type.Optional(Type.Literal('24h')),
};

type RangeQuery = { from?: string; to?: string; window?: '24h' };
/** The plugin's instance, with its TypeBox schemas typing each route's query. */
type Api = Parameters<FastifyPluginAsyncTypebox<StatsPluginOptions>>[0];
const DAY_MS = 86_400_000;

export const statsPlugin: FastifyPluginAsyncTypebox<StatsPluginOptions> = async (app, opts) => {
  const { now } = opts;
  const rangeOf = (q: RangeQuery, fallbackFromMs: (nowMs: number) => number): Range => {
    const nowMs = now().getTime();
    if (q.window) return { fromMs: nowMs - DAY_MS, toMs: nowMs };
    const fromMs = q.from ? Date.parse(q.from) : fallbackFromMs(nowMs);
    const toMs = q.to ? Date.parse(q.to) : nowMs;
    if (toMs <= fromMs) throw new CtiError('HTTP_BAD_REQUEST', 'querystring.to: must be after from');
    return { fromMs, toMs };
  };
  const today = (nowMs: number) => Date.parse(`${shanghaiDateOf(new Date(nowMs))}T00:00:00+08:00`);
  registerRates(app, opts, (q) => rangeOf(q, today));
  registerCapacity(app, opts, (q) => rangeOf(q, (nowMs) => nowMs - app.config.current.routing.serviceLevel.capacityWindowMin * 60_000));
  registerMonthly(app, opts);
  registerGauges(app, opts, () => rangeOf({}, today));
};

const windowOf = (r: Range) => ({ from: formatShanghai(new Date(r.fromMs)), to: formatShanghai(new Date(r.toMs)) });

function registerRates(api: Api, opts: StatsPluginOptions, rangeOf: (q: RangeQuery) => Range): void {
  const staff = requireRole('agent', 'supervisor', 'admin');
  api.get(
    '/stats/transfer-answer-rate',
    {
      preHandler: staff,
      schema: {
        summary: 'transfers answered within 15 s, per hotline, over a range or the last 24 h',
        tags: ['stats'],
        querystring: Type.Object({
          ...RangeQuery,
          hotline: Type.Optional(Type.String({ pattern: '^[0-9]{3,15}$' })),
          by: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week')])),
        }),
        response: { 200: TransferRateAnswer },
      },
    },
    async (req) => {
      const range = rangeOf(req.query);
      const plan = api.config.current.routing;
      const items = opts.figures.transferRates(range, { hotline: req.query.hotline, by: req.query.by });
      return {
        ...windowOf(range),
        window: windowOf(range),
        as_of: formatShanghai(opts.now()),
        definition: transferRateDefinition(plan),
        target_s: plan.transfer.answerTargetS,
        target_rate: plan.transfer.targetRate,
        items,
      };
    },
  );

  api.get(
    '/stats/service-level',
    {
      preHandler: staff,
      schema: {
        summary: 'service level of 12345: calls answered within the target, over a range',
        tags: ['stats'],
        querystring: Type.Object({
          ...RangeQuery,
          line: Type.Optional(Type.String({ pattern: '^[0-9]$' })),
          by: Type.Optional(Type.Union([Type.Literal('line'), Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')])),
        }),
        response: { 200: ServiceLevelAnswer },
      },
    },
    async (req) => {
      const range = rangeOf(req.query);
      const items = opts.figures.serviceLevels(range, { line: req.query.line, by: req.query.by });
      const stated = {
        ...windowOf(range),
        window: windowOf(range),
        as_of: formatShanghai(opts.now()),
        definition: serviceLevelDefinition(api.config.current.routing),
      };
      if (req.query.by) return { ...stated, items };
      const { period: _p, line: _l, ...total } = items[0]!;
      return { ...stated, ...total };
    },
  );

  api.get(
    '/alerts',
    {
      preHandler: staff,
      schema: {
        summary: 'transfer-rate alerts now open',
        tags: ['stats'],
        response: {
          200: Type.Object({
            rule: Type.String({ description: 'when an alert opens and closes, in Chinese' }),
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                kind: Type.String(),
                subject: Type.String({ description: 'the hotline' }),
                opened_at: Type.String(),
                detail: Type.Unknown(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      rule: alertRuleText(api.config.current.routing),
      items: opts.alerts.open().map((a) => ({
        id: a.id,
        kind: a.kind,
        subject: a.subject,
        opened_at: formatShanghai(new Date(a.opened_ms)),
        detail: JSON.parse(a.detail) as unknown,
      })),
    }),
  );
}

function registerCapacity(api: Api, opts: StatsPluginOptions, rangeOf: (q: RangeQuery) => Range): void {
  api.get(
    '/stats/capacity',
    {
      preHandler: requireRole('agent', 'supervisor', 'admin'),
      schema: {
        summary: 'agents needed for the traffic seen (Erlang C), per hour',
        tags: ['stats'],
        querystring: Type.Object(RangeQuery),
        response: { 200: CapacityAnswer },
      },
    },
    async (req) => {
      const range = rangeOf(req.query);
      const hint = capacityHint(api.config.current.routing, range, opts.figures.load(range), opts.waitingNow?.() ?? null);
      return { ...hint.window, as_of: formatShanghai(opts.now()), ...hint };
    },
  );
}

function registerMonthly(api: Api, opts: StatsPluginOptions): void {
  api.get(
    '/reports/monthly',
    {
      preHandler: requireRole('supervisor', 'admin'),
      schema: {
        summary: 'the monthly department table (CSV or .xlsx)',
        tags: ['stats'],
        querystring: Type.Object({
          month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' }),
          format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('json')])),
        }),
        response: { 200: MonthlyReportAnswer },
      },
    },
    async (req, reply) => {
      const report = monthlyReport(api.db, opts.figures, api.config.current.routing, req.query.month, opts.now().getTime());
      if (req.query.format === 'json') return report;
      const name = (ext: string) => `attachment; filename*=UTF-8''${encodeURIComponent(`12345部门月报-${req.query.month}.${ext}`)}`;
      if (req.query.format === 'xlsx') {
        reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', name('xlsx'));
        return toXlsx(report);
      }
      reply.type('text/csv; charset=utf-8').header('content-disposition', name('csv'));
      return toCsv(report.items, reportNotes(report));
    },
  );
}

/**
 * Gauges read their figures at scrape time, so /metrics never shows a stale rate. One reading
 * per scrape: the first gauge's collect queries once and sets them all (prom-client collects in
 * registration order), where each gauge used to query the day's calls again.
 */
function registerGauges(api: Api, opts: StatsPluginOptions, today: () => Range): void {
  const rules = 'docs/figures.md';
  const counted = new Gauge({
    name: 'cti_transfer_counted_24h',
    help: `Transfers to a parallel hotline counted in the rate over the last 24 h: legs whose outcome is known or that rang past 15 s, less those we cancelled within 15 s (${rules}#transfer-answer-rate)`,
    labelNames: ['hotline'],
    registers: [],
  });
  const ringing = new Gauge({
    name: 'cti_transfer_ringing',
    help: 'Transfer legs to a parallel hotline ringing now for at most 15 s: not counted until their outcome is known or 15 s pass',
    labelNames: ['hotline'],
    registers: [],
  });
  const serviceLevelToday = new Gauge({
    name: 'cti_service_level_today',
    help: `Share of calls offered to the 12345 queue today (Asia/Shanghai day) answered by an agent within 15 s; calls still waiting under 15 s left out (${rules}#service-level); no sample when none offered`,
    registers: [],
  });
  const offeredToday = new Gauge({
    name: 'cti_queue_offered_today',
    help: 'Calls offered to the 12345 agent queue today, as the service level counts them',
    registers: [],
  });
  new Gauge({
    name: 'cti_transfer_answer_rate_24h',
    help: `Share of counted transfers to a parallel hotline answered within 15 s (FreeSWITCH leg times) over the last 24 h (${rules}#transfer-answer-rate); no sample when nothing counted`,
    labelNames: ['hotline'],
    registers: [api.metrics],
    collect() {
      const nowMs = opts.now().getTime();
      const transfers = opts.figures.transferCounts({ fromMs: nowMs - DAY_MS, toMs: nowMs }, nowMs);
      const queue = opts.figures.queueCounts(today())[0]!;
      this.reset();
      for (const r of transfers) {
        if (r.rate !== null) this.set({ hotline: r.hotline }, r.rate);
        counted.set({ hotline: r.hotline }, r.counted);
        ringing.set({ hotline: r.hotline }, r.ringing);
      }
      serviceLevelToday.reset();
      if (queue.rate !== null) serviceLevelToday.set(queue.rate);
      offeredToday.set(queue.offered);
    },
  });
  for (const g of [counted, ringing, serviceLevelToday, offeredToday]) api.metrics.registerMetric(g);
}
