// The controller under test, run as an operator runs it (`npm start`: node --import tsx
// src/main.ts) in a process of its own, with its own database and a copy of the config whose
// three timers are shortened for a quick run. The check only observes it: through its HTTP API,
// as the agent desktop and a supervisor would, and through the switch's events.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** routing.yaml values the check runs with (the same on the simulator and on a real switch). */
export const CHECK_TIMERS = {
  /** how long a seat rings before the ACD tries the next one */
  agent_ring_s: 10,
  /** wrap-up after each call, so that the next scenario finds the seat ready */
  wrap_up_s: 1,
  /** how long a department rings (a parallel hotline dialled directly, and one-key transfers) */
  ring_timeout_s: 5,
} as const;

export interface ControllerSetup {
  projectDir: string;
  /** the config folder to copy (the operator's CTI_CONFIG, or config/) */
  configDir: string;
  /** FS_HOST, FS_PORT, FS_PASSWORD, and CTI_ESL_PORT when the switch is told where to connect */
  env: Record<string, string>;
  users: Array<{ name: string; role: 'supervisor' | 'agent' }>;
  log: (line: string) => void;
}

export interface ApiReply {
  status: number;
  body: any;
}

export class ControllerProcess {
  private stopped = false;

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly home: string,
    readonly password: string,
    readonly logs: string[],
  ) {}

  static async start(setup: ControllerSetup): Promise<ControllerProcess> {
    const home = mkdtempSync(join(tmpdir(), 'cti-switch-check-'));
    try {
      const configDir = join(home, 'config');
      cpSync(setup.configDir, configDir, { recursive: true });
      shortenTimers(join(configDir, 'routing.yaml'));
      // upper, lower, digits and '-': the three kinds of character a password needs (checkPassword)
      const password = `Check-${randomBytes(12).toString('hex')}`;
      const env = { ...process.env, CTI_CONFIG: configDir, CTI_DB: join(home, 'cti.sqlite'), CTI_HTTP_PORT: '0', CTI_LOG_LEVEL: 'info', ...setup.env };
      for (const u of setup.users) {
        const r = spawnSync(process.execPath, ['bin/cti.js', 'user', 'add', u.name, '--role', u.role], {
          cwd: setup.projectDir,
          env,
          input: `${password}\n`,
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`cti user add ${u.name}: ${r.stderr || r.stdout}`);
      }
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: setup.projectDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const logs: string[] = [];
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the controller did not start in 30 s; stderr: ${stderr}`)), 30_000);
        child.once('exit', (code) => reject(new Error(`the controller exited with ${code}; stderr: ${stderr}`)));
        createInterface({ input: child.stdout! }).on('line', (line) => {
          logs.push(line);
          if (logs.length > 2000) logs.shift();
          try {
            const entry = JSON.parse(line) as { msg?: string; url?: string };
            if (entry.msg === 'CTI server listening') {
              clearTimeout(timer);
              resolve(String(entry.url));
            }
          } catch {
            // not a log line
          }
        });
      });
      setup.log(`controller: pid ${child.pid}, ${url}, data in ${home}`);
      return new ControllerProcess(url, child, home, password, logs);
    } catch (err) {
      rmSync(home, { recursive: true, force: true });
      throw err;
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Logs in through the API (POST /api/auth/login) and returns a client with that user's token. */
  async login(username: string): Promise<ApiClient> {
    const anonymous = new ApiClient(this.url, null);
    const r = await anonymous.post('/api/auth/login', { username, password: this.password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return new ApiClient(this.url, r.body.token as string);
  }

  /** SIGSTOP: the process keeps its sockets (the kernel still accepts connections) and does nothing. */
  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  /** SIGKILL: the kernel closes every socket it had, resetting connections never accepted. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
    this.stopped = true;
  }

  async stop(): Promise<void> {
    if (!this.stopped && this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGCONT');
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    this.stopped = true;
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** agent_ring_s, wrap_up_s and ring_timeout_s of the copy set to CHECK_TIMERS; each must be there once. */
function shortenTimers(file: string): void {
  let text = readFileSync(file, 'utf8');
  for (const [key, value] of Object.entries(CHECK_TIMERS)) {
    const pattern = new RegExp(`^(\\s*${key}:\\s*)\\d+(\\.\\d+)?`, 'm');
    if (!pattern.test(text)) throw new Error(`${file}: no ${key} to set for the check`);
    text = text.replace(pattern, `$1${value}`);
  }
  writeFileSync(file, text);
}

export class ApiClient {
  constructor(
    private readonly base: string,
    private readonly token: string | null,
  ) {}

  get(path: string): Promise<ApiReply> {
    return this.request('GET', path);
  }

  post(path: string, body?: unknown): Promise<ApiReply> {
    return this.request('POST', path, body);
  }

  private async request(method: string, path: string, body?: unknown): Promise<ApiReply> {
    const r = await fetch(this.base + path, {
      method,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // a non-JSON body stays text
    }
    return { status: r.status, body: parsed };
  }
}
