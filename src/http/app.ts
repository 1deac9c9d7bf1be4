// The fastify application: one plugin per area, each registering its own routes with
// their schemas. What areas share (config, database, FreeSWITCH link state) is decorated
// onto the instance here, never held in module globals. Everything under /api needs a
// bearer token except login and public intake.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ConfigWatcher } from '../config/index.js';
import type { WorkingCalendar } from '../calendar/index.js';
import { coordinationPlugin, transferPlugin } from '../transfer/index.js';
import type { TransferDesk } from '../call/index.js';
import type { Db } from '../store/index.js';
import {
  authPlugin,
  usersPlugin,
  requireRole,
  requestLimitsPlugin,
  requestLimitsOf,
  securityHeadersPlugin,
  type UserStore,
  type SessionStore,
} from '../auth/index.js';
import { smsOutboxPlugin, type SmsOutbox } from '../channels/sms/index.js';
import { ticketsPlugin, intakePlugin, type TicketArea } from '../tickets/index.js';
import { statsPlugin, type Figures, type TransferAlerts } from '../reports/index.js';
import { acdPlugin, agentsView, queuesView, SeatHolders, type CallDistributor } from '../acd/index.js';
import { LiveFeed, registerLiveFeed } from './live-feed.js';
import { callsPlugin } from '../call/routes.js';
import { CallbackList, callbacksPlugin } from '../call/callbacks.js';
import { CallLog } from '../call/index.js';
import { wallboardPlugin } from './wallboard.js';
import { errorPlugin } from './errors.js';
import { healthPlugin, healthDetailPlugin } from './health.js';
import { metricsPlugin } from './metrics.js';
import { configAdminPlugin } from './config-admin.js';
import { calendarAdminPlugin } from './calendar-admin.js';
import { departmentsPlugin } from './departments.js';
import { pagesPlugin } from './pages.js';

/** Waiting calls listed in each pushed queue message (the counts cover them all). */
const PUSHED_QUEUE_CALLS = 50;

export type FreeswitchState = 'connected' | 'disconnected';

export interface AppDeps {
  config: ConfigWatcher;
  db: Db;
  log: Logger;
  /** the inbound ESL link's state; reported by /api/health (and as up/degraded by /healthz) */
  freeswitchState: () => FreeswitchState;
  /** calls whose flow the controller runs now (0 without a controller) */
  activeCalls?: () => number;
  users: UserStore;
  sessions: SessionStore;
  tickets: TicketArea;
  outbox: SmsOutbox;
  reports: { figures: Figures; alerts: TransferAlerts };
  acd: CallDistributor;
  /** one-key transfer: present when a call controller runs */
  transfers?: { desk: TransferDesk; calendar: () => WorkingCalendar };
  /** pushes to WebSocket clients; made here when not given */
  feed?: LiveFeed;
  /** the time of a request; tests pass a controlled clock */
  now?: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: ConfigWatcher;
    db: Db;
    freeswitchState: () => FreeswitchState;
    activeCalls: () => number;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('freeswitchState', deps.freeswitchState);
  app.decorate('activeCalls', deps.activeCalls ?? (() => 0));

