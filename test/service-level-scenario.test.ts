// The 12345 queue's service level end to end (docs/architecture.md §5): one agent whose softphone answers
// after known delays, callers placed so that each finds the agent free, and one caller who
// gives up while the agent's phone rings. The figures come from the queue entry and the agent
// leg's answer as FreeSWITCH (the simulator) stamps them, in one process on a virtual clock.
import t from 'tap';
import { virtualSwitchboard as switchboard } from './support/virtual-switchboard.js';
import { TEST_PASSWORD } from './support/server-process.js';
import { AgentDesks } from '../src/sim/scenario/agent-desks.js';
import { runScenario } from '../src/sim/scenario/runner.js';
import { planCalls } from '../src/sim/scenario/plan.js';

t.test('service level: waits of 1, 3 and 16.5 s and one abandon → 2 of 4 within 15 s, 50.0%', async (t) => {
  const sb = await switchboard({
    agents: [{ id: '1001', answerAfterS: [1, 3, 16.5, 6], talkS: 1 }],
    users: [
      { name: 'boss', role: 'supervisor' },
      { name: 'op1001', role: 'agent' },
    ],
    configure: (c) => c.edit('routing.yaml', 'agent_ring_s: 2', 'agent_ring_s: 30'),
  });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  const desks = await sb.run(AgentDesks.login(sb.server.url, 'boss', TEST_PASSWORD, sb.transport));
  await sb.run(desks.ready(['1001'], 'op', TEST_PASSWORD));
  const calls = [
    { at_s: 0, from: '13700000001', to: '12345', dtmf: '1', hangup_after_s: 60 },
    { at_s: 5, from: '13700000002', to: '12345', dtmf: '1', hangup_after_s: 60 },
    { at_s: 12, from: '13700000003', to: '12345', dtmf: '1', hangup_after_s: 60 },
    // rings the agent (6 s to answer) but gives up about 2 s after entering the queue
    { at_s: 33, from: '13700000004', to: '12345', dtmf: '1', hangup_after_s: 3.5 },
  ];
  const summary = await sb.run(runScenario(sb.sim.engine, planCalls({ seed: 1, calls } as any), { settleS: 5, maxDurationS: 90 }));
  t.equal(summary.unfinished_channels, 0, 'no leg left');

  await sb.until('the four call records to close', '/api/calls?limit=10', (b) =>
    b.items.length === 4 && b.items.every((c: any) => c.ended_at) ? true : undefined,
  );
  const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const r = (await sb.server.get(`/api/stats/service-level?from=${day}T00:00:00%2B08:00&to=${day}T23:59:59%2B08:00`)).body;
  t.match(r, { offered: 4, answered: 3, answered_within_15s: 2, abandoned: 1, short_abandoned: 0, pending: 0, rate: 0.5 });
  const answered = (await sb.server.get('/api/calls?limit=10')).body.items
    .filter((c: any) => c.outcome === 'answered')
    .map((c: any) => c.queue_wait_s)
    .sort((a: number, b: number) => a - b);
  t.equal(answered.length, 3);
  for (const [i, want] of [1, 3, 16.5].entries())
    t.ok(Math.abs(answered[i] - want) < 0.01, `queue wait ${answered[i]} s = the agent's ${want} s ring (FreeSWITCH timestamps, virtual clock)`);
  const abandoned = (await sb.server.get('/api/calls?limit=10')).body.items.find((c: any) => c.caller === '13700000004');
  t.match(abandoned, { outcome: 'abandoned_queue', line: '1' }, 'the abandon in the queue is recorded and counted');
});
