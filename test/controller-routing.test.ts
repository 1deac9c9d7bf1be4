// Controller acceptance against the simulator, in one process on a virtual clock (the server as
// `npm start` assembles it, the switch linked by in-memory streams): menu lines and timeout,
// direct and parallel numbers, 110 diversion ahead of ordinary calls, ring timeout and automatic
// break, wrap-up, abandon in queue. Times asserted are virtual, so they are exact.
import t, { type Test } from 'tap';
import { virtualSwitchboard as switchboard, type VirtualSwitchboard as Switchboard } from './support/virtual-switchboard.js';

const ended = (sb: Switchboard, caller: string) =>
  sb.until(`the call from ${caller} to end`, `/api/calls?caller=${caller}`, (b) => (b.items[0]?.ended_at ? b.items[0] : undefined), 20_000);

/** The seat's operator (op<seat>) takes the seat and goes ready; the test goes on as the supervisor. */
async function ready(t: Test, sb: Switchboard, seat: string) {
  await sb.server.login(`op${seat}`);
  t.equal((await sb.server.post(`/api/agents/${seat}/login`)).status, 200, `seat ${seat} taken`);
  const state = (await sb.server.post(`/api/agents/${seat}/ready`)).body.state;
  t.ok(state === 'available' || state === 'ringing', `seat ${seat} ready (${state}: ringing when a call was already waiting)`);
  await sb.server.login('boss');
}

const staff = [
  { name: 'boss', role: 'supervisor' },
  { name: 'op1001', role: 'agent' },
  { name: 'op1011', role: 'agent' },
];

t.test('menu: no key → line 1; key 9 → only a supervision seat; a direct number skips the menu with its tags', async (t) => {
  const sb = await switchboard({
    agents: [
      { id: '1001', answerAfterS: 0.5, talkS: 0.5 },
      { id: '1011', answerAfterS: 0.5, talkS: 0.5 },
    ],
    users: staff,
  });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  await ready(t, sb, '1001');

  sb.sim.engine.placeCall({ from: '13800000001', to: '12345', hangupAfterS: 9 });
  t.match(await ended(sb, '13800000001'), { mode: 'main', line: '1', outcome: 'answered', agent: '1001' }, 'timeout → line 1');

  sb.sim.engine.placeCall({ from: '13800000002', to: '12345', dtmf: [{ at_s: 0.5, digits: '9' }], hangupAfterS: 8 });
  await sb.until('line 9 to wait', '/api/queues', (b) => (b.calls.some((c: any) => c.line === '9') ? true : undefined));
  await sb.sleep(1500);
  t.match(
    (await sb.server.get('/api/queues')).body.calls,
    [{ caller: '13800000002', line: '9', queue: 'supervision' }],
    'seat 1001 (no supervision skill) is not offered line 9',
  );
  await ready(t, sb, '1011');
  t.match(await ended(sb, '13800000002'), { line: '9', outcome: 'answered', agent: '1011' });

  sb.sim.engine.placeCall({ from: '13800000003', to: '12369', hangupAfterS: 3 });
  t.match(await ended(sb, '13800000003'), { mode: 'direct', origin_hotline: '12369', department: 'environment', line: '1', outcome: 'answered' });
});

t.test('110-diverted calls are served before ordinary calls that waited longer', async (t) => {
  const sb = await switchboard({ agents: [{ id: '1001', answerAfterS: 0.3, talkS: 0.3 }], users: staff });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  sb.sim.engine.placeCall({ from: '13800000011', to: '12345', dtmf: [{ at_s: 0.5, digits: '1' }], hangupAfterS: 40 });
  await sb.until('the ordinary call to wait', '/api/queues', (b) => (b.waiting === 1 ? true : undefined));
  sb.sim.engine.placeCall({ from: '110', to: '12345', hangupAfterS: 40 });
  const q = await sb.until('both to wait', '/api/queues', (b) => (b.waiting === 2 ? b : undefined));
  t.same(
    q.calls.map((c: any) => [c.caller, c.priority, c.position]),
    [
      ['110', 1, 1],
      ['13800000011', 5, 2],
    ],
  );
  await ready(t, sb, '1001');
  const police = await ended(sb, '110');
  const citizen = await ended(sb, '13800000011');
  t.match(police, { mode: 'emergency', origin_hotline: '110', outcome: 'answered' });
  t.ok(Date.parse(police.agent_answered_at) < Date.parse(citizen.agent_answered_at), '110 answered first');
});

