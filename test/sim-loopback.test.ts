// Calls the simulated switch places to itself, as the unattended test box of docs/real-freeswitch.md uses
// them: loopback legs (mod_loopback.c), directory users whose dial-string is a loopback
// (mod_dptools.c user_outgoing_channel), gateways pointed at a profile of the same switch (a SIP
// hop: mod_sofia.c sofia_on_hangup, sofia_glue.c), uuid_send_dtmf (mod_commands.c,
// switch_core_io.c) and respond (mod_dptools.c, mod_sofia.c). Engine only, a recording bus.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimEvent } from '../src/sim/contracts.js';
import { DialplanFiles } from '../src/sim/engine/index.js';
import { hangupCauseToSip, sipCauseToFreeswitch } from '../src/sim/engine/pairs.js';
import { DIALPLAN, header, rig, until, variable, type Rig } from './support/sim-rig.js';

/** A dialplan folder with one top-level file holding context `t` (as conf/dialplan/*.xml do). */
function contextDir(t: Test, extensions: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-lb-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 't.xml'), `<?xml version="1.0"?>\n<include><context name="t">\n${extensions}\n</context></include>\n`);
  return dir;
}

const ext = (name: string, pattern: string, actions: string) =>
  `<extension name="${name}"><condition field="destination_number" expression="${pattern}">${actions}</condition></extension>`;
const act = (app: string, data?: string) => `<action application="${app}"${data === undefined ? '' : ` data="${data}"`}/>`;

const names = (events: SimEvent[], uuid: string) => events.filter((e) => header(e, 'Unique-ID') === uuid).map((e) => e.name);
const first = (r: Rig, uuid: string, name: string) => r.of(uuid).find((e) => e.name === name);
const bLegOf = (r: Rig, a: string) =>
  header(
    r.events.find((e) => e.name === 'CHANNEL_CREATE' && variable(e, 'other_loopback_leg_uuid') === a),
    'Unique-ID',
  )!;

t.test('loopback: two legs, the -b leg routed in the given context; its ring and answer mark the -a leg first', async (t) => {
  const r = rig(t, {
    dialplan: contextDir(t, ext('e', '^100$', act('ring_ready') + act('sleep', '100') + act('answer') + act('sleep', '200') + act('hangup', 'USER_BUSY'))),
  });
  const reply = await r.engine.api('originate', '{origination_uuid=aaaa-1,origination_caller_id_number=13900000001,cti_probe=x}loopback/100/t &park()');
  t.equal(reply, '+OK aaaa-1\n', 'the originate returns once the -a leg is answered');
  const b = bLegOf(r, 'aaaa-1');
  const aCreate = first(r, 'aaaa-1', 'CHANNEL_CREATE')!;
  const bCreate = first(r, b, 'CHANNEL_CREATE')!;
  t.equal(header(aCreate, 'Channel-Name'), 'loopback/100-a');
  t.equal(header(bCreate, 'Channel-Name'), 'loopback/100-b');
  t.equal(header(aCreate, 'Call-Direction'), 'outbound');
  t.equal(header(bCreate, 'Call-Direction'), 'inbound');
  t.equal(header(bCreate, 'Caller-Context'), 't', 'the context after the first /');
  t.equal(header(bCreate, 'Caller-Source'), 'mod_loopback');
  t.equal(header(bCreate, 'Caller-Caller-ID-Number'), '13900000001', "a copy of the -a leg's caller profile");
  t.equal(header(bCreate, 'Caller-Destination-Number'), '100');
  t.equal(variable(aCreate, 'other_loopback_leg_uuid'), b);
  t.equal(variable(aCreate, 'loopback_leg'), 'A');
  t.equal(variable(bCreate, 'loopback_leg'), 'B');
  t.equal(variable(bCreate, 'cti_probe'), 'x', "the originate's variables are the -b leg's too");
  t.equal(variable(bCreate, 'origination_uuid'), 'aaaa-1', 'all of them (origination_uuid was not yet removed when they were kept)');
  t.ok(r.events.indexOf(aCreate) < r.events.indexOf(bCreate), "the -b leg starts after the -a leg's CHANNEL_CREATE");
  const order = r.events
    .filter((e) => ['CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_ANSWER'].includes(e.name))
    .map((e) => `${e.name}:${header(e, 'Unique-ID') === b ? 'b' : 'a'}`);
  t.same(
    order,
    ['CHANNEL_PROGRESS:a', 'CHANNEL_PROGRESS:b', 'CHANNEL_ANSWER:a', 'CHANNEL_ANSWER:b'],
    'the -a leg first (channel_receive_message), and no 183 step on the -b leg',
  );
  await until(() => r.of('aaaa-1').some((e) => e.name === 'CHANNEL_DESTROY'));
  const aDone = first(r, 'aaaa-1', 'CHANNEL_HANGUP_COMPLETE')!;
  const bDone = first(r, b, 'CHANNEL_HANGUP_COMPLETE')!;
  t.equal(header(bDone, 'Hangup-Cause'), 'USER_BUSY');
  t.equal(header(aDone, 'Hangup-Cause'), 'USER_BUSY', 'the other leg goes down with the same cause (channel_on_hangup)');
  t.equal(variable(bDone, 'is_loopback'), '1');
  t.ok(r.events.indexOf(first(r, 'aaaa-1', 'CHANNEL_HANGUP')!) < r.events.indexOf(bDone), "in the -b leg's hangup state, before its HANGUP_COMPLETE");
});

