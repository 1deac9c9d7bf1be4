// One-key transfer through the simulator (in one process on a virtual clock), each path of docs/architecture.md §5: warm complete,
// warm cancel, cancel while ringing, busy, unreachable, no answer, the caller hanging up while
// the department rings, refused outside hours, three-way, blind, emergency, hold and resume.
// After each call the simulator must hold no leg at all.
import t from 'tap';
import { virtualSwitchboard as switchboard, type VirtualSwitchboard as Switchboard } from './support/virtual-switchboard.js';
import type { SimEvent } from '../src/sim/contracts.js';

const always = (number: string, department: string) =>
  [
    `department: ${department}, hours: office, transfer: { gateway: telecom-trunk, dial: "${number}" }`,
    `department: ${department}, hours: always, transfer: { gateway: telecom-trunk, dial: "${number}" }`,
  ] as const;

// the board's clock starts on a workday at 10:00: these hours are closed then
const closedPeriod = '01:00-01:30';

let caller = 13800000100;

async function board(): Promise<Switchboard> {
  return switchboard({
    agents: [{ id: '1001', answerAfterS: 0.2 }],
    hotlines: {
      '12315': { answerAfterS: 1, talkS: 4 },
      '12329': { answerAfterS: 1, busy: 1 },
      '12320': { answerAfterS: 1, unreachable: 1 },
      '12358': { answerAfterS: 30 },
      '12348': { answerAfterS: 0.5 },
      '110': { answerAfterS: 0.5, talkS: 1 },
    },
    users: [{ name: 'wang', role: 'agent' }],
    configure: (c) => {
      for (const [n, d] of [
        ['12315', 'market-regulation'],
        ['12329', 'housing-fund'],
        ['12320', 'health'],
        ['12358', 'prices'],
        ['12348', 'justice'],
      ] as const)
        c.edit('routing.yaml', ...always(n, d));
      // every other office-hours hotline (12333 among them) is closed whenever the test runs
      c.edit(
        'routing.yaml',
        '  office:            # 机关工作时间 / government office hours\n    days: workdays\n    periods: ["08:30-12:00", "14:00-17:30"]',
        `  office:\n    days: every_day\n    periods: ["${closedPeriod}"]`,
      );
      c.edit('routing.yaml', 'ring_timeout_s: 30', 'ring_timeout_s: 3');
    },
  });
}

/** A citizen calls 12345, presses 1 and is answered by agent 1001; resolves with the call id. */
async function talkingCall(sb: Switchboard, hangupAfterS = 60): Promise<{ id: string; from: string }> {
  const from = String(caller++);
  sb.sim.engine.placeCall({ from, to: '12345', dtmf: [{ at_s: 0.5, digits: '1' }], hangupAfterS });
  const id = await sb.until('agent 1001 to be talking', '/api/agents', (b) => b.items.find((a: any) => a.seat === '1001' && a.state === 'on_call')?.call_id);
  await sb.until('the talk to be transferable', `/api/calls/${id}/transfer`, (b) => (b.phase === 'talking' ? true : undefined));
  return { id, from };
}

const phase = (sb: Switchboard, id: string, want: string, timeoutMs = 15_000) =>
  sb.until(`the talk to be ${want}`, `/api/calls/${id}/transfer`, (b) => (b.phase === want ? b : undefined), timeoutMs);

const callEnded = (sb: Switchboard, id: string) => sb.until('the call record to close', `/api/calls/${id}`, (b) => (b.ended_at ? b : undefined), 30_000);

/** Nothing left in the switch: every leg of the call is gone. */
async function noLegsLeft(t: { same: (a: unknown, b: unknown, m: string) => void }, sb: Switchboard): Promise<void> {
  await sb.waitFor('the simulator to hold no channel', async () => (sb.sim.engine.channels.length === 0 ? true : undefined), 10_000).catch(() => undefined);
  t.same(
    sb.sim.engine.channels.map((c) => c.name),
    [],
    'no leg left in the simulator',
  );
}

/** Agent 1001 ready again after the wrap-up. */
const agentFree = (sb: Switchboard) =>
  sb.until('agent 1001 to be available', '/api/agents', (b) => (b.items.find((a: any) => a.seat === '1001')?.state === 'available' ? true : undefined));