t.test('ring timeout goes on; two misses in a row put the agent on break; a caller who gives up is recorded', async (t) => {
  const sb = await switchboard({ agents: [{ id: '1001' }], users: staff }); // rings, never answers
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  await ready(t, sb, '1001');
  sb.sim.engine.placeCall({ from: '13800000021', to: '12345', dtmf: [{ at_s: 0.5, digits: '1' }], hangupAfterS: 12 });
  await sb.until('the first miss', '/api/agents', (b) =>
    b.items.find((a: any) => a.seat === '1001').state === 'available' && b.items.find((a: any) => a.seat === '1001').idle_since ? true : undefined,
  );
  sb.sim.engine.placeCall({ from: '13800000022', to: '12345', dtmf: [{ at_s: 0.5, digits: '1' }], hangupAfterS: 12 });
  const onBreak = await sb.until('the automatic break', '/api/agents', (b) => {
    const a = b.items.find((x: any) => x.seat === '1001');
    return a.state === 'break' ? a : undefined;
  });
  t.equal(onBreak.break_reason, '连续未接来电');
  const gaveUp = await ended(sb, '13800000021');
  t.match(gaveUp, { outcome: 'abandoned_queue', agent: null, line: '1' });
  t.ok(gaveUp.queue_wait_s > 5, `waited ${gaveUp.queue_wait_s} s before hanging up`);
  const detail = (await sb.server.get(`/api/calls/${gaveUp.id}`)).body;
  t.ok(
    detail.legs.every((l: any) => l.kind === 'agent' && l.answered_at === null),
    'agent legs rang and were never answered',
  );
  const left = JSON.parse(await sb.sim.engine.api('show', 'channels as json'));
  await sb.waitFor('no channel left', async () => (JSON.parse(await sb.sim.engine.api('show', 'channels as json')).row_count === 0 ? true : undefined), 15_000);
  t.ok(left, 'channels listed');
});

t.test('wrap-up: the agent gets the next call only after the configured wrap-up', async (t) => {
  const sb = await switchboard({
    agents: [{ id: '1001', answerAfterS: 0.2, talkS: 0.5 }],
    users: staff,
    configure: (c) => c.edit('routing.yaml', 'wrap_up_s: 1', 'wrap_up_s: 3'),
  });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  await ready(t, sb, '1001');
  sb.sim.engine.placeCall({ from: '13800000031', to: '12345', hangupAfterS: 9 });
  await sb.until('wrap-up', '/api/agents', (b) => (b.items.find((a: any) => a.seat === '1001').state === 'wrap_up' ? true : undefined));
  const t0 = Date.now();
  await sb.until('available again', '/api/agents', (b) => (b.items.find((a: any) => a.seat === '1001').state === 'available' ? true : undefined));
  const waited = (Date.now() - t0) / 1000;
  // the virtual clock is read every 50 ms: the state changes within one poll of 3 s
  t.ok(waited >= 3 && waited <= 3.05, `available ${waited.toFixed(2)} s after wrap-up began (configured 3 s)`);
});

