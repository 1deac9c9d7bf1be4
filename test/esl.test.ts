// The Event Socket layer (src/esl): real FreeSWITCH bytes replayed through the parser in
// every chunking, malformed input, the inbound client against a small fake FreeSWITCH
// written here with node:net, and the outbound server with this test playing FreeSWITCH.
// The fakes have their own framing and encoding, written from docs/esl-protocol.md.
import t, { type Test } from 'tap';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  EslClient,
  EslEvent,
  decodePlainEvent,
  decodeJsonEvent,
  EslOutboundServer,
  FrameError,
  FrameParser,
  ReconnectBackoff,
  eventCommand,
  serializeCommand,
  toMessage,
  type EslMessage,
  type Frame,
  type OutboundCall,
  type ParsedItem,
} from '../src/esl/index.js';
import { findBlockEnd } from '../src/esl/header-block.js';

// ---------------------------------------------------------------------------------------
// Shared pieces

/** mulberry32: a small seeded PRNG, so every chunking can be reproduced from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses `bytes` fed in chunks of the given sizes (cycled), then ends the stream. */
function parseChunked(bytes: Buffer, nextSize: () => number): ParsedItem[] {
  const parser = new FrameParser();
  const out: ParsedItem[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, nextSize());
    out.push(...parser.push(bytes.subarray(i, i + n)));
    i += n;
  }
  const tail = parser.end();
  if (tail) out.push(tail);
  return out;
}

function parseWhole(bytes: Buffer | string): ParsedItem[] {
  const parser = new FrameParser();
  const out = parser.push(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  const tail = parser.end();
  if (tail) out.push(tail);
  return out;
}

/** One line per item, to compare the results of two chunkings exactly. */
function canonical(items: ParsedItem[]): string {
  const h = createHash('sha256');
  for (const item of items) {
    if (item instanceof FrameError) h.update(JSON.stringify(['error', item.reason, item.droppedBytes, item.declaredType, item.bytes.toString('base64')]));
    else h.update(JSON.stringify([item.contentType, item.headers, item.body.toString('base64')]));
    h.update('\n');
  }
  return `${items.length}:${h.digest('hex')}`;
}

const frames = (items: ParsedItem[]): Frame[] => items.filter((x): x is Frame => !(x instanceof FrameError));
const errors = (items: ParsedItem[]): FrameError[] => items.filter((x): x is FrameError => x instanceof FrameError);
const messages = (items: ParsedItem[]): EslMessage[] =>
  frames(items).map((f) => {
    const m = toMessage(f);
    if (m instanceof FrameError) throw m;
    return m;
  });
const events = (items: ParsedItem[]): EslEvent[] => messages(items).flatMap((m) => (m.type === 'event' ? [m.event] : []));

/** FreeSWITCH's value encoding (switch_url_encode, §1.2), written again for the fakes. */
function fsEncode(value: string): string {
  const unsafe = new Set('\r\n #%&+:;<=>?@[\\]^`{|}"');
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x20 || byte > 0x7e || unsafe.has(c) ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : c;
  }
  return out;
}

/** A serialized event (switch_event_serialize): encoded header lines, then body or a lone LF. */
function serializeEvent(headers: Array<[string, string]>, body?: string, raw = false): string {
  const lines = headers.map(([k, v]) => `${k}: ${raw ? v : v === '' ? '_undef_' : fsEncode(v)}\n`).join('');
  return body === undefined ? `${lines}\n` : `${lines}Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

/** An outer text/event-plain frame around a serialized event. */
function eventFrame(headers: Array<[string, string]>, body?: string, raw = false): string {
  const inner = serializeEvent(headers, body, raw);
  return `Content-Length: ${Buffer.byteLength(inner)}\nContent-Type: text/event-plain\n\n${inner}`;
}

/**
 * Headers read one at a time from a fresh decode (the undecoded block's own lookup) against the
 * same headers from a full decode: names that differ.
 */
function aloneVersusWhole(body: Buffer): { checked: number; differing: string[] } {
  const whole = decodePlainEvent(body);
  if (typeof whole === 'string') return { checked: 0, differing: [whole] };
  const names = [...new Set(whole.entries.map(([k]) => k)), 'Content-Length', 'No-Such-Header'];
  const differing: string[] = [];
  for (const name of names) {
    const alone = decodePlainEvent(body) as EslEvent;
    if (JSON.stringify(alone.getArray(name)) !== JSON.stringify(whole.getArray(name))) differing.push(`${whole.name} ${name}`);
  }
  return { checked: names.length, differing };
}

/** The common event headers (§1.5); `atUs` is Event-Date-Timestamp (default: now). */
function commonHeaders(name: string, extra: Array<[string, string]> = [], atUs = Date.now() * 1000): Array<[string, string]> {
  return [
    ['Event-Name', name],
    ['Core-UUID', '8694f653-55e0-42ed-98d8-4983e2b6d248'],
    ['FreeSWITCH-Hostname', 'fs1'],
    ['Event-Date-Timestamp', String(atUs)],
    ['Event-Sequence', '1'],
    ...extra,
  ];
}

const reply = (text: string) => `Content-Type: command/reply\nReply-Text: ${text}\n\n`;
const apiResponse = (body: string) => `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
const GOODBYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
const disconnectNotice = (uuid?: string) =>
  `Content-Type: text/disconnect-notice\n${uuid ? `Controlled-Session-UUID: ${uuid}\nContent-Disposition: disconnect\n` : ''}Content-Length: ${Buffer.byteLength(GOODBYE)}\n\n${GOODBYE}`;
const lingerNotice = (uuid: string) =>
  `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: linger\nChannel-Name: sofia/internal/1001@10.0.0.1\nLinger-Time: 30\nContent-Length: 0\n\n`;

interface SentCommand {
  line: string;
  headers: Map<string, string>;
  body: string | undefined;
}

/** Reads what a client sends (§1.6): a command line, header lines, a blank line, an optional body. */
class CommandReader {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): SentCommand[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: SentCommand[] = [];
    for (;;) {
      const end = this.buf.indexOf('\n\n');
      if (end < 0) return out;
      const lines = this.buf.toString('utf8', 0, end).split('\n');
      const headers = new Map<string, string>();
      for (const l of lines.slice(1)) {
        const i = l.indexOf(': ');
        headers.set(l.slice(0, i), l.slice(i + 2));
      }
      const length = Number(headers.get('Content-Length') ?? 0);
      if (this.buf.length < end + 2 + length) return out;
      const body = length > 0 ? this.buf.toString('utf8', end + 2, end + 2 + length) : undefined;
      this.buf = this.buf.subarray(end + 2 + length);
      out.push({ line: lines[0]!, headers, body });
    }
  }
}

// ---------------------------------------------------------------------------------------
// 1. Real FreeSWITCH traffic, replayed in every chunking

const TRACES = fileURLToPath(new URL('./fixtures/esl-traces/', import.meta.url));

/**
 * Frames per file (test/fixtures/esl-traces/PROVENANCE.md says where each comes from). Sessions
 * 1, 4 and 6 and the inbound session were counted by their publishers; the rest were counted by walking their Content-Length framing byte by byte with a
 * separate script. The cgrates file is a body only; the test adds the outer frame.
 */
const EXPECTED_FRAMES: Record<string, number> = {
  'neventsocket-outbound-session-1.txt': 27,
  'neventsocket-outbound-session-2.txt': 26,
  'neventsocket-outbound-session-3.txt': 22,
  'neventsocket-outbound-session-4.txt': 59,
  'neventsocket-outbound-session-5.txt': 25,
  'neventsocket-outbound-session-6.txt': 114,
  'neventsocket-inbound-auth-bgapi.txt': 5,
  'davec82-outbound-channel-data.txt': 1,
  'davec82-reply-then-execute-complete.txt': 2,
  'davec82-disconnect-notice.txt': 1,
  'cgrates-channel-hangup-complete.body.txt': 1,
};

