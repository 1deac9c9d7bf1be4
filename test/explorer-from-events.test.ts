// "Paste the events, replay" (scripts/explorer/from-events.ts): production ESL events turned
// into explorer traffic. A hand-made plain-format capture of one call to 12345
// (test/fixtures/explorer/one-call.events.txt), the same call as JSON and as bare blocks, a
// handful of JSON events for each behaviour the simulator can replay, real third-party captures,
// garbage; and the fixture's traffic run through the explorer end to end.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { trafficFromEvents } from '../scripts/explorer/from-events.js';
import { checkAll } from '../scripts/explorer/invariants.js';
import { loadShippedConfig, projectDir } from '../scripts/explorer/rig.js';
import { explore } from '../scripts/explorer/run.js';
import type { CallItem, Traffic } from '../scripts/explorer/traffic.js';

const plan = (await loadShippedConfig()).routing;
const fixture = (path: string) => readFileSync(join(projectDir, 'test', 'fixtures', path), 'utf8');
const ONE_CALL = fixture('explorer/one-call.events.txt');

const calls = (traffic: Traffic) => traffic.items.filter((i): i is CallItem => i.kind === 'call');
const agent = (traffic: Traffic, id: string) => traffic.agents.find((a) => a.id === id);

/** The fixture's call: 10:15:02.12 in Shanghai, as µs since the epoch. */
const T0 = 1_773_108_902_120_000;
const at = (s: number) => String(T0 + s * 1_000_000);
const CALLER = '3f2a9c1e-7b4d-4e2a-9c61-0d5b8e7f1a24';
const LEG = '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

/** The same call as `event json` gives it, with only the headers that matter here. */
const ONE_CALL_JSON = [
  {
    'Event-Name': 'CHANNEL_CREATE',
    'Event-Date-Timestamp': at(0),
    'Unique-ID': CALLER,
    'Call-Direction': 'inbound',
    'Channel-Name': 'sofia/external/13912345678@10.10.10.1',
    'Caller-Caller-ID-Number': '13912345678',
    'Caller-Destination-Number': '12345',
    'Caller-Context': 'public',
    'Caller-Network-Addr': '10.10.10.1',
  },
  { 'Event-Name': 'DTMF', 'Event-Date-Timestamp': at(3), 'Unique-ID': CALLER, 'Call-Direction': 'inbound', 'DTMF-Digit': '1' },
  {
    'Event-Name': 'CHANNEL_CREATE',
    'Event-Date-Timestamp': at(8),
    'Unique-ID': LEG,
    'Call-Direction': 'outbound',
    'Channel-Name': 'sofia/internal/1002@10.10.20.31:5062',
    'Caller-Destination-Number': '1002',
    'Caller-Context': 'public',
    variable_dialed_user: '1002',
  },
  { 'Event-Name': 'CHANNEL_ANSWER', 'Event-Date-Timestamp': at(11), 'Unique-ID': LEG, 'Call-Direction': 'outbound' },
  {
    'Event-Name': 'CHANNEL_HANGUP_COMPLETE',
    'Event-Date-Timestamp': at(40),
    'Unique-ID': LEG,
    'Call-Direction': 'outbound',
    'Hangup-Cause': 'NORMAL_CLEARING',
    variable_sip_hangup_disposition: 'recv_bye',
  },
  {
    'Event-Name': 'CHANNEL_HANGUP_COMPLETE',
    'Event-Date-Timestamp': at(52),
    'Unique-ID': CALLER,
    'Call-Direction': 'inbound',
    'Hangup-Cause': 'NORMAL_CLEARING',
    variable_sip_hangup_disposition: 'recv_bye',
  },
];

