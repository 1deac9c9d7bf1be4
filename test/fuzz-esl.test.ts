// Property-based fuzzing of both ends of the Event Socket (issue 19): the controller's frame
// parser, decoders and connection (src/esl) fed switch traffic, and the simulator's command
// reader (src/sim/wire) fed controller traffic. Realistic frames are built here, split at random
// points, and broken in the ways a real link breaks them. Each property runs under a fixed list
// of seeds plus one fresh seed; every seed is printed, and a failure report carries fast-check's
// seed and path, so `{ seed, path }` in runSeeds replays it.
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FrameError, FrameParser, toMessage, type EslMessage, type ParsedItem } from '../src/esl/index.js';
import { EslConnection } from '../src/esl/connection.js';
import { BadContentLengthError, CommandReader, MAX_BODY_BYTES, type ClientPacket } from '../src/sim/wire/command-reader.js';

const FIXED_SEEDS = [1, 12345, 20260301];
const FRESH_SEED = Date.now() % 2_147_483_647;
let framesFed = 0;

/** Runs a property under every seed, printing each so a failure can be replayed. */
function runSeeds(t: Test, name: string, property: fc.IProperty<any>, numRuns: number, examples: unknown[][] = []): void {
  for (const seed of [...FIXED_SEEDS, FRESH_SEED]) {
    t.comment(`${name}: seed ${seed}, ${numRuns} runs`);
    fc.assert(property, { seed, numRuns, examples: examples as never });
  }
  t.pass(`${name}: held for ${FIXED_SEEDS.length + 1} seeds`);
}

// ---------------------------------------------------------------------------------------
// Frames as FreeSWITCH writes them (docs/esl-protocol.md §1), built from specs that also say what
// the controller must decode from them.

type Spec =
  | { kind: 'auth' }
  | { kind: 'reply'; text: string }
  | { kind: 'api'; body: string }
  | { kind: 'notice'; body: string; linger: boolean }
  /** the unframed, url-encoded answer to an outbound `connect` (§3.2) */
  | { kind: 'channel-data'; headers: Array<[string, string]> }
  | { kind: 'event'; format: 'plain' | 'json' | 'xml'; headers: Array<[string, string]>; body?: string };

