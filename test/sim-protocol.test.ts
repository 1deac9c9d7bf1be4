// The simulator's protocol half, without sockets: value encoding, the three event serialisers,
// frames, the client command reader, the event builders, and their fidelity to the real
// FreeSWITCH bytes in test/fixtures/esl-traces (PROVENANCE.md there says where each comes from).
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Headers } from '../src/sim/contracts.js';
import {
  EVENT_ORIGINS,
  EventFactory,
  backgroundJobEvent,
  callerProfileHeaders,
  channelDataHeaders,
  eventNameOf,
  heartbeatEvent,
  localDate,
  rfc822Date,
  upTimeText,
  type CallerProfileSnapshot,
  type ChannelSnapshot,
  type ChannelStateName,
  type CallStateName,
  type AnswerState,
} from '../src/sim/events/index.js';
import {
  CommandReader,
  GOODBYE_TEXT,
  URL_UNSAFE,
  apiResponseFrame,
  atoi,
  authRequestFrame,
  commandReplyFrame,
  disconnectNoticeFrame,
  eventFrame,
  lingerNoticeFrame,
  rudeRejectionFrame,
  serializeJson,
  serializePlain,
  serializeXml,
  urlEncode,
  xmlText,
} from '../src/sim/wire/index.js';

const TRACES = new URL('./fixtures/esl-traces/', import.meta.url);

function trace(name: string): Buffer {
  return readFileSync(new URL(name, TRACES));
}

// ---------------------------------------------------------------------------------------
// A minimal reader for the trace files (FS → client bytes): header blocks, with a body when
// Content-Length says so. The unframed CHANNEL_DATA block has no Content-Length at all.

interface TraceFrame {
  head: string;
  body?: Buffer;
  /** the exact bytes of the frame */
  raw: Buffer;
}

function traceFrames(buf: Buffer): TraceFrame[] {
  const frames: TraceFrame[] = [];
  let pos = 0;
  while (pos < buf.length) {
    while (buf[pos] === 0x0a && pos < buf.length) pos++;
    const end = buf.indexOf('\n\n', pos);
    if (end < 0) break;
    const start = pos;
    const head = buf.subarray(pos, end).toString('utf8');
    pos = end + 2;
    const length = /^Content-Length: (\d+)$/m.exec(head);
    if (length && !head.startsWith('Event-Name:')) {
      const body = buf.subarray(pos, pos + Number(length[1]));
      pos += body.length;
      frames.push({ head, body, raw: buf.subarray(start, pos) });
    } else {
      frames.push({ head, raw: buf.subarray(start, pos) });
    }
  }
  return frames;
}

/** Percent-decoding to raw bytes, then UTF-8: what the switch had before it encoded. */
function percentDecode(value: string): string {
  const bytes = value.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** An event-plain body back into a SimEvent (header values decoded, Content-Length → body). */
function parsePlainEvent(text: string): { headers: Headers; body?: string } {
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const headers: Headers = head
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), percentDecode(line.slice(colon + 2))];
    });
  const length = headers.findIndex(([name]) => name === 'Content-Length');
  if (length < 0 || end < 0) return { headers };
  headers.splice(length, 1);
  return { headers, body: text.slice(end + 2) };
}

function headerOf(headers: Headers, name: string): string | undefined {
  return headers.find(([n]) => n === name)?.[1];
}

const eventPlainFrames = (): Array<{ file: string; frame: TraceFrame }> =>
  readdirSync(fileURLToPath(TRACES))
    .filter((file) => file.endsWith('.txt'))
    .flatMap((file) => traceFrames(trace(file)).map((frame) => ({ file, frame })))
    .filter(({ frame }) => frame.body !== undefined && frame.head.includes('Content-Type: text/event-plain'));

// ---------------------------------------------------------------------------------------