t.test('loopback: a hangup of the -a leg takes the -b leg down with its cause; digits sent to the -a leg arrive on the -b leg', async (t) => {
  const r = rig(t, { dialplan: contextDir(t, ext('e', '^200$', act('answer') + act('park'))) });
  t.equal(await r.engine.api('originate', '{origination_uuid=aaaa-2}loopback/200/t &park()'), '+OK aaaa-2\n');
  const b = bLegOf(r, 'aaaa-2');
  await until(() => r.of(b).some((e) => e.name === 'CHANNEL_PARK'));
  t.equal(await r.engine.api('uuid_send_dtmf', 'aaaa-2 1#@100+2'), '+OK aaaa-2 sent DTMF 1#@100+2.\n');
  await until(() => r.of(b).filter((e) => e.name === 'DTMF').length === 3);
  t.same(
    r
      .of(b)
      .filter((e) => e.name === 'DTMF')
      .map((e) => `${header(e, 'DTMF-Digit')}/${header(e, 'DTMF-Duration')}`),
    ['1/800', '#/800', '2/2000'],
    'queued on the twin (channel_send_dtmf), @ms in samples',
  );
  t.equal(r.of('aaaa-2').filter((e) => e.name === 'DTMF').length, 0, 'none on the leg they were sent to');
  t.equal(await r.engine.api('uuid_send_dtmf', 'nope 1'), '-ERR Cannot locate session!\n');
  t.equal(await r.engine.api('uuid_send_dtmf', 'aaaa-2'), '-USAGE: <uuid> <dtmf_data>\n');
  t.equal(await r.engine.api('uuid_send_dtmf', 'aaaa-2 xyz'), '-ERR Operation failed\n', 'no digit in it');
  t.equal(await r.engine.api('uuid_kill', 'aaaa-2 CALL_REJECTED'), '+OK\n');
  await until(() => r.of(b).some((e) => e.name === 'CHANNEL_DESTROY'));
  t.equal(header(first(r, b, 'CHANNEL_HANGUP'), 'Hangup-Cause'), 'CALL_REJECTED');
});

t.test('respond: nothing on a loopback leg; on a sofia leg a code above 399 hangs up with its cause and is the final response', async (t) => {
  const r = rig(t, {
    dialplan: contextDir(
      t,
      ext('lb', '^300$', act('respond', '603') + act('answer') + act('park')) +
        ext('sip', '^400$', act('respond', '486 Busy Here') + act('answer')) +
        ext('low', '^401$', act('respond', '180') + act('respond', '302 sip:x@y') + act('hangup', 'NORMAL_CLEARING')),
    ),
    gateways: ['telecom-trunk'],
    farEnds: { 'telecom-trunk': { profile: 'cti-far-end', context: 't' } },
  });
  t.equal(
    await r.engine.api('originate', '{origination_uuid=aaaa-3}loopback/300/t &park()'),
    '+OK aaaa-3\n',
    'respond 603 did nothing: the next action answered',
  );
  t.equal(await r.engine.api('originate', '{origination_uuid=gw-4}sofia/gateway/telecom-trunk/400 &park()'), '-ERR USER_BUSY\n');
  const far = header(
    r.events.find((e) => e.name === 'CHANNEL_CREATE' && header(e, 'Caller-Destination-Number') === '400' && header(e, 'Call-Direction') === 'inbound'),
    'Unique-ID',
  )!;
  t.equal(header(first(r, far, 'CHANNEL_HANGUP'), 'Hangup-Cause'), 'USER_BUSY', 'sofia_glue_sip_cause_to_freeswitch(486)');
  t.notOk(names(r.events, far).includes('CHANNEL_ANSWER'), 'the answer after it never ran');
  await until(() => r.of('gw-4').some((e) => e.name === 'CHANNEL_DESTROY'));
  t.equal(variable(first(r, 'gw-4', 'CHANNEL_HANGUP_COMPLETE'), 'sip_term_status'), '486');
  t.equal(
    await r.engine.api('originate', '{origination_uuid=gw-5}sofia/gateway/telecom-trunk/401 &park()'),
    '-ERR NORMAL_CLEARING\n',
    '180 and 302 only log; the hangup ends it',
  );
});

