// The fastify application: one plugin per area, each registering its own routes with
// their schemas. What areas share (config, database, FreeSWITCH link state) is decorated
// onto the instance here, never held in module globals.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ConfigWatcher } from '../config/index.js';
import type { Db } from '../store/index.js';
import { errorPlugin } from './errors.js';
import { healthPlugin } from './health.js';
import { metricsPlugin } from './metrics.js';
import { configAdminPlugin } from './config-admin.js';
import { departmentsPlugin } from './departments.js';

export type FreeswitchState = 'connected' | 'disconnected';

export interface AppDeps {
  config: ConfigWatcher;
  db: Db;
  log: Logger;
  /** the inbound ESL link's state; reported by /healthz */
  freeswitchState: () => FreeswitchState;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: ConfigWatcher;
    db: Db;
    freeswitchState: () => FreeswitchState;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('freeswitchState', deps.freeswitchState);

  await app.register(swagger, {
    openapi: {
      info: { title: '12345 CTI server', version: '0.1.0', description: 'API of the 12345 government service hotline CTI server' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(errorPlugin);
  await app.register(healthPlugin);
  await app.register(metricsPlugin);
  await app.register(configAdminPlugin, { prefix: '/api/admin' });
  await app.register(departmentsPlugin, { prefix: '/api' });
  return app;
}