function traceBytes(name: string): Buffer {
  const bytes = readFileSync(TRACES + name);
  if (!name.endsWith('.body.txt')) return bytes;
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\nContent-Type: text/event-plain\n\n`), bytes]);
}

/** The frames written back out; equal to the input proves every Content-Length was honoured. */
function reserialize(fs: Frame[]): Buffer {
  return Buffer.concat(fs.flatMap((f) => [Buffer.from(`${f.headers.map(([k, v]) => `${k}: ${v}\n`).join('')}\n`), f.body]));
}

t.test('trace replay', async (t) => {
  const files = readdirSync(TRACES)
    .filter((n) => n.endsWith('.txt'))
    .sort();
  t.same(
    files.filter((f) => !(f in EXPECTED_FRAMES)),
    [],
    'every trace file has an expected frame count',
  );

  for (const name of files) {
    t.test(name, async (t) => {
      const bytes = traceBytes(name);
      const reference = parseWhole(bytes);
      const want = canonical(reference);
      const mismatches: string[] = [];
      for (let seed = 1; seed <= 50; seed++) {
        const rand = prng(seed * 7919 + bytes.length);
        const got = canonical(parseChunked(bytes, () => 1 + Math.floor(rand() * 4096)));
        if (got !== want) mismatches.push(`seed ${seed}`);
      }
      if (canonical(parseChunked(bytes, () => 1)) !== want) mismatches.push('one byte at a time');
      t.same(mismatches, [], 'the same frames in 50 random chunkings and byte by byte');

      t.equal(frames(reference).length, EXPECTED_FRAMES[name], 'frame count');
      t.same(errors(reference), [], 'no frame errors');
      for (const f of frames(reference)) {
        const cl = f.headers.find(([k]) => k === 'Content-Length')?.[1];
        if (cl !== undefined && Number(cl) !== f.body.length) t.fail(`Content-Length ${cl} but ${f.body.length} body bytes`);
      }
      const trailing = name === 'davec82-disconnect-notice.txt' ? '\n' : ''; // one extra LF from a heredoc (PROVENANCE.md)
      t.ok(Buffer.concat([reserialize(frames(reference)), Buffer.from(trailing)]).equals(bytes), 'frames written back give the file byte for byte');
      for (const e of events(reference)) if (e.warnings.length) t.fail(`${e.name}: ${e.warnings.join('; ')}`);
    });
  }

  t.test('a header read alone is the header decoded with all the rest', async (t) => {
    let checked = 0;
    const differing: string[] = [];
    for (const name of files) {
      for (const f of frames(parseWhole(traceBytes(name)))) {
        if (f.contentType !== 'text/event-plain') continue;
        const r = aloneVersusWhole(f.body);
        checked += r.checked;
        differing.push(...r.differing.map((d) => `${name}: ${d}`));
      }
    }
    t.same(differing, []);
    t.ok(checked > 1000, `${checked} headers compared`);
  });

  t.test('outbound sessions open with the unframed CHANNEL_DATA block', async (t) => {
    for (const name of files.filter((f) => f.startsWith('neventsocket-outbound-session-') || f === 'davec82-outbound-channel-data.txt')) {
      const first = messages(parseWhole(traceBytes(name)))[0]!;
      t.equal(first.type, 'channel-data', `${name}: first message`);
      if (first.type !== 'channel-data') continue;
      t.equal(first.event.name, 'CHANNEL_DATA');
      t.equal(first.event.get('Reply-Text'), '+OK\n', 'Reply-Text %2BOK%0A decoded');
      t.equal(first.event.get('Socket-Mode'), 'async');
      t.equal(first.event.get('Control'), 'full');
      t.match(first.event.uuid, /^[0-9a-f-]{36}$/);
    }
    const davec = messages(parseWhole(traceBytes('davec82-outbound-channel-data.txt')))[0]!;
    if (davec.type === 'channel-data') {
      t.equal(davec.event.uuid, '4192e98c-e569-11e7-b747-73bec77e82ec');
      t.equal(davec.event.destinationNumber, '222');
      t.equal(davec.event.callerIdNumber, '1000');
    }
  });

  t.test('decoded values', async (t) => {
    const s1 = messages(parseWhole(traceBytes('neventsocket-outbound-session-1.txt')));
    const played = s1.flatMap((m) => (m.type === 'event' && m.event.is('CHANNEL_EXECUTE_COMPLETE') && m.event.application === 'playback' ? [m.event] : []));
    t.equal(played[0]?.applicationResponse, 'FILE PLAYED', 'Application-Response: FILE%20PLAYED');
    const notices = s1.flatMap((m) => (m.type === 'disconnect-notice' ? [m] : []));
    t.same(
      notices.map((n) => n.disposition),
      ['linger', 'disconnect'],
      'linger notice, then the final one',
    );
    t.equal(notices[0]!.headers.find(([k]) => k === 'Channel-Name')?.[1], 'sofia/internal/1001@172.16.50.134', 'notice headers are not url-encoded');
    t.equal(notices[1]!.body.length, 67, 'the 67-byte goodbye');
    const bridge = s1.flatMap((m) => (m.type === 'event' && m.event.is('CHANNEL_BRIDGE') ? [m.event] : []))[0]!;
    t.ok(bridge.bridgeAUuid && bridge.bridgeBUuid && bridge.otherLegUuid === bridge.bridgeBUuid, 'bridge legs');
    t.type(bridge.timestampUs, 'number');
    t.ok(bridge.timestampUs! > 1_400_000_000_000_000, 'Event-Date-Timestamp in µs');
    const dpMatch = s1.flatMap((m) => (m.type === 'channel-data' ? [m.event] : []))[0]!.getArray('variable_DP_MATCH');
    t.same(dpMatch, ['3', '3'], 'ARRAY:: header split (ARRAY%3A%3A3%7C%3A3)');

    const s4 = events(parseWhole(traceBytes('neventsocket-outbound-session-4.txt')));
    const dtmf = s4.filter((e) => e.is('DTMF'));
    t.equal(dtmf.length, 12, '12 DTMF events');
    t.ok(
      dtmf.some((e) => e.is('DTMF') && e.dtmfDigit === '#'),
      'DTMF-Digit %23 → #',
    );
    t.ok(
      dtmf.every((e) => e.variables().size === 0),
      'DTMF carries no variable_ headers',
    );
    t.equal(events(parseWhole(traceBytes('neventsocket-outbound-session-6.txt'))).filter((e) => e.name === 'DTMF').length, 39, '39 DTMF in session 6');

    const cgrates = events(parseWhole(traceBytes('cgrates-channel-hangup-complete.body.txt')))[0]!;
    t.equal(cgrates.name, 'CHANNEL_HANGUP_COMPLETE');
    t.same(cgrates.getAll('Hangup-Cause'), ['NORMAL_CLEARING', 'NORMAL_CLEARING'], 'duplicate Hangup-Cause kept');
    t.equal(cgrates.hangupCause, 'NORMAL_CLEARING');
    t.equal(cgrates.get('Other-Type'), 'originatee');
    t.ok(cgrates.variable('billsec') !== undefined && cgrates.variable('hangup_cause') === 'NORMAL_CLEARING', 'CDR variables');

    const inbound = messages(parseWhole(traceBytes('neventsocket-inbound-auth-bgapi.txt')));
    t.same(
      inbound.map((m) => m.type),
      ['auth-request', 'command-reply', 'command-reply', 'command-reply', 'event'],
    );
    const job = inbound[4]!.type === 'event' ? inbound[4]!.event : undefined;
    t.equal(job?.name, 'BACKGROUND_JOB');
    t.equal(job?.body, '-ERR RECOVERY_ON_TIMER_EXPIRE\n', 'BACKGROUND_JOB body');
    t.equal(job?.jobUuid, '43e14ab9-38b1-4187-9f08-e13f35136bb2');
    t.match(job?.get('Job-Command-Arg'), /^sofia\/external\/1000@10\.10\.10\.108:5070 &playback\(C:\\\\temp/, 'Job-Command-Arg decoded');

    const davec = messages(parseWhole(traceBytes('davec82-reply-then-execute-complete.txt')));
    t.equal(davec[0]?.type === 'command-reply' && davec[0].text, '+OK');
    const answer = davec[1]?.type === 'event' ? davec[1].event : undefined;
    t.equal(answer?.applicationUuid, '10e170a2-e2a6-11e8-b455-4b084ebbf04f');
    t.equal(answer?.applicationResponse, '_none_');
  });
});

// ---------------------------------------------------------------------------------------
// 2. Malformed input: reported, never thrown, and the next good frame is parsed

const GOOD_REPLY = reply('+OK after');
const GOOD_EVENT = eventFrame(commonHeaders('CHANNEL_ANSWER', [['Unique-ID', 'u-1']]));

/** Same result whole, byte by byte and in random chunks; returns it. */
function parseEveryWay(t: Test, input: string | Buffer): ParsedItem[] {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const whole = parseWhole(bytes);
  const rand = prng(bytes.length);
  t.equal(canonical(parseChunked(bytes, () => 1)), canonical(whole), 'byte by byte gives the same');
  t.equal(canonical(parseChunked(bytes, () => 1 + Math.floor(rand() * 40))), canonical(whole), 'random chunks give the same');
  return whole;
}

t.test('headers are decoded when read, with the same values as all at once', async (t) => {
  const inner = serializeEvent(
    commonHeaders('BACKGROUND_JOB', [
      ['Job-UUID', 'j-1'],
      ['Caller-Caller-ID-Name', '张三 (市民)'],
      ['variable_DP_MATCH', 'ARRAY::3|:3'],
      ['variable_empty', ''],
      ['Hangup-Cause', 'NORMAL_CLEARING'],
      ['Hangup-Cause', 'USER_BUSY'],
      ['variable_sip_h_X-Content-Length', '12'],
    ]),
    '+OK done\n',
  );
  const body = Buffer.from(inner);
  t.same(aloneVersusWhole(body).differing, []);
  const e = decodePlainEvent(body) as EslEvent;
  t.equal(e.get('Caller-Caller-ID-Name'), '张三 (市民)');
  t.same(e.getArray('variable_DP_MATCH'), ['3', '3']);
  t.equal(e.get('variable_empty'), '');
  t.equal(e.hangupCause, 'NORMAL_CLEARING', 'the first of two');
  t.equal(e.get('Content-Length'), undefined, 'the inner Content-Length is framing');
  t.equal(e.body, '+OK done\n');
  t.same(e.getAll('Hangup-Cause'), ['NORMAL_CLEARING', 'USER_BUSY']);
  const raw = Buffer.from(
    serializeEvent(
      commonHeaders('CHANNEL_ANSWER', [
        ['Unique-ID', 'u-1'],
        ['Caller-Caller-ID-Name', '%E4%B8'],
      ]),
      undefined,
      true,
    ),
  );
  const bad = decodePlainEvent(raw) as EslEvent;
  t.equal(bad.warnings.length, 1, 'a block with a bad value is decoded at once, so its warning is there on arrival');
  t.equal(bad.get('Caller-Caller-ID-Name'), '%E4%B8');
  for (const line of ['no colon here', 'Two Words: x', ': nameless', 'Trailing\r', 'Bad-Escape: 50%']) {
    const text = `Event-Name: CUSTOM\nUnique-ID: u-2\n${line}\nEvent-Sequence: 7\n\n`;
    const e = decodePlainEvent(Buffer.from(text)) as EslEvent;
    t.equal(e.warnings.length, 1, `${JSON.stringify(line)}: warned on arrival`);
    t.equal(e.get('Event-Sequence'), '7', `${JSON.stringify(line)}: the other headers are read`);
  }
});

t.test('outer headers are split only when read, and read alone they agree with the split', async (t) => {
  const rand = prng(7);
  const names = ['Content-Type', 'content-type', 'CONTENT-Disposition', 'Reply-Text', 'Job-UUID', 'X-Two:Colons', 'Empty', 'Ünicode-Name', 'ünicode-name'];
  const values = ['+OK', '', 'a b', ' leading', 'x:y', '张三', '%41'];
  for (let round = 0; round < 300; round++) {
    const lines = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => {
      const name = names[Math.floor(rand() * names.length)]!;
      const value = values[Math.floor(rand() * values.length)]!;
      const sep = rand() < 0.2 ? ':' : ': ';
      return `${name}${sep}${value}${rand() < 0.2 ? '\r' : ''}\n`;
    });
    const block = `Content-Type: command/reply\n${lines.join('')}`;
    const [frame] = new FrameParser().push(Buffer.from(`${block}\n`));
    if (!frame || frame instanceof FrameError) {
      t.fail(`round ${round}: ${JSON.stringify(block)} was not one frame`);
      continue;
    }
    t.equal(frame.headerBlock.toString('utf8'), block, `round ${round}: the block as received`);
    // as strcasecmp compares them: ASCII letters in any case, every other byte as it is
    const fold = (name: string) => name.replace(/[A-Z]/g, (c) => c.toLowerCase());
    for (const name of ['Content-Type', 'CONTENT-type', 'Reply-Text', 'X-Two', 'Empty', 'Job-UUID', 'Ünicode-Name', 'ÜNICODE-NAME', 'Missing']) {
      const split = frame.headers.find(([n]) => fold(n) === fold(name))?.[1];
      if (frame.header(name) !== split) t.fail(`round ${round}: ${name}: ${JSON.stringify(frame.header(name))} alone, ${JSON.stringify(split)} split`);
    }
  }
  t.pass('300 random blocks compared');

  const block = channelDataBlock();
  const [frame] = new FrameParser().push(Buffer.from(`${block}\n`));
  const m = toMessage(frame as Frame);
  t.equal(m instanceof FrameError ? 'error' : m.type, 'channel-data');
  if (!(m instanceof FrameError) && m.type === 'channel-data') {
    t.equal(m.event.get('Caller-Caller-ID-Name'), '张三');
    t.same(m.event.getArray('variable_DP_MATCH'), ['12369', '12369']);
    t.equal(m.event.get('Reply-Text'), '+OK\n');
    const eager = new Map(
      block
        .trimEnd()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf(':')), decodeURIComponent(line.slice(line.indexOf(':') + 2))] as const),
    );
    t.same(
      new Map([...m.event.headers].map(([k, v]) => [k, Array.isArray(v) ? `ARRAY::${v.join('|:')}` : v])),
      eager,
      'every header, as decoding the lines one by one gives it',
    );
  }
  const bad = toMessage(new FrameParser().push(Buffer.from(`${block.replace('%E5%BC%A0', '%E5%BC')}\n`))[0] as Frame);
  t.ok(
    !(bad instanceof FrameError) && bad.type === 'channel-data' && bad.event.warnings.length === 1,
    'a bad value in CHANNEL_DATA is a warning on arrival, as in an event',
  );
});

t.test('the end of a header block, found by one search in text without CR, is where the line-by-line search finds it', async (t) => {
  const rand = prng(99);
  const tokens = ['Name: v', 'x', ':', ' ', '\n', '\n', '\r', '\r\n'];
  let compared = 0;
  for (let round = 0; round < 2000; round++) {
    const text = Array.from({ length: Math.floor(rand() * 14) }, () => tokens[Math.floor(rand() * tokens.length)]).join('');
    const bytes = Buffer.from(text);
    // a Uint8Array that is not a Buffer takes the line-by-line search
    const plain = new Uint8Array(bytes);
    const starts = [0, ...[...text].flatMap((c, i) => (c === '\n' ? [i + 1] : []))];
    for (const from of starts) {
      for (const end of [bytes.length, Math.max(from, bytes.length - 1), Math.floor((from + bytes.length) / 2)]) {
        const fast = findBlockEnd(bytes, from, end);
        const slow = findBlockEnd(plain, from, end);
        if (JSON.stringify(fast) !== JSON.stringify(slow))
          t.fail(`${JSON.stringify(text)} from ${from} to ${end}: ${JSON.stringify(fast)} against ${JSON.stringify(slow)}`);
        compared++;
      }
    }
  }
  t.ok(compared > 5000, `${compared} searches compared`);
});

t.test('malformed input', async (t) => {
  t.test('bad Content-Length', async (t) => {
    for (const bad of ['abc', '-5', '12x', '99999999999']) {
      const body = serializeEvent(commonHeaders('CHANNEL_HANGUP', [['Unique-ID', 'u-0']]));
      const items = parseEveryWay(t, `Content-Length: ${bad}\nContent-Type: text/event-plain\n\n${body}${GOOD_REPLY}${GOOD_EVENT}`);
      const errs = errors(items);
      t.equal(errs.length, 1, `${bad}: one error`);
      t.equal(errs[0]?.reason, 'content-length');
      t.equal(errs[0]?.code, 'CTI_ESL_BAD_FRAME');
      t.ok(errs[0]!.bytes.toString().includes(`Content-Length: ${bad}`), 'the error holds the offending bytes');
      t.same(
        messages(items).map((m) => m.type),
        ['command-reply', 'event'],
        'the following frames are parsed',
      );
    }
  });

  t.test('invalid percent-encoding keeps the raw text', async (t) => {
    const frame = eventFrame(
      [
        ['Event-Name', 'CHANNEL_CREATE'],
        ['Unique-ID', 'u-2'],
        ['Caller-Caller-ID-Name', '%E4%B8'], // truncated UTF-8 (the first two bytes of 中)
        ['variable_sip_user_agent', 'Phone%ZZ1.0'],
        ['Caller-Destination-Number', '%E5%8C%97%E4%BA%AC12345'],
        ['variable_empty', '_undef_'],
      ],
      undefined,
      true,
    );
    const items = parseEveryWay(t, frame + GOOD_REPLY);
    t.same(errors(items), []);
    const ev = events(items)[0]!;
    t.equal(ev.callerIdName, '%E4%B8', 'truncated UTF-8 kept as received');
    t.equal(ev.variable('sip_user_agent'), 'Phone%ZZ1.0', '%ZZ kept as received');
    t.equal(ev.destinationNumber, '北京12345', 'valid UTF-8 decoded');
    t.equal(ev.variable('empty'), '', '_undef_ is the empty value');
    t.equal(ev.warnings.length, 2, 'two warnings');
    t.same(
      messages(items).map((m) => m.type),
      ['event', 'command-reply'],
    );
  });

  t.test('JSON events, and a JSON body that is not JSON', async (t) => {
    const json = JSON.stringify({ 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': 'j-1', 'Content-Length': '4', _body: '+OK\n', variable_x: ['a', 'b'] });
    const good = `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`;
    const bad = `Content-Length: 9\nContent-Type: text/event-json\n\n{"a": x }`;
    const items = parseEveryWay(t, good + bad + GOOD_REPLY);
    const m = items.map((i) => (i instanceof FrameError ? i : toMessage(i)));
    const ev = m[0] instanceof FrameError || m[0]?.type !== 'event' ? undefined : m[0].event;
    t.equal(ev?.body, '+OK\n', '_body is the body');
    t.equal(ev?.jobUuid, 'j-1');
    t.same(ev?.getArray('variable_x'), ['a', 'b']);
    t.notOk(ev?.headers.has('Content-Length'), 'the inner Content-Length is framing');
    t.ok(m[1] instanceof FrameError && m[1].reason === 'event-decode', 'bad JSON is a FrameError');
    t.equal(m[2] instanceof FrameError ? undefined : m[2]?.type, 'command-reply');
  });

  t.test('truncated frames', async (t) => {
    const whole = eventFrame(
      commonHeaders('CHANNEL_EXECUTE_COMPLETE', [
        ['Unique-ID', 'u-3'],
        ['Application', 'playback'],
      ]),
    );
    const cut = whole.slice(0, 120); // claims more bytes than it brings
    const items = parseEveryWay(t, cut + GOOD_EVENT + GOOD_REPLY + GOOD_EVENT);
    const errs = errors(items);
    t.equal(errs.length, 1, 'one error');
    t.equal(errs[0]?.reason, 'body-framing', 'noticed by the inner framing');
    t.same(
      messages(items).map((m) => m.type),
      ['event', 'command-reply', 'event'],
      'the swallowed frame is found again',
    );

    const atEnd = parseEveryWay(t, GOOD_REPLY + whole.slice(0, 200));
    t.equal(errors(atEnd)[0]?.reason, 'truncated', 'a frame cut by the end of the stream');
    t.equal(errors(atEnd)[0]?.declaredType, 'text/event-plain');
    t.same(
      messages(atEnd).map((m) => m.type),
      ['command-reply'],
    );
  });

  t.test('garbage between and inside frames', async (t) => {
    const items = parseEveryWay(t, `hello world\n${GOOD_REPLY}\x00\x01binary junk\n\n${GOOD_EVENT}no colon here\n\n${GOOD_REPLY}`);
    t.same(
      messages(items).map((m) => m.type),
      ['command-reply', 'event', 'command-reply'],
      'every good frame parsed',
    );
    t.equal(errors(items).length, 3);
    t.ok(errors(items).every((e) => e.reason === 'header-line' && !e.lostReply));

    const broken = parseEveryWay(t, `Content-Type: command/reply\nthis line is junk\nReply-Text: +OK lost\n\n${GOOD_REPLY}`);
    t.equal(errors(broken)[0]?.lostReply, true, 'a broken reply is flagged, so its command can be failed');
    t.same(
      messages(broken).map((m) => (m.type === 'command-reply' ? m.text : m.type)),
      ['+OK after'],
    );

    const missing = parseEveryWay(t, `Content-Type: api/response\n\n+OK\n${GOOD_EVENT}`);
    t.equal(errors(missing)[0]?.reason, 'missing-content-length');
    t.same(
      messages(missing).map((m) => m.type),
      ['event'],
    );

    const noType = parseEveryWay(t, `Foo: bar\n\n${GOOD_REPLY}`);
    t.equal(errors(noType)[0]?.reason, 'missing-content-type');
    t.same(
      messages(noType).map((m) => m.type),
      ['command-reply'],
    );

    const crlf = parseEveryWay(t, 'Content-Type: command/reply\r\nReply-Text: +OK crlf\r\n\r\n');
    t.same(
      messages(crlf).map((m) => (m.type === 'command-reply' ? m.text : m.type)),
      ['+OK crlf'],
      'CRLF tolerated',
    );
  });

  t.test('random garbage never throws and the parser recovers', async (t) => {
    const rand = prng(12345);
    let recovered = 0;
    for (let i = 0; i < 300; i++) {
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
      const items = parseWhole(Buffer.concat([junk, Buffer.from(`\n\n${GOOD_REPLY}`)]));
      if (messages(items).some((m) => m.type === 'command-reply' && m.text === '+OK after')) recovered++;
    }
    t.equal(recovered, 300, 'the good frame after the garbage is always parsed');
  });
});

// ---------------------------------------------------------------------------------------
// 3. The inbound client against a fake FreeSWITCH

interface FakeJob {
  delayMs: number;
  body: string;
}

/** Plays FreeSWITCH's :8021 side, one command at a time per connection, as MES does. */
class FakeFreeSwitch {
  readonly server = net.createServer((s) => this.onSocket(s));
  readonly sockets = new Set<net.Socket>();
  readonly commands: SentCommand[] = [];
  connections = 0;
  maxConcurrent = 0;
  password = 'ClueCon';
  /** never send auth/request */
  mute = false;
  api: (args: string) => string | Promise<string> = (args) => (args === 'status' ? 'UP 0 years, 0 days\n' : `-ERR ${args.split(' ')[0]} Command not found!\n`);
  bgapi: (args: string) => FakeJob = () => ({ delayMs: 5, body: '+OK\n' });

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  broadcast(frame: string): void {
    for (const s of this.sockets) s.write(frame);
  }

  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private onSocket(s: net.Socket): void {
    this.connections++;
    this.sockets.add(s);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.sockets.size);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    s.setNoDelay(true); // as FreeSWITCH does (MES sets TCP_NODELAY); Nagle would merge frames
    if (!this.mute) s.write('Content-Type: auth/request\n\n');
    const reader = new CommandReader();
    let chain = Promise.resolve();
    s.on('data', (chunk) => {
      for (const cmd of reader.push(chunk)) chain = chain.then(() => this.handle(s, cmd));
    });
  }

  private async handle(s: net.Socket, cmd: SentCommand): Promise<void> {
    this.commands.push(cmd);
    const [verb, ...rest] = cmd.line.split(' ');
    const args = rest.join(' ');
    switch (verb) {
      case 'auth':
        if (args === this.password) return void s.write(reply('+OK accepted'));
        s.write(reply('-ERR invalid') + disconnectNotice());
        return void s.end();
      case 'event':
        return void s.write(reply(`+OK event listener enabled ${rest[0]}`));
      case 'filter':
        return void s.write(reply(`+OK filter added. [${rest[0]}]=[${rest.slice(1).join(' ')}]`));
      case 'api':
        return void s.write(apiResponse(await this.api(args)));
      case 'bgapi': {
        const id = cmd.headers.get('Job-UUID') ?? randomUUID();
        s.write(`Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${id}\nJob-UUID: ${id}\n\n`);
        const job = this.bgapi(args);
        const [command, ...argv] = args.split(' ');
        setTimeout(() => {
          if (!s.destroyed)
            s.write(
              eventFrame(
                commonHeaders('BACKGROUND_JOB', [
                  ['Job-UUID', id],
                  ['Job-Command', command!],
                  ['Job-Command-Arg', argv.join(' ')],
                ]),
                job.body,
              ),
            );
        }, job.delayMs).unref();
        return;
      }
      case 'sendmsg':
        return void s.write(reply('+OK'));
      case 'exit':
        s.write(reply('+OK bye') + disconnectNotice());
        return void s.end();
      default:
        return void s.write(reply('-ERR command not found'));
    }
  }
}

async function fakeAndClient(t: Test, options: Partial<ConstructorParameters<typeof EslClient>[0]> = {}, setUp?: (fs: FakeFreeSwitch) => void) {
  const fs = new FakeFreeSwitch();
  setUp?.(fs);
  const port = await fs.listen();
  const client = new EslClient({
    host: '127.0.0.1',
    port,
    password: 'ClueCon',
    events: ['CHANNEL_ANSWER', 'CHANNEL_HANGUP', 'DTMF', 'CUSTOM conference::maintenance'],
    reconnect: { initialMs: 20, maxMs: 200, minMs: 10 },
    random: () => 0.5,
    ...options,
  });
  t.teardown(async () => {
    await client.close();
    await fs.close();
  });
  return { fs, client, port };
}

const until = async (what: () => boolean, ms = 3000): Promise<void> => {
  const stop = Date.now() + ms;
  while (!what()) {
    if (Date.now() > stop) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

t.test('inbound client', async (t) => {
  t.test('connects, authenticates, subscribes; api', async (t) => {
    const { fs, client } = await fakeAndClient(t);
    t.equal(client.state, 'disconnected');
    client.start();
    await client.ready(2000);
    t.equal(client.state, 'connected');
    t.same(
      fs.commands.map((c) => c.line),
      ['auth ClueCon', 'event plain CHANNEL_ANSWER CHANNEL_HANGUP DTMF BACKGROUND_JOB CUSTOM conference::maintenance'],
    );
    t.equal(await client.api('status'), 'UP 0 years, 0 days\n');
    await t.rejects(client.api('nosuch thing'), { code: 'CTI_ESL_COMMAND_FAILED', message: /nosuch Command not found/ });
    t.equal(await client.api('nosuch', { allowErr: true }), '-ERR nosuch Command not found!\n');
    await t.rejects(client.api('status\nevent plain ALL'), { code: 'CTI_ESL_COMMAND_FAILED' }, 'no command injection through a line break');
  });

  t.test('pipelined api replies meet their own commands', async (t) => {
    const { client } = await fakeAndClient(t, {}, (fs) => {
      fs.api = async (args) => {
        if (args.startsWith('slow')) await new Promise((r) => setTimeout(r, 50));
        return `+OK ${args}\n`;
      };
    });
    client.start();
    await client.ready(2000);
    const answers = await Promise.all(['slow 1', 'echo 2', 'slow 3', 'echo 4'].map((a) => client.api(a)));
    t.same(answers, ['+OK slow 1\n', '+OK echo 2\n', '+OK slow 3\n', '+OK echo 4\n']);
  });

  t.test('bgapi: Job-UUID correlation with results out of order', async (t) => {
    const { fs, client } = await fakeAndClient(t, {}, (fs) => {
      fs.bgapi = (args) =>
        args.includes('slow')
          ? { delayMs: 150, body: '+OK 1f2e3d4c-0000-4000-8000-000000000001\n' }
          : args.includes('fail')
            ? { delayMs: 60, body: '-ERR RECOVERY_ON_TIMER_EXPIRE\n' }
            : { delayMs: 5, body: '+OK fast\n' };
    });
    client.start();
    await client.ready(2000);
    const order: string[] = [];
    const slow = client.bgapi('originate user/slow &park()').then((b) => (order.push('slow'), b));
    const fail = client.bgapi('originate user/fail &park()').then(
      (body): { code: string; detail: { reply: string } } => ({ code: 'resolved', detail: { reply: body } }),
      (e: { code: string; detail: { reply: string } }) => (order.push('fail'), e),
    );
    const fast = client.bgapi('status fast').then((b) => (order.push('fast'), b));
    t.equal(await fast, '+OK fast\n');
    const failed = await fail;
    t.equal(failed.code, 'CTI_ESL_COMMAND_FAILED');
    t.equal(failed.detail.reply, '-ERR RECOVERY_ON_TIMER_EXPIRE\n');
    t.equal(await slow, '+OK 1f2e3d4c-0000-4000-8000-000000000001\n');
    t.same(order, ['fast', 'fail', 'slow'], 'each result reached its own caller');
    const ids = fs.commands.filter((c) => c.line.startsWith('bgapi')).map((c) => c.headers.get('Job-UUID'));
    t.equal(new Set(ids).size, 3, 'a fresh Job-UUID header per bgapi');
    t.equal(await client.bgapi('originate user/fail &park()', { allowErr: true }), '-ERR RECOVERY_ON_TIMER_EXPIRE\n');
  });

  t.test('events are typed; bad values and throwing listeners do not crash', async (t) => {
    const { fs, client } = await fakeAndClient(t);
    client.start();
    await client.ready(2000);
    const got: EslEvent[] = [];
    client.on('event', (e) => got.push(e));
    client.on('event', () => {
      throw new Error('a listener bug');
    });
    fs.broadcast(
      eventFrame(
        commonHeaders('DTMF', [
          ['Unique-ID', 'u-9'],
          ['DTMF-Digit', '#'],
          ['DTMF-Duration', '2000'],
        ]),
      ),
    );
    fs.broadcast(eventFrame([...commonHeaders('CHANNEL_ANSWER'), ['Unique-ID', 'u-9'], ['Caller-Caller-ID-Name', '%E4%B8%ZZ']], undefined, true));
    fs.broadcast(
      eventFrame(
        commonHeaders('CUSTOM', [
          ['Event-Subclass', 'conference::maintenance'],
          ['Action', 'add-member'],
        ]),
      ),
    );
    await until(() => got.length === 3);
    const [dtmf, answer, custom] = got;
    t.ok(dtmf!.is('DTMF') && dtmf.dtmfDigit === '#' && dtmf.uuid === 'u-9', 'DTMF digit and channel');
    t.equal(answer!.callerIdName, '%E4%B8%ZZ');
    t.equal(answer!.warnings.length, 1);
    t.ok(custom!.is('CUSTOM') && custom.subclass === 'conference::maintenance');
    t.equal(await client.api('status'), 'UP 0 years, 0 days\n', 'still working');
  });

  t.test('an event-json frame nested 20,000 deep is dropped with a warning; the link and the process go on', async (t) => {
    const { fs, client } = await fakeAndClient(t);
    client.start();
    await client.ready(2000);
    const got: EslEvent[] = [];
    client.on('event', (e) => got.push(e));
    const errors: FrameError[] = [];
    client.on('frameError', (e) => errors.push(e));
    const json = `{"Event-Name":"CUSTOM","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    fs.broadcast(`Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`);
    fs.broadcast(
      eventFrame(
        commonHeaders('DTMF', [
          ['Unique-ID', 'u-10'],
          ['DTMF-Digit', '5'],
        ]),
      ),
    );
    await until(() => got.length === 1);
    t.equal(got[0]!.dtmfDigit, '5', 'the next event is handled');
    t.match(
      errors.map((e) => e.reason),
      ['event-decode'],
      'the bad frame is reported once',
    );
    t.equal(await client.api('status'), 'UP 0 years, 0 days\n', 'still working');
    const decode = decodeJsonEvent(Buffer.from(json));
    t.match(decode, /header "x" is neither a string nor an array of strings/, 'the decoder refuses it, without recursion');
  });

  t.test('reconnects after the server drops; pending calls fail; events and filters come back', async (t) => {
    const { fs, client } = await fakeAndClient(t, {}, (fs) => {
      fs.api = (args) => (args === 'hang' ? new Promise<string>(() => undefined) : '+OK\n');
      fs.bgapi = () => ({ delayMs: 60_000, body: '+OK never\n' });
    });
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    client.start();
    await client.ready(2000);
    await client.filter('Unique-ID', 'u-1');
    await client.filterForNow('Call-Direction', 'inbound');
    t.equal(fs.commands.at(-1)!.line, 'filter Call-Direction inbound', 'a filter for now is sent at once');
    const job = client.bgapi('originate user/1000 &park()');
    const hanging = client.api('hang'); // FreeSWITCH is serial: nothing after this is answered
    await until(() => fs.commands.some((c) => c.line === 'api hang'));
    let whileDown: Promise<string> | undefined;
    client.once('state', () => (whileDown = client.api('status')));
    fs.dropAll();
    await t.rejects(hanging, { code: 'CTI_ESL_DISCONNECTED' }, 'pending api rejected');
    await t.rejects(job, { code: 'CTI_ESL_DISCONNECTED' }, 'pending bgapi rejected');
    await until(() => whileDown !== undefined);
    await t.rejects(whileDown!, { code: 'CTI_ESL_DISCONNECTED' }, 'calls while disconnected fail at once');
    await until(() => client.state === 'connected');
    t.same(states, ['connected', 'disconnected', 'connected']);
    t.equal(fs.connections, 2);
    const second = fs.commands.slice(fs.commands.findIndex((c) => c.line === 'api hang') + 1).map((c) => c.line);
    t.same(
      second.slice(0, 4),
      [
        'auth ClueCon',
        'event plain CHANNEL_ANSWER CHANNEL_HANGUP DTMF BACKGROUND_JOB CUSTOM conference::maintenance',
        'filter Event-Name BACKGROUND_JOB',
        'filter Unique-ID u-1',
      ],
      'subscribed and filtered again',
    );
    t.notOk(second.includes('filter Call-Direction inbound'), 'the filter for now stayed with the old connection');
    t.equal(await client.api('status'), '+OK\n');
    await client.unfilter('Unique-ID', 'u-1');
    t.equal(fs.commands.at(-1)!.line, 'filter delete Unique-ID u-1', 'unfilter deletes it now');
    const before = fs.commands.length;
    fs.dropAll();
    await until(() => fs.connections === 3 && client.state === 'connected');
    const third = fs.commands.slice(before).map((c) => c.line);
    t.same(
      third.filter((l) => l.startsWith('filter')),
      ['filter Event-Name BACKGROUND_JOB'],
      '…and for later connections',
    );
  });

  t.test('a wrong password: clear error, retries only slowly', async (t) => {
    const { fs, client } = await fakeAndClient(t, { password: 'wrong', reconnect: { initialMs: 100, maxMs: 1000, minMs: 50 } });
    const failures: string[] = [];
    client.on('connectFailed', (e) => failures.push(e.code));
    client.start();
    await t.rejects(client.ready(1200), { code: 'CTI_ESL_AUTH_FAILED', message: /refused the ESL password/ });
    // After a refusal the next delay is drawn up to the cap (1 s): with random 0.5 that is 525 ms.
    t.ok(fs.connections >= 2 && fs.connections <= 3, `${fs.connections} attempts in 1.2 s`);
    t.same([...new Set(failures)], ['CTI_ESL_AUTH_FAILED']);
    t.equal(fs.maxConcurrent, 1, 'never two connections at once');
    t.ok(
      fs.commands.every((c) => c.line === 'auth wrong'),
      'nothing but auth was tried',
    );
  });

  t.test('FreeSWITCH away: exponential back-off, one attempt at a time', async (t) => {
    const fs = new FakeFreeSwitch();
    const port = await fs.listen();
    await fs.close(); // nothing listens on the port now
    const client = new EslClient({
      host: '127.0.0.1',
      port,
      password: 'ClueCon',
      events: [],
      reconnect: { initialMs: 50, maxMs: 400, minMs: 10 },
      random: () => 0.5,
    });
    t.teardown(() => client.close());
    const failures: string[] = [];
    client.on('connectFailed', (e) => failures.push(e.code));
    client.start();
    await new Promise((r) => setTimeout(r, 1000));
    // Delays 30, 55, 105, 205, 205 … ms: about 7 attempts in a second, not thousands.
    t.ok(client.connectionAttempts >= 4 && client.connectionAttempts <= 9, `${client.connectionAttempts} attempts in 1 s`);
    t.same([...new Set(failures)], ['CTI_ESL_CONNECT_FAILED']);
  });

  t.test('a server that never asks for the password: handshake timeout, attempts in series', async (t) => {
    const { fs, client } = await fakeAndClient(t, { handshakeTimeoutMs: 100, reconnect: { initialMs: 20, maxMs: 40, minMs: 10 } }, (fs) => (fs.mute = true));
    const failures: string[] = [];
    client.on('connectFailed', (e) => failures.push(e.code));
    client.start();
    await t.rejects(client.ready(500), { code: 'CTI_ESL_TIMEOUT' });
    t.ok(fs.connections >= 2);
    t.equal(fs.maxConcurrent, 1, 'never more than one attempt in flight');
    t.same([...new Set(failures)], ['CTI_ESL_TIMEOUT']);
  });

  t.test('close says exit and stops reconnecting', async (t) => {
    const { fs, client } = await fakeAndClient(t);
    client.start();
    await client.ready(2000);
    await client.close();
    t.equal(client.state, 'disconnected');
    t.equal(fs.commands.at(-1)?.line, 'exit');
    await new Promise((r) => setTimeout(r, 100));
    t.equal(fs.connections, 1, 'no reconnect after close');
  });
});

