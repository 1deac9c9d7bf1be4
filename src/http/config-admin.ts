import { formatShanghai } from '../calendar/index.js';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ConfigStatus } from '../config/index.js';
import type { Migration } from '../store/index.js';

/** The table of reloads this page shows and writes (version 1). */
export const configReloadsMigration: Migration = {
  version: 1,
  name: 'config_reloads',
  // Every attempt to put a new config in force, kept for the admin page and for audits
  // ("when did routing change, and was it accepted?").
  // the SQL keeps its released indentation, byte for byte (test/schema.test.ts)
  up: `CREATE TABLE config_reloads (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      digest TEXT,
      accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
      issues TEXT NOT NULL DEFAULT '[]'
    )`,
};

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
  loaded_at: formatShanghai(new Date(s.loadedAt)),
  last_attempt_at: formatShanghai(new Date(s.lastAttemptAt)),
  issues: s.issues,
});

/** Routing config status for admins: in force, or the current error with file:line:column. */
export const configAdminPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const record = app.db.prepare('INSERT INTO config_reloads (at, digest, accepted, issues) VALUES (?, ?, ?, ?)');
  const audit = (s: ConfigStatus) => record.run(s.lastAttemptAt, s.state === 'ok' ? s.digest : null, s.state === 'ok' ? 1 : 0, JSON.stringify(s.issues));
  audit(app.config.status); // the config this process started with
  app.config.onAttempt(audit);

  app.get(
    '/config',
    { schema: { summary: 'routing config in force, or the current error with file:line:column (admins)', tags: ['admin'], response: { 200: Status } } },
    async () => view(app.config.status),
  );
  app.post('/config/reload', { schema: { summary: 'reload config/ now, as SIGHUP does (admins)', tags: ['admin'], response: { 200: Status } } }, async () =>
    view(await app.config.reload()),
  );
};
