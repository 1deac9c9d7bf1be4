// routing.yaml's seats and wrap-up reach the running ACD on reload, through the real server's
// wiring (src/main.ts), not only the distributor's own method.
import t from 'tap';
import { copyConfig } from './support/config-dir.js';
import { startServerProcess, waitFor } from './support/server-process.js';

t.test('a seat added to routing.yaml can be taken without a restart, and a removed one is gone', async (t) => {
  const copy = copyConfig();
  const server = await startServerProcess(copy.dir, {
    users: [
      { name: 'op', role: 'agent' },
      { name: 'op2', role: 'agent' },
    ],
  });
  t.teardown(async () => {
    await server.stop();
    copy.remove();
  });
  await server.login('op');
  t.equal((await server.post('/api/agents/1013/login')).status, 404, 'no seat 1013 yet');
  copy.edit('routing.yaml', '  - { id: "1012", name: 监管专席02, skills: [supervision, citizen] }', '  - { id: "1013", name: 新增坐席, skills: [citizen] }');
  const { value } = await waitFor(
    'seat 1013',
    async () => {
      const r = await server.post('/api/agents/1013/login');
      return r.status === 200 ? r.body : undefined;
    },
    10_000,
  );
  t.match(value, { seat: '1013', state: 'break' });
  await server.login('op2');
  t.equal((await server.post('/api/agents/1012/login')).status, 404, 'seat 1012, removed and not taken, is gone');
});
