// /readyz for load balancers: 200 while calls can be taken, 503 while the FreeSWITCH link is
// down (issue 21, 8); /healthz stays 200 (degraded) meanwhile. Times the health and config
// answers give are Asia/Shanghai (+08:00), as everywhere else in the API.
import t from 'tap';
import { virtualSwitchboard } from './support/virtual-switchboard.js';

t.test('ready while linked, 503 while the link is down, ready again once it is back', async (t) => {
  const sb = await virtualSwitchboard({ agents: [{ id: '1001' }], users: [{ name: 'boss', role: 'supervisor' }] });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  t.match(await sb.server.get('/readyz'), { status: 200, body: { status: 'ready' } });
  sb.dropEslLink(5000);
  const down = await sb.waitFor('the link to be seen down', async () => {
    const r = await sb.server.get('/readyz');
    return r.status === 503 ? r : undefined;
  });
  t.same(down.value.body, { status: 'not_ready' }, 'nothing but the state, for anyone');
  t.match(await sb.server.get('/healthz'), { status: 200, body: { status: 'degraded' } }, 'alive: /healthz stays 200');
  await sb.waitFor('the link to be back', async () => ((await sb.server.get('/readyz')).status === 200 ? true : undefined), 30_000);
  const health = (await sb.server.get('/api/health')).body;
  t.match(health.config.loaded_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+08:00$/, 'config loaded_at in +08:00');
});