t.test('the fixture: one call to 12345, its key, its hangup, the agent who took it', async (t) => {
  const { traffic, notes } = trafficFromEvents(ONE_CALL, plan);
  t.match(notes[0], /^read 13 event\(s\) from frames$/, 'every frame of the fixture read, none skipped');
  const [call, ...more] = calls(traffic);
  t.equal(more.length, 0, 'exactly one call');
  t.match(call, { id: 'c0', atMs: 1000, from: '13912345678', to: '12345', hangupAfterS: 52 });
  t.same(call!.dtmf, [{ at_s: 3, digits: '1' }]);
  t.notOk(call!.diversion ?? call!.network, 'neither forwarded nor from the 110 platform');
  t.match(agent(traffic, '1002'), { registered: true, answerAfterS: 3, talkS: 29, reject: 0, busy: 0 });
  t.same(traffic.readySeats, ['1002'], 'only the seat seen is ready');
  t.equal(traffic.agents.length, plan.seats.length, 'every seat has a softphone');
  t.match(agent(traffic, '1001'), { answerAfterS: 5 }, 'a seat not seen gets the default');
  t.ok(
    notes.some((n) => /seats not seen in the events: 1001, 1003/.test(n)),
    'the defaults are named',
  );
  t.ok(
    notes.some((n) => /desktop \(transfers/.test(n)),
    'what is not replayed is said',
  );
  t.equal(traffic.seed, 1);
  t.same(
    traffic.items.filter((i) => i.kind !== 'call'),
    [],
    'no desk actions, no faults',
  );
  t.notOk(notes.join('\n').includes('13912345678'), 'the caller number is masked in the notes');
});

t.test('the same events as JSON lines, as a JSON array out of order, and as bare blocks', async (t) => {
  const fromFrames = trafficFromEvents(ONE_CALL, plan).traffic;
  const lines = trafficFromEvents(ONE_CALL_JSON.map((e) => JSON.stringify(e)).join('\n'), plan);
  t.match(lines.notes[0], /^read 6 event\(s\) from json$/);
  t.same(lines.traffic.items, fromFrames.items, 'JSON lines: the same call');
  t.same(agent(lines.traffic, '1002'), agent(fromFrames, '1002'), 'JSON lines: the same agent');
  t.same(lines.traffic.readySeats, ['1002']);
  const array = trafficFromEvents(JSON.stringify([...ONE_CALL_JSON].reverse(), null, 2), plan).traffic;
  t.same(array.items, fromFrames.items, 'a pretty-printed array in reverse order: the same call (sorted by the switch clock)');
  // what fs_cli prints, or a copy of the bodies only, with a Windows terminal's line ends
  const bare = ONE_CALL.replace(/^Content-Length: \d+\nContent-Type: text\/event-plain\n\n/gm, '').replace(/\n/g, '\r\n');
  const fromBare = trafficFromEvents(bare, plan);
  t.match(fromBare.notes[0], /^read 13 event\(s\) from bare blocks$/);
  t.same(fromBare.traffic.items, fromFrames.items, 'bare blocks: the same call');
  t.same(agent(fromBare.traffic, '1002'), agent(fromFrames, '1002'));
});

t.test('a frame whose Content-Length an editor broke is read back from the dropped bytes', async (t) => {
  const broken = ONE_CALL.replace(/^Content-Length: (\d+)$/m, (_, n: string) => `Content-Length: ${Number(n) - 7}`);
  const { traffic, notes } = trafficFromEvents(broken, plan);
  t.match(notes[0], /read 13 event\(s\) from frames; 1 of them read from bytes the frame parser dropped/);
  t.match(calls(traffic)[0], { from: '13912345678', hangupAfterS: 52 });
});

t.test('each behaviour the simulator can replay', async (t) => {
  const ev = (name: string, s: number, uuid: string, more: Record<string, string> = {}) =>
    JSON.stringify({ 'Event-Name': name, 'Event-Date-Timestamp': at(s), 'Unique-ID': uuid, ...more });
  const inbound = { 'Call-Direction': 'inbound', 'Caller-Context': 'public' };
  const seat = (id: string) => ({ 'Call-Direction': 'outbound', 'Channel-Name': `sofia/internal/${id}@10.10.20.31`, 'Caller-Destination-Number': id });
  const dept = { 'Call-Direction': 'outbound', 'Channel-Name': 'sofia/gateway/telecom-trunk/12333', 'Caller-Destination-Number': '12333' };
  const text = [
    // a forwarded call from the 110 platform's network (diversion with +86), ended by the switch
    ev('CHANNEL_CREATE', 0, 'a', {
      ...inbound,
      'Caller-Caller-ID-Number': '02584000000',
      'Caller-Destination-Number': '12345',
      'Caller-Network-Addr': '10.20.30.7',
      variable_sip_h_Diversion: '<sip:+8612316@10.10.10.1>;reason=unconditional',
    }),
    ev('CHANNEL_EXECUTE_COMPLETE', 2, 'a', {
      Application: 'bridge',
      'Application-Data': '{origination_uuid=x,originate_timeout=20}user/1005',
      variable_originate_disposition: 'USER_NOT_REGISTERED',
    }),
    ev('CHANNEL_CREATE', 3, 's1', seat('1003')),
    ev('CHANNEL_HANGUP', 7, 's1', { 'Hangup-Cause': 'CALL_REJECTED', variable_sip_hangup_disposition: 'recv_refuse' }),
    ev('CHANNEL_CREATE', 8, 's2', seat('1004')),
    ev('CHANNEL_HANGUP', 8.3, 's2', { 'Hangup-Cause': 'USER_BUSY' }),
    ev('CHANNEL_CREATE', 9, 's3', seat('1003')),
    ev('CHANNEL_ANSWER', 11, 's3'),
    // the caller left mid-talk: our side sent the agent's BYE, so the agent would have talked on
    ev('CHANNEL_HANGUP', 21, 's3', { 'Hangup-Cause': 'NORMAL_CLEARING', variable_sip_hangup_disposition: 'send_bye' }),
    ev('CHANNEL_CREATE', 30, 'd1', dept),
    ev('CHANNEL_PROGRESS_MEDIA', 30.5, 'd1'),
    ev('CHANNEL_ANSWER', 36, 'd1'),
    ev('CHANNEL_HANGUP', 56, 'd1', { 'Hangup-Cause': 'NORMAL_CLEARING', variable_sip_hangup_disposition: 'recv_bye' }),
    ev('CHANNEL_CREATE', 60, 'd2', dept),
    ev('CHANNEL_HANGUP', 60.3, 'd2', { 'Hangup-Cause': 'USER_BUSY' }),
    ev('CHANNEL_HANGUP', 61, 'a', { 'Hangup-Cause': 'NORMAL_CLEARING', variable_sip_hangup_disposition: 'send_bye' }),
    // a second caller, 90 s later, who gives up while it rings (no disposition: the cause says so)
    ev('CHANNEL_CREATE', 90, 'b', { ...inbound, 'Caller-Caller-ID-Number': '13800138000', 'Caller-Destination-Number': '12333' }),
    ev('DTMF', 92.04, 'b', { 'DTMF-Digit': '#' }),
    ev('CHANNEL_HANGUP_COMPLETE', 95.5, 'b', { 'Hangup-Cause': 'ORIGINATOR_CANCEL' }),
  ].join('\n');
  const { traffic, notes } = trafficFromEvents(text, plan);
  const [a, b] = calls(traffic);
  t.match(a, { id: 'c0', atMs: 1000, to: '12345', diversion: '12316', network: '10.20.30.7', hangupAfterS: 1800 });
  t.ok(
    notes.some((n) => /^c0: the switch ended it \(NORMAL_CLEARING, send_bye\) after 61 s; .* 1800 s/.test(n)),
    'the switch ended c0: bounded, and said so',
  );
  t.match(b, { id: 'c1', atMs: 91_000, from: '13800138000', to: '12333', hangupAfterS: 5.5 });
  t.same(b!.dtmf, [{ at_s: 2, digits: '#' }]);
  // 1003 declined after 4 s, then answered after 2 s and talked 10 s (+60: it did not end the talk)
  t.match(agent(traffic, '1003'), { registered: true, answerAfterS: [4, 2], talkS: 70, reject: 0.5, busy: 0 });
  t.match(agent(traffic, '1004'), { registered: true, busy: 1 });
  t.match(agent(traffic, '1005'), { registered: false });
  t.same(traffic.readySeats, ['1003', '1004', '1005'], 'the seats seen, the unregistered one among them');
  t.same(traffic.hotlines, { '12333': { answerAfterS: 6, earlyMedia: true, talkS: 20, busy: 0.5, unreachable: 0 } });
});

t.test('real captures are read without error', async (t) => {
  for (let i = 1; i <= 6; i++) {
    const { notes } = trafficFromEvents(fixture(`esl-traces/neventsocket-outbound-session-${i}.txt`), plan);
    t.notMatch(notes[0], /skipped|dropped/, `session ${i}: every frame read`);
  }
  // session 1: extension 1001 dials 3, which bridges to 1003 (one of our seat ids); the caller hangs up
  const s1 = trafficFromEvents(fixture('esl-traces/neventsocket-outbound-session-1.txt'), plan).traffic;
  t.equal(calls(s1).length, 1);
  t.match(calls(s1)[0], { from: '1001', to: '3', hangupAfterS: 11.1 });
  t.match(agent(s1, '1003'), { answerAfterS: 3.4, talkS: 3.5 });
  t.same(s1.readySeats, ['1003']);
  // session 3: the caller gives up (ORIGINATOR_CANCEL) while 1003 rings
  const s3 = trafficFromEvents(fixture('esl-traces/neventsocket-outbound-session-3.txt'), plan).traffic;
  t.match(calls(s3)[0], { hangupAfterS: 9.3 });
  t.ok((agent(s3, '1003')!.answerAfterS as number) > 9.3, 'the ring that was never answered is not answered in the replay either');
  // session 5: 1003 declines (CALL_REJECTED)
  t.match(agent(trafficFromEvents(fixture('esl-traces/neventsocket-outbound-session-5.txt'), plan).traffic, '1003'), { reject: 1 });
  // the body alone of a CHANNEL_HANGUP_COMPLETE: read as a bare block
  const body = trafficFromEvents(fixture('esl-traces/cgrates-channel-hangup-complete.body.txt'), plan);
  t.match(body.notes[0], /^read 1 event\(s\) from bare blocks$/);
});

t.test('garbage: no throw, no calls, a note', async (t) => {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
  const inputs = [
    '',
    'hello\nworld\n\n',
    bytes.toString('latin1'),
    'Content-Length: 5\nContent-Type: text/event-plain\n\nxx',
    'Content-Length: 99999999999\nContent-Type: text/event-plain\n\n',
    '{"Event-Name": "CHANNEL_CREATE", "nested": {"x": [1]}} {broken',
    '[1, 2, "three"]',
    '{"Event-Name": "CHANNEL_CREATE", "Unique-ID": "u", "Call-Direction": "inbound"}',
    ONE_CALL.slice(0, 300), // a paste cut before the first event says whose channel it is
  ];
  for (const input of inputs) {
    let out: ReturnType<typeof trafficFromEvents> | undefined;
    t.doesNotThrow(() => (out = trafficFromEvents(input, plan)), JSON.stringify(input.slice(0, 40)));
    t.same(out?.traffic.items, [], 'no calls');
    t.ok(
      out?.notes.some((n) => /no citizen's call found/.test(n)),
      'a note says so',
    );
    t.same(out?.traffic.readySeats.length, plan.seats.length, 'every seat ready, none having been seen');
  }
  const junk = trafficFromEvents('Content-Length: 5\nContent-Type: text/event-plain\n\nxx', plan);
  t.match(junk.notes[0], /1 frame\(s\) or block\(s\) could not be read and were skipped/);
  const json = trafficFromEvents('{"Event-Name": "CHANNEL_CREATE", "nested": {"x": [1]}} {broken', plan);
  t.match(json.notes[0], /^read 0 event\(s\) from json; 2 frame\(s\) or block\(s\) could not be read/);
});

t.test('end to end: the fixture replayed through the switch and the controller', async (t) => {
  const { traffic } = trafficFromEvents(ONE_CALL, plan);
  const r = await explore({ seed: 1, calls: 0, given: traffic });
  const h = r.history;
  t.equal(h.callers.length, 1, 'one caller placed');
  const caller = h.callers[0]!;
  const record = h.records.find((x) => x.id === caller.uuid);
  t.match(record, { outcome: 'answered', agent_id: '1002' });
  t.same(checkAll(h), [], 'every invariant held');
  // the seat behaves as observed; when it is rung is the controller's choice, so the survey
  // after the talk may end the call before the caller's own hangup at 52 s comes due
  const leg = h.legs.find((l) => l.seat === '1002' && l.callerUuid === caller.uuid);
  t.equal(leg && leg.answeredAt! - leg.createdAt, 3000, 'the agent answered 3 s after the ring began');
  t.equal(leg && leg.hungUpAt! - leg.answeredAt!, 29_000, 'and hung up after 29 s of talk');
  t.ok(caller.hungUpAt! - caller.placedAt <= 52_000, 'the call was over by 52 s');
});
