// Issue 20: `npm start` and `npm run demo` died with a raw EADDRINUSE (a stack, or node's bare
// "listen EADDRINUSE" naming nothing to change) when the HTTP port (8080) or the outbound ESL
// listener port (8084) was taken. Now: one line on stderr naming the listener, the address and
// port, the environment variable and the server.yaml field; exit 1; nothing left running.
// Started the way an operator starts them, with a port held by another program.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { copyConfig, projectDir } from './support/config-dir.js';
import { freePort } from './support/switchboard.js';
import { ListenFailure, listenFailureMessage, startServer } from '../src/main.js';

/** Another program holding @port on 127.0.0.1 until the test ends. */
async function occupy(t: { teardown(fn: () => unknown): void }, port?: number): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, '127.0.0.1', () => resolve());
  });
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/** Runs a script to its end (a refused start ends at once); killed after 30 s if it started instead. */
function run(script: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: projectDir, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** stderr is that one line: no stack, nothing else. */
function oneLine(t: Test, stderr: string) {
  t.equal(stderr.trimEnd().split('\n').length, 1, `one line on stderr: ${stderr}`);
  t.notMatch(stderr, /\n\s+at |node:net|UVException/, 'no stack');
}

function tmp(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cti-port-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('npm start, HTTP port taken: the line names 127.0.0.1:port, CTI_HTTP_PORT, CTI_HTTP_HOST and http.port; exit 1', async (t) => {
  const port = await occupy(t);
  const data = tmp(t);
  const r = run('src/main.ts', { CTI_HTTP_PORT: String(port), CTI_ESL_PORT: '0', CTI_DB: join(data, 'cti.sqlite') });
  t.equal(r.code, 1, `exits 1 (signal ${r.signal})`);
  oneLine(t, r.stderr);
  t.match(r.stderr, `端口已被占用 (address in use): HTTP (pages, API, /metrics) cannot listen on 127.0.0.1:${port}`);
  t.match(r.stderr, 'choose another port with CTI_HTTP_PORT (the address: CTI_HTTP_HOST), or http.port (http.host) in config/server.yaml');
  t.notMatch(r.stdout, /CTI server listening/, 'never said it was listening');
});

t.test('npm start, ESL listener port taken: the line names CTI_ESL_PORT and esl_listener.port; exit 1', async (t) => {
  const port = await occupy(t);
  const data = tmp(t);
  const r = run('src/main.ts', { CTI_HTTP_PORT: '0', CTI_ESL_PORT: String(port), CTI_DB: join(data, 'cti.sqlite') });
  t.equal(r.code, 1, `exits 1 (signal ${r.signal})`);
  oneLine(t, r.stderr);
  t.match(r.stderr, `端口已被占用 (address in use): the outbound ESL listener (FreeSWITCH's socket app connects here) cannot listen on 127.0.0.1:${port}`);
  t.match(
    r.stderr,
    'choose another port with CTI_ESL_PORT, or esl_listener.port (esl_listener.host) in config/server.yaml; then regenerate the dialplan (npx cti gen-dialplan)',
  );
  t.notMatch(r.stdout, /CTI server listening/);
});

t.test('a config folder elsewhere is named by its path', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  const port = await occupy(t);
  const data = tmp(t);
  const r = run('src/main.ts', { CTI_CONFIG: copy.dir, CTI_HTTP_PORT: String(port), CTI_ESL_PORT: '0', CTI_DB: join(data, 'cti.sqlite') });
  t.equal(r.code, 1);
  t.match(r.stderr, `http.port (http.host) in ${join(copy.dir, 'server.yaml')}`);
});

t.test('npm run demo, either port taken: the same line, exit 1, and the demo database left alone', async (t) => {
  for (const taken of ['http', 'esl'] as const) {
    const held = await occupy(t);
    const other = await freePort();
    const data = tmp(t);
    const db = join(data, 'demo.sqlite');
    // the database of a demo already running on these ports
    writeFileSync(db, 'the running demo');
    writeFileSync(`${db}-wal`, 'its log');
    const env = taken === 'http' ? { CTI_HTTP_PORT: String(held), CTI_ESL_PORT: String(other) } : { CTI_HTTP_PORT: String(other), CTI_ESL_PORT: String(held) };
    const r = run('scripts/demo.ts', { ...env, DEMO_DB: db, DEMO_CALLS_PER_HOUR: '3600' });
    t.equal(r.code, 1, `${taken}: exits 1 (signal ${r.signal})`);
    oneLine(t, r.stderr);
    t.match(r.stderr, `cannot listen on 127.0.0.1:${held}`);
    t.match(r.stderr, taken === 'http' ? 'CTI_HTTP_PORT' : 'CTI_ESL_PORT');
    t.notMatch(r.stdout, /demo running/, 'never said it was running');
    t.equal(readFileSync(db, 'utf8'), 'the running demo', `${taken}: the database of the demo holding the port is not removed`);
    t.ok(existsSync(`${db}-wal`), `${taken}: nor its WAL`);
  }
});

t.test('startServer closes what it opened when the ESL port is taken after HTTP listened', async (t) => {
  const esl = await occupy(t);
  const http = await freePort();
  const copy = copyConfig();
  t.teardown(copy.remove);
  const data = tmp(t);
  const env = { ...process.env, CTI_HTTP_PORT: String(http), CTI_ESL_PORT: String(esl), CTI_DB: join(data, 'cti.sqlite') };
  await t.rejects(startServer(copy.dir, env, pino({ level: 'silent' })), {
    name: 'ListenFailure',
    listener: 'esl',
    errno: 'EADDRINUSE',
    address: { host: '127.0.0.1', port: esl },
  });
  // The HTTP listener it had opened is closed again: the port can be taken at once. (Timers and
  // the checkpoint thread left running would keep this test process from ending.)
  t.equal(await occupy(t, http), http, 'the HTTP port is free again');
  // and the database is closed: its WAL was checkpointed away on close
  t.notOk(existsSync(join(data, 'cti.sqlite-wal')) && readFileSync(join(data, 'cti.sqlite-wal')).length > 0, 'no WAL left behind');
});

t.test('the message for each reason a port cannot be opened names what to change', async (t) => {
  const http = { host: '127.0.0.1', port: 8080 };
  const esl = { host: '127.0.0.1', port: 8084 };
  t.equal(
    listenFailureMessage('http', http, 'EADDRINUSE', 'config/server.yaml'),
    '端口已被占用 (address in use): HTTP (pages, API, /metrics) cannot listen on 127.0.0.1:8080, another program holds it (perhaps this server or the demo, already running). Stop that program, or choose another port with CTI_HTTP_PORT (the address: CTI_HTTP_HOST), or http.port (http.host) in config/server.yaml',
  );
  t.match(
    listenFailureMessage('http', { host: '192.0.2.1', port: 8080 }, 'EADDRNOTAVAIL', 'config/server.yaml'),
    /^地址不可用 \(address not available\): HTTP .* 192\.0\.2\.1:8080, no network interface .*Choose another address with CTI_HTTP_HOST, or http\.host in config\/server\.yaml$/,
  );
  t.match(
    listenFailureMessage('esl', { host: '127.0.0.1', port: 84 }, 'EACCES', 'config/server.yaml'),
    /^无权使用该端口 \(permission denied\): .*127\.0\.0\.1:84, .*below 1024.*CTI_ESL_PORT, or esl_listener\.port \(esl_listener\.host\) in config\/server\.yaml; then regenerate the dialplan/,
  );
  t.match(
    listenFailureMessage('esl', esl, 'EADDRNOTAVAIL', 'x/server.yaml'),
    /Choose another address with esl_listener\.host in x\/server\.yaml/,
    'the ESL address has no environment variable',
  );
  t.match(
    listenFailureMessage('http', http, 'EMFILE', 'config/server.yaml'),
    /^无法监听 \(cannot listen\): HTTP .*127\.0\.0\.1:8080 \(EMFILE\)\. .*CTI_HTTP_PORT/,
  );
  for (const m of [listenFailureMessage('http', http, 'EADDRINUSE', 'c'), listenFailureMessage('esl', esl, 'EACCES', 'c')]) t.notMatch(m, /\n/, 'one line');
  t.ok(new ListenFailure('http', http, 'EADDRINUSE', 'c') instanceof Error);
});
