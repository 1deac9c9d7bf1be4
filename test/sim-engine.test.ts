// The simulator's engine half on its own: a recording event bus instead of sockets, real
// timers, the generated dialplan. Each test checks what FreeSWITCH does in that case, as
// docs/esl-protocol.md §4, §5, §8 and the captured traces describe it.
import t, { type Test } from 'tap';
import type { SimEvent } from '../src/sim/contracts.js';
import { rig, header, variable, sleep, until, dialplanDir, parkedLeg, execute, completion, DIALPLAN } from './support/sim-rig.js';
import { DEFAULT_TRUNKS, type SimEngine, type EngineOptions, type SocketConnector } from '../src/sim/engine/index.js';
import { CALL_COLUMNS, CHANNEL_COLUMNS, ChannelTable, rowsAsJson } from '../src/sim/engine/channel-table.js';

// ---------------------------------------------------------------- helpers

function all(e: SimEvent | undefined, name: string): string[] {
  return (e?.headers ?? []).filter(([n]) => n === name).map(([, v]) => v);
}

/** "NAME" or "NAME(detail)" for the events of one channel, to compare sequences. */
function sequence(events: SimEvent[]): string[] {
  return events.map((e) => {
    const detail =
      e.name === 'CHANNEL_STATE'
        ? header(e, 'Channel-State')
        : e.name === 'CHANNEL_CALLSTATE'
          ? header(e, 'Channel-Call-State')
          : e.name === 'CHANNEL_HANGUP' || e.name === 'CHANNEL_HANGUP_COMPLETE'
            ? header(e, 'Hangup-Cause')
            : e.name.startsWith('CHANNEL_EXECUTE')
              ? header(e, 'Application')
              : e.name.startsWith('PLAYBACK')
                ? (header(e, 'Playback-Status') ?? 'start')
                : e.name === 'DTMF'
                  ? header(e, 'DTMF-Digit')
                  : undefined;
    return detail ? `${e.name}(${detail})` : e.name;
  });
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

const HANGUP_TAIL = ['CHANNEL_STATE(CS_HANGUP)', 'CHANNEL_CALLSTATE(HANGUP)', 'CHANNEL_STATE(CS_REPORTING)'];

// ---------------------------------------------------------------- originate

t.test('originate to a gateway that rings past originate_timeout: -ERR NO_ANSWER and the events FreeSWITCH sends', async (t) => {
  const { engine, events } = rig(t, { hotlines: { '12315': { answerAfterS: 5, earlyMedia: false } } });
  const started = Date.now();
  const reply = await engine.api('originate', '{originate_timeout=1}sofia/gateway/telecom-trunk/12315 &park()');
  t.equal(reply, '-ERR NO_ANSWER\n');
  t.ok(Date.now() - started >= 1000 && Date.now() - started < 2500, 'the reply comes when the timeout expires');
  const uuid = header(events[0], 'Unique-ID')!;
  t.same(
    sequence(events),
    [
      'CHANNEL_OUTGOING',
      'CHANNEL_STATE(CS_INIT)',
      'CHANNEL_CREATE',
      'CHANNEL_ORIGINATE',
      'CHANNEL_STATE(CS_ROUTING)',
      'CHANNEL_STATE(CS_CONSUME_MEDIA)',
      'CHANNEL_PROGRESS',
      'CHANNEL_CALLSTATE(RINGING)',
      'CHANNEL_HANGUP(NO_ANSWER)',
      ...HANGUP_TAIL,
      'CHANNEL_HANGUP_COMPLETE(NO_ANSWER)',
      'CHANNEL_DESTROY',
      'CHANNEL_STATE(CS_DESTROY)',
    ],
    'one leg, rung and hung up with NO_ANSWER, all before the reply (§8.1 "failure after the leg exists")',
  );
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
  t.equal(
    header(
      of(uuid).find((e) => e.name === 'CHANNEL_PARK'),
      'Answer-State',
    ),
    'answered',
  );
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

t.test('uuid_dump: a live leg as a CHANNEL_DATA event, its answer time in Caller-Channel-Answered-Time', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  const answered = header(
    r.of(leg.uuid).find((e) => e.name === 'CHANNEL_ANSWER'),
    'Caller-Channel-Answered-Time',
  );
  const json = JSON.parse(await r.engine.api('uuid_dump', `${leg.uuid} json`)) as Record<string, string>;
  t.equal(json['Event-Name'], 'CHANNEL_DATA', 'an event made for the dump (mod_commands.c uuid_dump_function)');
  t.equal(json['Event-Calling-Function'], 'uuid_dump_function');
  t.equal(json['Unique-ID'], leg.uuid);
  t.equal(json['Answer-State'], 'answered');
  t.equal(json['Caller-Channel-Answered-Time'], answered, 'the answer time, as the CHANNEL_ANSWER event stamped it');
  t.equal(json.variable_answer_uepoch, undefined, 'answer_uepoch is set only at hangup (switch_channel_set_timestamps)');
  const txt = await r.engine.api('uuid_dump', leg.uuid);
  t.match(txt, /^Event-Name: CHANNEL_DATA\n/, 'txt by default');
  t.match(txt, new RegExp(`\nCaller-Channel-Answered-Time: ${answered}\n`));
  t.ok(txt.endsWith('\n\n'), 'ends with the blank line of a serialized event');
  t.match(await r.engine.api('uuid_dump', `${leg.uuid} plain`), new RegExp(`\nUnique-ID: \\[${leg.uuid}\\]\n`), 'plain: unencoded, in brackets');
  t.match(await r.engine.api('uuid_dump', `${leg.uuid} xml`), /<event>[\s\S]*<Event-Name>CHANNEL_DATA<\/Event-Name>/);
  t.equal(await r.engine.api('uuid_dump', 'no-such-uuid json'), '-ERR No such channel!\n');
  t.equal(await r.engine.api('uuid_dump', ''), '-USAGE: <uuid> [format]\n');
});

t.test('hash: mod_hash insert, select, delete and their replies', async (t) => {
  const { engine } = rig(t);
  const hash = (a: string) => engine.api('hash', a);
  t.equal(await hash('insert/realm/k/v/with/slashes'), '+OK\n');
  t.equal(await hash('select/realm/k'), 'v/with/slashes', 'the fourth part keeps the rest of the text');
  t.equal(await hash('select/realm/missing'), '', 'a missing key writes nothing');
  t.equal(await hash('insert_ifempty/realm/k/w'), '-ERR key already exists\n');
  t.equal(await hash('delete_ifmatch/realm/k/other'), "-ERR Doesn't match\n");
  t.equal(await hash('delete/realm/k'), '+OK\n');
  t.equal(await hash('delete/realm/k'), '-ERR Not found\n');
  const usage = '-ERR Usage: hash insert|insert_ifempty|select|delete|delete_ifmatch/realm/key[/value]\n';
  t.equal(await hash('insert/realm/k/'), usage, 'a trailing slash starts no empty value');
  t.equal(await hash('select/realm'), usage);
  t.equal(await hash('bogus/realm/k'), usage);
});

t.test('api_hangup_hook runs after the CDR variables are set, expanded against the leg', async (t) => {
  const r = rig(t);
  r.engine.agent('1005').register({ answerAfterS: 0 });
  const hook = 'api_hangup_hook=hash::insert/kept/leg-1/${answer_uepoch}:${end_uepoch}:${hangup_cause}';
  const reply = await r.engine.api('originate', `{origination_uuid=leg-1,origination_nested_vars=true,${hook}}user/1005 &park()`);
  t.equal(reply, '+OK leg-1\n');
  t.equal(r.engine.channel('leg-1')!.getVar('api_hangup_hook'), hook.slice('api_hangup_hook='.length), 'kept literal, not expanded at originate');
  await until(() => r.of('leg-1').some((e) => e.name === 'CHANNEL_PARK'));
  t.equal(await r.engine.api('hash', 'select/kept/leg-1'), '', 'nothing before the hangup');
  await r.engine.api('uuid_kill', 'leg-1 USER_BUSY');
  await until(() => r.of('leg-1').some((e) => e.name === 'CHANNEL_HANGUP_COMPLETE'));
  const done = r.of('leg-1').find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
  t.equal(
    await r.engine.api('hash', 'select/kept/leg-1'),
    `${variable(done, 'answer_uepoch')}:${variable(done, 'end_uepoch')}:USER_BUSY`,
    "the leg's answer and end as FreeSWITCH stamped them, and its cause",
  );
});

t.test('originate: {} values holding ${…} are refused unless origination_nested_vars; the API expands nothing', async (t) => {
  const r = rig(t);
  r.engine.agent('1005').register({ answerAfterS: 0 });
  await r.engine.api('originate', '{origination_uuid=leg-2,a=${domain_name},b=$\\{x},c=plain}user/1005 &park()');
  const leg = r.engine.channel('leg-2')!;
  t.equal(leg.getVar('a'), undefined, 'switch_channel_set_variable_var_check refuses a value with ${');
  t.equal(leg.getVar('b'), undefined, 'backslashes between $ and { do not hide it (switch_string_var_check_const)');
  t.equal(leg.getVar('c'), 'plain');
  await r.engine.api('originate', '{origination_uuid=leg-3,origination_nested_vars=true,a=${domain_name}}user/1005 &park()');
  t.equal(r.engine.channel('leg-3')!.getVar('a'), '${domain_name}', 'kept literal: switch_ivr_originate expands nothing');
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
  t.same(
    seen.map((s) => `${s.host}:${s.port} ${s.async} ${s.full}`),
    calls.map(() => '127.0.0.1:8084 true true'),
  );
});

t.test(
  "inbound legs as sofia builds them: the source address in sip_network_ip, sip_received_ip and network_addr; sip_gateway only for an INVITE to a registered gateway's contact",
  async (t) => {
    const cases: Array<{
      name: string;
      trunks?: EngineOptions['trunks'];
      call: Parameters<SimEngine['placeCall']>[0];
      source: string;
      gateway?: string;
      requestUser: string;
      extension: string;
    }> = [
      { name: 'the carrier', call: { from: '13800138000', to: '12345' }, source: '10.10.10.1', requestUser: '12345', extension: 'cti_main_12345' },
      {
        name: 'the 110 link, an IP trunk',
        call: { from: '13800138001', to: '12345', gateway: 'police-110' },
        source: '10.20.30.1',
        requestUser: '12345',
        extension: 'cti_110_diversion_network',
      },
      {
        name: 'a carrier call from another address',
        call: { from: '13800138002', to: '12345', gateway: 'telecom-trunk', network: '10.20.30.77' },
        source: '10.20.30.77',
        requestUser: '12345',
        extension: 'cti_110_diversion_network',
      },
      {
        name: 'the 110 link, registered',
        trunks: { ...DEFAULT_TRUNKS, 'police-110': { address: '203.0.113.5', registers: true } },
        call: { from: '13800138003', to: '12345', gateway: 'police-110' },
        source: '203.0.113.5',
        gateway: 'police-110',
        requestUser: 'gw+police-110',
        extension: 'cti_110_diversion_gateway',
      },
    ];
    for (const c of cases) {
      const { connector, seen } = fakeController(true);
      const { engine } = rig(t, { connector, ...(c.trunks ? { trunks: c.trunks } : {}) });
      const ch = engine.placeCall(c.call);
      await until(() => seen.some((s) => s.uuid === ch.uuid));
      const data = engine.channelData(ch.uuid)!;
      const get = (name: string) => data.find(([n]) => n === name)?.[1];
      t.equal(get('variable_sip_network_ip'), c.source, `${c.name}: sip_network_ip`);
      t.equal(get('variable_sip_received_ip'), c.source, `${c.name}: sip_received_ip`);
      t.equal(get('Channel-Network-Addr'), c.source, `${c.name}: the caller profile's network_addr`);
      t.equal(get('variable_sip_gateway'), c.gateway, `${c.name}: sip_gateway ${c.gateway ?? 'not set'}`);
      t.equal(get('variable_sip_req_user'), c.requestUser, `${c.name}: request URI user`);
      t.equal(get('Channel-Destination-Number'), '12345', `${c.name}: destination`);
      t.equal(ch.extension?.name, c.extension, `${c.name}: routed by ${c.extension}`);
    }
    const { engine } = rig(t);
    t.throws(() => engine.placeCall({ from: '13800138000', to: '12345', gateway: 'police-119' }), RangeError, 'no such trunk');
  },
);

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
  t.equal(
    header(
      of(leg.uuid).find((e) => e.name === 'CHANNEL_CREATE'),
      'Other-Leg-Unique-ID',
    ),
    caller.uuid,
    'the B-leg knows its originator',
  );
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
  t.equal(
    variable(
      of(ch.uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE'),
      'socket_resume',
    ),
    'true',
  );
});

t.test('a channel the controller transferred does not come back to the action after socket', async (t) => {
  const { engine, of, ch } = await connectedCall(
    t,
    dialplanDir(
      t,
      `${SOCKET_THEN('<action application="hangup" data="CALL_REJECTED"/>')}
    <extension name="elsewhere"><condition field="destination_number" expression="^elsewhere$">
      <action application="hangup" data="USER_BUSY"/>
    </condition></extension>`,
    ),
  );
  t.equal(await engine.api('uuid_transfer', `${ch.uuid} elsewhere XML public`), '+OK\n');
  await ch.destroyed;
  t.equal(ch.hangupCause, 'USER_BUSY', 'the transfer wins');
  const names = sequence(of(ch.uuid));
  t.ok(names.indexOf('CHANNEL_EXECUTE_COMPLETE(socket)') < names.indexOf('CHANNEL_STATE(CS_ROUTING)', names.indexOf('CHANNEL_EXECUTE(socket)')));
  t.notOk(names.includes('CHANNEL_EXECUTE(hangup)') && of(ch.uuid).some((e) => header(e, 'Application-Data') === 'CALL_REJECTED'));
});

/** A call whose controller accepted the TCP connection but has not sent `connect`. */
async function acceptedCall(t: Test, dialplan: string) {
  const { connector, seen } = fakeController(true);
  const r = rig(t, { connector, dialplan });
  const ch = r.engine.placeCall({ from: '13800138000', to: '12345' });
  await until(() => seen.length === 1);
  return { ...r, ch };
}

t.test('a listener that ends before `connect`: without socket_resume the channel stays parked (socket_function, switch_ivr_park)', async (t) => {
  const { engine, of, ch } = await acceptedCall(t, dialplanDir(t, SOCKET_THEN('<action application="hangup" data="CALL_REJECTED"/>', false)));
  engine.socketClosed(ch.uuid, false);
  await until(() => of(ch.uuid).some((e) => e.name === 'CHANNEL_PARK'));
  await sleep(300);
  t.ok(ch.ready, 'still up: nothing will clear CF_CONTROLLED again');
  t.ok(ch.has('CF_PARK'));
  t.notOk(sequence(of(ch.uuid)).includes('CHANNEL_EXECUTE(hangup)'), 'the next action does not run');
  t.equal(await engine.api('uuid_kill', `${ch.uuid} ORIGINATOR_CANCEL`), '+OK\n');
  await ch.destroyed;
  const names = sequence(of(ch.uuid));
  const park = names.indexOf('CHANNEL_PARK');
  t.same(
    names.slice(park, park + 4),
    ['CHANNEL_PARK', 'CHANNEL_HANGUP(ORIGINATOR_CANCEL)', 'CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE(socket)'],
    'parked until the hangup',
  );
  t.notOk(names.includes('CHANNEL_EXECUTE(hangup)'));
});

t.test(
  'a listener that ends before `connect` with socket_resume or `resume`: no park, the next action runs at once (listener_run done: sets CS_RESET)',
  async (t) => {
    for (const how of ['socket_resume', 'resume'] as const) {
      const { engine, of, ch } = await acceptedCall(
        t,
        dialplanDir(t, SOCKET_THEN('<action application="hangup" data="CALL_REJECTED"/>', how === 'socket_resume')),
      );
      engine.socketClosed(ch.uuid, how === 'resume');
      await ch.destroyed;
      const names = sequence(of(ch.uuid));
      t.notOk(names.includes('CHANNEL_PARK'), `${how}: switch_ivr_park returns on CS_RESET before firing CHANNEL_PARK`);
      const done = names.indexOf('CHANNEL_EXECUTE_COMPLETE(socket)');
      t.same(names.slice(done, done + 2), ['CHANNEL_EXECUTE_COMPLETE(socket)', 'CHANNEL_EXECUTE(hangup)'], `${how}: the next action runs`);
      t.equal(ch.hangupCause, 'CALL_REJECTED');
    }
  },
);

t.test('a caller who hangs up before `connect`: the socket app still goes through switch_ivr_park (CHANNEL_PARK, CHANNEL_UNPARK)', async (t) => {
  const { engine, of, ch } = await acceptedCall(t, dialplanDir(t, SOCKET_THEN('<action application="hangup" data="CALL_REJECTED"/>')));
  t.equal(await engine.api('uuid_kill', `${ch.uuid} ORIGINATOR_CANCEL`), '+OK\n');
  await ch.destroyed;
  const names = sequence(of(ch.uuid));
  const hangup = names.indexOf('CHANNEL_HANGUP(ORIGINATOR_CANCEL)');
  t.same(names.slice(hangup, hangup + 4), ['CHANNEL_HANGUP(ORIGINATOR_CANCEL)', 'CHANNEL_PARK', 'CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE(socket)']);
});

t.test('park_timeout: read and unset by the first park, with park_after_bridge; on expiry a hangup with its cause (switch_ivr_park)', async (t) => {
  const cases = [
    { value: '2:USER_BUSY', cause: 'USER_BUSY', minMs: 1000, maxMs: 2200 },
    { value: '1', cause: 'NORMAL_CLEARING', minMs: 0, maxMs: 1200 },
    { value: '1:blind_transfer', cause: 'BLIND_TRANSFER', minMs: 0, maxMs: 1200 },
  ];
  for (const c of cases) {
    const dialplan = dialplanDir(
      t,
      `<extension name="p"><condition field="destination_number" expression="^(\\d+)$">
      <action application="set" data="park_after_bridge=true"/>
      <action application="set" data="park_timeout=${c.value}"/>
      <action application="park"/>
      <action application="hangup" data="CALL_REJECTED"/>
    </condition></extension>`,
    );
    const { engine, of } = rig(t, { dialplan });
    const ch = engine.placeCall({ from: '13800138000', to: '12345' });
    await until(() => of(ch.uuid).some((e) => e.name === 'CHANNEL_PARK'));
    const parkedAt = Date.now();
    const park = of(ch.uuid).find((e) => e.name === 'CHANNEL_PARK');
    t.equal(variable(park, 'park_timeout'), undefined, `${c.value}: unset before CHANNEL_PARK`);
    t.equal(variable(park, 'park_after_bridge'), undefined, `${c.value}: park_after_bridge unset too`);
    await ch.destroyed;
    const waited = Date.now() - parkedAt;
    t.equal(ch.hangupCause, c.cause, `${c.value}: hung up with ${c.cause}, never transferred`);
    t.ok(waited >= c.minMs && waited <= c.maxMs, `${c.value}: expired after ${waited} ms (whole seconds of the epoch clock)`);
    t.same(
      sequence(of(ch.uuid)).filter((n) => /PARK|HANGUP\(|EXECUTE(_COMPLETE)?\((park|hangup)\)/.test(n)),
      ['CHANNEL_EXECUTE(park)', 'CHANNEL_PARK', `CHANNEL_HANGUP(${c.cause})`, 'CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE(park)'],
      `${c.value}: the next action does not run`,
    );
  }
  const { engine, of } = rig(t, {
    dialplan: dialplanDir(
      t,
      `<extension name="p"><condition field="destination_number" expression="^(\\d+)$">
      <action application="set" data="park_timeout=-1"/><action application="park"/>
    </condition></extension>`,
    ),
  });
  const ch = engine.placeCall({ from: '13800138000', to: '12345' });
  await until(() => of(ch.uuid).some((e) => e.name === 'CHANNEL_PARK'));
  await sleep(1200);
  t.ok(ch.ready, 'a negative park_timeout sets no limit');
  t.equal(
    variable(
      of(ch.uuid).find((e) => e.name === 'CHANNEL_PARK'),
      'park_timeout',
    ),
    undefined,
    'but it is spent all the same',
  );
});

t.test("park_timeout set before `socket` is spent on the socket app's own park: it hangs up a call the controller connected to", async (t) => {
  const dialplan = dialplanDir(
    t,
    `<extension name="t"><condition field="destination_number" expression="^(\\d+)$">
      <action application="set" data="socket_resume=true"/>
      <action application="set" data="park_timeout=1"/>
      <action application="socket" data="127.0.0.1:9 async full"/>
      <action application="transfer" data="fallback XML public"/>
    </condition></extension>`,
  );
  const { engine, of, ch } = await connectedCall(t, dialplan);
  t.equal(
    variable(
      of(ch.uuid).find((e) => e.name === 'CHANNEL_PARK'),
      'park_timeout',
    ),
    undefined,
    'spent by the park after `connect`',
  );
  await ch.destroyed;
  t.equal(ch.hangupCause, 'NORMAL_CLEARING', 'the controlled call is hung up, not sent to the fallback');
  t.notOk(sequence(of(ch.uuid)).includes('CHANNEL_EXECUTE(transfer)'));
  void engine;
});

// ---------------------------------------------------------------- applications over sendmsg

t.test('play_and_get_digits: a digit during the prompt breaks it; the result is in the variables of EXECUTE_COMPLETE', async (t) => {
  const r = rig(t, { prompts: { 'menu.wav': 1.5, 'invalid.wav': 0.3 } });
  const leg = await parkedLeg(r);
  t.equal(execute(r, leg.uuid, 'play_and_get_digits', '1 1 3 2000 # menu.wav invalid.wav line_choice ^[129]$ 1000', 'pagd-1'), '+OK');
  await sleep(400);
  r.engine.agent('1005').dtmf('2');
  const done = await completion(r, leg.uuid, 'pagd-1');
  t.equal(header(done, 'Application-Response'), '_none_', 'PAGD never sets a response');
  t.equal(variable(done, 'line_choice'), '2');
  t.equal(variable(done, 'read_result'), 'success');
  const names = sequence(r.of(leg.uuid));
  const from = names.indexOf('CHANNEL_EXECUTE(play_and_get_digits)');
  t.same(names.slice(from, from + 5), [
    'CHANNEL_EXECUTE(play_and_get_digits)',
    'PLAYBACK_START(start)',
    'DTMF(2)',
    'PLAYBACK_STOP(break)',
    'CHANNEL_EXECUTE_COMPLETE(play_and_get_digits)',
  ]);
  const dtmf = r.of(leg.uuid).find((e) => e.name === 'DTMF');
  t.equal(variable(dtmf, 'uuid'), undefined, 'DTMF carries no variables');
  t.equal(
    header(
      r.of(leg.uuid).find((e) => e.name === 'CHANNEL_EXECUTE' && header(e, 'Application-UUID') === 'pagd-1'),
      'Application-Data',
    ),
    '1 1 3 2000 # menu.wav invalid.wav line_choice ^[129]$ 1000',
  );
});

t.test('play_and_get_digits: no input times out each try, plays the invalid prompt, and fails', async (t) => {
  const r = rig(t, { prompts: { 'menu.wav': 0.2, 'invalid.wav': 0.2 } });
  const leg = await parkedLeg(r);
  const started = Date.now();
  execute(r, leg.uuid, 'play_and_get_digits', '1 1 2 1000 # menu.wav invalid.wav line_choice \\d', 'pagd-2');
  const done = await completion(r, leg.uuid, 'pagd-2');
  const took = Date.now() - started;
  t.ok(took >= 2 * (200 + 1000 + 200) - 50 && took < 4000, `two tries of prompt + 1 s + invalid prompt (${took} ms)`);
  t.equal(variable(done, 'line_choice'), undefined, 'nothing collected');
  t.equal(variable(done, 'read_result'), 'failure', 'min 1 and no digit: TOO_SMALL, reported as failure (switch_ivr_read)');
  const files = r
    .of(leg.uuid)
    .filter((e) => e.name === 'PLAYBACK_START')
    .map((e) => header(e, 'Playback-File-Path'));
  t.same(files, ['menu.wav', 'invalid.wav', 'menu.wav', 'invalid.wav']);
});

t.test('play_and_get_digits: a digit the regex refuses is kept in <var>_invalid; the terminator is reported', async (t) => {
  const r = rig(t, { prompts: { 'menu.wav': 0.3, 'invalid.wav': 0.2 } });
  const leg = await parkedLeg(r);
  execute(r, leg.uuid, 'play_and_get_digits', '1 3 1 1500 # menu.wav invalid.wav line_choice ^[129]$', 'pagd-3');
  await sleep(500);
  r.engine.agent('1005').dtmf('7#');
  const done = await completion(r, leg.uuid, 'pagd-3');
  t.equal(variable(done, 'line_choice'), undefined);
  t.equal(variable(done, 'line_choice_invalid'), '7');
  t.equal(variable(done, 'read_terminator_used'), '#');
  t.equal(variable(done, 'read_result'), 'success', 'read itself succeeded; the regex failed afterwards');
});

t.test('playback: FILE PLAYED (also when broken), FILE NOT FOUND without PLAYBACK events; uuid_break', async (t) => {
  const r = rig(t, { prompts: { 'long.wav': 30, 'gone.wav': null } });
  const leg = await parkedLeg(r);
  execute(r, leg.uuid, 'playback', 'gone.wav', 'pb-1');
  t.equal(header(await completion(r, leg.uuid, 'pb-1'), 'Application-Response'), 'FILE NOT FOUND');
  t.notOk(r.of(leg.uuid).some((e) => e.name === 'PLAYBACK_START'));
  execute(r, leg.uuid, 'playback', 'long.wav', 'pb-2');
  await until(() => r.of(leg.uuid).some((e) => e.name === 'PLAYBACK_START'));
  t.equal(await r.engine.api('uuid_break', leg.uuid), '+OK\n');
  const done = await completion(r, leg.uuid, 'pb-2');
  t.equal(header(done, 'Application-Response'), 'FILE PLAYED');
  t.equal(
    header(
      r.of(leg.uuid).find((e) => e.name === 'PLAYBACK_STOP'),
      'Playback-Status',
    ),
    'break',
  );
  t.equal(await r.engine.api('uuid_break', 'nope'), '-ERR No such channel!\n');
});

t.test('sendmsg: hangup with a cause; unknown uuid; PRIVATE_COMMAND echoes the command', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  t.equal(r.engine.sendmsg('0000', [['call-command', 'hangup']], undefined), '-ERR invalid session id [0000]');
  t.equal(
    r.engine.sendmsg(
      leg.uuid,
      [
        ['call-command', 'hangup'],
        ['hangup-cause', 'USER_BUSY'],
      ],
      undefined,
    ),
    '+OK',
  );
  await leg.destroyed;
  t.equal(leg.hangupCause, 'USER_BUSY');
  const names = sequence(r.of(leg.uuid));
  t.ok(names.indexOf('CHANNEL_HANGUP(USER_BUSY)') < names.indexOf('CHANNEL_UNPARK'), 'the hangup ends the park');
  t.ok(names.indexOf('CHANNEL_EXECUTE_COMPLETE(park)') < names.indexOf('CHANNEL_HANGUP_COMPLETE(USER_BUSY)'));
  const echoed = r.events.find((e) => e.name === 'PRIVATE_COMMAND');
  t.equal(echoed?.headers[0]?.[0], 'call-command', 'the command headers come first');
});

t.test('channel events are written on first read, showing the channel as it was when fired; their routing keys agree with the headers', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  await r.engine.api('uuid_setvar', `${leg.uuid} cti_mark before`);
  const fired = r.events.length;
  t.equal(execute(r, leg.uuid, 'playback', 'silence_stream://100', 'ev-mark'), '+OK');
  await until(() => r.events.slice(fired).some((e) => e.name === 'CHANNEL_EXECUTE'));
  const executeEvent = r.events.slice(fired).find((e) => e.name === 'CHANNEL_EXECUTE')!;
  await r.engine.api('uuid_setvar', `${leg.uuid} cti_mark after`);
  t.equal(variable(executeEvent, 'cti_mark'), 'before', 'read after the channel changed, the event still shows it as it was');
  await completion(r, leg.uuid, 'ev-mark');
  await r.engine.api('uuid_kill', leg.uuid);
  await leg.destroyed;

  const first = (e: SimEvent, name: string) => e.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  const keyed = r.events.filter((e) => e.routingKeys !== undefined);
  t.ok(keyed.length >= 10, `${keyed.length} events carried their routing keys`);
  t.ok(
    r.of(leg.uuid).every((e) => e.routingKeys?.uuid === leg.uuid),
    'every event of the leg has them',
  );
  t.same(
    keyed.map((e) => [e.name, e.routingKeys!.uuid, e.routingKeys!.jobOwner]),
    keyed.map((e) => [e.name, first(e, 'Unique-ID'), first(e, 'Job-Owner-UUID')]),
    'the keys known before writing are the first Unique-ID and Job-Owner-UUID of the written headers',
  );
});