t.test('parallel numbers: the department in its hours, 12345 with the department tag outside them', async (t) => {
  // the board's clock starts on a workday at 10:00 (DEFAULT_START): office hours, open; the
  // hotline of the second call is given hours that are closed then
  const closed = '01:00-01:30';
  const sb = await switchboard({
    agents: [{ id: '1001', answerAfterS: 0.2, talkS: 0.3 }],
    hotlines: { '12315': { answerAfterS: 0.5, talkS: 0.5 } as any },
    users: staff,
    configure: (c) => {
      c.edit(
        'routing.yaml',
        '  office:            # 机关工作时间 / government office hours\n    days: workdays\n    periods: ["08:30-12:00", "14:00-17:30"]',
        `  office:\n    days: every_day\n    periods: ["${closed}"]`,
      );
      c.edit(
        'routing.yaml',
        'department: market-regulation, hours: office, transfer: { gateway: telecom-trunk, dial: "12315" }',
        'department: market-regulation, hours: always, transfer: { gateway: telecom-trunk, dial: "12315" }',
      );
    },
  });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  await ready(t, sb, '1001');
  sb.sim.engine.placeCall({ from: '13800000041', to: '12315', hangupAfterS: 4 });
  t.match(
    await ended(sb, '13800000041'),
    { mode: 'parallel', origin_hotline: '12315', department: 'market-regulation', outcome: 'transferred', agent: null },
    'open: bridged to the department',
  );
  sb.sim.engine.placeCall({ from: '13800000042', to: '12333', hangupAfterS: 6 });
  t.match(
    await ended(sb, '13800000042'),
    { mode: 'parallel', origin_hotline: '12333', department: 'human-resources', line: '1', outcome: 'answered', agent: '1001' },
    'closed: 12345 answers, tagged',
  );
});

t.test('a long wait: announcements of place and wait, then a call-back offer the caller takes', async (t) => {
  const sb = await switchboard({
    agents: [],
    users: staff,
    configure: (c) => {
      c.edit('routing.yaml', 'announce_every_s: 60', 'announce_every_s: 1');
      c.edit('routing.yaml', 'max_wait_s: 180', 'max_wait_s: 4');
    },
  });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  const played: string[] = [];
  sb.sim.engine.tap((e) => {
    if (e.name !== 'CHANNEL_EXECUTE') return;
    const app = e.headers.find(([n]) => n === 'Application')?.[1];
    const data = e.headers.find(([n]) => n === 'Application-Data')?.[1] ?? '';
    const caller = e.headers.find(([n]) => n === 'Caller-Caller-ID-Number')?.[1];
    if (app === 'playback' && caller === '13800000062') played.push(data);
  });
  sb.sim.engine.placeCall({ from: '13800000061', to: '12345', hangupAfterS: 30 });
  await sb.until('the first caller to wait', '/api/queues', (b) => (b.waiting === 1 ? true : undefined));
  // presses 1 at the menu, then 1 again every second: play_and_get_digits flushes earlier
  // digits, so the first press that lands inside the call-back offer takes it
  const presses = [{ at_s: 0.5, digits: '1' }, ...Array.from({ length: 20 }, (_, i) => ({ at_s: 3 + i, digits: '1' }))];
  sb.sim.engine.placeCall({ from: '13800000062', to: '12345', dtmf: presses, hangupAfterS: 30 });
  const second = await ended(sb, '13800000062');
  t.match(second, { outcome: 'callback', line: '1', agent: null });
  const list = (await sb.server.get('/api/callbacks')).body.items;
  t.match(list, [{ caller: '13800000062', line: '1', done_at: null }]);
  const announcement = played.find((p) => p.includes('queue-ahead'));
  t.ok(announcement, 'the second caller heard its place in line');
  t.match(announcement, /queue-ahead\.wav!.*digit-1\.wav!.*queue-callers\.wav/, 'one caller ahead');
  t.ok(
    played.some((p) => p.includes('callback-registered')),
    'and the confirmation of the call-back',
  );
  const done = await sb.server.post(`/api/callbacks/${list[0].id}/done`, { note: '已回电' });
  t.same(done.body, { id: list[0].id, done: true });
  t.same((await sb.server.get('/api/callbacks')).body.items, []);
  t.match((await sb.server.get('/api/callbacks?done=true')).body.items, [{ id: list[0].id, caller: '13800000062', note: '已回电' }], 'on the done list');
  t.equal((await sb.server.post(`/api/callbacks/${list[0].id}/done`, {})).status, 404, 'done once');
});
