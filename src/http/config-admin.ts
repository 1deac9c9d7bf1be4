import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { workingCalendarOf, type ConfigStatus } from '../config/index.js';
import { chineseDaysYears, shanghaiDateOf } from '../calendar/index.js';

const Issue = Type.Object({ file: Type.String(), line: Type.Integer(), column: Type.Integer(), path: Type.String(), message: Type.String() });
const Status = Type.Object({
  state: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  generation: Type.Integer(),
  digest: Type.String(),
  loaded_at: Type.String(),
  last_attempt_at: Type.String(),
  issues: Type.Array(Issue),
});

const view = (s: ConfigStatus) => ({
  state: s.state,
  generation: s.generation,
  digest: s.digest,
  loaded_at: s.loadedAt,
  last_attempt_at: s.lastAttemptAt,
  issues: s.issues,
});

/** Routing config status for admins: in force, or the current error with file:line:column. */
export const configAdminPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const record = app.db.prepare('INSERT INTO config_reloads (at, digest, accepted, issues) VALUES (?, ?, ?, ?)');
  const audit = (s: ConfigStatus) => record.run(s.lastAttemptAt, s.state === 'ok' ? s.digest : null, s.state === 'ok' ? 1 : 0, JSON.stringify(s.issues));
  audit(app.config.status); // the config this process started with
  app.config.onAttempt(audit);

  app.get('/config', { schema: { tags: ['admin'], response: { 200: Status } } }, async () => view(app.config.status));
  // Which years have holiday data: a year without it stops every ticket clock (DESIGN.md §5),
  // so admins must see next year's gap before New Year, not on it.
  app.get('/calendar', { schema: { tags: ['admin'] } }, async () => {
    const covered = workingCalendarOf(app.config.current).coveredYears();
    const year = Number(shanghaiDateOf(new Date()).slice(0, 4));
    return {
      covered_years: covered,
      from_package: chineseDaysYears(),
      from_config: Object.keys(app.config.current.calendar.years).map(Number).sort((a, b) => a - b),
      this_year: year,
      this_year_covered: covered.includes(year),
      next_year_covered: covered.includes(year + 1),
    };
  });
  app.post('/config/reload', { schema: { tags: ['admin'], response: { 200: Status } } }, async () => view(await app.config.reload()));
};
