import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { databaseState } from '../store/index.js';
import type { CalendarCoverage } from '../calendar/index.js';
import { coverageJson } from './calendar-admin.js';

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
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
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

/** Liveness plus what an operator checks first: FreeSWITCH link, database, config in force. */
export const healthPlugin: FastifyPluginAsyncTypebox<HealthOptions> = async (app, opts) => {
  app.get('/healthz', { schema: { tags: ['health'], response: { 200: Health } } }, async () => {
    const s = app.config.status;
    const db = databaseState(app.db);
    const freeswitch = app.freeswitchState();
    const ok = db === 'ok' && freeswitch === 'connected' && s.state === 'ok';
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
        loaded_at: s.loadedAt,
        errors: s.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path ? `${i.path}: ` : ''}${i.message}`),
      },
      calendar: coverageJson(coverage),
      warnings,
    };
  });
};

function calendarWarning(c: CalendarCoverage): string {
  const when = c.provisionalNow ? 'are provisional now' : `become provisional for tickets dispatched after ${coverageJson(c).deadlines_provisional_after}`;
  return `calendar: no holiday data for ${c.missingYear} (from ${c.provisionalFrom}); ticket deadlines ${when}. ${c.action}`;
}