const legOf = (sb: Switchboard, number: string) => sb.sim.engine.channels.find((c) => c.name.endsWith(`/${number}`));

t.test('one-key transfer, every path, through the simulator', async (t) => {
  const sb = await board();
  t.teardown(() => sb.stop());
  let killCallerOnCreate: ((e: SimEvent) => void) | undefined;
  sb.sim.engine.tap((e) => killCallerOnCreate?.(e));
  await sb.server.login('wang');
  t.equal((await sb.server.post('/api/agents/1001/login')).status, 200);
  t.equal((await sb.server.post('/api/agents/1001/ready')).status, 200);

  t.test('targets: 22 parallel, 4 emergency first, 4 linkage; open or closed with the reason', async (t) => {
    const { items } = (await sb.server.get('/api/transfer/targets')).body;
    t.equal(items.filter((h: any) => h.mode === 'parallel').length, 22);
    t.same(
      items.slice(0, 4).map((h: any) => h.number),
      ['110', '120', '119', '96333'],
    );
    t.equal(items.filter((h: any) => h.mode === 'linkage').length, 4);
    t.match(
      items.find((h: any) => h.number === '12315'),
      { open: true, closed_reason: null, department: 'market-regulation', department_name: String },
    );
    t.match(
      items.find((h: any) => h.number === '12333'),
      { open: false, closed_reason: /不在工作时间/ },
    );
  });

  t.test('warm: consult 12315, complete; the caller talks to the department, the agent is freed', async (t) => {
    const { id } = await talkingCall(sb);
    const r = await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12315' });
    t.equal(r.status, 202);
    t.match(r.body.attempt, { hotline: '12315', kind: 'warm', state: 'ringing' });
    const ringing = await phase(sb, id, 'ringing', 2000).catch(() => null);
    if (ringing) t.ok(legOf(sb, '12315'), 'the consult leg rings');
    const consulting = await phase(sb, id, 'consulting');
    t.match(consulting.attempt, { state: 'consulting', result: 'answered' });
    const agentLeg = sb.sim.engine.agent('1001').calls()[0]!;
    t.equal(agentLeg.bridge?.peer.name, 'sofia/gateway/telecom-trunk/12315', 'the agent talks to the department');
    const done = await sb.server.post(`/api/calls/${id}/transfer/complete`);
    t.equal(done.status, 200);
    t.match(done.body, { phase: 'handed_over', attempt: { state: 'completed' } });
    const dept = legOf(sb, '12315')!;
    t.equal(dept.bridge?.peer.uuid, id, 'the caller is bridged to the department');
    await sb.waitFor('the agent leg to go', async () => (sb.sim.engine.agent('1001').calls().length === 0 ? true : undefined), 5000);
    const call = await callEnded(sb, id);
    t.match(call, { outcome: 'transferred', department: 'market-regulation', agent: '1001' });
    t.match(call.transfer_attempts, [{ hotline: '12315', kind: 'warm', result: 'answered', agent: '1001' }]);
    const a = call.transfer_attempts[0];
    const answerS = (Date.parse(a.answered_at) - Date.parse(a.created_at)) / 1000;
    t.ok(answerS >= 0.9 && answerS < 2, `answer time ${answerS} s from FreeSWITCH's timestamps (the department answers after 1 s)`);
    t.match(call.legs.map((l: any) => l.kind).sort(), ['agent', 'consult']);
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test('warm cancel after the department answered: the agent is back with the caller', async (t) => {
    const { id } = await talkingCall(sb);
    await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12348' });
    await phase(sb, id, 'consulting');
    const r = await sb.server.post(`/api/calls/${id}/transfer/cancel`);
    t.equal(r.status, 200);
    const back = await phase(sb, id, 'talking');
    t.match(back.attempt, { hotline: '12348', state: 'cancelled', result: 'answered' });
    await sb.waitFor('caller and agent bridged again', async () => (sb.sim.engine.agent('1001').calls()[0]?.bridge?.peer.uuid === id ? true : undefined), 5000);
    t.notOk(legOf(sb, '12348'), 'the department leg is gone');
    sb.sim.engine.agent('1001').hangup();
    const call = await callEnded(sb, id);
    t.match(call, { outcome: 'answered', agent: '1001' });
    t.match(call.transfer_attempts, [{ hotline: '12348', result: 'answered' }], 'an answered consult counts as answered');
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test('cancel while the department rings: cancelled, out of the rate', async (t) => {
    const { id } = await talkingCall(sb);
    await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12358' });
    await sb.waitFor('the prices hotline to ring', async () => legOf(sb, '12358'), 5000);
    await sb.server.post(`/api/calls/${id}/transfer/cancel`);
    const back = await phase(sb, id, 'talking');
    t.match(back, { attempt: { state: 'cancelled', result: 'cancelled' }, ticket_offer: null });
    sb.sim.engine.agent('1001').hangup();
    const call = await callEnded(sb, id);
    t.match(call.transfer_attempts, [{ hotline: '12358', result: 'cancelled' }]);
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  for (const [number, result, department] of [
    ['12329', 'busy', 'housing-fund'],
    ['12320', 'failed', 'health'],
    ['12358', 'no_answer', 'prices'],
  ] as const) {
    t.test(`${number} ${result}: the agent is back with the caller and a ticket is offered`, async (t) => {
      const { id, from } = await talkingCall(sb);
      await sb.server.post(`/api/calls/${id}/transfer`, { hotline: number });
      const back = await sb.until(
        `the ${result} attempt`,
        `/api/calls/${id}/transfer`,
        (b) => (b.phase === 'talking' && b.attempt?.result ? b : undefined),
        15_000,
      );
      t.match(back.attempt, { state: 'failed', result });
      t.match(back.ticket_offer, { department, caller: from, call_id: id, content: String });
      await sb.waitFor(
        'caller and agent bridged again',
        async () => (sb.sim.engine.agent('1001').calls()[0]?.bridge?.peer.uuid === id ? true : undefined),
        5000,
      );
      sb.sim.engine.agent('1001').hangup();
      const call = await callEnded(sb, id);
      t.match(call, { outcome: 'answered' });
      t.match(call.transfer_attempts, [{ hotline: number, result }]);
      await noLegsLeft(t, sb);
      await agentFree(sb);
    });
  }

  t.test('the caller hangs up while the department rings: cancelled, no leg left', async (t) => {
    const { id } = await talkingCall(sb);
    await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12358' });
    await sb.waitFor('the prices hotline to ring', async () => legOf(sb, '12358'), 5000);
    await sb.sim.engine.api('uuid_kill', id);
    await callEnded(sb, id);
    const attempts = await sb.until('the attempt to close', `/api/calls/${id}`, (b) => (b.transfer_attempts[0]?.result ? b.transfer_attempts : undefined));
    t.match(attempts, [{ hotline: '12358', result: 'cancelled' }]);
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test('the caller hangs up the moment the transfer starts, before the leg is seen: cancelled, no leg left', async (t) => {
    const { id } = await talkingCall(sb);
    // The caller is killed in the turn the leg is created, before any session is sent its
    // CHANNEL_CREATE: the controller cannot have read it yet.
    let killed: Promise<string> | undefined;
    killCallerOnCreate = (e) => {
      if (killed || e.name !== 'CHANNEL_CREATE' || !e.headers.find(([n, v]) => n === 'Channel-Name' && v.endsWith('/12358'))) return;
      // a microtask, so the engine is not re-entered inside its own emit
      killed = Promise.resolve().then(() => sb.sim.engine.api('uuid_kill', id));
    };
    await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12358' });
    await sb.waitFor('the caller to be killed', async () => killed, 5000);
    killCallerOnCreate = undefined;
    t.match(await killed, /^\+OK/);
    await callEnded(sb, id);
    const attempts = await sb.until('the attempt to close', `/api/calls/${id}`, (b) => (b.transfer_attempts[0]?.result ? b.transfer_attempts : undefined));
    t.match(attempts, [{ hotline: '12358', result: 'cancelled' }]);
    t.ok(Date.parse(attempts[0].ended_at) - Date.parse(attempts[0].created_at) < 2500, 'the leg was taken down, not left to ring out its 3 s');
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test("outside the hotline's hours: refused with the reason, a ticket for the department offered", async (t) => {
    const { id, from } = await talkingCall(sb);
    const r = await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12333' });
    t.equal(r.status, 409);
    t.match(r.body, {
      error: 'CTI_TRANSFER_REFUSED',
      field: 'hotline',
      reason: /人力资源社会保障热线（12333）当前不在工作时间/,
      ticket_prefill: { department: 'human-resources', caller: from, call_id: id },
    });
    t.match((await sb.server.get(`/api/calls/${id}/transfer`)).body, { phase: 'talking', ticket_offer: { department: 'human-resources' } });
    t.notOk(legOf(sb, '12333'), 'no leg was placed');
    const unknown = await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12345' });
    t.match(unknown, { status: 400, body: { error: 'CTI_TRANSFER_UNKNOWN_HOTLINE' } });
    sb.sim.engine.agent('1001').hangup();
    const call = await callEnded(sb, id);
    t.match(call.transfer_attempts, [{ hotline: '12333', result: 'refused' }]);
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test('three-way: caller, agent and department in one conference; the agent leaves, the others talk on', async (t) => {
    const { id } = await talkingCall(sb);
    await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12348' });
    await phase(sb, id, 'consulting');
    const r = await sb.server.post(`/api/calls/${id}/transfer/three-way`);
    t.equal(r.status, 200);
    t.match(r.body, { phase: 'three_way', attempt: { state: 'three_way' } });
    const room = `cti-${id}`;
    await sb.waitFor(
      'three members in the room',
      async () => (sb.sim.engine.channels.filter((c) => c.getVar('conference_name') === room && c.ready).length === 3 ? true : undefined),
      5000,
    );
    sb.sim.engine.agent('1001').hangup();
    await agentFree(sb);
    t.ok(sb.sim.engine.channel(id)?.ready, 'the caller is still talking to the department');
    await sb.sim.engine.api('uuid_kill', legOf(sb, '12348')!.uuid);
    const call = await callEnded(sb, id);
    t.match(call, { outcome: 'transferred', department: 'justice' });
    t.match(call.transfer_attempts, [{ hotline: '12348', kind: 'warm', result: 'answered' }]);
    await noLegsLeft(t, sb);
  });

  t.test('blind: the agent stays until the department answers, then the caller is put through', async (t) => {
    const { id } = await talkingCall(sb);
    const r = await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12315', kind: 'blind' });
    t.match(r.body.attempt, { kind: 'blind', state: 'ringing' });
    t.equal(sb.sim.engine.agent('1001').calls()[0]?.bridge?.peer.uuid, id, 'caller and agent still talk while it rings');
    const over = await phase(sb, id, 'handed_over');
    t.match(over.attempt, { state: 'completed', result: 'answered' });
    t.equal(legOf(sb, '12315')?.bridge?.peer.uuid, id, 'caller bridged to 12315');
    const call = await callEnded(sb, id);
    t.match(call, { outcome: 'transferred', department: 'market-regulation' });
    t.match(call.transfer_attempts, [{ kind: 'blind', result: 'answered' }]);
    t.match(
      call.legs.find((l: any) => l.endpoint === 'sofia/gateway/telecom-trunk/12315'),
      { kind: 'department' },
    );
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test('emergency: 110 is handed over directly, whatever kind was asked', async (t) => {
    const { id } = await talkingCall(sb);
    const r = await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '110', kind: 'warm' });
    t.match(r.body.attempt, { kind: 'emergency', hotline: '110' });
    await phase(sb, id, 'handed_over');
    const call = await callEnded(sb, id);
    t.match(call, { outcome: 'transferred', department: 'public-security' });
    t.match(
      call.legs.find((l: any) => l.kind === 'emergency'),
      { endpoint: 'sofia/gateway/police-110/110' },
    );
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test('hold and resume: the agent parked, the caller on our hold music; an agent who hangs up on hold sends the caller back to the queue', async (t) => {
    const { id } = await talkingCall(sb);
    const agentLeg = sb.sim.engine.agent('1001').calls()[0]!;
    const callerLeg = sb.sim.engine.channel(id)!;
    let musicStarts = 0;
    sb.sim.engine.tap((e) => {
      const of = (n: string) => e.headers.find(([h]) => h === n)?.[1] ?? '';
      if (e.name === 'PLAYBACK_START' && of('Unique-ID') === id && of('Playback-File-Path').includes('hold-music')) musicStarts++;
    });
    t.match((await sb.server.post(`/api/calls/${id}/hold`)).body, { phase: 'held' });
    await sb.waitFor('the agent parked', async () => (agentLeg.bridge === null && agentLeg.state === 'CS_PARK' ? true : undefined));
    await sb.waitFor('the caller on hold music', async () => (musicStarts > 0 && !callerLeg.bridge ? true : undefined));
    t.not(agentLeg.callState, 'HELD', 'no uuid_hold: its looping broadcast would outlive the agent');
    t.match(await sb.server.post(`/api/calls/${id}/hold`), { status: 409, body: { error: 'CTI_TRANSFER_BAD_STATE' } });
    t.match((await sb.server.post(`/api/calls/${id}/resume`)).body, { phase: 'talking' });
    await sb.waitFor('agent and caller together again', async () => (agentLeg.bridge?.peer.uuid === id ? true : undefined));

    t.match((await sb.server.post(`/api/calls/${id}/hold`)).body, { phase: 'held' });
    sb.sim.engine.agent('1001').hangup();
    await sb.until(
      'the caller to be answered again',
      '/api/agents',
      (b) => (b.items.find((a: any) => a.seat === '1001' && a.state === 'on_call' && a.call_id === id) ? true : undefined),
      15_000,
    );
    t.ok(!callerLeg.hangupCause, 'the caller was not left on music: back in the queue, answered by the next free agent');
    await phase(sb, id, 'talking');
    sb.sim.engine.agent('1001').hangup();
    const ended = await callEnded(sb, id);
    t.match(ended, { outcome: 'answered', agent: '1001' });
    t.equal(ended.legs.filter((l: any) => l.kind === 'agent' && l.answered_at).length, 2, 'two talks with an agent on one call');
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test('softphone feature codes: *1<number># consults, *4# completes', async (t) => {
    const { id } = await talkingCall(sb);
    const phone = sb.sim.engine.agent('1001');
    phone.dtmf('*112348#');
    await phase(sb, id, 'consulting');
    phone.dtmf('*4#');
    const over = await phase(sb, id, 'handed_over');
    t.match(over.attempt, { hotline: '12348', kind: 'warm', state: 'completed' });
    await sb.sim.engine.api('uuid_kill', legOf(sb, '12348')!.uuid);
    t.match(await callEnded(sb, id), { outcome: 'transferred', department: 'justice' });
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test('the agent hangs up during the consult: the caller goes back to the queue, ahead of others', async (t) => {
    const { id } = await talkingCall(sb);
    await sb.server.post(`/api/calls/${id}/transfer`, { hotline: '12348' });
    await phase(sb, id, 'consulting');
    sb.sim.engine.agent('1001').hangup();
    // wrap-up (1 s here), then the same agent is offered the caller again and answers
    await phase(sb, id, 'talking');
    t.equal(sb.sim.engine.agent('1001').calls()[0]?.bridge?.peer.uuid, id, 'the agent talks to the caller again');
    sb.sim.engine.agent('1001').hangup();
    const call = await callEnded(sb, id);
    t.match(call, { outcome: 'answered', agent: '1001' });
    t.equal(call.legs.filter((l: any) => l.kind === 'agent').length, 2, 'two agent legs: before and after the failed consult');
    await noLegsLeft(t, sb);
    await agentFree(sb);
  });

  t.test('the transfer answer rate counts these attempts exactly as docs/architecture.md §5 says', async (t) => {
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const { items } = (await sb.server.get(`/api/stats/transfer-answer-rate?from=${day}T00:00:00%2B08:00&to=${day}T23:59:59%2B08:00`)).body;
    const of = (n: string) => items.find((i: any) => i.hotline === n);
    t.match(of('12315'), { attempts: 2, cancelled: 0, counted: 2, answered_within_15s: 2, rate: 1 });
    t.match(of('12358'), { attempts: 4, cancelled: 3, counted: 1, answered_within_15s: 0, rate: 0 }, 'three cancelled before 15 s, one unanswered');
    t.match(of('12329'), { counted: 1, answered_within_15s: 0 });
    t.match(of('12333'), { attempts: 0, counted: 0, rate: null }, 'a refusal placed no leg: no attempt');
  });
});