t.test('urlEncode follows switch_url_encode_opt (double_encode off)', async (t) => {
  const table: Array<[string, string, string]> = [
    ['', '', 'empty stays empty (the serialiser writes _undef_)'],
    ['abcXYZ019', 'abcXYZ019', 'letters and digits'],
    [",/'()*!.-_~$", ",/'()*!.-_~$", 'safe punctuation is left alone'],
    ['\t\x7f', '%09%7F', 'control bytes and DEL'],
    ['%41', '%41', 'a valid upper-case escape is kept (lossy, as FreeSWITCH)'],
    ['x%41y', 'x%41y', 'kept in the middle too'],
    ['%4a', '%254a', 'lower-case hex is not an escape'],
    ['%4', '%254', 'a short escape at the end is encoded'],
    ['100%', '100%25', 'a bare percent'],
    ['%%41', '%25%41', 'percent before a valid escape'],
    ['市民热线', '%E5%B8%82%E6%B0%91%E7%83%AD%E7%BA%BF', 'UTF-8, byte by byte'],
    ['Mon, 17 Dec 2007 20:31:40 GMT', 'Mon,%2017%20Dec%202007%2020%3A31%3A40%20GMT', 'the GMT date header'],
    ['#', '%23', 'DTMF-Digit #'],
    ['bad%FFname', 'bad%FFname', 'a pre-encoded invalid UTF-8 byte passes through (how the simulator injects one)'],
  ];
  for (const [input, expected, why] of table) t.equal(urlEncode(input), expected, why);
  for (const c of URL_UNSAFE) {
    if (c === '%') continue;
    t.equal(urlEncode(c), `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`, `unsafe ${JSON.stringify(c)}`);
  }
  t.equal(serializePlain({ headers: [['X', '']] }), 'X: _undef_\n\n', 'an empty value is written as _undef_');
});

t.test('text/event-plain: arrays, body length in bytes, trailing newline', async (t) => {
  t.equal(
    serializePlain({ headers: [['variable_DP_MATCH', 'ARRAY::1003|:1003']] }),
    'variable_DP_MATCH: ARRAY%3A%3A1003%7C%3A1003\n\n',
    'an array header prints its flat ARRAY:: text, encoded (trace session-1)',
  );
  t.equal(serializePlain({ headers: [['V', 'ARRAY::only']] }), 'V: only\n\n', 'a one-item array prints the item');
  t.equal(serializePlain({ headers: [['V', 'ARRAY::']] }), '\n', '"ARRAY::" alone is not a header');
  t.equal(
    serializePlain({ headers: [['Event-Name', 'BACKGROUND_JOB']], body: '+OK 受理\n' }),
    'Event-Name: BACKGROUND_JOB\nContent-Length: 11\n\n+OK 受理\n',
    'Content-Length counts UTF-8 bytes',
  );
  t.equal(serializePlain({ headers: [['A', 'b']], body: '' }), 'A: b\n\n', 'an empty body is no body');
  t.equal(
    serializePlain({
      headers: [
        ['Hangup-Cause', 'NORMAL_CLEARING'],
        ['Hangup-Cause', 'NORMAL_CLEARING'],
      ],
    }),
    'Hangup-Cause: NORMAL_CLEARING\nHangup-Cause: NORMAL_CLEARING\n\n',
    'duplicate names stay',
  );
});

t.test('text/event-json: raw values, arrays, duplicate keys, Content-Length string and _body', async (t) => {
  const event = {
    headers: [
      ['Event-Name', 'CUSTOM'],
      ['Caller-Caller-ID-Name', '张三 "VIP"'],
      ['variable_DP_MATCH', 'ARRAY::1003|:1003'],
      ['variable_one', 'ARRAY::x'],
      ['Hangup-Cause', 'A'],
      ['Hangup-Cause', 'B'],
      ['Ctl', '\u0001\n'],
    ] as Headers,
    body: '-ERR 失败\n',
  };
  const json = serializeJson(event);
  t.equal(
    json,
    '{"Event-Name":"CUSTOM","Caller-Caller-ID-Name":"张三 \\"VIP\\"","variable_DP_MATCH":["1003","1003"],' +
      '"variable_one":["x"],"Hangup-Cause":"A","Hangup-Cause":"B","Ctl":"\\u0001\\n",' +
      '"Content-Length":"12","_body":"-ERR 失败\\n"}',
  );
  t.same(JSON.parse(json)._body, '-ERR 失败\n', 'parses as JSON');
  t.equal(serializeJson({ headers: [['A', 'b']], body: '' }), '{"A":"b","Content-Length":"0","_body":""}', 'an empty body is still a body in JSON');
});