// ---------------------------------------------------------------------------------------
// 4. The outbound server, with this test playing FreeSWITCH's side

const CALL_UUID = 'a1b2c3d4-0000-4000-8000-00000000c0de';

/** The `connect` answer: an unframed CHANNEL_DATA block (§3.2), shaped like the traces. */
function channelDataBlock(): string {
  return serializeEvent([
    ...commonHeaders('CHANNEL_DATA'),
    ['Channel-State', 'CS_EXECUTE'],
    ['Unique-ID', CALL_UUID],
    ['Call-Direction', 'inbound'],
    ['Answer-State', 'ringing'],
    ['Channel-Name', 'sofia/external/13800138000@10.0.0.9'],
    ['Caller-Caller-ID-Name', '张三'],
    ['Caller-Caller-ID-Number', '13800138000'],
    ['Caller-Destination-Number', '12369'],
    ['variable_cti_mode', 'direct'],
    ['variable_cti_origin_hotline', '12369'],
    ['variable_DP_MATCH', 'ARRAY::12369|:12369'],
    ['Content-Type', 'command/reply'],
    ['Reply-Text', '+OK\n'],
    ['Socket-Mode', 'async'],
    ['Control', 'full'],
  ]);
}

const execEvent = (
  name: 'CHANNEL_EXECUTE' | 'CHANNEL_EXECUTE_COMPLETE',
  app: string,
  appUuid: string,
  response = '_none_',
  extra: Array<[string, string]> = [],
  atUs?: number,
) =>
  eventFrame(
    commonHeaders(
      name,
      [
        ['Unique-ID', CALL_UUID],
        ['Application', app],
        ['Application-Data', ''],
        ...(name === 'CHANNEL_EXECUTE_COMPLETE' ? ([['Application-Response', response]] as Array<[string, string]>) : []),
        ['Application-UUID', appUuid],
        ...extra,
      ],
      atUs,
    ),
  );

