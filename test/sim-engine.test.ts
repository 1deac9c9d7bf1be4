// The simulator's engine half on its own: a recording event bus instead of sockets, real
// timers, the generated dialplan. Each test checks what FreeSWITCH does in that case, as
// esl-protocol.md §4, §5, §8 and the captured traces describe it.
import t, { type Test } from 'tap';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimEvent } from '../src/sim/contracts.js';
import { SimEngine, type EngineOptions, type SocketConnector, type Channel } from '../src/sim/engine/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIALPLAN = join(ROOT, 'dialplan');

// ---------------------------------------------------------------- helpers

interface Rig {
  engine: SimEngine;
  events: SimEvent[];
  /** events about one channel (Unique-ID), in order */
  of(uuid: string): SimEvent[];
}

function rig(t: Test, opts: Partial<EngineOptions> = {}): Rig {
  const events: SimEvent[] = [];
  const engine = new SimEngine({ bus: { publish: (e) => events.push(e) }, dialplan: DIALPLAN, defaultPromptS: 0.2, ...opts });
  t.teardown(() => engine.stop());
  return { engine, events, of: (uuid) => events.filter((e) => header(e, 'Unique-ID') === uuid) };
}

function header(e: SimEvent | undefined, name: string): string | undefined {
  return e?.headers.find(([n]) => n === name)?.[1];
}

function all(e: SimEvent | undefined, name: string): string[] {
  return (e?.headers ?? []).filter(([n]) => n === name).map(([, v]) => v);
}

/** "NAME" or "NAME(detail)" for the events of one channel, to compare sequences. */
function sequence(events: SimEvent[]): string[] {
  return events.map((e) => {
    const detail = e.name === 'CHANNEL_STATE' ? header(e, 'Channel-State')
      : e.name === 'CHANNEL_CALLSTATE' ? header(e, 'Channel-Call-State')
      : e.name === 'CHANNEL_HANGUP' || e.name === 'CHANNEL_HANGUP_COMPLETE' ? header(e, 'Hangup-Cause')
      : e.name.startsWith('CHANNEL_EXECUTE') ? header(e, 'Application')
      : e.name.startsWith('PLAYBACK') ? header(e, 'Playback-Status') ?? 'start'
      : e.name === 'DTMF' ? header(e, 'DTMF-Digit')
      : undefined;
    return detail ? `${e.name}(${detail})` : e.name;
  });
}