t.test('a directory user with a loopback dial-string: the nested originate, its variables, and a decline', async (t) => {
  const r = rig(t, {
    dialplan: contextDir(
      t,
      ext('no', '^seat-1001$', act('ring_ready') + act('sleep', '100') + act('hangup', 'CALL_REJECTED')) +
        ext('yes', '^seat-\\d+$', act('ring_ready') + act('sleep', '100') + act('answer') + act('park')),
    ),
    directory: { '1001': 'loopback/seat-1001/t', '1002': 'loopback/seat-1002/t', '1003': 'user/1003' },
  });
  t.equal(await r.engine.api('originate', '{origination_uuid=u-2,ignore_early_media=true}user/1002 &park()'), '+OK u-2\n');
  const create = first(r, 'u-2', 'CHANNEL_CREATE')!;
  t.equal(header(create, 'Channel-Name'), 'loopback/seat-1002-a', "the leg is the dial-string's, with the uuid asked for");
  t.equal(variable(create, 'dialed_user'), '1002');
  t.equal(variable(create, 'dialed_domain'), '127.0.0.1');
  t.equal(variable(create, 'presence_id'), '1002@127.0.0.1');
  t.equal(
    names(r.events, 'u-2').filter((n) => n === 'CHANNEL_OUTGOING').length,
    2,
    "CHANNEL_OUTGOING once inside user_outgoing_channel's originate, once outside",
  );
  t.equal(
    await r.engine.api('originate', '{origination_uuid=u-1,ignore_early_media=true}user/1001 &park()'),
    '-ERR CALL_REJECTED\n',
    "the nested originate's cause",
  );
  t.equal(header(first(r, 'u-1', 'CHANNEL_HANGUP'), 'Hangup-Cause'), 'CALL_REJECTED');
  t.equal(await r.engine.api('originate', 'user/1003 &park()'), '-ERR INVALID_IE_CONTENTS\n', 'a dial-string naming the same user');
  // a forked dial: both legs ring together, the decline does not end the attempt
  const started = r.events.length;
  t.match(await r.engine.api('originate', '{ignore_early_media=true}user/1001,user/1002 &park()'), /^\+OK /);
  const legs = r.events
    .slice(started)
    .filter((e) => e.name === 'CHANNEL_CREATE' && header(e, 'Call-Direction') === 'outbound')
    .map((e) => header(e, 'Channel-Name'));
  t.same(legs, ['loopback/seat-1001-a', 'loopback/seat-1002-a'], 'both created before either answered (SOF_NOBLOCK)');
});