// ---------------------------------------------------------------- API commands

t.test('hangup causes: names in any case, numbers, and unknown names as FreeSWITCH parses them', async (t) => {
  const r = rig(t);
  const cases: Array<[string, string, string]> = [
    ['user_busy', 'USER_BUSY', '17'],
    ['17', 'USER_BUSY', '17'],
    ['bogus', 'NORMAL_CLEARING', '16'],
    ['', 'NORMAL_CLEARING', '16'],
    ['ORIGINATOR_CANCEL', 'ORIGINATOR_CANCEL', '16'],
  ];
  for (const [given, cause, q850] of cases) {
    const leg = await parkedLeg(r, '1006');
    await r.engine.api('uuid_kill', given ? `${leg.uuid} ${given}` : leg.uuid);
    await leg.destroyed;
    const done = r.of(leg.uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
    t.equal(header(done, 'Hangup-Cause'), cause, `uuid_kill ${given || '(no cause)'}`);
    t.equal(variable(done, 'hangup_cause_q850'), q850, 'q850 of causes above 127 is 16');
  }
  t.equal(await r.engine.api('hupall', ''), '+OK hangup all channels with cause MANAGER_REQUEST\n');
  t.equal(await r.engine.api('hupall', 'normal_clearing cti_mode main'), '+OK hangup all channels matching [cti_mode]=[main] with cause: NORMAL_CLEARING\n');
});

const CHANNEL_KEYS = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
  'application',
  'application_data',
  'dialplan',
  'context',
  'read_codec',
  'read_rate',
  'read_bit_rate',
  'write_codec',
  'write_rate',
  'write_bit_rate',
  'secure',
  'hostname',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
  'call_uuid',
  'sent_callee_name',
  'sent_callee_num',
  'initial_cid_name',
  'initial_cid_num',
  'initial_ip_addr',
  'initial_dest',
  'initial_dialplan',
  'initial_context',
];

