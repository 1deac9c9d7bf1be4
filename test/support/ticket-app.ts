// The whole HTTP app in process, on real SQLite and the shipped config, with a clock the
// test moves. Users of each role are created the way `cti user add` does.
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, ConfigWatcher, type CtiConfig } from '../../src/config/index.js';
import { openDatabase, type Db } from '../../src/store/index.js';
import { schema } from '../../src/schema.js';
import { UserStore, SessionStore } from '../../src/auth/index.js';
import { SmsOutbox } from '../../src/channels/sms/index.js';
import { createTicketArea, type TicketArea } from '../../src/tickets/index.js';
import { buildApp } from '../../src/http/index.js';
import { Figures, TransferAlerts } from '../../src/reports/index.js';
import { CallDistributor, AcdStore } from '../../src/acd/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shippedConfig } from './config-dir.js';
import { TEST_PASSWORD_COST } from './server-process.js';

export const PASSWORD = 'correct horse 12345';

export const people = {
  agent: { role: 'agent', department: null, mobile: null },
  agent2: { role: 'agent', department: null, mobile: null },
  boss: { role: 'supervisor', department: null, mobile: null },
  admin: { role: 'admin', department: null, mobile: null },
  market: { role: 'dept_handler', department: 'market-regulation', mobile: '13900000001' },
  market2: { role: 'dept_handler', department: 'market-regulation', mobile: '13900000002' },
  markethead: { role: 'dept_head', department: 'market-regulation', mobile: '13900000009' },
  fund: { role: 'dept_handler', department: 'housing-fund', mobile: '13900000003' },
} as const;
export type Person = keyof typeof people;

export interface TicketApp {
  app: FastifyInstance;
  db: Db;
  config: CtiConfig;
  tickets: TicketArea;
  outbox: SmsOutbox;
  alerts: TransferAlerts;
  acd: CallDistributor;
  /** set the clock to an ISO instant */
  at(iso: string): void;
  call(who: Person | null, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function ticketApp(dbPath = ':memory:', configDir = shippedConfig): Promise<TicketApp> {
  const loaded = await loadConfig(configDir, {});
  if (!loaded.ok) throw new Error('shipped config invalid');
  const config = loaded.config;
  let nowMs = Date.parse('2026-11-30T09:00:00+08:00');
  const now = () => new Date(nowMs);
  const log = pino({ level: 'silent' });
  const db: Db = openDatabase(dbPath, schema);
  const watcher = new ConfigWatcher(config, log, {});
  const users = new UserStore(db, TEST_PASSWORD_COST);
  const departments = new Set(config.routing.departments.keys());
  for (const [username, p] of Object.entries(people)) {
    await users.add({ username, password: PASSWORD, role: p.role, department: p.department, mobile: p.mobile }, departments);
  }
  const sessions = new SessionStore(db);
  const outbox = new SmsOutbox(db);
  const files = mkdtempSync(join(tmpdir(), 'cti-attachments-'));
  const tickets = createTicketArea({ db, config: watcher, users, sms: outbox, attachmentsDir: files, now });
  const acd = new CallDistributor({ seats: config.routing.seats, wrapUpS: 15, averageHandleS: 180, now: () => nowMs, store: new AcdStore(db) });
  const figures = new Figures(db, () => config.routing, now);
  const alerts = new TransferAlerts(db, figures, () => config.routing, outbox);
  const app = await buildApp({
    config: watcher,
    db,
    log,
    freeswitchState: () => 'disconnected',
    users,
    sessions,
    tickets,
    outbox,
    reports: { figures, alerts },
    acd,
    now,
  });
  const tokens = new Map<string, string>();
  const tokenOf = async (who: Person) => {
    if (!tokens.has(who)) {
      const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: who, password: PASSWORD } });
      if (r.statusCode !== 200) throw new Error(`login ${who}: ${r.body}`);
      tokens.set(who, r.json().token);
    }
    return tokens.get(who)!;
  };
  return {
    app,
    db,
    config,
    tickets,
    outbox,
    alerts,
    acd,
    at(iso) {
      nowMs = Date.parse(iso);
      if (Number.isNaN(nowMs)) throw new Error(`bad instant ${iso}`);
      tokens.clear(); // sessions last one 12 h shift; a test that jumps days logs in again
    },
    async call(who, method, url, body) {
      const headers: Record<string, string> = who ? { authorization: `Bearer ${await tokenOf(who)}` } : {};
      const r = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
      return { status: r.statusCode, body: String(r.headers['content-type'] ?? '').includes('json') ? r.json() : r.body };
    },
    async close() {
      await app.close();
      db.close();
      rmSync(files, { recursive: true, force: true });
    },
  };
}