/** FreeSWITCH's end of one outbound session. */
class FsSession {
  readonly socket: net.Socket;
  readonly commands: SentCommand[] = [];
  /** extra bytes written right after the linger reply */
  afterLinger = '';
  /** how myevents is answered: at once, held until `releaseMyevents()`, or refused */
  myeventsReply: 'ok' | 'hold' | 'refuse' = 'ok';
  private myeventsHeld = false;
  private readonly unread: SentCommand[] = [];
  readonly ended: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('error', () => undefined);
    this.ended = new Promise((r) => this.socket.on('close', () => r()));
    const reader = new CommandReader();
    this.socket.on('data', (chunk) => {
      for (const cmd of reader.push(chunk)) this.answer(cmd);
    });
    // FreeSWITCH says nothing until `connect` (§3.1).
  }

  write(s: string): void {
    this.socket.write(s);
  }

  async next(match: (c: SentCommand) => boolean): Promise<SentCommand> {
    await until(() => this.commands.some(match));
    return this.commands.find(match)!;
  }

  private answer(cmd: SentCommand): void {
    this.commands.push(cmd);
    // FreeSWITCH reads the next command only after answering this one
    if (this.myeventsHeld) this.unread.push(cmd);
    else this.respond(cmd);
  }

  private respond(cmd: SentCommand): void {
    const verb = cmd.line.split(' ')[0];
    if (verb === 'connect') return this.write(channelDataBlock());
    if (verb === 'myevents' && this.myeventsReply === 'hold') {
      this.myeventsHeld = true;
      return;
    }
    if (verb === 'myevents') return this.write(reply(this.myeventsReply === 'ok' ? '+OK Events Enabled' : '-ERR aready enabled.'));
    if (verb === 'event') return this.write(reply('+OK event listener enabled plain'));
    if (verb === 'nixevent') return this.write(reply('+OK events nixed'));
    if (verb === 'linger') return this.write(reply(`+OK will linger ${cmd.line.split(' ')[1]} seconds`) + this.afterLinger);
    if (verb === 'sendmsg') return this.write(reply('+OK'));
    if (verb === 'api') return this.write(apiResponse('+OK\n'));
    if (verb === 'bgapi') {
      const id = cmd.headers.get('Job-UUID')!;
      this.write(`Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${id}\nJob-UUID: ${id}\n\n`);
      return this.write(
        eventFrame(
          commonHeaders('BACKGROUND_JOB', [
            ['Job-UUID', id],
            ['Job-Owner-UUID', CALL_UUID],
            ['Job-Command', 'status'],
          ]),
          '+OK up\n',
        ),
      );
    }
    if (verb === 'exit') {
      this.write(reply('+OK bye') + disconnectNotice(CALL_UUID));
      return void this.socket.end();
    }
    this.write(reply('-ERR command not found'));
  }

  /** Writes the held reply to myevents; what followed it is answered right after, in order. */
  releaseMyevents(): void {
    if (!this.myeventsHeld) return;
    this.myeventsHeld = false;
    this.write(reply('+OK Events Enabled'));
    for (const cmd of this.unread.splice(0)) this.respond(cmd);
  }
}

