// The real server process: health, metrics, OpenAPI, errors, and hot reload of config/.
import t from 'tap';
import { copyConfig } from './support/config-dir.js';
import { startServerProcess, waitFor } from './support/server-process.js';

/** The real server on a copy of the shipped config, logged in as an admin. */
async function adminServer(t: { teardown(fn: () => unknown): void }) {
  const copy = copyConfig();
  const server = await startServerProcess(copy.dir, { users: [{ name: 'admin', role: 'admin' }] });
  t.teardown(async () => {
    await server.stop();
    copy.remove();
  });
  await server.login('admin');
  return { copy, server };
}

t.test('server: health, metrics, docs and error bodies', async (t) => {
  const { server } = await adminServer(t);

  const health = await server.get('/api/health');
  t.equal(health.status, 200);
  t.match(health.body, { status: 'degraded', freeswitch: 'disconnected', db: 'ok', calls_in_progress: 0, config: { state: 'ok', generation: 1, errors: [] } });

  const metrics = await server.get('/metrics');
  t.match(metrics.body, /^cti_config_generation 1$/m);
  t.match(metrics.body, /^cti_calls_in_progress 0$/m, 'calls in progress are a gauge too');
  t.match(metrics.body, /^cti_freeswitch_connected 0$/m);
  t.match(metrics.body, /^cti_process_resident_memory_bytes \d+/m);

  const docs = await server.get('/docs/json');
  t.equal(docs.body.openapi, '3.0.3');
  t.ok(docs.body.paths['/healthz'] && docs.body.paths['/api/health'] && docs.body.paths['/api/departments'], 'routes are documented');
  t.ok(docs.body.paths['/api/calls/{id}/transfer/complete']?.post, 'the transfer routes too (the real server has a controller)');
  const unsummarised = Object.entries(docs.body.paths as Record<string, Record<string, { summary?: string }>>).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => !op.summary?.trim())
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
  t.same(unsummarised, [], 'every operation has a summary');

  const missing = await server.get('/api/nothing-here');
  t.same(missing, { status: 404, body: { error: 'CTI_NOT_FOUND', message: 'no route GET /api/nothing-here' } });

  const departments = await server.get('/api/departments');
  t.equal(departments.body.length, 32);
  t.same(
    departments.body.find((d: any) => d.id === 'market-regulation'),
    { id: 'market-regulation', name: '市市场监管局', hotlines: ['12315', '12365', '96333'] },
  );
});

t.test('hot reload: a valid change within 2 s, an invalid one keeps the last good config', async (t) => {
  const { copy, server } = await adminServer(t);
  const nameOf = async (id: string) => (await server.get('/api/departments')).body.find((d: any) => d.id === id)?.name;

  copy.edit('routing.yaml', '{ id: agriculture, name: 市农委 }', '{ id: agriculture, name: 市农业农村局 }');
  const applied = await waitFor('the renamed department', async () => ((await nameOf('agriculture')) === '市农业农村局' ? true : undefined));
  t.ok(applied.ms < 2000, `valid change in force after ${applied.ms} ms (limit 2000)`);
  t.match((await server.get('/api/health')).body.config, { state: 'ok', generation: 2 });

  const goodDigest = (await server.get('/api/admin/config')).body.digest;
  copy.edit('routing.yaml', 'transfer: { gateway: telecom-trunk, dial: "12315" }', 'transfer: { gateway: nowhere, dial: "12315" }');
  copy.edit('routing.yaml', '{ id: agriculture, name: 市农业农村局 }', '{ id: agriculture, name: 半途而废 }');
  const rejected = await waitFor('the rejection', async () => {
    const h = (await server.get('/api/health')).body;
    return h.config.state === 'error' ? h : undefined;
  });
  const line = copy.lineOf('routing.yaml', 'gateway: nowhere');
  t.match(rejected.value.config.errors[0], new RegExp(`routing\\.yaml:${line}:\\d+ parallel\\[1\\]\\.transfer\\.gateway: gateway "nowhere" is not declared`));
  t.equal(await nameOf('agriculture'), '市农业农村局', 'nothing of the broken file was applied');
  const admin = (await server.get('/api/admin/config')).body;
  t.match(admin, { state: 'error', digest: goodDigest, generation: 2 });
  t.match(admin.issues[0], { line, path: 'parallel[1].transfer.gateway' });
  t.match((await server.get('/metrics')).body, /^cti_config_rejected 1$/m);
  // anyone may ask whether the server is up; the broken file's path, line and field are for staff
  const open = await fetch(`${server.url}/healthz`);
  t.equal(open.status, 200, 'degraded is still 200, as before');
  t.same(await open.json(), { status: 'degraded' }, 'the public answer says up or degraded, nothing more');

  copy.edit('routing.yaml', 'gateway: nowhere', 'gateway: telecom-trunk');
  await waitFor('the repaired config', async () => ((await nameOf('agriculture')) === '半途而废' ? true : undefined));
  t.match((await server.get('/api/health')).body.config, { state: 'ok', generation: 3, errors: [] });
});

t.test('SIGHUP reloads, and a reload request does too', async (t) => {
  const { server } = await adminServer(t);
  const before = (await server.get('/api/admin/config')).body.last_attempt_at;
  server.child.kill('SIGHUP');
  const after = await waitFor('a reload attempt after SIGHUP', async () => {
    const b = (await server.get('/api/admin/config')).body;
    return b.last_attempt_at !== before ? b : undefined;
  });
  t.match(after.value, { state: 'ok', generation: 1 }, 'same files: attempted, nothing changed');

  const reload = await server.post('/api/admin/config/reload');
  t.equal(reload.status, 200);
  t.match(reload.body, { state: 'ok', generation: 1 });
  t.equal(server.child.exitCode, null, 'still running');
});

t.test('/healthz tells anyone only up or degraded; the detail needs a supervisor or an admin', async (t) => {
  const copy = copyConfig();
  const server = await startServerProcess(copy.dir, {
    users: [
      { name: 'op', role: 'agent' },
      { name: 'boss', role: 'supervisor' },
      { name: 'root', role: 'admin' },
    ],
  });
  t.teardown(async () => {
    await server.stop();
    copy.remove();
  });
  const open = await server.get('/healthz');
  t.equal(open.status, 200);
  t.same(open.body, { status: 'degraded' }, 'no FreeSWITCH link, config, paths or calendar');
  t.match(await server.get('/readyz'), { status: 503, body: { status: 'not_ready' } }, 'not ready without FreeSWITCH');
  t.match(await server.get('/api/health'), { status: 401, body: { error: 'CTI_AUTH_REQUIRED' } }, 'no token');
  t.match(await (await server.as('op')).get('/api/health'), { status: 403, body: { error: 'CTI_FORBIDDEN' } }, 'an agent');
  for (const who of ['boss', 'root']) {
    const h = await (await server.as(who)).get('/api/health');
    t.equal(h.status, 200, who);
    t.match(
      h.body,
      { status: 'degraded', freeswitch: 'disconnected', db: 'ok', config: { state: 'ok' }, calendar: { missing_year: Number } },
      `${who} sees the detail`,
    );
  }
});