t.test('show channels as json: the exact shape, and the empty form', async (t) => {
  const r = rig(t);
  t.equal(await r.engine.api('show', 'channels as json'), '{"row_count": 0}\n', 'empty: a space, a newline, no rows');
  t.equal(await r.engine.api('show', 'channels'), '\n0 total.\n');
  const leg = await parkedLeg(r);
  const text = await r.engine.api('show', 'channels as json');
  t.notOk(text.endsWith('\n'), 'no trailing newline');
  const json = JSON.parse(text) as { row_count: unknown; rows: Array<Record<string, unknown>> };
  t.equal(json.row_count, 1, 'row_count is a number');
  t.same(Object.keys(json.rows[0]!), CHANNEL_KEYS, 'columns in table order');
  t.ok(
    Object.values(json.rows[0]!).every((v) => typeof v === 'string'),
    'every value a string',
  );
  t.match(json.rows[0], {
    uuid: leg.uuid,
    direction: 'outbound',
    state: 'CS_EXECUTE',
    callstate: 'ACTIVE',
    application: 'park',
    dest: '1005',
    read_codec: 'PCMA',
  });
  t.match(json.rows[0]?.created_epoch, /^\d{10}$/);
  t.equal(await r.engine.api('show', 'channels count as json'), '{"row_count":1,"rows":[]}');
  const plain = await r.engine.api('show', 'channels');
  t.ok(plain.startsWith(`${CHANNEL_KEYS.join(',')}\n${leg.uuid},outbound,`));
  t.ok(plain.endsWith('\n\n1 total.\n'));
});