t.test('a gateway pointed at a profile of this switch: the far end rings in its context; causes cross as Q.850 or by SIP status', async (t) => {
  const r = rig(t, {
    dialplan: contextDir(
      t,
      ext('never', '^95598$', act('ring_ready') + act('sleep', '60000')) +
        ext('no', '^500$', act('ring_ready') + act('hangup', 'CALL_REJECTED')) +
        ext('yes', '^\\d+$', act('ring_ready') + act('sleep', '100') + act('answer') + act('park')),
    ),
    gateways: ['telecom-trunk'],
    farEnds: { 'telecom-trunk': { profile: 'cti-far-end', context: 't', address: '127.0.0.9' } },
  });
  const farOf = (number: string) =>
    header(
      r.events.find((e) => e.name === 'CHANNEL_CREATE' && header(e, 'Caller-Destination-Number') === number && header(e, 'Call-Direction') === 'inbound'),
      'Unique-ID',
    )!;
  t.equal(
    await r.engine.api(
      'originate',
      '{origination_uuid=g-1,origination_caller_id_number=12345,ignore_early_media=true}sofia/gateway/telecom-trunk/10086 &park()',
    ),
    '+OK g-1\n',
  );
  const far = farOf('10086');
  const farCreate = first(r, far, 'CHANNEL_CREATE')!;
  t.equal(header(farCreate, 'Channel-Name'), 'sofia/cti-far-end/12345@127.0.0.9');
  t.equal(header(farCreate, 'Caller-Context'), 't');
  t.equal(header(farCreate, 'Caller-Network-Addr'), '127.0.0.9');
  t.equal(variable(farCreate, 'sofia_profile_name'), 'cti-far-end');
  t.ok(names(r.events, 'g-1').includes('CHANNEL_PROGRESS'), 'its 180 made the gateway leg ring');
  t.equal(await r.engine.api('uuid_kill', 'g-1 NORMAL_CLEARING'), '+OK\n');
  await until(() => r.of(far).some((e) => e.name === 'CHANNEL_DESTROY'));
  t.equal(header(first(r, far, 'CHANNEL_HANGUP'), 'Hangup-Cause'), 'NORMAL_CLEARING', 'a BYE with Reason: Q.850;cause=16');

  t.equal(
    await r.engine.api('originate', '{origination_uuid=g-2}sofia/gateway/telecom-trunk/500 &park()'),
    '-ERR CALL_REJECTED\n',
    'a 603 with Reason Q.850;cause=21',
  );
  await until(() => r.of('g-2').some((e) => e.name === 'CHANNEL_DESTROY'));
  t.equal(variable(first(r, 'g-2', 'CHANNEL_HANGUP_COMPLETE'), 'proto_specific_hangup_cause'), 'sip:603');

  t.equal(await r.engine.api('originate', '{origination_uuid=g-3,originate_timeout=1}sofia/gateway/telecom-trunk/95598 &park()'), '-ERR NO_ANSWER\n');
  const never = farOf('95598');
  await until(() => r.of(never).some((e) => e.name === 'CHANNEL_DESTROY'));
  t.equal(header(first(r, never, 'CHANNEL_HANGUP'), 'Hangup-Cause'), 'ORIGINATOR_CANCEL', 'a CANCEL ends the far end with its 487');
});

t.test('SIP cause tables: mod_sofia hangup_cause_to_sip and sofia_glue_sip_cause_to_freeswitch', async (t) => {
  t.same(
    ['CALL_REJECTED', 'USER_BUSY', 'NO_ANSWER', 'ORIGINATOR_CANCEL', 'NORMAL_TEMPORARY_FAILURE', 'LOSE_RACE'].map(hangupCauseToSip),
    [603, 486, 480, 487, 503, 480],
  );
  t.same([603, 486, 480, 487, 503, 404, 999].map(sipCauseToFreeswitch), [
    'CALL_REJECTED',
    'USER_BUSY',
    'NO_USER_RESPONSE',
    'ORIGINATOR_CANCEL',
    'NORMAL_TEMPORARY_FAILURE',
    'UNALLOCATED_NUMBER',
    'NORMAL_UNSPECIFIED',
  ]);
});

t.test('the shipped dialplan/cti_test.xml in the simulator: seat 1001 declines, the others answer, 95598 never does', async (t) => {
  const r = rig(t, {
    directory: { '1001': 'loopback/seat-1001/cti_test', '1005': 'loopback/seat-1005/cti_test' },
    gateways: ['telecom-trunk'],
    farEnds: { 'telecom-trunk': { profile: 'cti-far-end', context: 'cti_test' } },
  });
  t.equal(await r.engine.api('originate', '{ignore_early_media=true}user/1001 &park()'), '-ERR CALL_REJECTED\n');
  t.match(await r.engine.api('originate', '{ignore_early_media=true}user/1005 &park()'), /^\+OK /);
  t.match(await r.engine.api('originate', '{ignore_early_media=true}sofia/gateway/telecom-trunk/10086 &park()'), /^\+OK /);
  t.equal(await r.engine.api('originate', '{ignore_early_media=true,originate_timeout=2}sofia/gateway/telecom-trunk/95598 &park()'), '-ERR NO_ANSWER\n');
});

t.test('dialplan folders: a top-level file is a whole context; two contexts in one file are refused', async (t) => {
  const files = new DialplanFiles(DIALPLAN);
  t.equal(files.reload(), null, 'the shipped folder (public/ and cti_test.xml) loads');
  const dir = mkdtempSync(join(tmpdir(), 'sim-lb-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'two.xml'), '<include><context name="a"></context><context name="b"></context></include>');
  t.throws(() => new DialplanFiles(dir), /one <context> per file/);
});
