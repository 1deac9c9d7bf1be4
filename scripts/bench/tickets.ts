// Ticket store benchmark (issue: ticket store). Prints three figures and their goals:
//  1. API ticket creation: req/s and p99 through the real fastify app and SQLite (WAL),
//     against a bare better-sqlite3 insert loop (one autocommit per row) on the same disk;
//     goal: at least 30% of the bare rate.
//  2. The light sweep over 1,000,000 open tickets; goal: under 2 s.
//  3. Caller-history lookup over 10,000,000 call records; goal: p99 under 5 ms.
// Options: --tickets N (default 1000000), --calls N (default 10000000), --seconds S (API run, default 10).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import pino from 'pino';
import Database from 'better-sqlite3';
import { ConfigWatcher, loadConfig, type CtiConfig } from '../../src/config/index.js';
import { openDatabase, type Db } from '../../src/store/index.js';
import { schema } from '../../src/schema.js';
import { SessionStore, UserStore } from '../../src/auth/index.js';
import { SmsOutbox } from '../../src/channels/sms/index.js';
import { createTicketArea, clocksOf } from '../../src/tickets/index.js';
import { CallerHistory } from '../../src/tickets/caller-history.js';
import { buildApp } from '../../src/http/index.js';
import { Figures, TransferAlerts } from '../../src/reports/index.js';
import { CallDistributor } from '../../src/acd/index.js';