t.test('the core tables read events lean (variables apart) as they would read the whole header lists', async (t) => {
  const r = rig(t);
  // The engine's own table reads each event first, lean where it can; this one reads a plain
  // copy of the whole list, so the two must agree after every step.
  const whole = new ChannelTable(r.engine.events.identity.switchname);
  let lean = 0;
  r.engine.tap((e) => {
    if (e.lean?.()) lean++;
    whole.observe({ name: e.name, headers: e.headers.map(([n, v]) => [n, v]) });
  });
  const same = async (step: string) => {
    t.equal(await r.engine.api('show', 'channels as json'), rowsAsJson(whole.channelRows(), CHANNEL_COLUMNS), `channels: ${step}`);
    t.equal(await r.engine.api('show', 'calls as json'), rowsAsJson(whole.callRows(), CALL_COLUMNS), `calls: ${step}`);
  };
  const a = await parkedLeg(r, '1005');
  await same('a parked leg');
  let n = 0;
  const run = async (app: string, arg: string) => {
    const id = `lean-${++n}`;
    execute(r, a.uuid, app, arg, id);
    await completion(r, a.uuid, id);
    await same(`${app} ${arg}`);
  };
  await run('set', 'accountcode=ACC-1');
  await run('set', 'presence_id=1005@cti.local');
  await run('set', 'presence_data=desk 3');
  await run('set', 'AccountCode=other case'); // the same header name twice: read from the whole list
  await run('set', 'AccountCode=');
  await run('set', 'accountcode=ARRAY::x|:y'); // an array: read from the whole list
  await run('set', 'accountcode=ARRAY::|:y'); // whose empty first item the whole list drops
  await run('set', 'accountcode=');
  await run('playback', 'cti/welcome.wav');
  const b = await parkedLeg(r, '1006');
  t.equal(await r.engine.api('uuid_bridge', `${a.uuid} ${b.uuid}`), `+OK ${b.uuid}\n`);
  await until(() => r.of(a.uuid).some((e) => e.name === 'CHANNEL_BRIDGE'));
  await same('bridged');
  await r.engine.api('uuid_kill', b.uuid);
  await until(() => r.of(a.uuid).some((e) => e.name === 'CHANNEL_DESTROY'));
  await same('both gone');
  t.ok(lean > 20, `${lean} events read lean`);
});

