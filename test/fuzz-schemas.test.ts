// Property-based fuzzing of request schemas and the scenario loader (issue 19): random JSON
// bodies for POST /api/intake and POST /api/tickets on the whole app (app.inject, as
// test/security.test.ts builds it), and random YAML mutations of scenarios/*.yaml for the
// simulator's scenario loader. No input may cause a 500 or an exception: a valid body is
// accepted, an invalid one is a 4xx with the project's error code and the field at fault, and a
// scenario is loaded or rejected with issues at a file, line and column. Fixed seeds plus one
// fresh seed, each printed; fast-check's failure report carries the seed and path to replay.
import t from 'tap';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import { IntakeBody, NewTicketBody } from '../src/tickets/schemas.js';
import { parseScenario } from '../src/sim/scenario/index.js';
import { DEFAULT_TRUNKS } from '../src/sim/engine/citizens.js';
import { projectDir } from './support/config-dir.js';
import { ticketApp, PASSWORD } from './support/ticket-app.js';

const FIXED_SEEDS = [1, 12345, 20260301];
const FRESH_SEED = Date.now() % 2_147_483_647;
const SEEDS = [...FIXED_SEEDS, FRESH_SEED];

// ---------------------------------------------------------------------------------------
// Bodies

const VALID_INTAKE = { channel: 'web', caller: '13700001111', caller_name: '李四', type: 'complaint', content: '小区路灯坏了三天' };
// no call_id: one that names no call is refused (its own subtest below)
const VALID_TICKET = {
  type: 'consultation',
  channel: 'phone',
  caller: '+8613800138000',
  caller_name: '张三',
  confidential: false,
  classification: '城市管理',
  content: '咨询公积金提取',
  origin_hotline: '12329',
  priority: 1,
};

/** Values no fastify coercion turns into a valid one for a field of this schema. */
const surelyWrong = fc.oneof(
  fc.constant({}),
  fc.constant({ nested: { deeper: [1, 2, { x: '张' }] } }),
  fc.constant('x'.repeat(6000)),
  fc.constant('😀'.repeat(5001)),
);

const anyJson = fc.jsonValue({ maxDepth: 4 });
const POLLUTING = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

type Body = { body: unknown; wrongField?: string };