async function outboundServer(t: Test, onCall: (call: OutboundCall) => void | Promise<void>, unreadEvents?: string[]) {
  const server = new EslOutboundServer({ host: '127.0.0.1', port: 0, lingerSeconds: 30, ...(unreadEvents ? { unreadEvents } : {}) }, onCall);
  const port = await server.listen();
  t.teardown(() => server.close());
  return { server, port };
}

function nextCall(): { onCall: (c: OutboundCall) => void; call: Promise<OutboundCall> } {
  let resolve!: (c: OutboundCall) => void;
  const call = new Promise<OutboundCall>((r) => (resolve = r));
  return { onCall: (c) => resolve(c), call };
}

t.test('outbound server', async (t) => {
  t.test('set-up: connect, CHANNEL_DATA, myevents, events, nixevent, linger', async (t) => {
    const { onCall, call: callP } = nextCall();
    const { port, server } = await outboundServer(t, onCall);
    const fs = new FsSession(port);
    const call = await callP;
    await fs.next((c) => c.line.startsWith('linger'));
    t.same(
      fs.commands.map((c) => c.line),
      [
        'connect',
        'myevents',
        'event plain CHANNEL_HOLD CHANNEL_UNHOLD PLAYBACK_START PLAYBACK_STOP RECORD_START RECORD_STOP BACKGROUND_JOB',
        'nixevent CHANNEL_STATE CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_PARK CHANNEL_UNPARK CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ORIGINATE CHANNEL_OUTGOING CHANNEL_APPLICATION CHANNEL_UUID DETECTED_SPEECH TALK NOTALK',
        'linger 30',
      ],
    );
    t.equal(call.uuid, CALL_UUID);
    t.equal(call.channelData.callerIdNumber, '13800138000');
    t.equal(call.channelData.callerIdName, '张三');
    t.equal(call.channelData.destinationNumber, '12369');
    t.equal(call.channelData.variables.get('cti_mode'), 'direct');
    t.same(call.channelData.variables.get('DP_MATCH'), ['12369', '12369']);
    t.equal(call.channelData.control, 'full');
    t.equal(server.activeCalls, 1);
    fs.socket.destroy();
    await call.closed;
  });

  t.test("the call is handed over once the set-up is written, and its first command queues behind the set-up's replies", async (t) => {
    const { onCall, call: callP } = nextCall();
    const { port } = await outboundServer(t, onCall);
    const fs = new FsSession(port);
    fs.myeventsReply = 'hold';
    const call = await callP;
    const answered = call.execute('answer');
    const sendmsg = await fs.next((c) => c.line === 'sendmsg');
    t.same(
      fs.commands.map((c) => c.line.split(' ')[0]),
      ['connect', 'myevents', 'event', 'nixevent', 'linger', 'sendmsg'],
      'all written while the reply to myevents is held',
    );
    fs.releaseMyevents();
    fs.write(execEvent('CHANNEL_EXECUTE_COMPLETE', 'answer', sendmsg.headers.get('Event-UUID')!));
    t.equal((await answered).application, 'answer', 'each reply went to its own command');
    fs.socket.destroy();
    await call.closed;
  });

  t.test('a refused subscription ends the session', async (t) => {
    const { onCall, call: callP } = nextCall();
    const { port, server } = await outboundServer(t, onCall);
    const fs = new FsSession(port);
    fs.myeventsReply = 'refuse';
    const call = await callP;
    await call.closed;
    await fs.ended; // FreeSWITCH sees the socket close, so its dialplan goes on
    t.equal(server.activeCalls, 0);
    t.equal(call.isClosed, true);
  });

  t.test('execute resolves on its own completion, whatever completes first', async (t) => {
    const { onCall, call: callP } = nextCall();
    const { port } = await outboundServer(t, onCall);
    const fs = new FsSession(port);
    const call = await callP;
    const resolved: string[] = [];
    const playback = call.execute('playback', 'cti/welcome.wav', { lock: true }).then((e) => (resolved.push('playback'), e));
    const sleep = call.execute('sleep', '100').then((e) => (resolved.push('sleep'), e));
    const p1 = await fs.next((c) => c.headers.get('execute-app-name') === 'playback');
    const p2 = await fs.next((c) => c.headers.get('execute-app-name') === 'sleep');
    t.equal(p1.line, 'sendmsg');
    t.equal(p1.headers.get('call-command'), 'execute');
    t.equal(p1.headers.get('execute-app-arg'), 'cti/welcome.wav');
    t.equal(p1.headers.get('event-lock'), 'true');
    const playbackId = p1.headers.get('Event-UUID')!;
    const sleepId = p2.headers.get('Event-UUID')!;
    t.not(playbackId, sleepId);
    // An app the dialplan started, then sleep's completion, then playback's.
    fs.write(execEvent('CHANNEL_EXECUTE_COMPLETE', 'answer', randomUUID()));
    fs.write(execEvent('CHANNEL_EXECUTE', 'playback', playbackId));
    fs.write(execEvent('CHANNEL_EXECUTE_COMPLETE', 'sleep', sleepId));
    await until(() => resolved.length === 1);
    t.same(resolved, ['sleep'], 'sleep first, though playback was sent first');
    fs.write(execEvent('CHANNEL_EXECUTE_COMPLETE', 'playback', playbackId, 'FILE PLAYED'));
    t.equal((await playback).applicationResponse, 'FILE PLAYED');
    t.equal((await sleep).applicationUuid, sleepId);
    fs.socket.destroy();
    await call.closed;
  });

  t.test('loops, a multi-line argument, api and bgapi on the session', async (t) => {
    const { onCall, call: callP } = nextCall();
    const { port } = await outboundServer(t, onCall);
    const fs = new FsSession(port);
    const call = await callP;
    const looped = call.execute('playback', 'cti/ring.wav', { loops: 2 });
    const cmd = await fs.next((c) => c.headers.get('loops') === '2');
    const id = cmd.headers.get('Event-UUID')!;
    let done = false;
    void looped.then(() => (done = true));
    const t0 = 1_700_000_000_000_000; // each run takes 3 s on FreeSWITCH's clock
    fs.write(execEvent('CHANNEL_EXECUTE', 'playback', id, undefined, [], t0));
    fs.write(
      execEvent(
        'CHANNEL_EXECUTE_COMPLETE',
        'playback',
        id,
        'FILE PLAYED',
        [
          ['variable_current_loop', '1'],
          ['variable_total_loops', '2'],
        ],
        t0 + 3_000_000,
      ),
    );
    await new Promise((r) => setTimeout(r, 30));
    t.notOk(done, 'not after the first of two runs');
    fs.write(execEvent('CHANNEL_EXECUTE', 'playback', id, undefined, [], t0 + 3_000_100));
    fs.write(
      execEvent(
        'CHANNEL_EXECUTE_COMPLETE',
        'playback',
        id,
        'FILE PLAYED',
        [
          ['variable_current_loop', '2'],
          ['variable_total_loops', '2'],
        ],
        t0 + 6_000_000,
      ),
    );
    t.equal((await looped).get('variable_current_loop'), '2');

    const speak = call.execute('speak', 'line one\nline two');
    const sc = await fs.next((c) => c.headers.get('execute-app-name') === 'speak');
    t.equal(sc.headers.get('Content-Type'), 'text/plain');
    t.equal(sc.body, 'line one\nline two', 'sent as a text/plain body');
    fs.write(execEvent('CHANNEL_EXECUTE_COMPLETE', 'speak', sc.headers.get('Event-UUID')!));
    await speak;

    t.equal(await call.api('uuid_exists x'), '+OK\n');
    t.equal(await call.bgapi('status'), '+OK up\n', 'BACKGROUND_JOB on the session');
    await call.setVar('cti_line', '1');
    t.ok(fs.commands.some((c) => c.line === `api uuid_setvar ${CALL_UUID} cti_line 1`));
    fs.socket.destroy();
    await call.closed;
  });

  t.test('CHANNEL_EXECUTE nixed: lastEventUs from the completions, loops refused', async (t) => {
    const { onCall, call: callP } = nextCall();
    const { port } = await outboundServer(t, onCall, ['CHANNEL_STATE', 'CHANNEL_EXECUTE', 'DTMF']);
    const fs = new FsSession(port);
    const call = await callP;
    t.equal((await fs.next((c) => c.line.startsWith('nixevent'))).line, 'nixevent CHANNEL_STATE CHANNEL_EXECUTE DTMF', 'the list given is nixed');
    t.equal(call.lastEventUs, undefined, 'no event yet');
    const played = call.execute('playback', 'cti/welcome.wav');
    const cmd = await fs.next((c) => c.headers.get('execute-app-name') === 'playback');
    const t0 = 1_700_000_000_000_000;
    fs.write(execEvent('CHANNEL_EXECUTE_COMPLETE', 'playback', cmd.headers.get('Event-UUID')!, 'FILE PLAYED', [], t0 + 2_500_000));
    await played;
    t.equal(call.lastEventUs, t0 + 2_500_000, "FreeSWITCH's time of the completion");
    await t.rejects(call.execute('playback', 'cti/ring.wav', { loops: 2 }), { code: 'ESL_COMMAND_FAILED', message: /nixes CHANNEL_EXECUTE/ });
    t.notOk(
      fs.commands.some((c) => c.headers.get('loops') !== undefined),
      'nothing sent for it',
    );
    fs.socket.destroy();
    await call.closed;
  });

  t.test('hangup, linger notice, HANGUP_COMPLETE, exit, final notice', async (t) => {
    const { onCall, call: callP } = nextCall();
    const { port } = await outboundServer(t, onCall);
    const fs = new FsSession(port);
    const call = await callP;
    const seen: string[] = [];
    call.on('event', (e) => seen.push(e.name));
    const hangups: Array<string | undefined> = [];
    call.on('hangup', (cause) => hangups.push(cause));
    const parked = call.execute('park');
    await fs.next((c) => c.headers.get('execute-app-name') === 'park');
    await call.hangup('USER_BUSY');
    const h = await fs.next((c) => c.headers.get('call-command') === 'hangup');
    t.equal(h.headers.get('hangup-cause'), 'USER_BUSY');
    fs.write(
      eventFrame(
        commonHeaders('CHANNEL_HANGUP', [
          ['Unique-ID', CALL_UUID],
          ['Hangup-Cause', 'USER_BUSY'],
        ]),
      ),
    );
    fs.write(lingerNotice(CALL_UUID));
    fs.write(
      eventFrame(
        commonHeaders('CHANNEL_HANGUP_COMPLETE', [
          ['Hangup-Cause', 'USER_BUSY'],
          ['Unique-ID', CALL_UUID],
          ['variable_billsec', '0'],
        ]),
      ),
    );
    const closed = await call.closed;
    t.same(closed, { lingerNotice: true, disconnectNotice: true, hangupCause: 'USER_BUSY', exited: true });
    t.ok(
      fs.commands.some((c) => c.line === 'exit'),
      'the session said exit after HANGUP_COMPLETE',
    );
    t.same(seen, ['CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE']);
    t.same(hangups, ['USER_BUSY']);
    t.ok(call.isHungUp);
    await t.rejects(parked, { code: 'CTI_ESL_DISCONNECTED', message: /hung up before it completed/ }, 'an app that never completed');
    await t.rejects(call.execute('playback', 'x.wav'), { code: 'CTI_ESL_DISCONNECTED' });
  });

  t.test('events sent during set-up reach the handler', async (t) => {
    let received: EslEvent[] = [];
    const { port } = await outboundServer(t, (call) => {
      received = [];
      call.on('event', (e) => received.push(e));
    });
    const fs = new FsSession(port);
    fs.afterLinger = eventFrame(
      commonHeaders('DTMF', [
        ['Unique-ID', CALL_UUID],
        ['DTMF-Digit', '1'],
      ]),
    );
    await until(() => received.length === 1);
    t.equal(received[0]!.dtmfDigit, '1');
    fs.socket.destroy();
    await fs.ended;
  });

  t.test('a failing handler ends the session (the dialplan fallback takes over)', async (t) => {
    const { port } = await outboundServer(t, async () => {
      throw new Error('handler bug');
    });
    const fs = new FsSession(port);
    await fs.ended;
    t.ok(fs.commands.some((c) => c.line === 'exit'));
  });

  t.test('a peer that answers connect with something else is dropped', async (t) => {
    const { port } = await outboundServer(t, () => {
      t.fail('no call expected');
    });
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    s.on('data', () => s.write(reply('+OK not channel data')));
    await new Promise((r) => s.on('close', r));
    t.pass('closed by the server');
  });
});

