// docs/architecture.md §5 end to end, in one process on a virtual clock (times are the switch's, and
// exact): a scenario whose departments answer after known delays, run by the
// scenario runner with the agents' desktops driving the real controller's transfer API, gives
// exactly the expected answer rates from FreeSWITCH's (the simulator's) timestamps, and the
// alert for the hotline below 95% is raised at once and pushed to the wallboard feed.
import t, { type Test } from 'tap';
import { virtualSwitchboard as switchboard } from './support/virtual-switchboard.js';
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
      c.edit(
        'routing.yaml',
        'department: market-regulation, hours: office, transfer: { gateway: telecom-trunk, dial: "12315" }',
        'department: market-regulation, hours: always, transfer: { gateway: telecom-trunk, dial: "12315" }',
      );
      c.edit(
        'routing.yaml',
        'department: housing-fund, hours: office, transfer: { gateway: telecom-trunk, dial: "12329" }',
        'department: housing-fund, hours: always, transfer: { gateway: telecom-trunk, dial: "12329" }',
      );
    },
  });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  const token = await sb.server.session('boss');
  const feed: any[] = [];
  const ws = await sb.run(sb.server.running.app.injectWS(`/api/ws?token=${token}`));
  ws.on('message', (data) => feed.push(JSON.parse(String(data))));
  t.teardown(() => ws.terminate());

  const desks = await sb.run(AgentDesks.login(sb.server.url, 'boss', TEST_PASSWORD, sb.transport));
  await sb.run(desks.ready(seats, 'op', TEST_PASSWORD));
  const calls = [
    ...delays12315.map((_, i) => ({ at_s: i * 0.5, from: String(13900000000 + i), to: '12345', dtmf: '1', hangup_after_s: 90, transfer_to: '12315' })),
    ...delays12329.map((_, i) => ({ at_s: 10 + i * 0.5, from: String(13910000000 + i), to: '12345', dtmf: '1', hangup_after_s: 90, transfer_to: '12329' })),
  ];
  const summary = await sb.run(runScenario(sb.sim.engine, planCalls({ seed: 1, calls } as any), { desks, settleS: 10, maxDurationS: 150 }));
  t.same(
    summary.transfer_requests.map((r) => r.outcome),
    calls.map(() => 'completed'),
    'every transfer_to completed through the API',
  );
  t.match(summary.hotlines['12315'], { attempts: 20, answered_within_15s: 15, counted: 20, rate: 0.75 }, "the simulator's own count");
  t.equal(summary.unfinished_channels, 0, 'no leg left');

  const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const { items } = (await sb.server.get(`/api/stats/transfer-answer-rate?from=${day}T00:00:00%2B08:00&to=${day}T23:59:59%2B08:00`)).body;
  t.match(
    items.find((i: any) => i.hotline === '12315'),
    { attempts: 20, cancelled: 0, counted: 20, answered_within_15s: 15, rate: 0.75 },
  );
  t.match(
    items.find((i: any) => i.hotline === '12329'),
    { attempts: 6, counted: 6, answered_within_15s: 6, rate: 1 },
  );
  t.equal((items.find((i: any) => i.hotline === '12315').rate * 100).toFixed(1), '75.0');

  const alerts = (await sb.server.get('/api/alerts')).body.items;
  t.match(alerts, [{ subject: '12315', kind: 'transfer_rate_below_target' }], 'the alert is raised for 12315 only');
  t.ok(
    feed.some((m) => m.type === 'alerts' && m.opened.includes('12315')),
    'and pushed to the wallboard feed',
  );
  t.ok(
    feed.some((m) => m.type === 'transfer' && m.attempt?.state === 'completed'),
    'transfer changes are on the feed',
  );
});

/** One reading of both answers the supervisors see: the stats API and the wallboard. */
interface Sample {
  /** before the two requests went out, and once both were answered: the server read between */
  atMs: number;
  doneMs: number;
  rate: Record<string, any>;
  wall: Record<string, any>;
}