function variable(e: SimEvent | undefined, name: string): string | undefined {
  return header(e, `variable_${name}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** A dialplan folder with one public file holding the given extensions. */
function dialplanDir(t: Test, extensions: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-dp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'public'));
  writeFileSync(join(dir, 'public', '00_test.xml'), `<?xml version="1.0"?>\n<include>\n${extensions}\n</include>\n`);
  return dir;
}

/** A controller stand-in for the `socket` app: accepts (or refuses) and records what it saw. */
function fakeController(accept: boolean) {
  const seen: Array<{ uuid: string; host: string; port: number; async: boolean; full: boolean }> = [];
  const connector: SocketConnector = {
    async connect(ch, host, port, flags) {
      seen.push({ uuid: ch.uuid, host, port, ...flags });
      return accept;
    },
  };
  return { connector, seen };
}

const HANGUP_TAIL = [
  'CHANNEL_STATE(CS_HANGUP)', 'CHANNEL_CALLSTATE(HANGUP)', 'CHANNEL_STATE(CS_REPORTING)',
];

// ---------------------------------------------------------------- originate

t.test('originate to a gateway that rings past originate_timeout: -ERR NO_ANSWER and the events FreeSWITCH sends', async (t) => {
  const { engine, events } = rig(t, { hotlines: { '12315': { answerAfterS: 5, earlyMedia: false } } });
  const started = Date.now();
  const reply = await engine.api('originate', '{originate_timeout=1}sofia/gateway/telecom-trunk/12315 &park()');
  t.equal(reply, '-ERR NO_ANSWER\n');
  t.ok(Date.now() - started >= 1000 && Date.now() - started < 2500, 'the reply comes when the timeout expires');
  const uuid = header(events[0], 'Unique-ID')!;
  t.same(sequence(events), [
    'CHANNEL_OUTGOING', 'CHANNEL_STATE(CS_INIT)', 'CHANNEL_CREATE', 'CHANNEL_ORIGINATE', 'CHANNEL_STATE(CS_ROUTING)',
    'CHANNEL_STATE(CS_CONSUME_MEDIA)', 'CHANNEL_PROGRESS', 'CHANNEL_CALLSTATE(RINGING)', 'CHANNEL_HANGUP(NO_ANSWER)',
    ...HANGUP_TAIL, 'CHANNEL_HANGUP_COMPLETE(NO_ANSWER)', 'CHANNEL_DESTROY', 'CHANNEL_STATE(CS_DESTROY)',
  ], 'one leg, rung and hung up with NO_ANSWER, all before the reply (§8.1 "failure after the leg exists")');
  t.ok(events.every((e) => header(e, 'Unique-ID') === uuid));
  const create = events.find((e) => e.name === 'CHANNEL_CREATE');
  t.equal(header(create, 'Channel-State'), 'CS_INIT');
  t.equal(header(create, 'Channel-State-Number'), '2', 'CREATE shows the running state INIT but state ROUTING, as in the traces');
  t.equal(header(create, 'Call-Direction'), 'outbound');
  t.equal(header(create, 'Caller-Destination-Number'), '12315');
  const hangup = events.find((e) => e.name === 'CHANNEL_HANGUP');
  t.equal(header(hangup, 'Channel-State-Number'), '10', 'HANGUP: state already CS_HANGUP');
  t.equal(header(hangup, 'Channel-State'), 'CS_CONSUME_MEDIA', 'while the running state is still the old one');
  t.equal(header(hangup, 'Caller-Channel-Hangup-Time'), '0', 'the hangup time is set later, in the hangup state');
  t.equal(variable(hangup, 'hangup_cause'), undefined, 'CDR variables are not on CHANNEL_HANGUP');
  const complete = events.find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  t.same(all(complete, 'Hangup-Cause'), ['NO_ANSWER', 'NO_ANSWER'], 'Hangup-Cause twice, as in the cgrates trace');
  t.equal(variable(complete, 'hangup_cause_q850'), '19');
  t.equal(variable(complete, 'answer_uepoch'), '0', 'never answered: 0, not absent');
  t.equal(variable(complete, 'billsec'), '0');
  t.ok(Number(variable(complete, 'progress_uepoch')) >= Number(variable(complete, 'start_uepoch')));
});

t.test('originate without ignore_early_media succeeds on early media (a carrier ringback), before any answer', async (t) => {
  const { engine, of } = rig(t, { hotlines: { '12315': { answerAfterS: 5 } } });
  const reply = await engine.api('originate', '{originate_timeout=2}sofia/gateway/telecom-trunk/12315 &park()');
  t.match(reply, /^\+OK [0-9a-f-]{36}\n$/);
  const uuid = reply.slice(4, -1);
  await until(() => of(uuid).some((e) => e.name === 'CHANNEL_PARK'));
  const names = sequence(of(uuid));
  t.ok(names.includes('CHANNEL_PROGRESS_MEDIA') && !names.includes('CHANNEL_ANSWER'), 'success on 183, not 200');
  t.equal(engine.channel(uuid)?.answered, false);
});

t.test('originate: busy, unreachable, and refusals that create no channel', async (t) => {
  const { engine, events } = rig(t, {
    hotlines: { '12333': { answerAfterS: 1, busy: 1 }, '95598': { answerAfterS: 1, unreachable: 1 } },
    agents: [{ id: '1001', registered: false }],
  });
  t.equal(await engine.api('originate', 'sofia/gateway/telecom-trunk/12333 &park()'), '-ERR USER_BUSY\n');
  t.notOk(sequence(events).includes('CHANNEL_PROGRESS'), 'busy at once, no ringing');
  t.ok(sequence(events).includes('CHANNEL_HANGUP_COMPLETE(USER_BUSY)'));
  events.length = 0;
  t.equal(await engine.api('originate', 'sofia/gateway/telecom-trunk/95598 &park()'), '-ERR NORMAL_TEMPORARY_FAILURE\n');
  t.ok(sequence(events).includes('CHANNEL_HANGUP(NORMAL_TEMPORARY_FAILURE)'));
  events.length = 0;
  t.equal(await engine.api('originate', 'user/1001 &park()'), '-ERR USER_NOT_REGISTERED\n');
  t.equal(await engine.api('originate', 'user/4242 &park()'), '-ERR SUBSCRIBER_ABSENT\n');
  t.equal(await engine.api('originate', 'error/user_busy &park()'), '-ERR USER_BUSY\n');
  t.equal(await engine.api('originate', 'sofia/gateway/nowhere/123 &park()'), '-ERR INVALID_GATEWAY\n');
  t.same(events, [], 'no channel, so no event at all');
  t.match(await engine.api('originate', 'user/1001'), /^-USAGE: <call url> <exten>/);
});

t.test('answered originate: &park(), then uuid_kill; the uepochs and seconds agree', async (t) => {
  const { engine, of } = rig(t, { agents: [{ id: '1002', answerAfterS: 1.2 }] });
  const reply = await engine.api('originate', '{ignore_early_media=true,origination_caller_id_number=12345}user/1002 &park()');
  const uuid = reply.slice(4, -1);
  await until(() => of(uuid).some((e) => e.name === 'CHANNEL_PARK'));
  const answer = of(uuid).find((e) => e.name === 'CHANNEL_ANSWER');
  t.equal(header(answer, 'Caller-Caller-ID-Number'), '12345');
  t.equal(variable(answer, 'dialed_user'), '1002');
  const names = sequence(of(uuid));
  t.ok(names.indexOf('CHANNEL_ANSWER') < names.indexOf('CHANNEL_EXECUTE(park)'), 'park runs once the leg is answered');
  t.same(names.slice(-3), ['CHANNEL_STATE(CS_EXECUTE)', 'CHANNEL_EXECUTE(park)', 'CHANNEL_PARK']);
  t.equal(header(of(uuid).find((e) => e.name === 'CHANNEL_PARK'), 'Answer-State'), 'answered');
  await sleep(1100);
  t.equal(await engine.api('uuid_kill', uuid), '+OK\n');
  await engine.channel(uuid)?.destroyed;
  const done = of(uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  const n = (name: string) => Number(variable(done, name));
  t.ok(n('answer_uepoch') >= n('start_uepoch') + 1_100_000, 'answered about 1.2 s after creation');
  t.ok(n('end_uepoch') >= n('answer_uepoch') + 1_000_000);
  t.equal(n('billsec'), n('end_epoch') - n('answer_epoch'), 'billsec from truncated epochs');
  t.equal(n('duration'), n('end_epoch') - n('start_epoch'));
  t.equal(n('billusec'), n('end_uepoch') - n('answer_uepoch'));
  t.equal(n('answersec'), n('answer_epoch') - n('start_epoch'));
  t.equal(variable(done, 'hangup_cause'), 'NORMAL_CLEARING');
  t.equal(header(done, 'Caller-Channel-Answered-Time'), variable(done, 'answer_uepoch'));
  t.equal(variable(done, 'last_app'), 'park');
  t.equal(await engine.api('uuid_kill', uuid), '-ERR No such channel!\n');
});

// ---------------------------------------------------------------- dialplan routing and the socket app

t.test('the generated dialplan routes 12345, direct, parallel, 110 and unknown numbers to the socket with their tags', async (t) => {
  const { connector, seen } = fakeController(true);
  const { engine } = rig(t, { connector });
  const calls = [
    { to: '12345', from: '13800138000', expect: { cti_mode: 'main', cti_origin_hotline: undefined, cti_department: undefined, cti_priority: '5' } },
    { to: '12369', from: '13800138001', expect: { cti_mode: 'direct', cti_origin_hotline: '12369', cti_department: 'environment', cti_priority: '5' } },
    { to: '12315', from: '13800138002', expect: { cti_mode: 'parallel', cti_origin_hotline: '12315', cti_department: 'market-regulation', cti_priority: '5' } },
    { to: '12345', from: '110', expect: { cti_mode: 'emergency', cti_origin_hotline: '110', cti_department: undefined, cti_priority: '1' } },
    { to: '12345', from: '13800138003', gateway: 'police-110', expect: { cti_mode: 'emergency', cti_origin_hotline: '110', cti_priority: '1' } },
    { to: '88888888', from: '13800138004', expect: { cti_mode: 'unknown', cti_origin_hotline: undefined, cti_priority: '5' } },
  ];
  for (const call of calls) {
    const ch = engine.placeCall(call);
    await until(() => seen.some((s) => s.uuid === ch.uuid));
    const data = engine.channelData(ch.uuid)!;
    const v = (name: string) => data.find(([n]) => n === `variable_${name}`)?.[1];
    for (const [name, value] of Object.entries(call.expect)) t.equal(v(name), value, `${call.to} from ${call.from}: ${name}`);
    t.equal(v('socket_resume'), 'true');
    t.equal(data.find(([n]) => n === 'Channel-Destination-Number')?.[1], call.to, 'CHANNEL_DATA starts with the Channel-* profile');
    t.equal(data.find(([n]) => n === 'Answer-State')?.[1], 'ringing', 'the socket app does not answer');
  }
  t.same(seen.map((s) => `${s.host}:${s.port} ${s.async} ${s.full}`), calls.map(() => '127.0.0.1:8084 true true'));
});

t.test('socket refused: the dialplan goes on to the fallback, which answers and rings the seats', async (t) => {
  const { connector } = fakeController(false);
  const { engine, of, events } = rig(t, { connector, agents: [{ id: '1003' }] });
  const caller = engine.placeCall({ from: '13800138000', to: '12345' });
  const leg = await engine.agent('1003').waitForRing();
  const names = sequence(of(caller.uuid));
  const socket = names.indexOf('CHANNEL_EXECUTE_COMPLETE(socket)');
  t.ok(socket > 0, 'the socket app returned');
  t.same(names.slice(socket + 1, socket + 4), ['CHANNEL_EXECUTE(transfer)', 'CHANNEL_EXECUTE_COMPLETE(transfer)', 'CHANNEL_STATE(CS_ROUTING)']);
  t.ok(names.includes('CHANNEL_EXECUTE_COMPLETE(playback)') && names.includes('CHANNEL_ANSWER'), 'fallback answered and played');
  t.equal(caller.profile.destinationNumber, 'cti_fallback');
  t.equal(caller.profile.rdnis, '12345', 'the transfer keeps the old destination as RDNIS');
  t.equal(header(of(leg.uuid).find((e) => e.name === 'CHANNEL_CREATE'), 'Other-Leg-Unique-ID'), caller.uuid, 'the B-leg knows its originator');
  t.ok(engine.agent('1003').answer());
  await until(() => events.some((e) => e.name === 'CHANNEL_BRIDGE'));
  const bridge = events.find((e) => e.name === 'CHANNEL_BRIDGE');
  t.equal(header(bridge, 'Unique-ID'), caller.uuid);
  t.equal(header(bridge, 'Bridge-A-Unique-ID'), caller.uuid);
  t.equal(header(bridge, 'Bridge-B-Unique-ID'), leg.uuid);
  t.equal(header(bridge, 'Other-Leg-Unique-ID'), leg.uuid);
  t.equal(leg.getVar('call_uuid'), caller.uuid, 'during the bridge B carries the A-leg call_uuid');
  const calls = JSON.parse(await engine.api('show', 'calls as json')) as { row_count: number; rows: Array<Record<string, string>> };
  t.equal(calls.row_count, 1, 'show calls lists the bridged pair once');
  t.equal(calls.rows[0]?.uuid, caller.uuid);
  t.equal(calls.rows[0]?.b_uuid, leg.uuid);
  engine.agent('1003').hangup();
  await caller.destroyed;
  // hangup_after_bridge=true in the fallback: B hangs up, UNBRIDGE, then A (trace session-2).
  const tail = sequence(events.filter((e) => ['CHANNEL_HANGUP', 'CHANNEL_UNBRIDGE', 'CHANNEL_EXECUTE_COMPLETE'].includes(e.name))).slice(-4);
  t.same(tail, ['CHANNEL_HANGUP(NORMAL_CLEARING)', 'CHANNEL_UNBRIDGE', 'CHANNEL_HANGUP(NORMAL_CLEARING)', 'CHANNEL_EXECUTE_COMPLETE(bridge)']);
  const done = of(caller.uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  t.equal(variable(done, 'bridge_hangup_cause'), 'NORMAL_CLEARING');
  t.equal(variable(done, 'originate_disposition'), 'SUCCESS', 'overwritten by cause2str(SUCCESS), as in the traces');
  t.equal(variable(done, 'DIALSTATUS'), 'SUCCESS');
  t.ok(Number(variable(done, 'bridge_uepoch')) >= Number(variable(done, 'answer_uepoch')));
  t.ok(Number(variable(done, 'waitsec')) >= 0);
});

const SOCKET_THEN = (next: string, resume = true) => `
  <extension name="t"><condition field="destination_number" expression="^(\\d+)$">
    ${resume ? '<action application="set" data="socket_resume=true"/>' : ''}
    <action application="socket" data="127.0.0.1:9 async full"/>
    ${next}
  </condition></extension>`;

async function connectedCall(t: Test, dialplan: string) {
  const { connector, seen } = fakeController(true);
  const r = rig(t, { connector, dialplan });
  const ch = r.engine.placeCall({ from: '13800138000', to: '12345' });
  await until(() => seen.length === 1);
  r.engine.socketConnected(ch.uuid);
  await until(() => r.of(ch.uuid).some((e) => e.name === 'CHANNEL_PARK'));
  return { ...r, ch };
}

t.test('socket drop: the socket app unparks and the next action runs, with or without socket_resume (socket_function)', async (t) => {
  for (const resume of [true, false]) {
    const { engine, of, ch } = await connectedCall(t, dialplanDir(t, SOCKET_THEN('<action application="hangup" data="CALL_REJECTED"/>', resume)));
    engine.socketClosed(ch.uuid, false);
    await ch.destroyed;
    const names = sequence(of(ch.uuid));
    const unpark = names.indexOf('CHANNEL_UNPARK');
    t.same(names.slice(unpark, unpark + 3), ['CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE(socket)', 'CHANNEL_EXECUTE(hangup)'], `socket_resume=${resume}`);
    t.equal(ch.hangupCause, 'CALL_REJECTED');
  }
});

t.test('socket drop when socket is the last action: the call ends (the extension has nothing left)', async (t) => {
  const { engine, of, ch } = await connectedCall(t, dialplanDir(t, SOCKET_THEN('', false)));
  engine.socketClosed(ch.uuid, false);
  await ch.destroyed;
  t.equal(ch.hangupCause, 'NORMAL_CLEARING');
  t.ok(sequence(of(ch.uuid)).includes('CHANNEL_EXECUTE_COMPLETE(socket)'));
});

t.test('`resume` from the controller sets socket_resume, and the dialplan goes on', async (t) => {
  const { engine, of, ch } = await connectedCall(t, dialplanDir(t, SOCKET_THEN('<action application="hangup" data="CALL_REJECTED"/>', false)));
  engine.socketClosed(ch.uuid, true);
  await ch.destroyed;
  t.equal(ch.hangupCause, 'CALL_REJECTED');
  t.equal(variable(of(ch.uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE'), 'socket_resume'), 'true');
});

t.test('a channel the controller transferred does not come back to the action after socket', async (t) => {
  const { engine, of, ch } = await connectedCall(t, dialplanDir(t, `${SOCKET_THEN('<action application="hangup" data="CALL_REJECTED"/>')}
    <extension name="elsewhere"><condition field="destination_number" expression="^elsewhere$">
      <action application="hangup" data="USER_BUSY"/>
    </condition></extension>`));
  t.equal(await engine.api('uuid_transfer', `${ch.uuid} elsewhere XML public`), '+OK\n');
  await ch.destroyed;
  t.equal(ch.hangupCause, 'USER_BUSY', 'the transfer wins');
  const names = sequence(of(ch.uuid));
  t.ok(names.indexOf('CHANNEL_EXECUTE_COMPLETE(socket)') < names.indexOf('CHANNEL_STATE(CS_ROUTING)', names.indexOf('CHANNEL_EXECUTE(socket)')));
  t.notOk(names.includes('CHANNEL_EXECUTE(hangup)') && of(ch.uuid).some((e) => header(e, 'Application-Data') === 'CALL_REJECTED'));
});