t.test('other API replies as FreeSWITCH writes them', async (t) => {
  const r = rig(t);
  const leg = await parkedLeg(r);
  const api = (cmd: string, args = '') => r.engine.api(cmd, args);
  t.equal(await api('no_such_thing', 'x'), '-ERR no_such_thing Command not found!\n');
  t.equal(await api('uuid_exists', leg.uuid), 'true');
  t.equal(await api('uuid_exists', 'nope'), 'false');
  t.equal(await api('uuid_setvar', `${leg.uuid} cti_note hello world`), '+OK\n');
  t.equal(await api('uuid_getvar', `${leg.uuid} cti_note`), 'hello world', 'raw value, no newline; the value keeps its spaces');
  t.equal(await api('uuid_getvar', `${leg.uuid} nothing_here`), '_undef_');
  t.equal(await api('uuid_getvar', `${leg.uuid} hold_music`), 'local_stream://moh', 'global variables are visible through the channel');
  t.equal(await api('uuid_setvar', `${leg.uuid} cti_note`), '+OK\n');
  t.equal(await api('uuid_getvar', `${leg.uuid} cti_note`), '_undef_', 'no value unsets');
  t.equal(await api('uuid_getvar', 'nope x'), '-ERR No such channel!\n');
  t.equal(await api('uuid_answer', leg.uuid), '+OK\n', 'an outbound leg: success, nothing done');
  t.equal(await api('uuid_answer', 'nope'), '-ERROR\n');
  t.equal(await api('uuid_hold', 'nope'), '+OK Success\n', 'unknown uuid still succeeds (the status starts as success)');
  t.equal(await api('uuid_hold', `off ${leg.uuid}`), '-ERR Operation failed\n', 'not held');
  t.equal(await api('uuid_bridge', `${leg.uuid} nope`), '-ERR Invalid uuid\n');
  t.equal(await api('uuid_transfer', 'nope 123'), '-ERR No such channel!\n');
  t.equal(await api('reloadxml'), '+OK [Success]\n');
  t.match(
    await api('status'),
    /^UP 0 years, 0 days, 0 hours, 0 minutes, \d+ seconds?, \d+ milliseconds?, \d+ microseconds?\nFreeSWITCH \(Version .*\) is ready\n\d+ session\(s\) since startup\n1 session\(s\) - peak \d+, last 5min \d+ \n/,
  );
  t.match(await api('sofia', 'status'), /external::telecom-trunk\tgateway\t/);
  t.match(await api('sofia', 'status'), /\n2 profiles 0 aliases\n$/);
});

