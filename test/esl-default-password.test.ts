// Issue 19: the server refused to start with nothing but FreeSWITCH's well-known event socket
// password ("ClueCon") for a switch reachable over the network. The refusal is seen the way an
// operator sees it (`node --import tsx src/main.ts`, as `npm start` runs it); the other cases
// start the server in this process (startServer, what main() calls), a process each cost 3 s.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyConfig, projectDir } from './support/config-dir.js';
import { isLoopback } from '../src/config/server-rules.js';
import { startServer } from '../src/main.js';
import { createLogger } from '../src/logging.js';

/** startServer in this process on ports of the system's choosing, as the process would run. */
async function startHere(configDir: string, env: Record<string, string>) {
  const data = mkdtempSync(join(tmpdir(), 'cti-data-'));
  const full = { ...process.env, CTI_CONFIG: configDir, CTI_HTTP_PORT: '0', CTI_ESL_PORT: '0', CTI_DB: join(data, 'cti.sqlite'), ...env };
  try {
    const server = await startServer(configDir, full, createLogger('silent', false));
    await server.close();
    return { started: true, error: '' };
  } catch (err) {
    return { started: false, error: String((err as Error).message) };
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

/** Runs the server to its end (a refusal ends it at once); killed after 20 s if it started instead. */
function start(configDir: string, env: Record<string, string>) {
  const data = mkdtempSync(join(tmpdir(), 'cti-data-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: projectDir,
      env: { ...process.env, CTI_CONFIG: configDir, CTI_HTTP_PORT: '0', CTI_ESL_PORT: '0', CTI_DB: join(data, 'cti.sqlite'), ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

t.test('ClueCon for a switch on another machine: a config error naming server.yaml, the field and how to set it; exit 1', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  copy.edit('server.yaml', /host: 127\.0\.0\.1 {5}# \[FS_HOST\]/, 'host: 10.20.30.40   # [FS_HOST]');
  const line = copy.lineOf('server.yaml', 'password: ClueCon');
  const r = start(copy.dir, {});
  t.equal(r.code, 1, `exits 1 (signal ${r.signal})`);
  t.match(r.stderr, new RegExp(`server\\.yaml:${line}:13 freeswitch\\.password: "ClueCon" is FreeSWITCH's well-known default event socket password`));
  t.match(r.stderr, /freeswitch\.host 10\.20\.30\.40/, 'names the address');
  t.match(r.stderr, /freeswitch\.password in .*server\.yaml or in the environment variable FS_PASSWORD/, 'says where to set it');
  t.notMatch(r.stdout, /CTI server listening/, 'never listened');
});

t.test('the same through the environment (FS_HOST, FS_PASSWORD) is pinned on the environment', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  const byHost = await startHere(copy.dir, { FS_HOST: 'fs.centre.example' });
  t.equal(byHost.started, false);
  t.match(byHost.error, /server\.yaml:\d+:\d+ freeswitch\.password: .*\(FS_HOST=fs\.centre\.example\)/);
  copy.edit('server.yaml', 'password: ClueCon', 'password: s3cret-esl');
  const byPassword = await startHere(copy.dir, { FS_HOST: '::ffff:10.0.0.9', FS_PASSWORD: 'ClueCon' });
  t.equal(byPassword.started, false);
  t.match(byPassword.error, /environment:0:0 FS_PASSWORD: "ClueCon" is FreeSWITCH's well-known default/);
});

t.test('ClueCon on loopback (tests, the demo) and another password anywhere start', async (t) => {
  const envs: Array<Record<string, string>> = [
    { FS_HOST: 'localhost' },
    { FS_HOST: '::1' },
    { FS_HOST: '127.0.0.2' },
    { FS_HOST: '10.20.30.40', FS_PASSWORD: 's3cret-esl' },
  ];
  for (const env of envs) {
    const copy = copyConfig();
    const run = await startHere(copy.dir, env);
    t.same(run, { started: true, error: '' }, `started with ${JSON.stringify(env)}`);
    copy.remove();
  }
});

t.test('validate-config says the same before a start', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  const r = spawnSync(process.execPath, [join(projectDir, 'bin/cti.js'), 'validate-config', copy.dir], {
    cwd: projectDir,
    env: { ...process.env, FS_HOST: '192.0.2.7' },
    encoding: 'utf8',
  });
  t.equal(r.status, 1);
  t.match(r.stdout + r.stderr, /server\.yaml:\d+:13 freeswitch\.password: "ClueCon"/);
});

t.test('loopback is 127.0.0.0/8, ::1 and localhost only', async (t) => {
  for (const h of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST']) t.ok(isLoopback(h), h);
  for (const h of ['10.0.0.1', '0.0.0.0', '::', '::2', '128.0.0.1', 'fs.local', 'localhost.example', '::ffff:10.0.0.1', '1.127.0.0']) t.notOk(isLoopback(h), h);
});
