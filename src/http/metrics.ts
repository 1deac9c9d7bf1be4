// Prometheus metrics. The registry belongs to this app instance (not prom-client's global
// one), so two apps in one process, as in tests, never collide.
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

export const metricsPlugin = fp(async (app) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cti_' });
  new Gauge({
    name: 'cti_config_generation',
    help: 'How many good configs have been put in force since start',
    registers: [registry],
    collect() {
      this.set(app.config.status.generation);
    },
  });
  new Gauge({
    name: 'cti_config_rejected',
    help: '1 when the last attempt to reload config/ was rejected (the older config is in force)',
    registers: [registry],
    collect() {
      this.set(app.config.status.state === 'error' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cti_freeswitch_connected',
    help: '1 when the inbound Event Socket link to FreeSWITCH is up',
    registers: [registry],
    collect() {
      this.set(app.freeswitchState() === 'connected' ? 1 : 0);
    },
  });
  app.decorate('metrics', registry);
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', hide: true } }, async (_req, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
});