t.test('text/event-xml: the layout switch_xml_toxml produces', async (t) => {
  t.equal(
    serializeXml({
      headers: [
        ['Event-Name', 'BACKGROUND_JOB'],
        ['Job-Command', 'originate'],
        ['A', 'x y'],
        ['E', ''],
      ],
      body: '-ERR NO_ANSWER\n',
    }),
    '<event>\n  <headers>\n    <Event-Name>BACKGROUND_JOB</Event-Name>\n    <Job-Command>originate</Job-Command>\n' +
      '    <A>x%20y</A>\n    <E></E>\n  </headers>\n  <Content-Length>15</Content-Length>\n' +
      '  <body>-ERR NO_ANSWER\n  </body>\n</event>\n',
  );
  t.equal(
    serializeXml({ headers: [['V', 'ARRAY::a|:b']] }),
    '<event>\n  <headers>\n    <V>a</V>\n    <V>b</V>\n  </headers>\n</event>\n',
    'array items are elements',
  );
  t.equal(xmlText('a&b<c>d\r"'), 'a&amp;b&lt;c&gt;d&#xD;"', 'entities');
  t.equal(xmlText('热线'), '&#x70ED;&#x7EBF;', 'UTF-8 characters become upper-case hex references');
  t.equal(xmlText('x<!y&z'), 'x<!y&z', '"<!" turns escaping off for the rest');
});

t.test('frames', async (t) => {
  t.equal(authRequestFrame(), 'Content-Type: auth/request\n\n');
  t.equal(commandReplyFrame('+OK accepted'), 'Content-Type: command/reply\nReply-Text: +OK accepted\n\n');
  t.equal(commandReplyFrame('+OK Job-UUID: j1', [['Job-UUID', 'j1']]), 'Content-Type: command/reply\nReply-Text: +OK Job-UUID: j1\nJob-UUID: j1\n\n');
  t.equal(apiResponseFrame('+OK 中\n'), 'Content-Type: api/response\nContent-Length: 8\n\n+OK 中\n', 'Content-Type first, length in bytes');
  t.equal(eventFrame('json', '{}'), 'Content-Length: 2\nContent-Type: text/event-json\n\n{}', 'Content-Length first');
  t.equal(disconnectNoticeFrame(GOODBYE_TEXT), `Content-Type: text/disconnect-notice\nContent-Length: 67\n\n${GOODBYE_TEXT}`, 'plain inbound listener');
  t.equal(rudeRejectionFrame(), 'Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n');
});

t.test('frames are byte-exact against the traces', async (t) => {
  const inbound = trace('neventsocket-inbound-auth-bgapi.txt');
  const frames = traceFrames(inbound);
  t.equal(frames[0]!.raw.toString(), authRequestFrame(), 'auth/request');
  t.equal(frames[1]!.raw.toString(), commandReplyFrame('+OK accepted'), 'auth reply');
  t.equal(frames[2]!.raw.toString(), commandReplyFrame('+OK event listener enabled plain'), 'event reply');
  const job = '43e14ab9-38b1-4187-9f08-e13f35136bb2';
  t.equal(frames[3]!.raw.toString(), commandReplyFrame(`+OK Job-UUID: ${job}`, [['Job-UUID', job]]), 'bgapi reply');

  const goodbye = trace('davec82-disconnect-notice.txt').toString();
  t.equal(
    goodbye,
    `${disconnectNoticeFrame(GOODBYE_TEXT, '4192e98c-e569-11e7-b747-73bec77e82ec')}\n`,
    'final notice of a controlled session (the file keeps one extra heredoc newline)',
  );

  const session1 = traceFrames(trace('neventsocket-outbound-session-1.txt'));
  const linger = session1.find((f) => f.head.includes('Content-Disposition: linger'))!;
  t.equal(linger.raw.toString(), lingerNoticeFrame('78b86350-4fb8-4d2b-a629-1eeafd7d2f74', 'sofia/internal/1001@172.16.50.134', -1), 'linger notice');
  const final = session1.at(-1)!;
  t.equal(final.raw.toString(), disconnectNoticeFrame(GOODBYE_TEXT, '78b86350-4fb8-4d2b-a629-1eeafd7d2f74'), 'final notice after exit');

  let replies = 0;
  let apis = 0;
  for (const file of readdirSync(fileURLToPath(TRACES)).filter((f) => f.startsWith('neventsocket-outbound'))) {
    for (const frame of traceFrames(trace(file))) {
      const text = /^Reply-Text: (.*)$/m.exec(frame.head)?.[1];
      if (frame.head.startsWith('Content-Type: command/reply') && text !== undefined) {
        t.equal(frame.raw.toString(), commandReplyFrame(text), `${file}: ${text}`);
        replies++;
      }
      if (frame.head.startsWith('Content-Type: api/response')) {
        t.equal(frame.raw.toString(), apiResponseFrame(frame.body!.toString()), `${file}: api/response`);
        apis++;
      }
    }
  }
  t.ok(replies > 40 && apis > 5, `compared ${replies} replies and ${apis} api responses`);
});

