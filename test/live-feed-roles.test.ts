// The live feed (/api/ws) by role, over a busy stretch of real calls through the simulator: the
// centre's staff see waiting callers and seats; a department handler or head, whose pages share
// the login, gets a bare hello and nothing after it — no caller's number, no seat, no transfer
// (issue 19: the first hello once listed every waiting caller to them).
import t from 'tap';
import WebSocket from 'ws';
import { switchboard } from './support/switchboard.js';
import { TEST_PASSWORD, waitFor } from './support/server-process.js';

const users = [
  { name: 'boss', role: 'supervisor' },
  { name: 'op1001', role: 'agent' },
  { name: 'market', role: 'dept_handler', department: 'market-regulation' },
  { name: 'market-head', role: 'dept_head', department: 'market-regulation' },
];

async function feed(url: string, username: string): Promise<{ messages: any[]; raw: string[]; close(): void }> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/ws?token=${token}`);
  const messages: any[] = [];
  const raw: string[] = [];
  ws.on('message', (m) => {
    raw.push(String(m));
    messages.push(JSON.parse(String(m)));
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { messages, raw, close: () => ws.close() };
}

t.test('over a busy stretch, department users get a bare hello and nothing else; the centre sees everything', async (t) => {
  const sb = await switchboard({
    agents: [{ id: '1001', answerAfterS: 0.5, talkS: 1 }],
    hotlines: { '12315': { answerAfterS: 0.5, talkS: 2 } },
    users,
  });
  t.teardown(() => sb.stop());
  const feeds = Object.fromEntries(await Promise.all(users.map(async (u) => [u.name, await feed(sb.server.url, u.name)] as const)));
  t.teardown(() => Object.values(feeds).forEach((f) => f.close()));

  // callers waiting before anyone is ready, so the queue fills; then the agent takes them
  const callers = Array.from({ length: 6 }, (_, i) => `1380000070${i}`);
  callers.forEach((from, i) => sb.sim.engine.placeCall({ from, to: i % 3 === 2 ? '12369' : '12345', dtmf: [{ at_s: 0.5, digits: '1' }], hangupAfterS: 25 }));
  sb.sim.engine.placeCall({ from: '13800000799', to: '12315', hangupAfterS: 6 }); // the department's own hotline, in hours or not
  await sb.server.login('boss');
  await sb.until('callers to wait', '/api/queues', (b) => (b.waiting >= 4 ? true : undefined));
  await sb.server.login('op1001');
  await sb.server.post('/api/agents/1001/login');
  await sb.server.post('/api/agents/1001/ready');
  await sb.server.login('boss');
  // /api/calls has no agent filter: the agent's calls are the ones its records name
  await waitFor(
    'the agent to have taken two calls',
    async () => ((await sb.server.get('/api/calls?limit=50')).body.items.filter((c: any) => c.agent === '1001').length >= 2 ? true : undefined),
    20_000,
  );

  const centre = feeds.boss!;
  // the feed's queue pushes are spaced out: wait for them rather than read them at once
  const seen = () => callers.filter((c) => centre.raw.some((m) => m.includes(c)));
  await waitFor('the supervisor to have been shown four waiting callers', async () => (seen().length >= 4 ? true : undefined), 10_000).catch(() => undefined);
  const seenNumbers = seen();
  t.ok(
    seenNumbers.length >= 4,
    `the supervisor's feed carried waiting callers' numbers (${seenNumbers.length} of ${callers.length}): the check below is not vacuous`,
  );
  t.ok(
    centre.messages.some((m) => m.type === 'agents' && JSON.stringify(m).includes('1001')),
    'and seat 1001',
  );
  t.ok(
    feeds.op1001!.messages.some((m) => m.type === 'queues'),
    'an agent sees the queue',
  );

  for (const name of ['market', 'market-head']) {
    const f = feeds[name]!;
    t.same(f.messages, [{ type: 'hello' }], `${name}: the hello, bare, and nothing after it (${centre.messages.length} messages went to the supervisor)`);
    t.notOk(
      f.raw.some((m) => /1[3-9]\d{9}/.test(m)),
      `${name}: no full mobile number`,
    );
  }
});