// ---------------------------------------------------------------- both halves over TCP

t.test("end to end over TCP: the outbound socket reaches a controller with the dialplan's variables in CHANNEL_DATA", async (t) => {
  const { createServer, connect } = await import('node:net');
  const { startSimulator } = await import('../src/sim/index.js');
  const received: string[] = [];
  let controllerSide: import('node:net').Socket | undefined;
  const controller = createServer((socket) => {
    controllerSide = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => received.push(chunk));
    socket.write('connect\n\n');
  });
  await new Promise<void>((resolve) => controller.listen(0, '127.0.0.1', resolve));
  t.teardown(() => controller.close());
  const port = (controller.address() as import('node:net').AddressInfo).port;
  const sim = await startSimulator({ eslPort: 0, dialplanDir: DIALPLAN, controller: { host: '127.0.0.1', port }, engine: { defaultPromptS: 0.1 } });
  t.teardown(() => sim.stop());

  const call = sim.engine.placeCall({ from: '13800138000', to: '12369', diversion: '12369' });
  await until(() => received.join('').includes('\n\n'));
  const block = received.join('');
  const lines = block.slice(0, block.indexOf('\n\n')).split('\n');
  t.equal(lines[0], 'Event-Name: CHANNEL_DATA', 'an unframed header block, first line Event-Name');
  t.notOk(block.startsWith('Content-Length'), 'no outer frame');
  const get = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
  t.equal(get('variable_cti_mode'), 'direct');
  t.equal(get('variable_cti_origin_hotline'), '12369');
  t.equal(get('variable_cti_department'), 'environment');
  t.equal(get('variable_socket_resume'), 'true');
  t.equal(get('variable_sip_h_Diversion'), '%3Csip%3A12369%4010.10.10.1%3E%3Breason%3Dunconditional', 'values url-encoded');
  t.equal(get('Channel-Destination-Number'), '12369');
  t.equal(get('Unique-ID'), call.uuid);
  t.equal(get('Reply-Text'), '%2BOK%0A');
  t.equal(get('Socket-Mode'), 'async');
  t.equal(get('Control'), 'full');

  await until(() => call.has('CF_PARK'), 2000);
  received.length = 0;
  controllerSide!.write('sendmsg\ncall-command: hangup\nhangup-cause: USER_BUSY\n\n');
  await call.destroyed;
  t.equal(call.hangupCause, 'USER_BUSY');
  await until(() => received.join('').includes('Reply-Text: +OK'));

  // The inbound side (:8021) sees the switch as the controller would.
  const client = connect(sim.port, '127.0.0.1');
  t.teardown(() => client.destroy());
  const inbound: string[] = [];
  client.setEncoding('utf8');
  client.on('data', (chunk: string) => inbound.push(chunk));
  await until(() => inbound.join('').includes('auth/request'));
  client.write('auth ClueCon\n\n');
  await until(() => inbound.join('').includes('+OK accepted'));
  client.write('api show channels as json\n\n');
  await until(() => inbound.join('').includes('row_count'));
  t.match(inbound.join(''), /Content-Type: api\/response\nContent-Length: 17\n\n\{"row_count": 0\}\n/);
});

// ---------------------------------------------------------------- scenarios

