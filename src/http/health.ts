import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { databaseState } from '../store/index.js';
import type { CalendarCoverage } from '../calendar/index.js';
import { requireRole } from '../auth/index.js';
import { formatShanghai } from '../calendar/index.js';
import { coverageJson } from './calendar-admin.js';

const Status = Type.Union([Type.Literal('ok'), Type.Literal('degraded')]);

/**
 * What anyone on the network may learn: up or degraded, nothing else (issue 19). The file
 * paths, line numbers and field names of a rejected config, the state of the FreeSWITCH link
 * and how far the holiday data reaches help an attacker as much as an operator.
 */
const PublicHealth = Type.Object({ status: Status }, { additionalProperties: false });

const Calendar = Type.Object({
  missing_year: Type.Integer(),
  data_until: Type.Union([Type.String(), Type.Null()]),
  provisional_from: Type.String(),
  deadlines_provisional_after: Type.String(),
  provisional_now: Type.Boolean(),
  warn_from: Type.String(),
  action: Type.String(),
});

const Health = Type.Object({
  status: Status,
  freeswitch: Type.Union([Type.Literal('connected'), Type.Literal('disconnected')]),
  db: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  /** calls whose flow this controller runs now */
  calls_in_progress: Type.Integer(),
  config: Type.Object({
    state: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
    generation: Type.Integer(),
    digest: Type.String(),
    loaded_at: Type.String(),
    errors: Type.Array(Type.String()),
  }),
  /** how far the holiday data reaches; deadlines past it are provisional (暂定) */
  calendar: Calendar,
  /** what an operator should act on soon, though the server runs (e.g. next year's holidays) */
  warnings: Type.Array(Type.String()),
});

export interface HealthOptions {
  calendarCoverage: () => CalendarCoverage;
  now: () => Date;
}

type App = Parameters<FastifyPluginAsyncTypebox>[0];

/** Degraded when the database, the FreeSWITCH link or the config in force is not right. */
function overall(app: App): { ok: boolean; db: 'ok' | 'error'; freeswitch: 'connected' | 'disconnected' } {
  const db = databaseState(app.db);
  const freeswitch = app.freeswitchState();
  return { ok: db === 'ok' && freeswitch === 'connected' && app.config.status.state === 'ok', db, freeswitch };
}

const Readiness = Type.Object({ status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]) }, { additionalProperties: false });

/**
 * Public liveness for monitors: `{status}` only. Degraded is still 200, as it always was: the
 * server answers and serves what does not need the broken part. Readiness is /readyz: 503 while
 * calls cannot be taken (no FreeSWITCH link, or the database down), for a load balancer that
 * sends calls' sockets or desks elsewhere meanwhile. A rejected config edit leaves the server
 * ready: it runs on the last good one.
 */
export const healthPlugin: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'up or degraded, for anyone', security: [], response: { 200: PublicHealth } } }, async () => ({
    status: overall(app).ok ? ('ok' as const) : ('degraded' as const),
  }));
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'ready to take calls (200) or not (503: no FreeSWITCH link or no database), for anyone',
        security: [],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_req, reply) => {
      const { db, freeswitch } = overall(app);
      if (db === 'ok' && freeswitch === 'connected') return { status: 'ready' as const };
      return reply.code(503).send({ status: 'not_ready' as const });
    },
  );
};

/**
 * The detail an operator checks first: FreeSWITCH link, database, config in force with each
 * error as file:line:column, holiday coverage. Supervisors and admins only; register inside
 * the authenticated /api scope (GET /api/health).
 */
export const healthDetailPlugin: FastifyPluginAsyncTypebox<HealthOptions> = async (app, opts) => {
  app.get(
    '/health',
    {
      preHandler: requireRole('supervisor', 'admin'),
      schema: { summary: 'every part of the server and the FreeSWITCH link, for supervisors', tags: ['health'], response: { 200: Health } },
    },
    async () => {
      const s = app.config.status;
      const { ok, db, freeswitch } = overall(app);
      const coverage = opts.calendarCoverage();
      // The gap in the holiday data does not degrade the server (deadlines are provisional, not
      // refused), but is named from CALENDAR_WARNING_DAYS before it is met.
      const warnings = opts.now().getTime() >= coverage.warnFrom.getTime() ? [calendarWarning(coverage)] : [];
      return {
        status: ok ? ('ok' as const) : ('degraded' as const),
        freeswitch,
        db,
        calls_in_progress: app.activeCalls(),
        config: {
          state: s.state,
          generation: s.generation,
          digest: s.digest,
          loaded_at: formatShanghai(new Date(s.loadedAt)),
          errors: s.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path ? `${i.path}: ` : ''}${i.message}`),
        },
        calendar: coverageJson(coverage),
        warnings,
      };
    },
  );
};

function calendarWarning(c: CalendarCoverage): string {
  const when = c.provisionalNow ? 'are provisional now' : `become provisional for tickets dispatched after ${coverageJson(c).deadlines_provisional_after}`;
  return `calendar: no holiday data for ${c.missingYear} (from ${c.provisionalFrom}); ticket deadlines ${when}. ${c.action}`;
}