t.test('every event-plain frame of the traces is reproduced byte for byte by the serialiser', async (t) => {
  const frames = eventPlainFrames();
  let same = 0;
  for (const { file, frame } of frames) {
    const text = frame.body!.toString('utf8');
    const event = parsePlainEvent(text);
    const again = serializePlain(event);
    if (again !== text) t.fail(`${file}: ${headerOf(event.headers, 'Event-Name')} differs`);
    else same++;
    t.equal(eventFrame('plain', again), frame.raw.toString('utf8'), `${file}: outer frame`, { diagnostic: false });
  }
  t.ok(same >= 160, `${same} event bodies re-encoded identically`);
});

// ---------------------------------------------------------------------------------------
// Turning a traced channel event back into a ChannelSnapshot, to check that the builder puts
// the same headers in the same order.

function profileFrom(headers: Headers, prefix: string): CallerProfileSnapshot | undefined {
  const get = (suffix: string): string | undefined => headerOf(headers, `${prefix}-${suffix}`);
  const direction = get('Direction');
  if (direction !== 'inbound' && direction !== 'outbound') return undefined;
  const time = (suffix: string): number => Number(get(suffix) ?? 0);
  const profile: CallerProfileSnapshot = {
    direction,
    times: {
      profileCreated: time('Profile-Created-Time'),
      created: time('Channel-Created-Time'),
      answered: time('Channel-Answered-Time'),
      progress: time('Channel-Progress-Time'),
      progressMedia: time('Channel-Progress-Media-Time'),
      hungup: time('Channel-Hangup-Time'),
      transferred: time('Channel-Transfer-Time'),
      resurrected: time('Channel-Resurrect-Time'),
      bridged: time('Channel-Bridged-Time'),
      lastHold: time('Channel-Last-Hold'),
      holdAccum: time('Channel-Hold-Accum'),
    },
    screenBit: get('Screen-Bit') === 'true',
    hideName: get('Privacy-Hide-Name') === 'true',
    hideNumber: get('Privacy-Hide-Number') === 'true',
  };
  const logical = get('Logical-Direction');
  if (logical === 'inbound' || logical === 'outbound') profile.logicalDirection = logical;
  const text: Array<[keyof CallerProfileSnapshot, string]> = [
    ['username', 'Username'],
    ['dialplan', 'Dialplan'],
    ['callerIdName', 'Caller-ID-Name'],
    ['callerIdNumber', 'Caller-ID-Number'],
    ['origCallerIdName', 'Orig-Caller-ID-Name'],
    ['origCallerIdNumber', 'Orig-Caller-ID-Number'],
    ['calleeIdName', 'Callee-ID-Name'],
    ['calleeIdNumber', 'Callee-ID-Number'],
    ['networkAddr', 'Network-Addr'],
    ['ani', 'ANI'],
    ['aniii', 'ANI-II'],
    ['destinationNumber', 'Destination-Number'],
    ['uuid', 'Unique-ID'],
    ['source', 'Source'],
    ['transferSource', 'Transfer-Source'],
    ['context', 'Context'],
    ['rdnis', 'RDNIS'],
    ['channelName', 'Channel-Name'],
    ['profileIndex', 'Profile-Index'],
  ];
  for (const [key, suffix] of text) {
    const value = get(suffix);
    if (value !== undefined) (profile as unknown as Record<string, string>)[key] = value;
  }
  return profile;
}