t.test('scenario files: problems come back with file, line and column', async (t) => {
  const { parseScenario } = await import('../src/sim/scenario/index.js');
  const bad = parseScenario(
    [
      'seed: 7',
      'agents:',
      '  - { id: "1001", answer_after_s: 2, talk_s: 40 }',
      '  - { id: "1001", answer_after_s: { dist: uniform, min: 9, max: 3 } }',
      'hotlines:',
      '  "12315": { answer_after_s: 5, busy: 1.5 }',
      'calls:',
      '  - { at_s: 0, from: "13800138000", to: "12345", dtmf: "1x" }',
      '  - { at_s: 1, from: "13800138000", to: "12345", colour: red }',
    ].join('\n'),
    'day.yaml',
  );
  t.equal(bad.ok, false);
  const issues = bad.ok ? [] : bad.issues;
  const at = (path: string) => issues.find((i) => i.path === path);
  t.match(at('hotlines[12315].busy'), { file: 'day.yaml', line: 6, column: 39, message: /1.5: must be <= 1/ });
  t.match(at('calls[0].dtmf'), { line: 8, message: /DTMF digits/ });
  t.match(at('calls[1].colour'), { line: 9, message: /unknown field "colour"/ });
  const syntax = parseScenario('seed: 7\ncalls: [ {at_s: 0\n', 'broken.yaml');
  t.match(syntax.ok ? undefined : syntax.issues[0], { file: 'broken.yaml', line: 3, message: /YAML syntax/ });
  const rules = parseScenario('seed: 1\nagents:\n  - { id: "1001" }\n  - { id: "1001", talk_s: { dist: uniform, min: 9, max: 3 } }\n', 'r.yaml');
  const ruleIssues = rules.ok ? [] : rules.issues;
  t.match(
    ruleIssues.find((i) => i.path === ''),
    { message: /nothing to run/ },
  );
  t.match(
    ruleIssues.find((i) => i.path === 'agents[1].id'),
    { line: 4, message: /listed twice/ },
  );
  t.match(
    ruleIssues.find((i) => i.path === 'agents[1].talk_s.min'),
    { line: 4, message: /min 9 is above max 3/ },
  );
  const trunk = parseScenario(
    'seed: 1\ncalls:\n  - { at_s: 0, from: "13800138000", to: "12345", gateway: police-110 }\n  - { at_s: 1, from: "13800138000", to: "12345", gateway: police-119 }\n',
    't.yaml',
  );
  t.match(trunk.ok ? [] : trunk.issues, [
    { path: 'calls[1].gateway', line: 4, message: /no trunk "police-119" sends calls to the simulator \(known: telecom-trunk, police-110\)/ },
  ]);
});

