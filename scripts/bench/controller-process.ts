// The controller as FreeSWITCH would meet it in production: its own process (`npm start`),
// reached over loopback, so that the simulator and the controller each have a core. Users are
// made with `cti user add` (an admin) and the users API (the seats' operators).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ControllerProcess {
  url: string;
  pid: number;
  /** GET/POST with the admin's token, or the token given */
  request(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  login(username: string, password: string): Promise<string>;
  /** a gauge or counter from /metrics (the first sample) */
  metric(name: string): Promise<number>;
  /** resident set size from /proc, bytes */
  rss(): number;
  stop(): Promise<void>;
}

/** The first sample of a gauge or counter in /metrics text; NaN when absent. */
export function metricSample(metricsText: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(metricsText);
  return m ? Number(m[1]) : NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startControllerProcess(
  root: string,
  env: Record<string, string>,
  admin: { username: string; password: string },
): Promise<ControllerProcess> {
  const fullEnv = { ...process.env, ...env };
  const add = spawnSync(process.execPath, ['bin/cti.js', 'user', 'add', admin.username, '--role', 'admin'], {
    cwd: root,
    env: fullEnv,
    input: `${admin.password}\n`,
    encoding: 'utf8',
  });
  if (add.status !== 0) throw new Error(`cti user add: ${add.stderr}`);
  // BENCH_PROFILE=<dir>: a V8 CPU profile of the controller, written when it exits
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: fullEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${env.CTI_HTTP_PORT}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`controller exited with ${child.exitCode}: ${stderr}`);
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > until) throw new Error(`controller did not start in 30 s: ${stderr}`);
    await sleep(200);
  }
  let adminToken = '';
  const request = async (method: string, path: string, body?: unknown, token = adminToken) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((err: Error) => {
      throw new Error(
        `${method} ${path}: ${err.message}; controller ${child.exitCode === null ? 'running' : `exited with ${child.exitCode}`}; its stderr: ${stderr.slice(-2000)}`,
      );
    });
    const text = await r.text();
    return { status: r.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const login = async (username: string, password: string) => {
    const r = await request('POST', '/api/auth/login', { username, password }, '');
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
    return r.body.token as string;
  };
  adminToken = await login(admin.username, admin.password);
  return {
    url,
    pid: child.pid!,
    request,
    login,
    async metric(name) {
      return metricSample((await request('GET', '/metrics')).body as string, name);
    },
    rss() {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(join('/proc', String(child.pid), 'status'), 'utf8'))?.[1];
      return Number(kb ?? 0) * 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
