// DESIGN.md §5 end to end: a scenario whose departments answer after known delays, run by the
// scenario runner with the agents' desktops driving the real controller's transfer API, gives
// exactly the expected answer rates from FreeSWITCH's (the simulator's) timestamps, and the
// alert for the hotline below 95% is raised at once and pushed to the wallboard feed.
import t from 'tap';
import WebSocket from 'ws';
import { switchboard } from './support/switchboard.js';
import { TEST_PASSWORD } from './support/server-process.js';
import { AgentDesks } from '../src/sim/scenario/agent-desks.js';
import { runScenario } from '../src/sim/scenario/runner.js';
import { planCalls } from '../src/sim/scenario/plan.js';

const seats = Array.from({ length: 12 }, (_, i) => String(1001 + i));
// Half-second offsets keep every delay clear of the 15 s line: 15 of 20 under it.
const delays12315 = Array.from({ length: 20 }, (_, i) => i + 0.5);
const delays12329 = [2, 3, 4, 5, 6, 9.5];

t.test('20 transfers to 12315 answered after 0.5..19.5 s → 75.0% and an alert; 6 to 12329 under 10 s → 100%', async (t) => {
  const sb = await switchboard({
    agents: seats.map((id) => ({ id, answerAfterS: 0.3 })),
    hotlines: { '12315': { answerAfterS: delays12315, talkS: 1 }, '12329': { answerAfterS: delays12329, talkS: 1 } },
    users: [{ name: 'boss', role: 'supervisor' }, ...seats.map((s) => ({ name: `op${s}`, role: 'agent' }))],
    configure: (c) => {
      c.edit('routing.yaml', 'department: market-regulation, hours: office, transfer: { gateway: telecom-trunk, dial: "12315" }', 'department: market-regulation, hours: always, transfer: { gateway: telecom-trunk, dial: "12315" }');
      c.edit('routing.yaml', 'department: housing-fund, hours: office, transfer: { gateway: telecom-trunk, dial: "12329" }', 'department: housing-fund, hours: always, transfer: { gateway: telecom-trunk, dial: "12329" }');
    },
  });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  const token = (await sb.server.post('/api/auth/login', { username: 'boss', password: TEST_PASSWORD })).body.token as string;
  const feed: any[] = [];
  const ws = new WebSocket(`${sb.server.url.replace('http', 'ws')}/api/ws?token=${token}`);
  ws.on('message', (data) => feed.push(JSON.parse(String(data))));
  t.teardown(() => ws.close());

  const desks = await AgentDesks.login(sb.server.url, 'boss', TEST_PASSWORD);
  await desks.ready(seats, 'op', TEST_PASSWORD);
  const calls = [
    ...delays12315.map((_, i) => ({ at_s: i * 0.5, from: String(13900000000 + i), to: '12345', dtmf: '1', hangup_after_s: 90, transfer_to: '12315' })),
    ...delays12329.map((_, i) => ({ at_s: 10 + i * 0.5, from: String(13910000000 + i), to: '12345', dtmf: '1', hangup_after_s: 90, transfer_to: '12329' })),
  ];
  const summary = await runScenario(sb.sim.engine, planCalls({ seed: 1, calls } as any), { desks, settleS: 10, maxDurationS: 150 });
  t.same(summary.transfer_requests.map((r) => r.outcome), calls.map(() => 'completed'), 'every transfer_to completed through the API');
  t.match(summary.hotlines['12315'], { attempts: 20, answered_within_15s: 15, counted: 20, rate: 0.75 }, 'the simulator\'s own count');
  t.equal(summary.unfinished_channels, 0, 'no leg left');

  const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const { items } = (await sb.server.get(`/api/stats/transfer-answer-rate?from=${day}T00:00:00%2B08:00&to=${day}T23:59:59%2B08:00`)).body;
  t.match(items.find((i: any) => i.hotline === '12315'), { attempts: 20, cancelled: 0, counted: 20, answered_within_15s: 15, rate: 0.75 });
  t.match(items.find((i: any) => i.hotline === '12329'), { attempts: 6, counted: 6, answered_within_15s: 6, rate: 1 });
  t.equal((items.find((i: any) => i.hotline === '12315').rate * 100).toFixed(1), '75.0');

  const alerts = (await sb.server.get('/api/alerts')).body.items;
  t.match(alerts, [{ subject: '12315', kind: 'transfer_rate_below_target' }], 'the alert is raised for 12315 only');
  t.ok(feed.some((m) => m.type === 'alerts' && m.opened.includes('12315')), 'and pushed to the wallboard feed');
  t.ok(feed.some((m) => m.type === 'transfer' && m.attempt?.state === 'completed'), 'transfer changes are on the feed');
});