t.test('scenario plan: explicit calls and Poisson traffic, the same for the same seed', async (t) => {
  const { parseScenario, planCalls } = await import('../src/sim/scenario/index.js');
  const text =
    'seed: 7\ncalls:\n  - { at_s: 5, from: "13800138000", to: "12345", dtmf: "1", transfer_to: "12315" }\n' +
    'traffic: { per_hour: 3600, hours: 0.01, mix: { "12345": 0.7, "12369": 0.3 }, dtmf: { "1": 1 } }\n';
  const parsed = parseScenario(text, 's.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const a = planCalls(parsed.scenario);
  const b = planCalls(parsed.scenario);
  t.same(a, b, 'same seed, same plan');
  t.ok(a.length > 15 && a.length < 60, `about 36 arrivals in 36 s at one per second (${a.length})`);
  t.ok(
    a.every((c, i) => i === 0 || c.atS >= a[i - 1]!.atS),
    'in time order',
  );
  t.ok(a.filter((c) => c.source === 'traffic').every((c) => /^13\d{9}$/.test(c.from) && ['12345', '12369'].includes(c.to)));
  t.match(
    a.find((c) => c.source === 'calls'),
    { atS: 5, menuDigits: '1', transferTo: '12315' },
  );
  const other = parseScenario(text.replace('seed: 7', 'seed: 8'), 's.yaml');
  t.notSame(
    other.ok && planCalls(other.scenario).map((c) => c.atS),
    a.map((c) => c.atS),
    'another seed, other arrivals',
  );
});

t.test('scenario run: what the switch saw, per call, per agent and per hotline', async (t) => {
  const { parseScenario, planCalls, endpointSetup, runScenario } = await import('../src/sim/scenario/index.js');
  const parsed = parseScenario(
    [
      'seed: 3',
      'agents: [{ id: "1001", answer_after_s: 0.3, talk_s: 0.6 }]',
      'hotlines: { "12315": { answer_after_s: [0.2, 20], early_media: false } }',
      'calls:',
      '  - { at_s: 0, from: "13800138000", to: "12345" }',
      '  - { at_s: 0.1, from: "13800138001", to: "12345", hangup_after_s: 0.05 }',
    ].join('\n'),
    'run.yaml',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const setup = endpointSetup(parsed.scenario);
  const { connector } = fakeController(false);
  const r = rig(t, { seed: setup.seed, agents: setup.agents, hotlines: setup.hotlines, connector, defaultPromptS: 0.1 });
  // The controller's part, by hand: two consult attempts to a parallel hotline.
  void r.engine
    .api('originate', '{ignore_early_media=true}sofia/gateway/telecom-trunk/12315 &park()')
    .then((reply) => r.engine.api('uuid_kill', reply.slice(4, -1)));
  void r.engine.api('originate', '{ignore_early_media=true,originate_timeout=1}sofia/gateway/telecom-trunk/12315 &park()');
  const summary = await runScenario(r.engine, planCalls(parsed.scenario), { settleS: 5 });
  t.match(
    summary.calls,
    { planned: 2, offered: 2, answered: 2, bridged: 1, abandoned: 1 },
    'the fallback answers both; the second caller leaves before any bridge',
  );
  t.match(summary.agents['1001'], { offered: 1, answered: 1 });
  t.match(summary.hotlines['12315'], { attempts: 2, answered: 1, answered_within_15s: 1, cancelled: 0, counted: 2, rate: 0.5, failed: { NO_ANSWER: 1 } });
  t.equal(summary.service_level_12345, null, 'measured by the controller, not here');
  t.ok(summary.measured_by.controller.some((line) => line.startsWith('service_level_12345')));
  t.equal(summary.unfinished_channels, 0);
});

// ---------------------------------------------------------------- the controller's call flows

t.test('uuid_bridge of a socket-parked caller and an agent leg; after the agent hangs up the caller resumes its extension', async (t) => {
  const { connector, seen } = fakeController(true);
  const r = rig(t, { connector, agents: [{ id: '1007', answerAfterS: 0.1 }] });
  const caller = r.engine.placeCall({ from: '13800138000', to: '12345' });
  await until(() => seen.length === 1);
  r.engine.socketConnected(caller.uuid);
  await until(() => caller.has('CF_PARK'));
  r.engine.sendmsg(
    caller.uuid,
    [
      ['call-command', 'execute'],
      ['execute-app-name', 'answer'],
      ['Event-UUID', 'ans'],
    ],
    undefined,
  );
  await completion(r, caller.uuid, 'ans');
  const agentLeg = (await r.engine.api('originate', '{ignore_early_media=true}user/1007 &park()')).slice(4, -1);
  await until(() => r.of(agentLeg).some((e) => e.name === 'CHANNEL_PARK'));
  t.equal(await r.engine.api('uuid_bridge', `${caller.uuid} ${agentLeg}`), `+OK ${agentLeg}\n`);
  await until(() => r.events.some((e) => e.name === 'CHANNEL_BRIDGE'));
  const names = sequence(r.of(caller.uuid));
  t.ok(names.indexOf('CHANNEL_UNPARK') < names.indexOf('CHANNEL_EXECUTE_COMPLETE(socket)'), 'the socket app leaves its park');
  t.ok(names.indexOf('CHANNEL_EXECUTE_COMPLETE(socket)') < names.indexOf('CHANNEL_EXECUTE(uuid_bridge)'), 'then uuid_bridge runs');
  t.ok(sequence(r.of(agentLeg)).includes('CHANNEL_EXECUTE_COMPLETE(park)'), 'the agent leg leaves its park too');
  t.equal(caller.getVar('transfer_source')?.split(':').slice(1).join(':'), `${caller.uuid}:uuid_br:${agentLeg}`);
  t.equal(r.engine.channel(agentLeg)?.getVar('call_uuid'), caller.uuid);
  // Hold: the agent side hears the hold music as a looping broadcast.
  t.equal(await r.engine.api('uuid_hold', caller.uuid), '+OK Success\n');
  await until(() => r.of(agentLeg).some((e) => e.name === 'PLAYBACK_START'));
  t.equal(
    header(
      r.of(agentLeg).find((e) => e.name === 'PLAYBACK_START'),
      'Playback-File-Path',
    ),
    'local_stream://moh',
  );
  t.equal(
    header(
      r.of(agentLeg).find((e) => e.name === 'PLAYBACK_START'),
      'Playback-File-Type',
    ),
    'local_stream',
  );
  t.equal(await r.engine.api('uuid_hold', caller.uuid), '-ERR Operation failed\n', 'already held');
  t.equal(await r.engine.api('uuid_hold', `off ${caller.uuid}`), '+OK Success\n');
  await until(() => r.of(agentLeg).some((e) => e.name === 'PLAYBACK_STOP'));
  t.same(sequence(r.of(caller.uuid).filter((e) => e.name.includes('HOLD') || e.name === 'CHANNEL_CALLSTATE')).slice(-4), [
    'CHANNEL_HOLD',
    'CHANNEL_CALLSTATE(HELD)',
    'CHANNEL_UNHOLD',
    'CHANNEL_CALLSTATE(UNHELD)',
  ]);
  r.engine.agent('1007').hangup();
  await until(() => caller.profile.destinationNumber === 'cti_fallback');
  t.ok(sequence(r.of(caller.uuid)).includes('CHANNEL_UNBRIDGE'));
  t.ok(caller.ready, 'no hangup_after_bridge: the caller goes on to the action after socket (the fallback)');
});

t.test('three-way call: conference members join and leave with conference::maintenance events', async (t) => {
  const r = rig(t);
  const a = await parkedLeg(r, '1008');
  const b = await parkedLeg(r, '1009');
  for (const leg of [a, b]) execute(r, leg.uuid, 'conference', 'cti-3way-1@default', `conf-${leg.uuid}`);
  await until(() => r.events.filter((e) => e.subclass === 'conference::maintenance' && header(e, 'Action') === 'add-member').length === 2);
  r.engine.agent('1008').hangup();
  r.engine.agent('1009').hangup();
  await b.destroyed;
  await a.destroyed;
  const conf = r.events.filter((e) => e.subclass === 'conference::maintenance');
  t.same(
    conf.map((e) => `${header(e, 'Action')}:${header(e, 'Conference-Size')}`),
    ['conference-create:0', 'add-member:1', 'add-member:2', 'del-member:1', 'del-member:0', 'conference-destroy:0'],
  );
  const add = conf[1]!;
  t.equal(add.name, 'CUSTOM');
  t.equal(header(add, 'Event-Subclass'), 'conference::maintenance');
  t.equal(add.headers[add.headers.length - 1]?.[0], 'Action', 'Action last');
  t.equal(header(add, 'Conference-Name'), 'cti-3way-1');
  t.equal(header(add, 'Unique-ID'), a.uuid);
  t.equal(variable(add, 'uuid'), undefined, 'member events carry no variables');
  t.ok(Number(header(conf[2], 'Member-ID')) > Number(header(add, 'Member-ID')));
});

t.test('bridge app on early media: bridged at the 183, the caller answered when the far end answers', async (t) => {
  const dialplan = dialplanDir(
    t,
    `
  <extension name="t"><condition field="destination_number" expression="^12345$">
    <action application="bridge" data="{originate_timeout=5}sofia/gateway/telecom-trunk/12315"/>
  </condition></extension>`,
  );
  const r = rig(t, { dialplan, hotlines: { '12315': { answerAfterS: 0.6 } } });
  const caller = r.engine.placeCall({ from: '13800138000', to: '12345' });
  await until(() => caller.answered);
  const names = sequence(r.events.filter((e) => ['CHANNEL_BRIDGE', 'CHANNEL_ANSWER', 'CHANNEL_PROGRESS_MEDIA'].includes(e.name)));
  t.same(
    names,
    ['CHANNEL_PROGRESS_MEDIA', 'CHANNEL_BRIDGE', 'CHANNEL_ANSWER', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_ANSWER'],
    'B early media, bridge, B answer, then the caller (183 then 200 on its side)',
  );
  t.equal(caller.getVar('DIALSTATUS'), 'SUCCESS');
  t.equal(header(r.events.filter((e) => e.name === 'CHANNEL_ANSWER')[1], 'Unique-ID'), caller.uuid);
});

t.test('an agent who takes one call at a time: busy while talking, and of two rings at once answers one', async (t) => {
  const { engine } = rig(t, { agents: [{ id: '1001', answerAfterS: 0.2, oneCallAtATime: true }] });
  t.match(await engine.api('originate', '{originate_timeout=5}user/1001 &park()'), /^\+OK /, 'the first call is answered');
  t.equal(await engine.api('originate', '{originate_timeout=5}user/1001 &park()'), '-ERR USER_BUSY\n', 'a second call while talking: 486');
  const second = rig(t, { agents: [{ id: '1002', answerAfterS: 0.2, oneCallAtATime: true }] }).engine;
  const both = await Promise.all([
    second.api('originate', '{originate_timeout=1}user/1002 &park()'),
    second.api('originate', '{originate_timeout=1}user/1002 &park()'),
  ]);
  t.same(both.map((r) => r.startsWith('+OK')).sort(), [false, true], 'rung twice at once, the agent picks up one; the other rings out');
  t.match(
    both.find((r) => !r.startsWith('+OK')),
    /NO_ANSWER/,
  );
});

t.test('originated_legs lists every leg a bridge placed, the one that answered too (switch_ivr_originate.c ~3219)', async (t) => {
  const r = rig(t, {
    agents: [
      { id: '1001', answerAfterS: 0.2, reject: 1 },
      { id: '1002', answerAfterS: 0.2, talkS: 0.3 },
    ],
  });
  const leg = await parkedLeg(r);
  t.equal(execute(r, leg.uuid, 'set', 'continue_on_fail=true', 'set-1'), '+OK');
  t.equal(execute(r, leg.uuid, 'bridge', 'user/1001', 'bridge-1'), '+OK');
  await completion(r, leg.uuid, 'bridge-1');
  t.equal(execute(r, leg.uuid, 'bridge', 'user/1002', 'bridge-2'), '+OK');
  await completion(r, leg.uuid, 'bridge-2');
  const legs = (leg.getVar('originated_legs') ?? '')
    .replace(/^ARRAY::/, '')
    .split('|:')
    .map((l) => l.split(';')[2]);
  t.same(legs, ['1001', '1002'], 'the declined leg and the answered one');
  t.equal(leg.getVar('last_bridge_to')?.length, 36, 'last_bridge_to names the answered leg');
  t.match(leg.getVar('originated_legs'), new RegExp(`${leg.getVar('last_bridge_to')};`), 'which is in originated_legs');
});
