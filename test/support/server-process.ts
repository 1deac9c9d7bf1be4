// Starts the real server (`node --import tsx src/main.ts`) as a child process on an
// ephemeral port, the way an operator runs it, and reads its JSON log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectDir } from './config-dir.js';
import { formatIssue, loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/store/index.js';
import { schema } from '../../src/schema.js';
import { UserStore } from '../../src/auth/users.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  /** log in through the API; later calls carry the token */
  login(username: string, password?: string): Promise<void>;
  /** a client of its own, logged in as `username`; the calls above keep their token */
  as(username: string, password?: string): Promise<Client>;
  get(path: string): Promise<{ status: number; body: any }>;
  post(path: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export interface Client {
  get(path: string): Promise<{ status: number; body: any }>;
  post(path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export const TEST_PASSWORD = 'test-password-12345';

/**
 * The scrypt cost of the test users' hashes: N=2^10 (about 5 ms) instead of 2^15 (about 150 ms),
 * as hundreds of users and logins across the suite need no strength. Verification reads the cost
 * from the stored hash, so logins go through the same code; test/auth.test.ts checks the real cost.
 */
export const TEST_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };

export interface StartOptions {
  env?: Record<string, string>;
  /** users made with `cti user add` before the server starts, all with TEST_PASSWORD */
  users?: Array<{ name: string; role: string; department?: string; mobile?: string }>;
  /**
   * Runs the server under libfaketime (Debian package faketime) with its clock starting at this
   * instant, e.g. '2026-12-24T10:00:00+08:00'; the clock then runs on at normal speed.
   */
  clockStartsAt?: string;
  /** an existing data folder (to restart on the same database); removed by stop() only when made here */
  dataDir?: string;
}

export async function startServerProcess(configDir: string, opts: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cti-data-'));
  const env = { ...process.env, CTI_CONFIG: configDir, CTI_HTTP_PORT: '0', CTI_ESL_PORT: '0', CTI_DB: join(dataDir, 'cti.sqlite'), ...opts.env };
  if (opts.users?.length) await seedUsers(configDir, env, opts.users);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectDir,
    env: opts.clockStartsAt ? { ...env, ...fakeClock(opts.clockStartsAt) } : env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s; stderr: ${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}; stderr: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'CTI server listening') {
        clearTimeout(timer);
        resolveUrl(String(entry.url));
      }
    });
  });
  let token: string | null = null;
  const call = async (method: string, path: string, body?: unknown, as = token) => {
    const res = await fetch(url + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(as ? { authorization: `Bearer ${as}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
  };
  const tokenOf = async (username: string, password: string): Promise<string> => {
    const r = await call('POST', '/api/auth/login', { username, password }, null);
    if (r.status !== 200) throw new Error(`login ${username}: ${JSON.stringify(r.body)}`);
    return r.body.token;
  };
  return {
    url,
    child,
    logs,
    async login(username, password = TEST_PASSWORD) {
      token = await tokenOf(username, password);
    },
    async as(username, password = TEST_PASSWORD) {
      const own = await tokenOf(username, password);
      return { get: (path) => call('GET', path, undefined, own), post: (path, body) => call('POST', path, body, own) };
    },
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The users a test needs, written through the same store `cti user add` uses, in this process:
 * a `cti` process per user cost 2–10 s under load. test/auth.test.ts runs the command itself.
 */
export async function seedUsers(configDir: string, env: NodeJS.ProcessEnv, users: NonNullable<StartOptions['users']>): Promise<void> {
  const loaded = await loadConfig(configDir, env);
  if (!loaded.ok) throw new Error(`config of the test server: ${loaded.issues.map(formatIssue).join('; ')}`);
  const db = openDatabase(loaded.config.server.database, schema);
  try {
    const store = new UserStore(db, TEST_PASSWORD_COST);
    const departments = new Set(loaded.config.routing.departments.keys());
    for (const u of users)
      await store.add({ username: u.name, password: TEST_PASSWORD, role: u.role, department: u.department, mobile: u.mobile }, departments);
  } finally {
    db.close();
  }
}

/**
 * libfaketime preloaded into the server itself (not the faketime wrapper, which forks and
 * would not pass our SIGTERM on): its clock starts at `instant` and runs on. The
 * multi-threaded build, as node runs threads; FAKETIME's date is read in TZ, set to UTC here.
 */
function fakeClock(instant: string): Record<string, string> {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${instant}`);
  const lib = ['x86_64-linux-gnu', 'aarch64-linux-gnu'].map((arch) => `/usr/lib/${arch}/faketime/libfaketimeMT.so.1`).find((p) => existsSync(p));
  if (!lib) throw new Error('libfaketime is not installed (Debian package faketime; .ci/run installs it)');
  return { LD_PRELOAD: lib, FAKETIME: `@${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}`, TZ: 'UTC' };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