/** switch_url_encode as the switch applies it to event-plain and event-xml values. */
function urlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x20 || byte > 0x7e || ' #%&+:;<=>?@[\\]^`{|}"'.includes(c) ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : c;
  }
  return out;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function eventBody(spec: Extract<Spec, { kind: 'event' }>): string {
  const { headers, body } = spec;
  if (spec.format === 'json') {
    const obj: Record<string, string> = Object.fromEntries(headers);
    if (body !== undefined) Object.assign(obj, { 'Content-Length': String(Buffer.byteLength(body)), _body: body });
    return JSON.stringify(obj);
  }
  if (spec.format === 'xml') {
    const lines = headers.map(([k, v]) => `    <${k}>${xmlEscape(urlEncode(v))}</${k}>\n`).join('');
    const tail = body === undefined ? '' : `  <Content-Length>${Buffer.byteLength(body)}</Content-Length>\n  <body>${xmlEscape(body)}</body>\n`;
    return `<event>\n  <headers>\n${lines}  </headers>\n${tail}</event>`;
  }
  const lines = headers.map(([k, v]) => `${k}: ${v === '' ? '_undef_' : urlEncode(v)}\n`).join('');
  return body === undefined ? `${lines}\n` : `${lines}Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

function frameText(spec: Spec): string {
  const len = (s: string) => Buffer.byteLength(s);
  switch (spec.kind) {
    case 'auth':
      return 'Content-Type: auth/request\n\n';
    case 'reply':
      return `Content-Type: command/reply\nReply-Text: ${spec.text}\n\n`;
    case 'api':
      return `Content-Type: api/response\nContent-Length: ${len(spec.body)}\n\n${spec.body}`;
    case 'notice':
      return spec.linger
        ? 'Content-Type: text/disconnect-notice\nControlled-Session-UUID: 7f4de4bc-0001\nContent-Disposition: linger\nChannel-Name: sofia/internal/1001@10.0.0.5\nLinger-Time: 10\nContent-Length: 0\n\n'
        : `Content-Type: text/disconnect-notice\nContent-Length: ${len(spec.body)}\n\n${spec.body}`;
    case 'channel-data':
      return `Content-Type: command/reply\nReply-Text: +OK\n${spec.headers.map(([k, v]) => `${k}: ${urlEncode(v)}\n`).join('')}\n`;
    case 'event': {
      const body = eventBody(spec);
      return `Content-Length: ${len(body)}\nContent-Type: text/event-${spec.format}\n\n${body}`;
    }
  }
}

/** What the controller must make of a frame: one line, compared exactly. */
function expected(spec: Spec): string {
  switch (spec.kind) {
    case 'channel-data':
      return `channel-data ${JSON.stringify(spec.headers)}`;
    case 'auth':
      return 'auth-request';
    case 'reply':
      return `reply ${spec.text}`;
    case 'api':
      return `reply ${spec.body.slice(0, 120)}`;
    case 'notice':
      return `disconnect-notice ${spec.linger ? 'linger' : ''} ${spec.linger ? '' : spec.body}`;
    case 'event':
      return `event ${JSON.stringify([spec.headers, spec.body ?? null])}`;
  }
}

/** The same line, from what the controller delivered. */
function described(m: EslMessage): string {
  switch (m.type) {
    case 'auth-request':
      return 'auth-request';
    case 'command-reply':
      return `reply ${m.text}`;
    case 'api-response':
      return `reply ${m.body.slice(0, 120)}`;
    case 'channel-data':
      return `channel-data ${JSON.stringify(m.event.entries.filter(([k]) => k !== 'Content-Type' && k !== 'Reply-Text'))}`;
    case 'disconnect-notice':
      return `disconnect-notice ${m.disposition ?? ''} ${m.disposition === 'linger' ? '' : m.body}`;
    case 'event': {
      const headers = m.event.entries.map(([k, v]) => [k, Array.isArray(v) ? `ARRAY::${v.join('|:')}` : v]);
      return `event ${JSON.stringify([headers, m.event.body ?? null])}`;
    }
    default:
      return m.type;
  }
}

// ---------------------------------------------------------------------------------------
// Arbitraries

const EVENT_NAMES = [
  'CHANNEL_CREATE',
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_EXECUTE_COMPLETE',
  'DTMF',
  'BACKGROUND_JOB',
  'HEARTBEAT',
  'CUSTOM',
];
const HEADER_NAMES = [
  'Unique-ID',
  'Caller-Caller-ID-Name',
  'Caller-Caller-ID-Number',
  'Caller-Destination-Number',
  'Channel-Name',
  'Application',
  'Application-Data',
  'Application-UUID',
  'Job-UUID',
  'DTMF-Digit',
  'Hangup-Cause',
  'variable_sip_user_agent',
  'variable_cti_mode',
  'Event-Subclass',
];

/** Anything a value may hold: CJK names, emoji, `%`, `:`, `&`, line feeds. */
const anyText = (maxLength: number) =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme', maxLength }),
      fc.string({ unit: fc.constantFrom('张', '三', '北', '京', '%', ':', '&', '<', '|', '\n', ' ', 'a', '1', '😀', '_', '"', '}'), maxLength }),
    )
    .filter((s) => s !== '_undef_' && !s.startsWith('ARRAY::'));

/** Outer header values are written raw: one line, no CR. */
const lineText = (maxLength: number) => fc.string({ unit: fc.constantFrom('+', 'O', 'K', 'E', 'R', ' ', 'a', '-', '北', '京', '%', ':', '1'), maxLength });

const headerName = fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.stringMatching(/^variable_[a-z][a-z0-9_]{0,12}$/));

const eventSpec: fc.Arbitrary<Spec> = fc
  .record({
    format: fc.constantFrom('plain' as const, 'json' as const, 'xml' as const),
    name: fc.constantFrom(...EVENT_NAMES),
    headers: fc.uniqueArray(fc.tuple(headerName, anyText(24)), { maxLength: 12, selector: ([k]) => k }),
    body: fc.option(anyText(80), { nil: undefined }),
  })
  .map(({ format, name, headers, body }) => ({ kind: 'event' as const, format, headers: [['Event-Name', name] as [string, string], ...headers], body }));

const specArb: fc.Arbitrary<Spec> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'auth' as const }) },
  { weight: 3, arbitrary: lineText(40).map((text) => ({ kind: 'reply' as const, text })) },
  { weight: 2, arbitrary: anyText(120).map((body) => ({ kind: 'api' as const, body })) },
  { weight: 1, arbitrary: fc.record({ body: anyText(60), linger: fc.boolean() }).map((n) => ({ kind: 'notice' as const, ...n })) },
  { weight: 6, arbitrary: eventSpec },
  {
    weight: 1,
    arbitrary: fc
      .uniqueArray(fc.tuple(headerName, anyText(24)), { maxLength: 10, selector: ([k]) => k })
      .map((headers) => ({ kind: 'channel-data' as const, headers: [['Event-Name', 'CHANNEL_DATA'] as [string, string], ...headers] })),
  },
);

/** Chunk sizes, used in turn; single bytes are common on a real link under load. */
const chunkSizes = fc.oneof(
  { weight: 1, arbitrary: fc.constant<number[]>([1]) },
  { weight: 4, arbitrary: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 12 }) },
);

function chunks(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The controller side, as a parser alone and as a whole connection

interface Outcome {
  /** what was delivered, one line per message (see described) */
  delivered: string[];
  errors: FrameError[];
  events: EslMessage[];
}

/** FrameParser and toMessage, the bytes pushed in the given chunks; nothing may throw. */
function parseChunks(parts: Buffer[]): Outcome {
  const parser = new FrameParser();
  const items: ParsedItem[] = [];
  for (const part of parts) items.push(...parser.push(part));
  const tail = parser.end();
  if (tail) items.push(tail);
  const out: Outcome = { delivered: [], errors: [], events: [] };
  for (const item of items) {
    const m = item instanceof FrameError ? item : toMessage(item);
    if (m instanceof FrameError) out.errors.push(m);
    else {
      out.delivered.push(described(m));
      if (m.type === 'event') out.events.push(m);
    }
  }
  framesFed += items.length;
  return out;
}

/** Just enough of a net.Socket for EslConnection: data in, close. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  setNoDelay(): void {}
  write(): boolean {
    return true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

interface LinkOutcome {
  /** messages and unclaimed replies, in arrival order, as expectedOnLink writes them */
  delivered: string[];
  frameErrors: FrameError[];
  /** log.error calls: a parser or decoder that threw */
  failures: string[];
  /** log.warn calls that reported a bad frame */
  warned: number;
}

/** A whole EslConnection fed the chunks from a fake socket, then closed. */
function overLink(parts: Buffer[]): LinkOutcome {
  const out: LinkOutcome = { delivered: [], frameErrors: [], failures: [], warned: 0 };
  const log = {
    warn(obj: { reply?: string }, msg: string) {
      if (msg.startsWith('ESL reply with no command waiting')) out.delivered.push(`reply ${obj.reply}`);
      else if (msg.startsWith('malformed ESL frame')) out.warned++;
    },
    error(_obj: unknown, msg: string) {
      out.failures.push(msg);
    },
  } as unknown as Logger;
  const socket = new FakeSocket();
  const link = new EslConnection(socket as unknown as Socket, { log, maxInFlight: 1, commandTimeoutMs: 1000, peer: 'fuzz' });
  link.on('message', (m) => out.delivered.push(described(m)));
  link.on('frameError', (e) => out.frameErrors.push(e));
  for (const part of parts) socket.emit('data', part);
  socket.destroy();
  return out;
}

/** What the link shows for a frame: replies nobody waits for are logged with their text. */
function expectedOnLink(spec: Spec): string {
  if (spec.kind === 'channel-data') return 'reply CHANNEL_DATA';
  return expected(spec);
}

const trafficArb = (maxLength: number) => fc.array(specArb, { minLength: 1, maxLength, size: 'max' });
const bytesOf = (specs: Spec[]) => Buffer.from(specs.map(frameText).join(''), 'utf8');

t.test('controller: real-looking traffic in any split is parsed exactly, with no error', (t) => {
  t.plan(1);
  const property = fc.property(trafficArb(60), chunkSizes, (specs, sizes) => {
    const got = parseChunks(chunks(bytesOf(specs), sizes));
    if (got.errors.length > 0) throw new Error(`unexpected ${got.errors[0]!.message}`);
    assertSame(got.delivered, specs.map(expected));
  });
  runSeeds(t, 'good traffic', property, 300);
});

function assertSame(actual: string[], wanted: string[]): void {
  if (actual.length !== wanted.length || actual.some((a, i) => a !== wanted[i])) {
    const i = actual.findIndex((a, k) => a !== wanted[k]);
    throw new Error(
      `delivered ${actual.length} messages, expected ${wanted.length}; first difference at ${i}:\n  got  ${actual[i]?.slice(0, 300)}\n  want ${wanted[i]?.slice(0, 300)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------
// One broken frame among good ones

type Corruption =
  | { kind: 'bad-length'; victim: Spec; value: string }
  | { kind: 'wrong-length'; victim: Spec; shortBy: number; longBy: { frames: number } | { bytes: number } | null }
  | { kind: 'garbage-line'; victim: Spec; line: Uint8Array; at: number }
  | { kind: 'missing-blank'; victim: Spec }
  | { kind: 'drop-header'; victim: Spec; name: 'Content-Type' | 'Content-Length' }
  | { kind: 'deep-json'; depth: number; objects: boolean }
  | { kind: 'cut'; victim: Spec; at: number }
  | { kind: 'name-case'; victim: Spec; upper: boolean };

const withLength = (s: Spec) => s.kind === 'event' || s.kind === 'api' || (s.kind === 'notice' && !s.linger);
const withoutBody = (s: Spec) => s.kind === 'auth' || s.kind === 'reply' || s.kind === 'channel-data';

const BAD_LENGTHS = ['-1', '-4096', 'abc', '12x', '', '0x10', '1e3', '+12', '１２', ' 12', '12 ', '99999999999', '18446744073709551616', '67108865'];

const corruptionArb: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({
    kind: fc.constant('bad-length' as const),
    victim: specArb.filter(withLength),
    value: fc.oneof(fc.constantFrom(...BAD_LENGTHS), fc.integer({ min: 64 * 1024 * 1024 + 1, max: 9_999_999_999 }).map(String)),
  }),
  fc.record({
    kind: fc.constant('wrong-length' as const),
    victim: eventSpec,
    shortBy: fc.nat(),
    longBy: fc.option(fc.oneof(fc.record({ frames: fc.nat() }), fc.record({ bytes: fc.nat() })), { nil: null }),
  }),
  fc.record({
    kind: fc.constant('garbage-line' as const),
    victim: specArb,
    line: fc
      .uint8Array({ minLength: 1, maxLength: 120 })
      .map((b) => b.filter((c) => c !== 0x0a && c !== 0x0d && c !== 0x3a))
      .filter((b) => b.length > 0),
    at: fc.nat(),
  }),
  fc.record({ kind: fc.constant('missing-blank' as const), victim: specArb.filter((s) => withoutBody(s) || s.kind === 'event') }),
  fc.oneof(
    fc.record({ kind: fc.constant('drop-header' as const), victim: specArb.filter((s) => s.kind !== 'auth'), name: fc.constant('Content-Type' as const) }),
    fc.record({
      kind: fc.constant('drop-header' as const),
      victim: specArb.filter((s) => s.kind === 'event' || s.kind === 'api'),
      name: fc.constant('Content-Length' as const),
    }),
  ),
  fc.record({ kind: fc.constant('deep-json' as const), depth: fc.integer({ min: 100, max: 5_000 }), objects: fc.boolean() }),
  fc.record({ kind: fc.constant('cut' as const), victim: specArb, at: fc.nat() }),
  fc.record({ kind: fc.constant('name-case' as const), victim: specArb, upper: fc.boolean() }),
);

interface Broken {
  bytes: Buffer;
  /** FrameErrors the controller must report for it */
  errors: 0 | 1;
  /** the victim may still be delivered (garbage before it, not inside) */
  victimMayArrive: boolean;
  /** the victim must be delivered */
  victimArrives: boolean;
  /** nothing may follow it (the stream ends inside it) */
  last: boolean;
}

/** Splits a frame into its header lines (each with its LF) and the rest (blank line and body). */
function headerLinesOf(frame: string): { lines: string[]; rest: string } {
  const end = frame.indexOf('\n\n');
  return { lines: frame.slice(0, end + 1).split(/(?<=\n)/), rest: frame.slice(end + 1) };
}

function breakFrame(c: Corruption, suffix: Spec[]): Broken {
  const broken = (bytes: string | Buffer, errors: 0 | 1 = 1, victimMayArrive = false): Broken => ({
    bytes: Buffer.from(bytes),
    errors,
    victimMayArrive,
    victimArrives: errors === 0,
    last: false,
  });
  if (c.kind === 'deep-json') {
    const deep = c.objects ? `${'{"a":'.repeat(c.depth)}1${'}'.repeat(c.depth)}` : `${'['.repeat(c.depth)}${']'.repeat(c.depth)}`;
    const json = `{"Event-Name":"CUSTOM","Event-Subclass":"fuzz::deep","x":${deep}}`;
    return broken(`Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`);
  }
  const frame = frameText(c.victim);
  const { lines, rest } = headerLinesOf(frame);
  switch (c.kind) {
    case 'bad-length':
      return broken(lines.map((l) => (l.startsWith('Content-Length: ') ? `Content-Length: ${c.value}\n` : l)).join('') + rest);
    case 'wrong-length': {
      const body = rest.slice(1);
      const length = Buffer.byteLength(body);
      const suffixBytes = suffix.map((s) => Buffer.byteLength(frameText(s)));
      const total = suffixBytes.reduce((a, b) => a + b, 0);
      const longBy =
        c.longBy === null
          ? -(1 + (c.shortBy % length))
          : 'frames' in c.longBy
            ? suffixBytes.slice(0, 1 + (c.longBy.frames % suffix.length)).reduce((a, b) => a + b, 0)
            : 1 + (c.longBy.bytes % total);
      return broken(`Content-Length: ${length + longBy}\n${lines.slice(1).join('')}${rest}`);
    }
    case 'garbage-line': {
      const at = c.at % (lines.length + 1);
      const text = (from: string[], more = '') => Buffer.from(from.join('') + more, 'utf8');
      return broken(Buffer.concat([text(lines.slice(0, at)), c.line, Buffer.from('\n'), text(lines.slice(at), rest)]), 1, at === 0);
    }
    case 'missing-blank':
      return broken(lines.join('') + rest.slice(1));
    case 'drop-header':
      return broken(lines.filter((l) => !l.startsWith(`${c.name}: `)).join('') + rest);
    case 'cut': {
      const bytes = Buffer.from(frame, 'utf8');
      return { ...broken(bytes.subarray(0, 1 + (c.at % (bytes.length - 1)))), last: true };
    }
    case 'name-case': {
      const recase = (l: string) =>
        l.startsWith('Content-') ? (c.upper ? l.replace(/^[^:]+/, (n) => n.toUpperCase()) : l.replace(/^[^:]+/, (n) => n.toLowerCase())) : l;
      return broken(lines.map(recase).join('') + rest, 0);
    }
  }
}

const brokenCase = fc.record({
  prefix: fc.array(specArb, { maxLength: 12 }),
  corruption: corruptionArb,
  suffix: fc.array(specArb, { minLength: 1, maxLength: 12 }),
  sizes: chunkSizes,
});

/** Delivered must be the prefix, the victim if it survives, and the suffix. */
function checkDelivery(delivered: string[], prefix: string[], victim: string | undefined, suffix: string[], b: Broken): void {
  const withVictim = victim === undefined ? undefined : [...prefix, victim, ...suffix];
  const without = [...prefix, ...suffix];
  if (b.victimArrives) return assertSame(delivered, withVictim!);
  if (b.victimMayArrive && withVictim && delivered.length === withVictim.length) return assertSame(delivered, withVictim);
  assertSame(delivered, without);
}

const created = (headers: Array<[string, string]> = []) => [['Event-Name', 'CHANNEL_CREATE'] as [string, string], ...headers];
const event = (format: 'plain' | 'json' | 'xml', headers: Array<[string, string]> = [], body?: string): Spec => ({
  kind: 'event',
  format,
  headers: created(headers),
  body,
});
const CUT_INSIDE_A_STRING = JSON.stringify(Object.fromEntries(created([['Unique-ID', 'a}b']])));

/** Inputs that found defects, kept so that they are tried on every run. */
const BROKEN_REGRESSIONS = [
  // the lost blank line after auth/request let its block take the next event's Content-Length:
  // the event vanished without an error
  { prefix: [], corruption: { kind: 'missing-blank', victim: { kind: 'auth' } }, suffix: [event('plain')], sizes: [1] },
  // garbage between an event's Content-Length and Content-Type: the lone Content-Type line was
  // taken for a frame start, so the one broken frame was reported twice
  { prefix: [], corruption: { kind: 'garbage-line', victim: event('plain'), line: Uint8Array.from([0]), at: 1 }, suffix: [{ kind: 'auth' }], sizes: [1] },
  // an event without the blank line after its two headers swallowed the notice after it
  {
    prefix: [],
    corruption: { kind: 'missing-blank', victim: event('plain', [['Unique-ID', '张张']]) },
    suffix: [{ kind: 'notice', body: '', linger: false }],
    sizes: [1],
  },
  // an XML event whose length covered the next XML event still began with < and ended with >:
  // it was delivered, and the next one lost
  {
    prefix: [],
    corruption: { kind: 'wrong-length', victim: event('xml'), shortBy: 0, longBy: { frames: 0 } },
    suffix: [event('xml', [['Unique-ID', 'u-1']]), { kind: 'reply', text: '+OK' }],
    sizes: [5],
  },
  // a JSON event whose length covered the next JSON event still began with { and ended with }
  {
    prefix: [],
    corruption: { kind: 'wrong-length', victim: event('json'), shortBy: 0, longBy: { frames: 0 } },
    suffix: [event('json'), { kind: 'reply', text: '+OK' }],
    sizes: [7],
  },
  // a JSON event cut just after a } inside a string: one event-decode error, then its tail as a second
  {
    prefix: [],
    corruption: {
      kind: 'wrong-length',
      victim: event('json', [['Unique-ID', 'a}b']]),
      shortBy: Buffer.byteLength(CUT_INSIDE_A_STRING) - 1 - (CUT_INSIDE_A_STRING.indexOf('}') + 1),
      longBy: null,
    },
    suffix: [{ kind: 'reply', text: '+OK' }],
    sizes: [300],
  },
];

t.test('controller: one broken frame is reported once, and the frames after it still arrive', (t) => {
  t.plan(1);
  runSeeds(
    t,
    'broken frame',
    fc.property(brokenCase, checkBrokenCase),
    400,
    BROKEN_REGRESSIONS.map((r) => [r]),
  );
});

function checkBrokenCase({ prefix, corruption, suffix, sizes }: { prefix: Spec[]; corruption: Corruption; suffix: Spec[]; sizes: number[] }): void {
  const b = breakFrame(corruption, suffix);
  const after = b.last ? [] : suffix;
  const bytes = Buffer.concat([bytesOf(prefix), b.bytes, bytesOf(after)]);
  const link = overLink(chunks(bytes, sizes));
  if (link.failures.length > 0) throw new Error(`the link logged a failure: ${link.failures[0]}`);
  if (link.frameErrors.length !== b.errors)
    throw new Error(`${link.frameErrors.length} frame errors (${link.frameErrors.map((e) => e.message.slice(0, 100)).join(' | ')}), expected ${b.errors}`);
  if (link.warned !== b.errors) throw new Error(`${link.warned} warnings logged for ${b.errors} bad frames`);
  if (!link.frameErrors.every((e) => e.code === 'CTI_ESL_BAD_FRAME')) throw new Error('a frame error without its code');
  const victim = 'victim' in corruption ? expectedOnLink(corruption.victim) : undefined;
  checkDelivery(link.delivered, prefix.map(expectedOnLink), victim, after.map(expectedOnLink), b);
  // the verdict does not depend on how the bytes were chunked
  const whole = parseChunks([bytes]);
  const split = parseChunks(chunks(bytes, sizes));
  assertSame(split.delivered, whole.delivered);
  assertSame(
    split.errors.map((e) => e.message),
    whole.errors.map((e) => e.message),
  );
  framesFed += prefix.length + after.length + 1;
}

// ---------------------------------------------------------------------------------------
// The simulator side: what a controller sends, read as mod_event_socket's read_packet does

type PacketSpec = { line: string; headers: Array<[string, string]>; body?: string };

/** A header value as a client writes it: one line, no NUL, no leading space (the reader drops those). */
const valueText = fc
  .string({ unit: fc.constantFrom('a', 'Z', '0', '9', '-', '/', ':', ' ', '&', '=', '张', '😀', '%'), minLength: 1, maxLength: 30 })
  .map((v) => v.replace(/^ +/, 'x'));
const bodyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter((b) => !b.includes('\0'));
const uuid = fc.uuid();

const bare = (line: string): PacketSpec => ({ line, headers: [] });

const packetArb: fc.Arbitrary<PacketSpec> = fc.oneof(
  fc.constant(bare('auth ClueCon')),
  fc
    .constantFrom('plain', 'json', 'xml')
    .chain((f) => fc.constantFrom(`event ${f} ALL`, `event ${f} CHANNEL_ANSWER DTMF BACKGROUND_JOB`, `event ${f} CUSTOM conference::maintenance`))
    .map(bare),
  valueText.map((args) => bare(`api ${args}`)),
  fc.tuple(valueText, uuid).map(([args, id]) => ({ line: `bgapi originate ${args}`, headers: [['Job-UUID', id]] as Array<[string, string]> })),
  fc.tuple(uuid, valueText).map(([id, arg]) => ({
    line: `sendmsg ${id}`,
    headers: [
      ['call-command', 'execute'],
      ['execute-app-name', 'playback'],
      ['execute-app-arg', arg],
      ['Event-UUID', id],
    ] as Array<[string, string]>,
  })),
  fc.tuple(uuid, bodyText).map(([id, body]) => ({
    line: `sendmsg ${id}`,
    headers: [
      ['call-command', 'execute'],
      ['execute-app-name', 'speak'],
      ['content-type', 'text/plain'],
      ['content-length', String(Buffer.byteLength(body))],
    ] as Array<[string, string]>,
    body,
  })),
  bodyText.map((body) => ({
    line: 'sendevent CUSTOM',
    headers: [
      ['Event-Subclass', 'fuzz::test'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ] as Array<[string, string]>,
    body,
  })),
  fc.constantFrom('linger 10', 'myevents', 'nixevent CHANNEL_STATE', 'noevents', 'connect', 'resume', 'exit', 'log 7', 'filter Unique-ID 7f4de4bc').map(bare),
);

const packetText = (p: PacketSpec) => `${p.line}\n${p.headers.map(([k, v]) => `${k}: ${v}\n`).join('')}\n${p.body ?? ''}`;
const packetBytes = (specs: PacketSpec[]) => Buffer.from(specs.map(packetText).join(''), 'utf8');
const packetLine = (p: ClientPacket | PacketSpec) =>
  JSON.stringify(['command' in p ? p.command : `${p.line}\n${p.headers.map(([k, v]) => `${k}: ${v}\n`).join('')}\n`, p.headers, p.body ?? null]);

interface ReadOutcome {
  packets: string[];
  errors: BadContentLengthError[];
}

/** The command reader fed the chunks; anything it throws fails the property. */
function readChunks(parts: Buffer[]): ReadOutcome {
  const reader = new CommandReader();
  const out: ReadOutcome = { packets: [], errors: [] };
  for (const part of parts) {
    const result = reader.push(part);
    out.packets.push(...result.packets.map(packetLine));
    if (result.error && !out.errors.includes(result.error)) out.errors.push(result.error);
  }
  framesFed += out.packets.length;
  return out;
}

t.test('simulator: controller commands in any split are read exactly', (t) => {
  t.plan(1);
  const property = fc.property(fc.array(packetArb, { minLength: 1, maxLength: 40, size: 'max' }), chunkSizes, (specs, sizes) => {
    const got = readChunks(chunks(packetBytes(specs), sizes));
    if (got.errors.length > 0) throw new Error(`unexpected ${got.errors[0]!.message}`);
    assertSame(got.packets, specs.map(packetLine));
  });
  runSeeds(t, 'client packets', property, 300);
});

const BAD_CLIENT_LENGTHS = ['-1', '-999999', '16777217', '99999999999', '2147483648', '-2147483649'];

t.test('simulator: a Content-Length out of range is reported once; the packets before it are kept', (t) => {
  t.plan(1);
  const cases = fc.record({
    before: fc.array(packetArb, { maxLength: 10 }),
    bad: fc.oneof(
      fc.constantFrom(...BAD_CLIENT_LENGTHS),
      fc.integer({ min: MAX_BODY_BYTES + 1, max: 2 ** 31 - 1 }).map(String),
      fc.integer({ min: -(2 ** 31), max: -1 }).map(String),
    ),
    after: fc.array(packetArb, { maxLength: 10 }),
    sizes: chunkSizes,
  });
  const property = fc.property(cases, ({ before, bad, after, sizes }) => {
    const broken: PacketSpec = { line: 'sendevent CUSTOM', headers: [['Content-Length', bad]] };
    const got = readChunks(chunks(packetBytes([...before, broken, ...after]), sizes));
    if (got.errors.length !== 1) throw new Error(`${got.errors.length} errors for one bad Content-Length`);
    if (!(got.errors[0] instanceof BadContentLengthError) || got.errors[0].value !== bad) throw new Error(`wrong error: ${got.errors[0]?.message}`);
    // FreeSWITCH runs the commands before it and drops the connection: nothing after is read
    assertSame(got.packets, before.map(packetLine));
  });
  runSeeds(t, 'bad client Content-Length', property, 150);
});

t.test('simulator: garbage before good commands never throws, and the commands after it are read', (t) => {
  t.plan(1);
  const garbage = fc.uint8Array({ minLength: 1, maxLength: 300 });
  const property = fc.property(garbage, fc.array(packetArb, { minLength: 1, maxLength: 10 }), chunkSizes, (junk, specs, sizes) => {
    if (Buffer.from(junk).toString('latin1').toLowerCase().includes('content-length')) return;
    const got = readChunks(chunks(Buffer.concat([junk, Buffer.from('\n\n'), packetBytes(specs)]), sizes));
    if (got.errors.length > 0) throw new Error(`unexpected ${got.errors[0]!.message}`);
    assertSame(got.packets.slice(-specs.length), specs.map(packetLine));
  });
  runSeeds(t, 'client garbage', property, 300);
});
t.test('frames fed', (t) => {
  t.comment(`${framesFed} frames and packets fed across the ESL properties`);
  t.ok(framesFed >= 100_000, `${framesFed} frames fed (at least 100,000)`);
  t.end();
});
