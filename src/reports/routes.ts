// Stats API (DESIGN.md §4), the monthly department table, open alerts, and Prometheus gauges.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Gauge } from 'prom-client';
import { CtiError } from '../errors.js';
import { requireRole } from '../auth/index.js';
import { formatShanghai, shanghaiDateOf } from '../calendar/index.js';
import type { Figures, Range } from './figures.js';
import type { TransferAlerts } from './alerts.js';
import { seatsNeeded } from './erlang.js';
import { monthlyDepartmentRows, toCsv, toXlsx } from './monthly.js';

export interface StatsPluginOptions {
  figures: Figures;
  alerts: TransferAlerts;
  now: () => Date;
}

const RangeQuery = {
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  window: Type.Optional(Type.Literal('24h')),
};

export const statsPlugin: FastifyPluginAsyncTypebox<StatsPluginOptions> = async (app, opts) => {
  const { figures, alerts, now } = opts;
  const staff = requireRole('agent', 'supervisor', 'admin');
  const rangeOf = (q: { from?: string; to?: string; window?: '24h' }): Range => {
    const nowMs = now().getTime();
    if (q.window) return { fromMs: nowMs - 86_400_000, toMs: nowMs };
    const fromMs = q.from ? Date.parse(q.from) : Date.parse(`${shanghaiDateOf(now())}T00:00:00+08:00`);
    const toMs = q.to ? Date.parse(q.to) : nowMs;
    if (toMs <= fromMs) throw new CtiError('HTTP_BAD_REQUEST', 'querystring.to: must be after from');
    return { fromMs, toMs };
  };
  const rangeJson = (r: Range) => ({ from: formatShanghai(new Date(r.fromMs)), to: formatShanghai(new Date(r.toMs)) });

  app.get('/stats/transfer-answer-rate', {
    preHandler: staff,
    schema: { tags: ['stats'], querystring: Type.Object({ ...RangeQuery, hotline: Type.Optional(Type.String({ pattern: '^[0-9]{3,15}$' })), by: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week')])) }) },
  }, async (req) => {
    const range = rangeOf(req.query);
    return { ...rangeJson(range), target_s: app.config.current.routing.transfer.answerTargetS, target_rate: app.config.current.routing.transfer.targetRate, items: figures.transferRates(range, { hotline: req.query.hotline, by: req.query.by }) };
  });

  app.get('/stats/service-level', {
    preHandler: staff,
    schema: { tags: ['stats'], querystring: Type.Object({ ...RangeQuery, line: Type.Optional(Type.String({ pattern: '^[0-9]$' })), by: Type.Optional(Type.Union([Type.Literal('line'), Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')])) }) },
  }, async (req) => {
    const range = rangeOf(req.query);
    const items = figures.serviceLevels(range, { line: req.query.line, by: req.query.by });
    if (req.query.by) return { ...rangeJson(range), items };
    const { period: _p, line: _l, ...total } = items[0]!;
    return { ...rangeJson(range), ...total };
  });

  app.get('/stats/capacity', { preHandler: staff, schema: { tags: ['stats'], querystring: Type.Object(RangeQuery) } }, async (req) => {
    const range = rangeOf(req.query);
    const plan = app.config.current.routing;
    const load = figures.load(range);
    const talk = load.averageTalkS ?? 180;
    return {
      ...rangeJson(range),
      calls_per_hour: load.callsPerHour,
      average_talk_s: load.averageTalkS,
      seats_configured: plan.seats.length,
      seats_needed: seatsNeeded(load.callsPerHour, talk, plan.serviceLevel.answerTargetS, plan.serviceLevel.targetRate),
      basis: `Erlang C, ${plan.serviceLevel.targetRate * 100}% within ${plan.serviceLevel.answerTargetS} s${load.averageTalkS === null ? ', talk time assumed 180 s (no answered calls in range)' : ''}`,
    };
  });

  app.get('/alerts', { preHandler: staff, schema: { tags: ['stats'] } }, async () => ({
    items: alerts.open().map((a) => ({ id: a.id, kind: a.kind, subject: a.subject, opened_at: formatShanghai(new Date(a.opened_ms)), detail: JSON.parse(a.detail) as unknown })),
  }));

  app.get('/reports/monthly', {
    preHandler: requireRole('supervisor', 'admin'),
    schema: { tags: ['stats'], querystring: Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' }), format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('json')])) }) },
  }, async (req, reply) => {
    const rows = monthlyDepartmentRows(app.db, figures, app.config.current.routing, req.query.month);
    if (req.query.format === 'json') return { month: req.query.month, items: rows };
    if (req.query.format === 'xlsx') {
      reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`12345部门月报-${req.query.month}.xlsx`)}`);
      return toXlsx(rows, req.query.month);
    }
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`12345部门月报-${req.query.month}.csv`)}`);
    return toCsv(rows);
  });

  // Gauges read their figures at scrape time, so /metrics never shows a stale rate. One reading
  // per scrape: the first gauge's collect queries once and sets all four (prom-client collects
  // in registration order), where each gauge used to query the day's calls again.
  const counted = new Gauge({
    name: 'cti_transfer_counted_24h',
    help: 'Transfers to a parallel hotline counted in the rate over the last 24 h',
    labelNames: ['hotline'],
    registers: [],
  });
  const serviceLevelToday = new Gauge({
    name: 'cti_service_level_today',
    help: 'Share of calls offered to the 12345 queue today answered by an agent within 15 s (no sample when none offered)',
    registers: [],
  });
  const offeredToday = new Gauge({ name: 'cti_queue_offered_today', help: 'Calls that entered the 12345 agent queue today', registers: [] });
  new Gauge({
    name: 'cti_transfer_answer_rate_24h',
    help: 'Share of transfers to a parallel hotline answered within 15 s over the last 24 h (no sample when nothing counted)',
    labelNames: ['hotline'],
    registers: [app.metrics],
    collect() {
      const nowMs = now().getTime();
      const transfers = figures.transferCounts({ fromMs: nowMs - 86_400_000, toMs: nowMs });
      const today = figures.queueCounts(rangeOf({}))[0]!;
      this.reset();
      for (const r of transfers) {
        if (r.rate !== null) this.set({ hotline: r.hotline }, r.rate);
        counted.set({ hotline: r.hotline }, r.counted);
      }
      serviceLevelToday.reset();
      if (today.rate !== null) serviceLevelToday.set(today.rate);
      offeredToday.set(today.offered);
    },
  });
  for (const g of [counted, serviceLevelToday, offeredToday]) app.metrics.registerMetric(g);
};
