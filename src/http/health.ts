import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { databaseState } from '../store/index.js';

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
});

/** Liveness plus what an operator checks first: FreeSWITCH link, database, config in force. */
export const healthPlugin: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { tags: ['health'], response: { 200: Health } } }, async () => {
    const s = app.config.status;
    const db = databaseState(app.db);
    const freeswitch = app.freeswitchState();
    const ok = db === 'ok' && freeswitch === 'connected' && s.state === 'ok';
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
    };
  });
};
