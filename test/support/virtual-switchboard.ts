// The whole system in this process on one virtual clock: the simulator (our FreeSWITCH, with the
// generated dialplan) and the server exactly as `npm start` assembles it (startServer), joined by
// in-memory streams instead of ports, the API answered through fastify's inject. A scenario whose
// calls last 40 s costs what its events cost, and every time a test reads is the switch's and the
// server's own (one Date for both). The explorer runs the controller the same way; this adds the
// HTTP app and everything else main.ts starts. Each server runs in a life of the clock's, so
// that it can be killed as a process is (its timers gone, its connections closed under the
// switch) and another started on the same database. test/support/switchboard.ts keeps the same
// tests' shape over real processes and ports, for the end-to-end tests that need them.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IN_PROCESS_URL, startServer, type RunningServer } from '../../src/main.js';
import { createLogger } from '../../src/logging.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { Life, VirtualTime } from '../../scripts/explorer/virtual-time.js';
import { memoryLink, refusedConnect, sever, type MemoryEnd } from '../../scripts/explorer/memory-link.js';
import { copyConfig, projectDir, type ConfigCopy } from './config-dir.js';
import { seedUsers, type Client } from './server-process.js';
import { SessionStore, UserStore } from '../../src/auth/index.js';
import { boardEngine, type SwitchboardOptions } from './switchboard.js';
import type { DeskTransport } from '../../src/sim/scenario/agent-desks.js';

/** A workday morning in office hours, with holiday data: what a test sees unless it asks otherwise. */
export const DEFAULT_START = '2026-12-09T10:00:00+08:00';

export interface VirtualServer extends Client {
  running: RunningServer;
  /** IN_PROCESS_URL: a base for `fetch` (the board's own), not an address on the network */
  url: string;
  /** the server's log lines at the shipped level (info), parsed, with the server's own redaction */
  logs: Array<Record<string, unknown>>;
  /** a session for the user, as a login makes it (the password is not checked here) */
  login(username: string): Promise<void>;
  as(username: string): Promise<Client>;
  /** a bearer token of the user's own (for the live feed's WebSocket) */
  session(username: string): Promise<string>;
  /**
   * The logged-in user's requests for code awaited inside `run` (a poller beside a scenario):
   * they do not move the clock themselves, `run` does
   */
  passive: Client;
}

export interface VirtualSwitchboard {
  vt: VirtualTime;
  sim: Simulator;
  /** the server running now (another one after `restart`) */
  readonly server: VirtualServer;
  config: ConfigCopy;
  /** GET with the logged-in user's token every 50 virtual ms until `accept` says yes */
  until<T>(what: string, path: string, accept: (body: any) => T | undefined, timeoutMs?: number): Promise<T>;
  /** `probe` every 50 virtual ms until it gives a value; ms is virtual */
  waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs?: number): Promise<{ value: T; ms: number }>;
  /** lets `ms` of virtual time pass, with everything due in it */
  sleep(ms: number): Promise<void>;
  /**
   * the network drops the controller's inbound ESL connection (it reconnects by itself); for
   * `downMs` virtual ms its reconnects are refused
   */
  dropEslLink(downMs?: number): void;
  /**
   * kill -9 of the server: its timers stop, its connections close under the switch, its
   * database is let go with whatever it had not committed; calls to its socket are refused
   */
  kill(): void;
  /** a new server process on the same configuration and database (after `kill`) */
  restart(): Promise<VirtualServer>;
  /** awaits `p` with the clock running from timer to timer, as the explorer runs it (a scenario) */
  run<T>(p: Promise<T>): Promise<T>;
  /**
   * How code that talks HTTP to the server (AgentDesks) reaches it: inject, nothing on the
   * network, and users signed in by sessions the session store makes (no scrypt; see login)
   */
  transport: DeskTransport;
  stop(): Promise<void>;
}

const POLL_MS = 50;