/** A valid body, one field wrong, a field missing, extra or polluting keys, or any JSON. */
function bodyArb(valid: Record<string, unknown>, required: string[]): fc.Arbitrary<Body> {
  const fields = Object.keys(valid);
  return fc.oneof(
    fc.constant({ body: valid }),
    fc.record({ field: fc.constantFrom(...fields), value: surelyWrong }).map(({ field, value }) => ({ body: { ...valid, [field]: value }, wrongField: field })),
    fc.constantFrom(...required).map((field) => ({ body: Object.fromEntries(Object.entries(valid).filter(([k]) => k !== field)), wrongField: field })),
    fc.record({ field: fc.constantFrom(...fields), value: anyJson }).map(({ field, value }) => ({ body: { ...valid, [field]: value } })),
    fc
      .record({ key: fc.oneof(fc.constantFrom(...POLLUTING, 'call_id'), fc.string()), value: anyJson })
      .map(({ key, value }) => ({ body: JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value ?? null)},${JSON.stringify(valid).slice(1)}`) as unknown })),
    fc
      .record({ field: fc.constantFrom(...fields), value: fc.string({ unit: 'grapheme', maxLength: 60 }) })
      .map(({ field, value }) => ({ body: { ...valid, [field]: value } })),
    anyJson.map((body) => ({ body })),
  );
}

interface Answer {
  status: number;
  json: { error?: string; field?: string; message?: string; detail?: { field?: string } };
}

/** The answer must be 2xx for a valid body, and otherwise a 4xx naming the code and the field. */
function checkAnswer(schema: TSchema, { body, wrongField }: Body, answer: Answer): void {
  const where = `${answer.status} ${JSON.stringify(answer.json).slice(0, 200)} for ${JSON.stringify(body).slice(0, 200)}`;
  if (answer.status >= 500) throw new Error(`server error: ${where}`);
  // a call_id must name a call (none exists in this app): the one schema-valid body refused
  const namesNoCall =
    typeof body === 'object' && body !== null && Object.hasOwn(body, 'call_id') && answer.status === 400 && answer.json.detail?.field === 'body.call_id';
  if (Value.Check(schema, body) && answer.status !== 201 && !namesNoCall && !Object.hasOwn(body as object, '__proto__'))
    throw new Error(`a valid body was refused: ${where}`);
  if (answer.status === 201) {
    if (wrongField !== undefined) throw new Error(`accepted with ${wrongField} wrong: ${where}`);
    return;
  }
  if (answer.status < 400 || !/^CTI_[A-Z_]+$/.test(answer.json.error ?? '')) throw new Error(`not a 4xx with a CTI_ code: ${where}`);
  if (answer.status === 400 && answer.json.error === 'CTI_BAD_REQUEST' && !/^body(\.|$)/.test(answer.json.field ?? ''))
    throw new Error(`no field named: ${where}`);
  if (wrongField !== undefined && answer.json.field !== `body.${wrongField}`) throw new Error(`the field at fault is ${wrongField}: ${where}`);
}

t.test('a __proto__ key is a 400 with a CTI_ code', async (t) => {
  // found by the property below: secure-json-parse refuses the key (good), but the answer
  // carries fastify's code instead of one from src/errors.ts
  const a = await ticketApp();
  t.teardown(() => a.close());
  const r = await a.app.inject({
    method: 'POST',
    url: '/api/intake',
    headers: { 'content-type': 'application/json' },
    payload: `{"__proto__":[],${JSON.stringify(VALID_INTAKE).slice(1)}`,
  });
  t.equal(r.statusCode, 400);
  t.match(r.json(), { error: 'CTI_BAD_REQUEST', field: 'body', message: /^body: 不是有效的 JSON/, reason: /^FST_ERR_CTP_INVALID_JSON_BODY: / });
});

t.test('a body in a type the API does not read: 415 with a CTI_ code, said in Chinese', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const r = await a.app.inject({ method: 'POST', url: '/api/intake', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
  t.equal(r.statusCode, 415);
  t.match(r.json(), {
    error: 'CTI_BAD_REQUEST',
    field: 'headers.content-type',
    message: 'headers.content-type: 不支持的内容类型 "application/xml"；请以 application/json 发送',
    reason: /^FST_ERR_CTP_INVALID_MEDIA_TYPE: /,
  });
  // a stranger's header comes back short and quoted, never as sent
  const long = await a.app.inject({
    method: 'POST',
    url: '/api/intake',
    headers: { 'content-type': `application/${'x'.repeat(4000)}; charset="<script>"` },
    payload: '<a/>',
  });
  t.equal(long.statusCode, 415);
  const echoed = long.json().message as string;
  t.ok(echoed.length < 140, `a short message (${echoed.length} characters)`);
  t.notMatch(echoed, /<script>/, 'its parameters left out');
  t.ok((long.json().reason as string).length <= 160, "fastify's words cut short too");
});

t.test('a new ticket whose call_id names no call is a 4xx, not a 500', async (t) => {
  // found by the property below: every valid body with call_id "c-1" was a 500
  const a = await ticketApp();
  t.teardown(() => a.close());
  const r = await a.call('agent', 'POST', '/api/tickets', { ...VALID_TICKET, call_id: 'c-1' });
  t.equal(r.status, 400);
  t.match(r.body, { error: 'CTI_TICKET_BAD_INPUT', detail: { field: 'body.call_id' }, message: /没有这个通话/ });
});

t.test('POST /api/intake and POST /api/tickets: random bodies are a 201 or a named 4xx, never a 500', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const login = await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent', password: PASSWORD } });
  const authorization = `Bearer ${login.json().token}`;
  let requests = 0;
  const send = async (url: string, body: unknown, headers: Record<string, string>): Promise<Answer> => {
    requests++;
    // a new address each time: the per-address limit on intake is tested in security.test.ts
    const remoteAddress = `10.${(requests >> 16) & 255}.${(requests >> 8) & 255}.${requests & 255}`;
    const r = await a.app.inject({
      method: 'POST',
      url,
      remoteAddress,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });
    return { status: r.statusCode, json: String(r.headers['content-type']).includes('json') ? r.json() : {} };
  };
  const routes: Array<{ url: string; schema: TSchema; headers: Record<string, string>; arb: fc.Arbitrary<Body> }> = [
    { url: '/api/intake', schema: IntakeBody, headers: {}, arb: bodyArb(VALID_INTAKE, ['channel', 'caller', 'content']) },
    { url: '/api/tickets', schema: NewTicketBody, headers: { authorization }, arb: bodyArb(VALID_TICKET, ['type', 'caller', 'content']) },
  ];
  for (const route of routes) {
    const property = fc.asyncProperty(route.arb, async (b) => checkAnswer(route.schema, b, await send(route.url, b.body, route.headers)));
    for (const seed of SEEDS) {
      t.comment(`${route.url}: seed ${seed}, 300 runs`);
      await fc.assert(property, { seed, numRuns: 300 });
    }
  }
  t.comment(`${requests} requests`);
  t.pass(`${requests} random bodies answered as the schemas say`);
});

// ---------------------------------------------------------------------------------------
// Scenario files

const SCENARIOS = readdirSync(join(projectDir, 'scenarios')).filter((f) => f.endsWith('.yaml'));
const scenarioText = (name: string) => readFileSync(join(projectDir, 'scenarios', name), 'utf8');

/** Keys the scenario format knows, so a renamed key is often another real field. */
const SCENARIO_KEYS = [
  'seed',
  'agents',
  'hotlines',
  'calls',
  'traffic',
  'id',
  'answer_after_s',
  'talk_s',
  'reject',
  'busy',
  'registered',
  'unreachable',
  'early_media',
  'at_s',
  'from',
  'to',
  'dtmf',
  'hangup_after_s',
  'patience_s',
  'diversion',
  'gateway',
  'transfer_to',
  'dist',
  'min',
  'max',
  'per_hour',
  'hours',
  'mix',
  'digits',
  '__proto__',
  'constructor',
  '<<',
];
const SCALARS = fc.oneof(
  fc.constantFrom(
    'constructor',
    'toString',
    '__proto__',
    'telecom-trunk',
    'police-110',
    '~',
    '-1',
    '1e309',
    '.nan',
    '[]',
    '{}',
    '{ dist: uniform, min: 5, max: 1 }',
    '[1, 2]',
    '"12345"',
    '*x',
    '&x 1',
    '!!binary aGk=',
    '1'.repeat(20),
  ),
  fc.integer().map(String),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

type Edit =
  | { op: 'key'; line: number; key: string }
  | { op: 'scalar'; line: number; value: string }
  | { op: 'delete' | 'duplicate' | 'indent'; line: number }
  | { op: 'truncate'; at: number }
  | { op: 'bytes'; at: number; bytes: Uint8Array };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('key' as const), line: fc.nat(), key: fc.constantFrom(...SCENARIO_KEYS) }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('scalar' as const), line: fc.nat(), value: SCALARS }) },
  fc.record({ op: fc.constantFrom('delete' as const, 'duplicate' as const, 'indent' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('bytes' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
);

/** One edit of a scenario's text; flow mappings (`{ a: 1, b: 2 }`) get a key or value of theirs changed. */
function edit(text: string, e: Edit): string {
  const lines = text.split('\n');
  const content = lines.flatMap((l, i) => (l.trim() !== '' && !l.trimStart().startsWith('#') ? [i] : []));
  const i = 'line' in e ? content[e.line % content.length]! : 0;
  const on = (change: (l: string) => string) => lines.map((l, k) => (k === i ? change(l) : l)).join('\n');
  const pick = (l: string) => [...l.matchAll(/([A-Za-z_]+):/g)];
  switch (e.op) {
    case 'key':
      return on((l) => {
        const keys = pick(l);
        const m = keys[e.line % Math.max(1, keys.length)];
        return m ? `${l.slice(0, m.index)}${e.key}:${l.slice(m.index! + m[0].length)}` : l;
      });
    case 'scalar':
      return on((l) => {
        const m = [...l.matchAll(/: ([^,{}#]+?)(?=[,}]|\s*#|$)/g)];
        const hit = m[e.line % Math.max(1, m.length)];
        return hit ? l.slice(0, hit.index! + 2) + e.value + l.slice(hit.index! + hit[0].length) : `${l} ${e.value}`;
      });
    case 'delete':
      return lines.filter((_, k) => k !== i).join('\n');
    case 'duplicate':
      return [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n');
    case 'indent':
      return on((l) => `  ${l}`);
    case 'truncate':
      return text.slice(0, e.at % (text.length + 1));
    case 'bytes': {
      const cut = e.at % (text.length + 1);
      return text.slice(0, cut) + Buffer.from(e.bytes).toString('latin1') + text.slice(cut);
    }
  }
}

function checkScenario(name: string, edits: Edit[]): void {
  const text = edits.reduce(edit, scenarioText(name));
  const result = parseScenario(text, name);
  if (result.ok) {
    // what the loader accepts, the simulator can run: a named trunk is one of its own
    for (const call of result.scenario.calls ?? []) {
      if (call.gateway !== undefined && !Object.hasOwn(DEFAULT_TRUNKS, call.gateway))
        throw new Error(`accepted a call from trunk ${JSON.stringify(call.gateway)}`);
    }
    return;
  }
  const lineCount = text.split('\n').length;
  for (const issue of result.issues) {
    const where = JSON.stringify(issue).slice(0, 300);
    if (issue.file !== name || !(issue.line >= 1 && issue.line <= lineCount) || !(issue.column >= 1))
      throw new Error(`issue not at a place in ${name}: ${where}`);
    if (typeof issue.path !== 'string' || !issue.message) throw new Error(`issue without a field or message: ${where}`);
  }
}

t.test('a call from a trunk named like an Object method is refused', (t) => {
  // found by fuzzing: `gateway in DEFAULT_TRUNKS` also finds inherited names, so the loader
  // accepted `gateway: constructor` and the simulator then failed placing the call
  for (const gateway of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    t.doesNotThrow(
      () => checkScenario('smoke.yaml', [{ op: 'scalar', line: 7, value: `{ at_s: 0, from: "13800138000", to: "12345", gateway: ${gateway} }` }]),
      gateway,
    );
  }
  const result = parseScenario('seed: 1\ncalls:\n  - { at_s: 0, from: "13800138000", to: "12345", gateway: constructor }\n', 'x.yaml');
  t.match(result, { ok: false, issues: [{ file: 'x.yaml', line: 3, path: 'calls[0].gateway', message: /no trunk "constructor"/ }] });
  t.end();
});

t.test('scenario files mutated at random: loaded, or issues at a file, line and column; never a throw', (t) => {
  const property = fc.property(fc.constantFrom(...SCENARIOS), fc.array(editArb, { minLength: 1, maxLength: 4 }), checkScenario);
  for (const seed of SEEDS) {
    t.comment(`scenarios: seed ${seed}, 500 runs`);
    fc.assert(property, { seed, numRuns: 500 });
  }
  t.pass(`${SEEDS.length * 500} mutated scenarios of ${SCENARIOS.join(', ')}`);
  t.end();
});