function snapshotFrom(headers: Headers): ChannelSnapshot {
  const get = (name: string): string | undefined => headerOf(headers, name);
  const codec = (dir: 'Read' | 'Write') =>
    get(`Channel-${dir}-Codec-Name`) === undefined
      ? undefined
      : {
          name: get(`Channel-${dir}-Codec-Name`)!,
          rate: Number(get(`Channel-${dir}-Codec-Rate`)),
          bitRate: Number(get(`Channel-${dir}-Codec-Bit-Rate`)),
        };
  const variables: Array<[string, string]> = headers.filter(([n]) => n.startsWith('variable_')).map(([n, v]) => [n.slice('variable_'.length), v]);
  // Events without variable_* (DTMF) still show the ones FreeSWITCH reads from the channel.
  if (variables.length === 0) {
    const presence = get('Channel-Presence-ID');
    if (presence !== undefined) variables.push(['presence_id', presence]);
    variables.push(['call_uuid', get('Channel-Call-UUID')!]);
  }
  const snapshot: ChannelSnapshot = {
    uuid: get('Unique-ID')!,
    name: get('Channel-Name')!,
    state: get('Channel-State') as ChannelStateName,
    stateNumber: Number(get('Channel-State-Number')),
    callState: get('Channel-Call-State') as CallStateName,
    direction: get('Call-Direction') === 'outbound' ? 'outbound' : 'inbound',
    hitDialplan: get('Channel-HIT-Dialplan') === 'true',
    answerState: get('Answer-State') as AnswerState,
    caller: profileFrom(headers, 'Caller')!,
    variables,
  };
  const cause = headers.slice(headers.findIndex(([n]) => n === 'Channel-State')).find(([n]) => n === 'Hangup-Cause')?.[1];
  if (cause !== undefined) snapshot.hangupCause = cause;
  const read = codec('Read');
  const write = codec('Write');
  if (read) snapshot.readCodec = read;
  if (write) snapshot.writeCodec = write;
  const otherType = get('Other-Type');
  const other = profileFrom(headers, 'Other-Leg');
  if ((otherType === 'originator' || otherType === 'originatee') && other) snapshot.other = { type: otherType, profile: other };
  return snapshot;
}

/** A factory that reproduces the traced event's common block. */
function factoryLike(headers: Headers): EventFactory {
  const get = (name: string): string => headerOf(headers, name)!;
  const us = Number(get('Event-Date-Timestamp'));
  const local = Date.parse(`${get('Event-Date-Local').replace(' ', 'T')}Z`);
  return new EventFactory({
    clock: { nowUs: () => us },
    coreUuid: get('Core-UUID'),
    hostname: get('FreeSWITCH-Hostname'),
    switchname: get('FreeSWITCH-Switchname'),
    ipv4: get('FreeSWITCH-IPv4'),
    ipv6: get('FreeSWITCH-IPv6'),
    utcOffsetMinutes: Math.round((local - Math.floor(us / 1000)) / 60_000),
    sequenceStart: Number(get('Event-Sequence')) - 1,
  });
}

const COMMON_NAMES = [
  'Event-Name',
  'Core-UUID',
  'FreeSWITCH-Hostname',
  'FreeSWITCH-Switchname',
  'FreeSWITCH-IPv4',
  'FreeSWITCH-IPv6',
  'Event-Date-Local',
  'Event-Date-GMT',
  'Event-Date-Timestamp',
  'Event-Calling-File',
  'Event-Calling-Function',
  'Event-Calling-Line-Number',
  'Event-Sequence',
];