const line = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { tickets: { type: 'string' }, calls: { type: 'string' }, seconds: { type: 'string' } } });
  const loaded = await loadConfig('config', {});
  if (!loaded.ok) throw new Error('config/ is not valid; run npx cti validate-config');
  const dir = mkdtempSync(join(tmpdir(), 'cti-bench-'));
  try {
    line(`ticket store benchmark — ${new Date().toISOString()}, node ${process.version}`);
    const seconds = Number(values.seconds ?? 10);
    const api = await apiCreation(loaded.config, dir, seconds, false);
    await apiCreation(loaded.config, dir, seconds, true);
    const bare = bareInsertLoop(dir);
    line(`  bare better-sqlite3 insert loop (autocommit per row): ${fmt(bare)} rows/s`);
    line(`  ratio API/bare: ${fmt((api / bare) * 100, 1)}%  (goal ≥ 30%)`);
    sweep(loaded.config, dir, Number(values.tickets ?? 1_000_000));
    history(dir, Number(values.calls ?? 10_000_000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function apiCreation(config: CtiConfig, dir: string, seconds: number, dispatch: boolean): Promise<number> {
  const db = openDatabase(join(dir, `api-${dispatch}.sqlite`), schema);
  const log = pino({ level: 'silent' });
  const watcher = new ConfigWatcher(config, log, {});
  const users = new UserStore(db);
  await users.add({ username: 'bench', password: 'bench-password-1', role: 'agent' }, new Set());
  const sessions = new SessionStore(db);
  const outbox = new SmsOutbox(db);
  const tickets = createTicketArea({ db, config: watcher, users, sms: outbox, attachmentsDir: join(dir, 'files'), now: () => new Date() });
  const figures = new Figures(db, () => config.routing);
  const reports = { figures, alerts: new TransferAlerts(db, figures, () => config.routing, outbox) };
  const acd = new CallDistributor({ seats: config.routing.seats, wrapUpS: 15, averageHandleS: 180, now: () => Date.now() });
  const app = await buildApp({ config: watcher, db, log, freeswitchState: () => 'disconnected', users, sessions, tickets, outbox, reports, acd });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const token = (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench', password: 'bench-password-1' } })).json().token;
  const ticket = { type: 'complaint', caller: '13800138000', content: '噪音扰民，夜间施工' };
  const body = JSON.stringify(dispatch ? { ...ticket, dispatch_to: 'environment' } : ticket);
  const result = await loadFromAnotherProcess(`${url}/api/tickets`, token, body, seconds);
  await app.close();
  const stored = db.prepare('SELECT count(*) FROM tickets').pluck().get() as number;
  db.close();
  const rate = result.requests.average;
  const what = dispatch ? '1b. API create and dispatch in one request (1 ticket, 2 events, both clocks)' : '1. API ticket creation (受理: 1 ticket, 1 event)';
  line(`${what}; 50 connections, ${seconds} s`);
  line(`  ${fmt(rate)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${fmt(stored)} tickets stored`);
  return rate;
}

interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
}

/** autocannon in its own process: in this one it would share the server's event loop. */
async function loadFromAnotherProcess(url: string, token: string, body: string, seconds: number): Promise<LoadResult> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [
    cli,
    '-j',
    '-c',
    '50',
    '-d',
    String(seconds),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-H',
    `authorization=Bearer ${token}`,
    '-b',
    body,
    url,
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as LoadResult;
}

function bareInsertLoop(dir: string): number {
  const db = new Database(join(dir, 'bare.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE t (id INTEGER PRIMARY KEY, type TEXT, status TEXT, caller TEXT, content TEXT, department_id TEXT, created_ms INTEGER, sign_due_ms INTEGER, resolve_due_ms INTEGER, version INTEGER)',
  );
  const insert = db.prepare(
    'INSERT INTO t (type, status, caller, content, department_id, created_ms, sign_due_ms, resolve_due_ms, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)',
  );
  const n = 50_000;
  const start = performance.now();
  for (let i = 0; i < n; i++)
    insert.run('complaint', 'dispatched', '13800138000', '噪音扰民，夜间施工', 'environment', Date.now(), Date.now() + 1, Date.now() + 2);
  const rate = n / ((performance.now() - start) / 1000);
  db.close();
  return rate;
}

function sweep(config: CtiConfig, dir: string, count: number): void {
  const db: Db = openDatabase(join(dir, 'sweep.sqlite'), schema);
  const clocks = clocksOf(config);
  const now = Date.parse('2026-12-01T10:00:00+08:00');
  const insert = db.prepare(
    `INSERT INTO tickets (type, status, channel, caller, content, department_id, created_ms, cycle, dispatched_ms, sign_due_ms, resolve_due_ms, light_sign, light_resolve, updated_ms)
     VALUES ('complaint', @status, 'phone', '13800138000', '诉求', 'environment', @created, 1, @created, @sign, @resolve, 'green', 'green', @created)`,
  );
  db.prepare("INSERT INTO departments (id, name) VALUES ('environment', '环保局')").run();
  // Dispatch instants spread over the last 10 days, so deadlines fall before, around and after `now`.
  const start = performance.now();
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const created = now - Math.floor((i / count) * 10 * 86_400_000);
      const due = clocks.deadlines(created, 'complaint', 0);
      insert.run({ status: i % 3 === 0 ? 'dispatched' : 'signed', created, sign: due.signDue, resolve: due.resolveDue });
    }
  })();
  line(`2. light sweep over ${fmt(count)} open tickets (setup ${fmt((performance.now() - start) / 1000, 1)} s)`);
  const users = new UserStore(db);
  const watcherLog = pino({ level: 'silent' });
  const area = createTicketArea({
    db,
    config: new ConfigWatcher(config, watcherLog, {}),
    users,
    sms: new SmsOutbox(db),
    attachmentsDir: join(dir, 'files'),
    now: () => new Date(now),
  });
  const time = (label: string, at: number) => {
    const t0 = performance.now();
    const r = area.sweep.run(new Date(at));
    const ms = performance.now() - t0;
    line(`  ${label}: ${fmt(ms, 1)} ms (${fmt(r.yellow)} turned yellow, ${fmt(r.red)} turned red)  goal < 2000 ms`);
  };
  time('first sweep (every overdue ticket turns red at once)', now);
  time('next minute (steady state)', now + 60_000);
  time('an hour later', now + 3_600_000);
  db.close();
}

function history(dir: string, count: number): void {
  const db: Db = openDatabase(join(dir, 'calls.sqlite'), schema);
  const callers = Math.max(1, Math.floor(count / 5));
  const insert = db.prepare("INSERT INTO calls (id, caller, called, mode, line, started_us, outcome) VALUES (?, ?, '12345', 'main', '1', ?, 'answered')");
  const base = Date.parse('2026-01-01T00:00:00+08:00') * 1000;
  const start = performance.now();
  const batch = 200_000;
  for (let from = 0; from < count; from += batch) {
    db.transaction(() => {
      for (let i = from; i < Math.min(count, from + batch); i++) {
        insert.run(`call-${i}`, `13${String((i * 7919) % callers).padStart(9, '0')}`, base + i * 3_000_000);
      }
    })();
  }
  line(`3. caller-history lookup over ${fmt(count)} call records, ${fmt(callers)} callers (setup ${fmt((performance.now() - start) / 1000, 1)} s)`);
  const h = new CallerHistory(db);
  const samples: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    const n = `13${String((i * 104729) % callers).padStart(9, '0')}`;
    const t0 = performance.now();
    h.of(n, 20);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const p = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  line(`  10,000 lookups (20 calls + 20 tickets each): p50 ${fmt(p(0.5), 3)} ms, p99 ${fmt(p(0.99), 3)} ms, max ${fmt(p(1), 3)} ms  goal p99 < 5 ms`);
  db.close();
}