  await app.register(securityHeadersPlugin); // first, so every answer has the headers
  await app.register(swagger, {
    openapi: {
      info: { title: '12345 CTI server', version: '0.1.0', description: 'API of the 12345 government service hotline CTI server' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      // every operation needs the token unless its schema says `security: []` (login, intake,
      // health, wallboard): this is what makes /docs' Authorize button send it
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(errorPlugin);
  // before the routes it limits (login, intake, uploads); server.yaml's numbers as started
  await app.register(requestLimitsPlugin, { limits: requestLimitsOf(deps.config.current.server.limits) });
  const coverage = () => deps.tickets.coverage(now());
  await app.register(healthPlugin);
  await app.register(metricsPlugin);
  await app.register(authPlugin, { users: deps.users, sessions: deps.sessions, clock: now });
  await app.register(intakePlugin, { prefix: '/api', desk: deps.tickets.desk });
  await app.register(pagesPlugin);
  const calls = new CallLog(deps.db);
  await app.register(wallboardPlugin, { acd: deps.acd, calls, figures: deps.reports.figures, desk: deps.tickets.desk, now });

  // Who holds which seat (an operator at a softphone); 24 operators share 12 seats.
  const holders = new SeatHolders(deps.db, (id) => {
    const u = deps.users.byId(id);
    return u && !u.disabled ? { id: u.id, username: u.username, displayName: u.displayName, role: u.role, department: u.department } : null;
  });
  const seatNames = () => new Map(deps.config.current.routing.seats.map((s) => [s.id, { name: s.name, skills: s.skills }]));
  const feed = deps.feed ?? new LiveFeed();
  const nowMs = () => now().getTime();
  deps.acd.on('agent', () => feed.publish({ type: 'agents', items: agentsView(deps.acd, seatNames, holders) }));
  // Changes within 200 ms share one message, and a message lists the first calls only (the
  // counts are whole; GET /api/queues lists them all): with thousands waiting, a full list on
  // every change cost the controller more than the calls themselves.
  let queuesDue: NodeJS.Timeout | null = null;
  const publishQueues = () => {
    if (queuesDue || feed.size === 0) return;
    queuesDue = setTimeout(() => {
      queuesDue = null;
      feed.publish({ type: 'queues', ...queuesView(deps.acd, nowMs(), PUSHED_QUEUE_CALLS) });
    }, 200);
    queuesDue.unref();
  };
  for (const e of ['queued', 'left', 'offer'] as const) deps.acd.on(e, publishQueues);
  deps.acd.on('notice', (seat, message) => feed.publish({ type: 'notice', seat, message }));
  deps.transfers?.desk.on('transfer', (m) => feed.publish({ ...m }));
  await registerLiveFeed(app, {
    feed,
    sessions: deps.sessions,
    now,
    hello: () => ({ type: 'hello', agents: agentsView(deps.acd, seatNames, holders), queues: queuesView(deps.acd, nowMs(), PUSHED_QUEUE_CALLS) }),
  });

  const departmentName = (id: string) => deps.config.current.routing.departments.get(id)?.name ?? null;
  await app.register(
    async (api) => {
      api.addHook('onRequest', api.authenticate);
      await api.register(departmentsPlugin);
      await api.register(healthDetailPlugin, { calendarCoverage: coverage, now });
      await api.register(ticketsPlugin, { ...deps.tickets, departmentName, now });
      await api.register(statsPlugin, { ...deps.reports, waitingNow: () => deps.acd.queueSummary(nowMs()).waiting, now });
      await api.register(acdPlugin, { acd: deps.acd, seatNames, holders, now });
      await api.register(callsPlugin, { calls });
      await api.register(coordinationPlugin, { desk: deps.tickets.desk, publish: (m) => feed.publish(m) });
      if (deps.transfers) await api.register(transferPlugin, { ...deps.transfers, figures: deps.reports.figures, holders, now });
      await api.register(callbacksPlugin, { now, callbacks: new CallbackList(deps.db) });
      await api.register(
        async (admin) => {
          admin.addHook('preHandler', requireRole('admin'));
          await admin.register(configAdminPlugin);
          await admin.register(calendarAdminPlugin, { coverage, now, provisionalTickets: () => deps.tickets.desk.rows.provisionalCount() });
          await admin.register(smsOutboxPlugin, { outbox: deps.outbox });
        },
        { prefix: '/admin' },
      );
      await api.register(usersPlugin, {
        prefix: '/admin',
        users: deps.users,
        departments: () => new Set(deps.config.current.routing.departments.keys()),
        clock: now,
      });
    },
    { prefix: '/api' },
  );
  return app;
}