/** Rebuilds a traced event through EventFactory + EventDraft.channel; returns the serialised text. */
function rebuild(headers: Headers, body: string | undefined): string {
  const name = headerOf(headers, 'Event-Name')!;
  const origin = {
    file: headerOf(headers, 'Event-Calling-File')!,
    func: headerOf(headers, 'Event-Calling-Function')!,
    line: Number(headerOf(headers, 'Event-Calling-Line-Number')),
  };
  const draft = factoryLike(headers).create(name, { origin });
  const rest = headers.slice(COMMON_NAMES.length);
  const start = rest.findIndex(([n]) => n === 'Channel-State');
  if (start < 0) {
    draft.addAll(rest);
  } else {
    const blockEnd = ([n]: [string, string]): boolean => n.startsWith('variable_') || /^(Caller|Other-Leg)-Privacy-Hide-Number$/.test(n);
    const end = rest.map(blockEnd).lastIndexOf(true) + 1;
    draft
      .addAll(rest.slice(0, start))
      .channel(snapshotFrom(rest.slice(start, end)))
      .addAll(rest.slice(end));
  }
  if (body !== undefined) draft.body(body);
  return serializePlain(draft.build());
}

t.test('event shapes: common block, channel block and framing match the traces per event type', async (t) => {
  const factory = new EventFactory({ clock: { nowUs: () => 1_700_000_000_000_000 } });
  t.same(
    factory.commonHeaders('CHANNEL_ANSWER').map(([n]) => n),
    COMMON_NAMES,
    'our common block',
  );
  const seen = new Map<string, number>();
  for (const { file, frame } of eventPlainFrames()) {
    const text = frame.body!.toString('utf8');
    const { headers, body } = parsePlainEvent(text);
    const name = headerOf(headers, 'Event-Name')!;
    t.same(
      headers.slice(0, COMMON_NAMES.length).map(([n]) => n),
      COMMON_NAMES,
      `${file} ${name}: common header names in order`,
      { diagnostic: false },
    );
    t.match(frame.head, /^Content-Length: \d+\nContent-Type: text\/event-plain$/, `${file} ${name}: framing`, { diagnostic: false });
    // Traces before FreeSWITCH 1.6 have no *-Logical-Direction; our builder (current source) adds it.
    const old = !headers.some(([n]) => n.endsWith('-Logical-Direction'));
    const rebuilt = rebuild(headers, body);
    const expected = old
      ? rebuilt
          .split('\n')
          .filter((l) => !/^(Caller|Other-Leg)-Logical-Direction: /.test(l))
          .join('\n')
      : rebuilt;
    t.equal(expected, text, `${file} ${name}: rebuilt from a snapshot, byte for byte`, { diagnostic: false });
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  t.ok(
    ['CHANNEL_ANSWER', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP', 'CHANNEL_BRIDGE', 'CHANNEL_UNBRIDGE', 'DTMF', 'BACKGROUND_JOB', 'CHANNEL_CREATE'].every(
      (n) => seen.has(n),
    ),
    `event types compared: ${[...seen.keys()].join(', ')}`,
  );
});

t.test('CHANNEL_HANGUP_COMPLETE body (cgrates) and CHANNEL_DATA block (davec82) rebuilt', async (t) => {
  const hangup = trace('cgrates-channel-hangup-complete.body.txt').toString('utf8');
  const parsed = parsePlainEvent(hangup);
  t.equal(parsed.headers.filter(([n]) => n === 'Hangup-Cause').length, 2, 'Hangup-Cause twice');
  // The fixture's last header was typed in by hand (its ';' are not encoded; see test/fixtures/esl-traces/PROVENANCE.md).
  const withoutLast = (text: string): string => text.replace(/[^\n]*\n\n$/, '');
  t.equal(withoutLast(serializePlain(parsed)), withoutLast(hangup), 'body re-encoded identically (but the hand-added last line)');

  const data = trace('davec82-outbound-channel-data.txt').toString('utf8');
  const { headers } = parsePlainEvent(data);
  const start = headers.findIndex(([n]) => n === 'Channel-State');
  const snapshot = snapshotFrom(headers.slice(start));
  snapshot.caller = profileFrom(headers, 'Channel')!;
  t.same(
    callerProfileHeaders(snapshot.caller, 'Channel').map(([n]) => n),
    headers.slice(13, start).map(([n]) => n),
    'Channel-* profile names',
  );
  const origin = { file: 'mod_event_socket.c', func: 'parse_command', line: 2011 };
  const event = factoryLike(headers)
    .create('CHANNEL_DATA', { origin })
    .addAll(channelDataHeaders(snapshot))
    .add('Content-Type', 'command/reply')
    .add('Reply-Text', '+OK\n')
    .add('Socket-Mode', 'async')
    .add('Control', 'full')
    .build();
  t.equal(serializePlain(event), data, 'the unframed connect reply, byte for byte');
});

t.test('event builders', async (t) => {
  const clock = { nowUs: () => 1_772_424_000_123_456 };
  const factory = new EventFactory({ clock, coreUuid: 'core-1', hostname: 'fs1', ipv4: '10.0.0.2', ipv6: '::1', newUuid: () => 'u-1' });
  const common = factory.commonHeaders('HEARTBEAT');
  t.same(
    common.slice(6, 9),
    [
      ['Event-Date-Local', '2026-03-02 12:00:00'],
      ['Event-Date-GMT', 'Mon, 02 Mar 2026 04:00:00 GMT'],
      ['Event-Date-Timestamp', '1772424000123456'],
    ],
    'dates in China time, RFC 822 GMT, and µs from the SimClock',
  );
  t.equal(common[12]![1], '1', 'Event-Sequence starts at 1');
  t.equal(factory.commonHeaders('HEARTBEAT')[12]![1], '2', 'and is monotonic');
  t.equal(localDate(0, 0), '1970-01-01 00:00:00');
  t.equal(rfc822Date(1_370_535_842_909_368), 'Thu, 06 Jun 2013 16:24:02 GMT', 'the trace BACKGROUND_JOB date');

  const custom = factory.create('CUSTOM', { subclass: 'conference::maintenance' }).add('Action', 'add-member').build();
  t.same(
    custom.headers.slice(13).map(([n]) => n),
    ['Event-Subclass', 'Action'],
    'Event-Subclass right after the common block',
  );
  t.equal(custom.subclass, 'conference::maintenance');

  const draft = factory.create('CHANNEL_EXECUTE_COMPLETE').add('A', '1').add('A', '').add('B', undefined).add('C', 'ARRAY::x|:y');
  t.same(draft.build().headers.slice(13), [['C', 'ARRAY::x|:y']], 'empty deletes, absent adds nothing, arrays kept');
  const cases = factory.create('CHANNEL_EXECUTE_COMPLETE').add('Variable_X-Y', '1').add('x@', '2').add('variable_x-y', '').add('X`', '');
  t.same(cases.build().headers.slice(13), [['x@', '2']], 'names match as strcasecmp does: letters in either case, "@" and "`" are not one letter');
  t.equal(localDate(1_999_999, 480), '1970-01-01 08:00:01', 'a second later');
  t.equal(localDate(1_000_000, 480), '1970-01-01 08:00:01', 'the same second again');
  t.equal(localDate(1_000_000, 0), '1970-01-01 00:00:01', 'the same second in another zone');

  const job = backgroundJobEvent(factory, { jobUuid: 'j-1', command: 'originate', args: 'user/1001 &park()', result: '-ERR USER_NOT_REGISTERED\n' });
  t.same(
    job.headers.slice(9, 12).map(([, v]) => v),
    ['mod_event_socket.c', 'api_exec', '1580'],
    'origin',
  );
  t.same(
    job.headers.slice(13),
    [
      ['Job-UUID', 'j-1'],
      ['Job-Command', 'originate'],
      ['Job-Command-Arg', 'user/1001 &park()'],
    ],
    'no Job-Owner-UUID on a plain inbound socket',
  );
  t.equal(job.body, '-ERR USER_NOT_REGISTERED\n');

  const beat = heartbeatEvent(factory, { uptimeUs: 90_061_001_001, sessionCount: 3, sessionsSinceStartup: 40 });
  t.same(
    beat.headers.slice(13).map(([n]) => n),
    [
      'Event-Info',
      'Up-Time',
      'FreeSWITCH-Version',
      'Uptime-msec',
      'Session-Count',
      'Max-Sessions',
      'Session-Per-Sec',
      'Session-Per-Sec-Last',
      'Session-Per-Sec-Max',
      'Session-Per-Sec-FiveMin',
      'Session-Since-Startup',
      'Session-Peak-Max',
      'Session-Peak-FiveMin',
      'Idle-CPU',
    ],
    'HEARTBEAT fields of send_heartbeat',
  );
  t.equal(upTimeText(90_061_001_001), '0 years, 1 day, 1 hour, 1 minute, 1 second, 1 millisecond, 1 microsecond');

  t.equal(eventNameOf('channel_answer'), 'CHANNEL_ANSWER', 'case-insensitive');
  t.equal(eventNameOf('SWITCH_EVENT_DTMF'), 'DTMF', 'the 13-character prefix');
  t.equal(eventNameOf('CHANNEL_NOPE'), null);
  t.equal(EVENT_ORIGINS.CHANNEL_ANSWER!.func, 'switch_channel_perform_mark_answered');
});

t.test('command reader (read_packet)', async (t) => {
  const reader = new CommandReader();
  t.same(reader.push(Buffer.from('\r\n\nauth Clue')), { packets: [] }, 'leading blank lines dropped, partial command kept');
  t.ok(reader.midPacket, 'mid packet');
  const first = reader.push(Buffer.from('Con\r\n\r\nevent plain ALL\n\napi st'));
  t.same(
    first.packets.map((p) => p.command),
    ['auth ClueCon\r\n\r\n', 'event plain ALL\n\n'],
    'CRLF and merged packets',
  );
  t.same(
    reader.push(Buffer.from('atus\n\n')).packets.map((p) => p.command),
    ['api status\n\n'],
    'split packet',
  );
  t.notOk(reader.midPacket);

  const msg = 'sendmsg abc\ncall-command: execute\nexecute-app-name:  playback\ncontent-type: text/plain\ncontent-length: 7\n\n中文X';
  const bytes = Buffer.from(`${msg}exit\n\n`);
  const packets = [];
  for (const byte of bytes) packets.push(...reader.push(Buffer.from([byte])).packets);
  t.equal(packets.length, 2, 'byte-by-byte delivery');
  t.same(
    packets[0]!.headers,
    [
      ['call-command', 'execute'],
      ['execute-app-name', 'playback'],
      ['content-type', 'text/plain'],
      ['content-length', '7'],
    ],
    'headers, leading spaces of values stripped',
  );
  t.equal(packets[0]!.body, '中文X', 'the body is Content-Length bytes');
  t.equal(packets[1]!.command, 'exit\n\n');

  const mixed = new CommandReader().push(Buffer.from('sendmsg\nA: 1\nB: 2\r\n\r\n'));
  t.same(mixed.packets[0]!.headers, [], 'mixed line endings: a \\n line runs to the next \\r, as in the C code');

  const bad = new CommandReader();
  const result = bad.push(Buffer.from('api status\n\nsendevent CUSTOM\nContent-Length: -1\n\napi x\n\n'));
  t.equal(result.packets.length, 1, 'the packet before the bad one is kept');
  t.match(result.error?.message, /Content-Length out of range/);
  t.same(bad.push(Buffer.from('api y\n\n')).packets, [], 'nothing is read after it');
  t.ok(new CommandReader().push(Buffer.from('x\nContent-Length: 16777217\n\n')).error, 'above 16 MiB');
  t.same(new CommandReader().push(Buffer.from('x\nContent-Length: abc\n\n')).packets[0]!.body, undefined, 'atoi("abc") = 0: no body');
  t.equal(atoi(' 12abc'), 12);
  t.equal(atoi('-7'), -7);
  t.equal(atoi('99999999999'), 1215752191, 'strtol then a 32-bit int');
});