t.test('a transfer answered after 12 s is never a miss while it rings; one answered after 20 s is a miss at 15 s, before its answer', async (t) => {
  const sb = await switchboard({
    agents: seats.slice(0, 2).map((id) => ({ id, answerAfterS: 0.3 })),
    hotlines: { '95598': { answerAfterS: 12, talkS: 1 }, '10000': { answerAfterS: 20, talkS: 1 } },
    users: [{ name: 'boss', role: 'supervisor' }, ...seats.slice(0, 2).map((s) => ({ name: `op${s}`, role: 'agent' }))],
  });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  const desks = await sb.run(AgentDesks.login(sb.server.url, 'boss', TEST_PASSWORD, sb.transport));
  await sb.run(desks.ready(seats.slice(0, 2), 'op', TEST_PASSWORD));

  // every 0.5 s while the scenario runs: the rate per hotline over 24 h and the wallboard's rows
  const samples: Sample[] = [];
  let polling = true;
  const byHotline = (items: any[]) => Object.fromEntries(items.map((i) => [i.hotline, i]));
  // passive requests: the scenario's run moves the clock for both
  const poller = (async () => {
    while (polling) {
      const atMs = Date.now();
      const [rate, wall] = await Promise.all([sb.server.passive.get('/api/stats/transfer-answer-rate?window=24h'), sb.server.passive.get('/api/wallboard')]);
      samples.push({ atMs, doneMs: Date.now(), rate: byHotline(rate.body.items), wall: byHotline(wall.body.transfer_answer_rate_24h.items) });
      await new Promise((r) => setTimeout(r, Math.max(0, 500 - (Date.now() - atMs))));
    }
  })();
  const calls = [
    { at_s: 0, from: '13920000001', to: '12345', dtmf: '1', hangup_after_s: 60, transfer_to: '95598' },
    { at_s: 0.5, from: '13920000002', to: '12345', dtmf: '1', hangup_after_s: 60, transfer_to: '10000' },
  ];
  const summary = await sb.run(runScenario(sb.sim.engine, planCalls({ seed: 2, calls } as any), { desks, settleS: 5, maxDurationS: 120 }));
  polling = false;
  await sb.run(poller);
  t.same(
    summary.transfer_requests.map((r) => r.outcome),
    ['completed', 'completed'],
    'both transfers completed through the API',
  );
  const leg = async (caller: string) => {
    const [call] = (await sb.server.get(`/api/calls?caller=${caller}`)).body.items;
    const [a] = (await sb.server.get(`/api/calls/${call.id}`)).body.transfer_attempts;
    return { createdMs: Date.parse(a.created_at), answeredMs: Date.parse(a.answered_at) };
  };
  const fast = await leg('13920000001');
  const slow = await leg('13920000002');
  t.ok(fast.answeredMs - fast.createdMs > 11_500 && slow.answeredMs - slow.createdMs > 19_500, 'the departments answered after about 12 s and 20 s');

  checkNeverMissed(t, samples, fast);
  checkMissAt15s(t, samples, slow);
  const last = samples.at(-1)!;
  t.match(last.rate['95598'], { attempts: 1, ringing: 0, counted: 1, answered_within_15s: 1, rate: 1 }, '95598 ends as 1 counted, 1 within 15 s');
  t.match(last.rate['10000'], { attempts: 1, ringing: 0, counted: 1, answered: 1, answered_within_15s: 0, rate: 0 }, '10000 ends answered, late');
  t.same((await sb.server.get('/api/alerts')).body.items, [], 'one counted attempt never opens an alert');
});