// ---------------------------------------------------------------------------------------
// 5. Small pure pieces

t.test('commands and back-off', async (t) => {
  t.equal(serializeCommand({ line: 'api status' }), 'api status\n\n');
  t.equal(
    serializeCommand({ line: 'sendmsg', headers: [['call-command', 'execute']], body: '中' }),
    'sendmsg\ncall-command: execute\nContent-Length: 3\n\n中',
    'Content-Length in bytes',
  );
  t.equal(eventCommand('plain', ['CUSTOM a::b', 'DTMF', 'CUSTOM c::d']), 'event plain DTMF BACKGROUND_JOB CUSTOM a::b c::d', 'CUSTOM and its subclasses last');
  const b = new ReconnectBackoff({ initialMs: 500, maxMs: 30_000, minMs: 50 }, () => 1);
  t.same([b.next(), b.next(), b.next(), b.next()], [500, 1000, 2000, 4000], 'ceilings double');
  for (let i = 0; i < 10; i++) b.next();
  t.equal(b.next(), 30_000, 'capped');
  const low = new ReconnectBackoff({}, () => 0);
  t.equal(low.next(), 50, 'never below the floor');
  const refused = new ReconnectBackoff({}, () => 1);
  refused.penalise();
  t.equal(refused.next(), 30_000, 'a refusal goes straight to the cap');
  const e = new EslEvent(
    [
      ['Event-Name', 'CHANNEL_HANGUP'],
      ['Unique-ID', 'u'],
      ['Hangup-Cause', 'NO_ANSWER'],
      ['Event-Date-Timestamp', '1700000000123456'],
    ],
    undefined,
    'plain',
  );
  t.ok(e.is('CHANNEL_HANGUP') && e.hangupCause === 'NO_ANSWER');
  t.equal(e.timestampUs, 1700000000123456);
});
