// The call flow when the far ends fail as FreeSWITCH reports it: an agent who declines (or is
// busy, or not registered) and a department that rings out must not cost the caller the call;
// a number a carrier forwards to 12345 keeps its routing.
import t, { type Test } from 'tap';
import { virtualSwitchboard as switchboard, type VirtualSwitchboard as Switchboard } from './support/virtual-switchboard.js';

const ended = (sb: Switchboard, caller: string) =>
  sb.until(`the call from ${caller} to end`, `/api/calls?caller=${caller}`, (b) => (b.items[0]?.ended_at ? b.items[0] : undefined), 30_000);

async function ready(t: Test, sb: Switchboard, seat: string) {
  await sb.server.login(`op${seat}`);
  t.equal((await sb.server.post(`/api/agents/${seat}/login`)).status, 200, `seat ${seat} taken`);
  t.equal((await sb.server.post(`/api/agents/${seat}/ready`)).status, 200, `seat ${seat} ready`);
  await sb.server.login('boss');
}

const staff = ['1001', '1002', '1003'].map((s) => ({ name: `op${s}`, role: 'agent' })).concat([{ name: 'boss', role: 'supervisor' }]);

t.test('an agent who declines, is busy or not registered does not drop the caller: the next agent answers', async (t) => {
  const sb = await switchboard({
    agents: [
      { id: '1001', answerAfterS: 0.3, reject: 1 },
      { id: '1003', busy: 1 },
      { id: '1002', answerAfterS: 0.3, talkS: 1 },
    ],
    users: staff,
  });
  t.teardown(() => sb.stop());
  // longest idle first: 1001, then 1003, then 1002, each ready a virtual second after the last
  for (const seat of ['1001', '1003', '1002']) {
    await ready(t, sb, seat);
    await sb.sleep(1000);
  }

  sb.sim.engine.placeCall({ from: '13800000101', to: '12345', dtmf: [{ at_s: 0.5, digits: '1' }], hangupAfterS: 25 });
  const first = await ended(sb, '13800000101');
  t.match(first, { outcome: 'answered', agent: '1002' }, 'answered by 1002 after 1001 declined and 1003 was busy');
  const legs = (await sb.server.get(`/api/calls/${first.id}`)).body.legs;
  t.same(
    legs.map((l: any) => [l.endpoint, l.hangup_cause]),
    [
      ['user/1001', 'CALL_REJECTED'],
      ['user/1003', 'USER_BUSY'],
      ['user/1002', 'NORMAL_CLEARING'],
    ],
    "each ring is on the record with FreeSWITCH's cause",
  );

  sb.sim.engine.placeCall({ from: '13800000102', to: '12345', dtmf: [{ at_s: 0.5, digits: '1' }], hangupAfterS: 25 });
  t.match(await ended(sb, '13800000102'), { outcome: 'answered', agent: '1002' }, 'the second caller too');
  const agents = (await sb.server.get('/api/agents')).body.items;
  t.match(
    agents.find((a: any) => a.seat === '1001'),
    { state: 'break', break_reason: '连续未接来电' },
    'two declines in a row: 1001 is put on break',
  );
  t.match(
    agents.find((a: any) => a.seat === '1003'),
    { state: 'break' },
    'two busy signals in a row: 1003 too',
  );
  await sb.server.get('/api/calls?caller=13800000101');
  const logged = JSON.stringify(sb.server.logs);
  t.notMatch(logged, /13800000101|13800000102/, 'no log line carries a full caller number');
  t.match(logged, /138\*\*\*\*0101/, 'the masked form is there');
});

t.test('a department that rings out: 12345 answers, tagged with the department, never "transferred"; the survey still runs', async (t) => {
  const sb = await switchboard({
    agents: [{ id: '1002', answerAfterS: 0.3, talkS: 2 }],
    hotlines: { '95598': { answerAfterS: 60 } },
    users: staff,
    configure: (c) => c.edit('routing.yaml', 'ring_timeout_s: 30', 'ring_timeout_s: 2'),
  });
  t.teardown(() => sb.stop());
  await ready(t, sb, '1002');
  // what the caller hears: a prompt, then ringback (not silence) while each far end rings
  const heard: string[] = [];
  const ringbackWhenRinging: Array<string | undefined> = [];
  sb.sim.engine.tap((e) => {
    const of = (n: string) => e.headers.find(([h]) => h === n)?.[1] ?? '';
    if (e.name === 'PLAYBACK_START' && of('Caller-Caller-ID-Number') === '13800000201') heard.push(of('Playback-File-Path').replace(/.*\//, ''));
    if (e.name === 'CHANNEL_CREATE' && of('Call-Direction') === 'outbound') {
      const caller = sb.sim.engine.channels.find((c) => c.name.startsWith('sofia/external/13800000201@'));
      ringbackWhenRinging.push(caller?.getVar('transfer_ringback'));
    }
  });
  // the department rings 2 s, the agent answers at about 4 s and talks 2 s, the survey starts
  // at about 6.5 s and waits 5 s for a key
  sb.sim.engine.placeCall({ from: '13800000201', to: '95598', dtmf: [{ at_s: 8.5, digits: '3' }], hangupAfterS: 30 });
  const call = await ended(sb, '13800000201');
  t.match(call, { mode: 'parallel', origin_hotline: '95598', department: 'power-supply', outcome: 'answered', agent: '1002' });
  t.equal(call.survey_score, 3, 'the caller was not cut off when the agent hung up: the survey ran');
  const legs = (await sb.server.get(`/api/calls/${call.id}`)).body.legs;
  t.match(legs[0], { kind: 'department', answered_at: null, hangup_cause: 'NO_ANSWER' }, 'the department leg rang out, on the record');
  t.match(legs[1], { kind: 'agent', endpoint: 'user/1002' });
  t.same(ringbackWhenRinging, ['%(1000,4000,450)', '%(1000,4000,450)'], 'China ringback while the department and the agent ring');
  t.match(heard, ['transferring.wav', 'transfer-failed.wav', 'hold-music.wav'], 'told it is being put through, then that the department could not be reached');
});

t.test('a carrier forwards an old direct number to 12345 (Diversion): no menu, routed as that number', async (t) => {
  const sb = await switchboard({ agents: [{ id: '1002', answerAfterS: 0.3, talkS: 0.5 }], users: staff });
  t.teardown(() => sb.stop());
  await ready(t, sb, '1002');
  // no key is pressed: a menu would wait its 5 s timeout before line 1
  sb.sim.engine.placeCall({ from: '13800000301', to: '12345', diversion: '12369', hangupAfterS: 20 });
  const call = await ended(sb, '13800000301');
  t.match(call, { called: '12345', mode: 'direct', origin_hotline: '12369', department: 'environment', line: '1', outcome: 'answered', agent: '1002' });
  t.ok(call.queue_wait_s !== null && Date.parse(call.agent_answered_at) - Date.parse(call.started_at) < 4000, 'the menu was skipped');
});