/** 95598 (answered after 12 s): shown ringing while it rang, never counted as a miss anywhere. */
function checkNeverMissed(t: Test, samples: Sample[], leg: { createdMs: number; answeredMs: number }): void {
  const ringing = samples.filter((x) => x.atMs > leg.createdMs + 500 && x.doneMs < leg.answeredMs - 500);
  t.ok(ringing.length >= 10, `${ringing.length} readings while 95598 rang`);
  t.ok(
    ringing.every((x) => x.rate['95598']?.ringing === 1 && x.rate['95598'].counted === 0 && x.rate['95598'].rate === null),
    'the stats API: ringing, not counted, no rate',
  );
  t.ok(
    ringing.every((x) => x.wall['95598']?.ringing === 1 && x.wall['95598'].counted === 0 && !x.wall['95598'].below_target),
    'the wallboard: ringing, not below target',
  );
  const missed = samples.filter((x) => x.rate['95598']?.counted > x.rate['95598']?.answered_within_15s || x.wall['95598']?.below_target);
  t.same(
    missed.map((x) => x.atMs - leg.createdMs),
    [],
    'no reading ever showed 95598 as a miss',
  );
}

/** 10000 (answered after 20 s): ringing up to 15 s, a miss from 15 s on, before the answer came. */
function checkMissAt15s(t: Test, samples: Sample[], leg: { createdMs: number; answeredMs: number }): void {
  const shown = samples.filter((x) => x.rate['10000']);
  t.ok(
    shown.filter((x) => x.rate['10000'].ringing === 1).every((x) => x.rate['10000'].ringing_longest_s <= 15 && x.rate['10000'].counted === 0),
    'ringing only up to 15 s, and not counted then',
  );
  const firstMiss = shown.find((x) => x.rate['10000'].counted === 1);
  if (!firstMiss) return void t.fail('10000 was never counted');
  t.match(
    firstMiss.rate['10000'],
    { ringing: 0, counted: 1, answered: 0, answered_within_15s: 0, no_answer: 1, rate: 0 },
    'counted as a miss while still unanswered',
  );
  const [from, to] = [firstMiss.atMs - leg.createdMs, firstMiss.doneMs - leg.createdMs];
  t.ok(to > 15_000 && from <= 15_500, `first counted in a reading made ${from}–${to} ms after the leg was created (at 15 s)`);
  const before = shown[shown.indexOf(firstMiss) - 1];
  t.ok(before && before.atMs - leg.createdMs <= 15_000, 'the reading before it was made before 15 s had passed');
  t.ok(firstMiss.doneMs < leg.answeredMs, 'before the department answered');
  t.ok(firstMiss.wall['10000']?.below_target, 'and the wallboard shows it below target at once');
}

t.test('the alert opens at 15 s of ringing, when the miss is known, not when the ring ends or the minute turns', async (t) => {
  const sb = await switchboard({
    agents: [{ id: '1001', answerAfterS: 0.3 }],
    hotlines: { '10000': { answerAfterS: 25, talkS: 1 } },
    users: [
      { name: 'boss', role: 'supervisor' },
      { name: 'op1001', role: 'agent' },
    ],
    configure: (c) => c.edit('routing.yaml', '    min_counted: 5', '    min_counted: 1'),
  });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  const desks = await sb.run(AgentDesks.login(sb.server.url, 'boss', TEST_PASSWORD, sb.transport));
  await sb.run(desks.ready(['1001'], 'op', TEST_PASSWORD));
  const calls = [{ at_s: 0, from: '13920000003', to: '12345', dtmf: '1', hangup_after_s: 60, transfer_to: '10000' }];
  const run = runScenario(sb.sim.engine, planCalls({ seed: 3, calls } as any), { desks, settleS: 3, maxDurationS: 90 });
  const opened = await sb.until('the alert for 10000', '/api/alerts', (b) => b.items.find((a: any) => a.subject === '10000'), 40_000);
  await sb.run(run);
  const [call] = (await sb.server.get('/api/calls?caller=13920000003')).body.items;
  const [attempt] = (await sb.server.get(`/api/calls/${call.id}`)).body.transfer_attempts;
  const afterMs = Date.parse(opened.opened_at) - Date.parse(attempt.created_at);
  // the virtual clock makes it exact: the check runs 100 ms after the 15 s mark (main.ts)
  t.ok(afterMs >= 15_000 && afterMs <= 15_100, `opened ${afterMs} ms after the leg was created`);
  t.ok(Date.parse(opened.opened_at) < Date.parse(attempt.answered_at), 'before the department answered');
});