export async function virtualSwitchboard(opts: SwitchboardOptions & { startAt?: string } = {}): Promise<VirtualSwitchboard> {
  const config = copyConfig();
  config.edit('routing.yaml', 'agent_ring_s: 20', 'agent_ring_s: 2');
  config.edit('routing.yaml', 'wrap_up_s: 15', 'wrap_up_s: 1');
  opts.configure?.(config);
  const dataDir = mkdtempSync(join(tmpdir(), 'cti-vdata-'));
  const env = { ...process.env, CTI_CONFIG: config.dir, CTI_DB: join(dataDir, 'cti.sqlite') };
  await seedUsers(config.dir, env, opts.users ?? [{ name: 'boss', role: 'supervisor' }]);

  const vt = new VirtualTime(Date.parse(opts.startAt ?? DEFAULT_START));
  const scope = vt.scope(undefined);
  const waitFor: VirtualSwitchboard['waitFor'] = async (what, probe, timeoutMs = 15_000) => {
    const start = vt.now();
    for (;;) {
      const value = await probe();
      if (value !== undefined) return { value, ms: vt.now() - start };
      if (vt.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} virtual ms waiting for ${what}`);
      await vt.runUntil(vt.now() + POLL_MS);
    }
  };

  /** the server process now: its life (timers, async context) and its ends of the connections */
  let current: { running: RunningServer; life: Life; ends: Set<MemoryEnd>; inbound?: Socket } | undefined;
  let lives = 0;
  let port = 40_000;
  /** until then connects to :8021 are refused (virtual ms) */
  let eslDownUntil = 0;
  const sim = await startSimulator({
    dialplanDir: join(projectDir, 'dialplan'),
    clock: { nowUs: () => Date.now() * 1000 },
    inMemory: {
      // the `socket` app's connection to the controller's listener
      outbound: () => {
        const server = current;
        if (!server) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8084'), { code: 'ECONNREFUSED' });
        const { a, b, ends } = memoryLink(port++, scope, vt.scope(server.life));
        server.ends.add(ends[1]);
        ends[1].once('close', () => server.ends.delete(ends[1]));
        vt.scope(server.life)(() => server.running.calls.accept(b));
        return a;
      },
    },
    engine: boardEngine(opts),
  });
  /** A server process starting: what `npm start` assembles, in a life of its own. */
  const start = async (): Promise<VirtualServer> => {
    const life = new Life(`server-${++lives}`);
    const ends = new Set<MemoryEnd>();
    const logs: Array<Record<string, unknown>> = [];
    const log = createLogger('info', false, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const proc: { inbound?: Socket } = {};
    // the controller's `net.connect` to :8021
    const link = {
      connect: () => {
        if (vt.now() < eslDownUntil) return refusedConnect(8021, vt.scope(life));
        const { a, b, ends: pair } = memoryLink(8021, vt.scope(life), scope);
        ends.add(pair[0]);
        scope(() => sim.server.accept(b));
        proc.inbound = a;
        return a;
      },
      random: () => 0.5,
    };
    const running = await drive(
      vt,
      vt.run(life, () => startServer(config.dir, env, log, link)),
    );
    if (running.url !== IN_PROCESS_URL) throw new Error('the server opened ports');
    current = Object.assign(proc, { running, life, ends });
    await waitFor('the controller to connect to the simulator', () => (running.calls.freeswitchState === 'connected' ? true : undefined));
    return inProcessServer(vt, running, logs);
  };
  const kill = () => {
    const dead = current;
    if (!dead) return;
    current = undefined;
    vt.kill(dead.life);
    for (const end of dead.ends) sever(end);
    dead.running.halt();
  };
  const stop = async () => {
    if (current) await drive(vt, current.running.close());
    await drive(vt, sim.stop());
    vt.uninstall();
    config.remove();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let server: VirtualServer;
  try {
    server = await start();
  } catch (err) {
    await stop();
    throw err;
  }
  const running = () => {
    if (!current) throw new Error('no server is running on this board (killed)');
    return current.running;
  };
  return {
    vt,
    sim,
    get server() {
      return server;
    },
    config,
    waitFor,
    async until(what, path, accept, timeoutMs = 15_000) {
      return (await waitFor(what, async () => accept((await server.get(path)).body), timeoutMs)).value;
    },
    sleep: (ms) => vt.runUntil(vt.now() + ms).then(() => undefined),
    dropEslLink: (downMs = 0) => {
      eslDownUntil = vt.now() + downMs;
      current?.inbound?.destroy();
    },
    kill,
    async restart() {
      if (current) throw new Error('restart after kill: a server is still running');
      server = await start();
      return server;
    },
    run: (p) => drive(vt, p, 'timers'),
    transport: { fetch: injectFetch(running), signIn: (username) => server.session(username) },
    stop,
  };
}

/**
 * Requests in flight that are real work (a file read or written, a lookup): the kinds of resource
 * Node names with `Req` (FSReqCallback, FSReqPromise, GetAddrInfoReqWrap, …) and pending writes.
 * Handles that live on (a file watcher, a worker) are not work to wait for.
 */
function realWorkInFlight(): boolean {
  return process.getActiveResourcesInfo().some((kind) => kind.includes('Req') || kind === 'WriteWrap' || kind === 'ShutdownWrap');
}

// taken when this module loads, before any board installs the fake clock
const realSetTimeout = setTimeout;
const realPause = () => new Promise<void>((resolve) => realSetTimeout(resolve, 1));

/**
 * Awaits `p` while the virtual clock runs what falls due. What is due now runs first; while real
 * work is in flight (a file written, a module read) it is given real time; otherwise the clock moves on by 1 ms, in case `p` waits on a timer (a
 * request), or to the next timer (`timers`: a scenario that waits on its own timers).
 */
async function drive<T>(vt: VirtualTime, p: Promise<T>, step: 'ms' | 'timers' = 'ms'): Promise<T> {
  let settled = false;
  const watched = p.finally(() => (settled = true));
  while (!settled) {
    await vt.runUntil(vt.now());
    if (settled) break;
    if (realWorkInFlight()) await realPause();
    else await vt.runUntil(step === 'ms' ? vt.now() + 1 : (vt.nextAt() ?? vt.now() + 1));
  }
  return watched;
}

/**
 * `fetch` over inject, for code running inside the virtual world (its requests are awaited while
 * something else runs the clock: `run`). The URL's path and query are what count.
 */
function injectFetch(running: () => RunningServer): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input).slice(String(input).startsWith(IN_PROCESS_URL) ? IN_PROCESS_URL.length : 0), 'http://board');
    const res = await running().app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(init?.body === undefined || init.body === null ? {} : { payload: String(init.body) }),
    });
    const empty = res.statusCode === 204 || res.rawPayload.length === 0;
    return new Response(empty ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers: { 'content-type': String(res.headers['content-type'] ?? 'text/plain') },
    });
  }) as typeof fetch;
}

function inProcessServer(vt: VirtualTime, running: RunningServer, logs: Array<Record<string, unknown>>): VirtualServer {
  let token: string | null = null;
  const call = async (method: 'GET' | 'POST', path: string, body: unknown, as: string | null, driven = true) => {
    const injected = running.app.inject({
      method,
      url: path,
      headers: as ? { authorization: `Bearer ${as}` } : {},
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const res = driven ? await drive(vt, injected) : await injected;
    const text = res.body;
    return { status: res.statusCode, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
  };
  // a session made by the session store, as a login makes it: the login itself is tested over
  // HTTP elsewhere, and its scrypt runs on the thread pool, where the clock cannot see it wait
  const users = new UserStore(running.db);
  const sessions = new SessionStore(running.db);
  const tokenOf = async (username: string) => {
    const user = users.byUsername(username);
    if (!user) throw new Error(`no user ${username} on this board`);
    return sessions.create(user.id, new Date()).token;
  };
  return {
    running,
    url: running.url,
    logs,
    async login(username) {
      token = await tokenOf(username);
    },
    session: tokenOf,
    async as(username) {
      const own = await tokenOf(username);
      return { get: (path) => call('GET', path, undefined, own), post: (path, body) => call('POST', path, body, own) };
    },
    get: (path) => call('GET', path, undefined, token),
    post: (path, body) => call('POST', path, body, token),
    passive: { get: (path) => call('GET', path, undefined, token, false), post: (path, body) => call('POST', path, body, token, false) },
  };
}
