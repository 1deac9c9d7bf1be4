// The generated FreeSWITCH dialplan: every inbound number routes where the seed says, the
// controller's fallback is always reachable, the XML validates against our schema, and the
// committed dialplan/ is what the shipped config renders.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { loadConfig } from '../src/config/index.js';
import type { Hotline, RoutingPlan, Schedule } from '../src/config/index.js';
import {
  checkDialplanDrift,
  diffDialplan,
  DIALPLAN_FILE,
  FALLBACK_EXTENSION,
  FALLBACK_ROUNDS,
  GENERATED_MARKER,
  OUTBOUND_FIRST_PACKET_S,
  ipv4NetworkPattern,
  matchExtension,
  renderDialplan,
  writeDialplan,
  type MatchedAction,
} from '../src/dialplan/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const XSD = join(ROOT, 'dialplan', 'cti-dialplan.xsd');
const SOCKET = { host: '127.0.0.1', port: 8084 };
const CITIZEN = '13800138000';

// ---------------------------------------------------------------- fixtures

const office: Schedule = {
  name: 'office',
  days: 'workdays',
  periods: [
    { start: '08:30', end: '12:00' },
    { start: '14:00', end: '17:30' },
  ],
};

function hotline(number: string, mode: Hotline['mode'], department: string | null, name = `hotline ${number}`): Hotline {
  const transfer = mode === 'direct' ? null : { gateway: 'trunk', dial: number, endpoint: `sofia/gateway/trunk/${number}` };
  return { number, name, mode, department, body: department ? null : 'court', schedule: mode === 'parallel' ? office : null, transfer };
}

/** A small plan built by hand: two direct, two parallel, one emergency, one linkage hotline. */
function fixturePlan(change: (p: RoutingPlan) => void = () => {}): RoutingPlan {
  const hotlines = [
    hotline('12316', 'direct', 'agriculture', '“三农”服务热线'),
    hotline('12369', 'direct', 'environment'),
    hotline('12315', 'parallel', 'market'),
    hotline('95598', 'parallel', 'power'),
    hotline('120', 'emergency', 'health'),
    hotline('12368', 'linkage', null),
  ];
  const plan: RoutingPlan = {
    centre: { number: '12345', name: '12345政务服务热线', schedule: office },
    schedules: new Map([['office', office]]),
    ivr: { welcomePrompt: 'welcome', menuPrompt: 'menu', digitTimeoutS: 5, defaultLine: '1', lines: [{ digit: '1', name: '群众诉求', queue: 'citizen' }] },
    gateways: new Map([
      ['trunk', { name: 'trunk', description: 'carrier' }],
      ['police-110', { name: 'police-110', description: '110' }],
    ]),
    seats: [
      { id: '1001', name: '坐席01', skills: ['citizen'] },
      { id: '1002', name: '坐席02', skills: ['citizen'] },
      { id: '1003', name: '坐席03', skills: ['citizen'] },
    ],
    policeDiversion: { callerNumbers: ['110', '0512110'], gateways: ['police-110'], networks: ['10.20.30.0/24', '192.0.2.7', '172.16.0.0/12'], priority: 2 },
    departments: new Map(
      ['agriculture', 'environment', 'market', 'power', 'health'].map((id) => [id, { id, name: `市${id}局`, headMobile: null, hotlines: [] }]),
    ),
    hotlines,
    byNumber: new Map(hotlines.map((h) => [h.number, h])),
    acd: { agentRingS: 20, wrapUpS: 15, announceEveryS: 60, maxWaitS: 180, voicemailMaxS: 120 },
    transfer: { ringTimeoutS: 30, answerTargetS: 15, targetRate: 0.95, alert: { minCounted: 5, closeMargin: 0.02, quietCloseMin: 120 } },
    serviceLevel: { answerTargetS: 15, targetRate: 0.95, shortAbandonS: 0, capacityWindowMin: 60 },
    tickets: { signDays: 1, resolveDays: { consultation: 3, complaint: 7 }, yellow: { signHours: 2, resolveHours: 7 } },
  };
  change(plan);
  return plan;
}

async function shippedConfig() {
  // An empty environment: CTI_ESL_PORT on the test machine must not change the rendering.
  const loaded = await loadConfig(join(ROOT, 'config'), {});
  if (!loaded.ok) throw new Error(`shipped config does not load: ${JSON.stringify(loaded.issues)}`);
  return loaded.config;
}

function onlyFile(files: Map<string, string>): string {
  const xml = files.get(DIALPLAN_FILE);
  if (xml === undefined) throw new Error(`rendering has no ${DIALPLAN_FILE}`);
  return xml;
}

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'cti-dialplan-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** xmllint's verdict on the XML against our schema. xmllint is part of the toolchain: absent means failure. */
function xmllint(t: Test, xml: string): { ok: boolean; output: string } {
  const file = join(tempDir(t), 'dialplan.xml');
  writeFileSync(file, xml);
  const run = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint could not run (install libxml2-utils): ${run.error.message}`);
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

// ---------------------------------------------------------------- routing helpers

interface Routed {
  extension: string;
  vars: Record<string, string>;
  actions: MatchedAction[];
}

function route(xml: string, channel: Record<string, string>): Routed | null {
  const m = matchExtension(xml, channel);
  if (!m) return null;
  const vars: Record<string, string> = {};
  for (const a of m.actions.filter((a) => a.application === 'set')) {
    const eq = a.data.indexOf('=');
    vars[a.data.slice(0, eq)] = a.data.slice(eq + 1);
  }
  return { extension: m.extension, vars, actions: m.actions };
}

const inbound = (to: string, from = CITIZEN, extra: Record<string, string> = {}) => ({
  destination_number: to,
  caller_id_number: from,
  ...extra,
});

/**
 * The routed call sets socket_resume=true before socket, connects to the controller, and then
 * (controller down or gone) transfers to the fallback, which rings every seat each round.
 */
function checkHandOffAndFallback(
  t: Test,
  xml: string,
  channel: Record<string, string>,
  routed: Routed,
  seats: string[],
  socketData = '127.0.0.1:8084 async full',
): void {
  const apps = routed.actions.map((a) => `${a.application} ${a.data}`.trim());
  const resume = apps.indexOf('set socket_resume=true');
  const socket = routed.actions.findIndex((a) => a.application === 'socket');
  t.ok(resume >= 0 && resume < socket, `${routed.extension}: socket_resume=true before socket`);
  t.equal(routed.actions[socket]?.data, socketData, `${routed.extension}: socket data`);
  t.same(
    routed.actions.slice(socket + 1),
    [{ application: 'transfer', data: `${FALLBACK_EXTENSION} XML public` }],
    `${routed.extension}: fallback after socket`,
  );

  // A transfer keeps the caller and the channel variables; only the destination changes.
  const fallback = matchExtension(xml, { ...channel, destination_number: FALLBACK_EXTENSION });
  t.equal(fallback?.extension, FALLBACK_EXTENSION, `${routed.extension}: transfer reaches the fallback`);
  const bridges = (fallback?.actions ?? []).filter((a) => a.application === 'bridge');
  t.equal(bridges.length, FALLBACK_ROUNDS, 'fallback rings the seats once per round');
  const legs = (bridges[0]?.data ?? '').replace(/^\{[^}]*\}/, '').split(',');
  t.same(
    legs,
    seats.map((s) => `user/${s}@\${domain_name}`),
    'fallback rings every seat at once',
  );
}

// ---------------------------------------------------------------- tests

t.test('rendering is deterministic and names one file under public/', async (t) => {
  const config = await shippedConfig();
  const a = renderDialplan(config.routing, { socket: config.server.eslListener });
  const b = renderDialplan((await shippedConfig()).routing, { socket: { ...config.server.eslListener } });
  t.same([...a.keys()], [DIALPLAN_FILE]);
  t.equal(onlyFile(a), onlyFile(b), 'same plan, same bytes');
  t.equal(onlyFile(renderDialplan(fixturePlan(), { socket: SOCKET })), onlyFile(renderDialplan(fixturePlan(), { socket: SOCKET })));
  const xml = onlyFile(a);
  t.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<!--\n {2}GENERATED FILE, DO NOT EDIT BY HAND\./);
  t.ok(xml.includes(GENERATED_MARKER));
  t.match(xml, /Generated from config\/routing\.yaml by `npx cti gen-dialplan`/);
  t.notOk(xml.includes('\r'), 'LF line ends only');
  t.ok(xml.endsWith('</include>\n'));
});

t.test('the shipped rendering and the fixture validate against dialplan/cti-dialplan.xsd', async (t) => {
  const config = await shippedConfig();
  for (const xml of [onlyFile(renderDialplan(config.routing, { socket: SOCKET })), onlyFile(renderDialplan(fixturePlan(), { socket: SOCKET }))]) {
    const verdict = xmllint(t, xml);
    t.ok(verdict.ok, verdict.output);
  }
  const broken = onlyFile(renderDialplan(fixturePlan(), { socket: SOCKET })).replace(
    '<condition field="destination_number"',
    '<condition field="destination number"',
  );
  t.notOk(xmllint(t, broken).ok, 'the schema checks structure, not only well-formedness');
  const twice = onlyFile(renderDialplan(fixturePlan(), { socket: SOCKET })).replace('name="cti_unknown"', 'name="cti_fallback"');
  t.notOk(xmllint(t, twice).ok, 'extension names are unique');
});

t.test('every inbound number of the shipped config routes, reaches the controller and then the fallback', async (t) => {
  const config = await shippedConfig();
  const plan = config.routing;
  const xml = onlyFile(renderDialplan(plan, { socket: config.server.eslListener }));
  const seats = plan.seats.map((s) => s.id);

  const main = route(xml, inbound('12345'));
  t.equal(main?.extension, 'cti_main_12345');
  t.same(main?.vars, { cti_mode: 'main', cti_origin_hotline: '', cti_department: '', cti_priority: '5', socket_resume: 'true' });
  checkHandOffAndFallback(t, xml, inbound('12345'), main!, seats);

  const direct = plan.hotlines.filter((h) => h.mode === 'direct');
  const parallel = plan.hotlines.filter((h) => h.mode === 'parallel');
  t.equal(direct.length, 12, 'the seed has 12 direct hotlines');
  t.equal(parallel.length, 22, 'the seed has 22 parallel hotlines');
  for (const h of [...direct, ...parallel]) {
    const r = route(xml, inbound(h.number));
    t.equal(r?.extension, `cti_${h.mode}_${h.number}`, `${h.number} has its own extension`);
    t.same(
      r?.vars,
      { cti_mode: h.mode, cti_origin_hotline: h.number, cti_department: h.department, cti_priority: '5', socket_resume: 'true' },
      `${h.number} → ${h.mode}, ${h.department}`,
    );
    checkHandOffAndFallback(t, xml, inbound(h.number), r!, seats);
  }

  const diverted = route(xml, inbound('12345', '110'));
  t.equal(diverted?.extension, 'cti_110_diversion_caller');
  t.same(diverted?.vars, { cti_mode: 'emergency', cti_origin_hotline: '110', cti_department: '', cti_priority: '1', socket_resume: 'true' });
  checkHandOffAndFallback(t, xml, inbound('12345', '110'), diverted!, seats);

  // An IP trunk without registration: sofia sets no sip_gateway, only the source address.
  const byNetwork = route(xml, inbound('12345', CITIZEN, { network_addr: '10.20.30.9', sip_network_ip: '10.20.30.9' }));
  t.equal(byNetwork?.extension, 'cti_110_diversion_network', "a call from the 110 link's address is diverted");
  t.same(byNetwork?.vars, { cti_mode: 'emergency', cti_origin_hotline: '110', cti_department: '', cti_priority: '1', socket_resume: 'true' });
  checkHandOffAndFallback(t, xml, inbound('12345', CITIZEN, { network_addr: '10.20.30.9' }), byNetwork!, seats);
  t.equal(route(xml, inbound('12345', CITIZEN, { network_addr: '10.10.10.1' }))?.extension, 'cti_main_12345', "the carrier's address is not the 110 link");
  t.equal(
    route(xml, inbound('12345', CITIZEN, { network_addr: '10.20.31.9', sip_gateway: 'telecom-trunk' }))?.extension,
    'cti_main_12345',
    'nor a neighbouring network',
  );
  t.equal(route(xml, inbound('12316', CITIZEN, { network_addr: '10.20.30.200' }))?.extension, 'cti_110_diversion_network', 'before the hotlines too');

  const byGateway = route(xml, inbound('12345', CITIZEN, { sip_gateway: 'police-110' }));
  t.equal(byGateway?.extension, 'cti_110_diversion_gateway', "a call to the registered police-110 gateway's contact is diverted");
  t.equal(byGateway?.vars.cti_priority, '1');
  checkHandOffAndFallback(t, xml, inbound('12345', CITIZEN, { sip_gateway: 'police-110' }), byGateway!, seats);
  t.equal(route(xml, inbound('12345', CITIZEN, { sip_gateway: 'telecom-trunk' }))?.extension, 'cti_main_12345', 'the carrier trunk is not the 110 link');
  t.equal(route(xml, inbound('12316', '110'))?.extension, 'cti_110_diversion_caller', '110 diversion comes before the hotlines');

  for (const number of ['99999', '120', '119', '96333', '12388', '1001']) {
    const r = route(xml, inbound(number));
    t.equal(r?.extension, 'cti_unknown', `${number} is not an inbound route`);
    t.equal(r?.vars.cti_mode, 'unknown');
    checkHandOffAndFallback(t, xml, inbound(number), r!, seats);
  }
});

t.test('a controller that never sends `connect` cannot strand a caller: socket_resume=true before every socket, no park_timeout', async (t) => {
  const config = await shippedConfig();
  const renderings = [
    onlyFile(renderDialplan(config.routing, { socket: config.server.eslListener })),
    onlyFile(renderDialplan(fixturePlan(), { socket: SOCKET })),
  ];
  for (const xml of renderings) {
    let sockets = 0;
    for (const [, name, body] of xml.matchAll(/<extension name="([^"]+)">([\s\S]*?)<\/extension>/g)) {
      const actions = [...body!.matchAll(/<action application="([^"]+)"(?: data="([^"]*)")?\/>/g)].map((m) => ({ app: m[1]!, data: m[2] ?? '' }));
      t.notOk(
        actions.some((a) => /(^|[,|^ ])park_timeout=/.test(a.data)),
        `${name}: no park_timeout (switch_ivr_park would hang up the controller's own call)`,
      );
      const socket = actions.findIndex((a) => a.app === 'socket');
      if (socket < 0) continue;
      sockets++;
      const resume = actions.findIndex((a) => a.app === 'set' && a.data === 'socket_resume=true');
      t.ok(resume >= 0 && resume < socket, `${name}: socket_resume=true before socket, else a listener that ends before connect parks the caller for ever`);
      t.notOk(
        actions.slice(resume + 1, socket).some((a) => a.data.startsWith('socket_resume')),
        `${name}: and nothing undoes it`,
      );
      t.same(actions[socket + 1], { app: 'transfer', data: `${FALLBACK_EXTENSION} XML public` }, `${name}: the fallback is the next action`);
    }
    t.ok(sockets > 5, 'every routed extension was checked');
    t.ok(xml.includes(`no command came within ${OUTBOUND_FIRST_PACKET_S} s`), 'the header says how long a silent controller holds a caller');
  }
});

t.test('extensions come in routing order: fallback, 110 diversion, main, direct, parallel, catch-all', async (t) => {
  const xml = onlyFile(renderDialplan(fixturePlan(), { socket: SOCKET }));
  const names = [...xml.matchAll(/<extension name="([^"]+)"/g)].map((m) => m[1]);
  t.same(names, [
    'cti_fallback',
    'cti_110_diversion_caller',
    'cti_110_diversion_network',
    'cti_110_diversion_gateway',
    'cti_main_12345',
    'cti_direct_12316',
    'cti_direct_12369',
    'cti_parallel_12315',
    'cti_parallel_95598',
    'cti_unknown',
  ]);
  t.match(xml, /<condition field="caller_id_number" expression="\^\(\?:110\|0512110\)\$">/, 'several caller IDs in one anchored expression');
  t.match(xml, /<condition field="\$\{sip_gateway\}" expression="\^police-110\$">/, 'gateway via the sip_gateway channel variable');
  t.match(
    xml,
    /<condition field="network_addr" expression="\^\(\?:10\\\.20\\\.30\\\.\(\?:25/,
    'source address via the network_addr caller profile field, several networks in one anchored expression',
  );
  t.match(xml, /expression="\^12345\$"/, 'destination expressions are anchored');
});

t.test('ipv4NetworkPattern matches exactly the addresses of the network, as inet_ntop writes them', async (t) => {
  const inNetwork = (address: string, network: string): boolean => {
    const [base = '', bits = '32'] = network.split('/');
    const value = (a: string) => a.split('.').reduce((v, o) => v * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    return Math.floor(value(address) / size) === Math.floor(value(base) / size);
  };
  let checked = 0;
  const check = (network: string, addresses: string[]) => {
    const re = new RegExp(`^${ipv4NetworkPattern(network)}$`);
    const wrong = addresses.filter((a) => re.test(a) !== inNetwork(a, network));
    checked += addresses.length;
    if (wrong.length > 0) t.fail(`${network}: ${wrong.slice(0, 5).join(', ')} (${re.source})`);
  };
  const octets = Array.from({ length: 256 }, (_, i) => i);
  // Every block of every prefix ending in the last octet, against all 256 last octets.
  for (let bits = 24; bits <= 32; bits++) {
    for (let base = 0; base < 256; base += 2 ** (32 - bits))
      check(
        `10.20.30.${base}/${bits}`,
        octets.map((o) => `10.20.30.${o}`),
      );
  }
  // Prefixes ending in the other octets, against every value of the octet they cut.
  for (const [network, make] of [
    ['172.16.0.0/12', (o: number) => `172.${o}.7.9`],
    ['10.20.64.0/18', (o: number) => `10.20.${o}.200`],
    ['100.64.0.0/10', (o: number) => `100.${o}.0.1`],
    ['10.0.0.0/8', (o: number) => `${o}.1.2.3`],
    ['192.168.0.0/16', (o: number) => `192.${o}.0.0`],
  ] as const)
    check(network, octets.map(make));
  t.ok(checked > 60_000, `${checked} addresses checked`);
  for (const spelling of ['010.20.30.1', '10.20.30.01', '10.20.30.1 ', ' 10.20.30.1', '10.20.30', '::ffff:10.20.30.1']) {
    t.notOk(new RegExp(`^${ipv4NetworkPattern('10.20.30.0/24')}$`).test(spelling), `"${spelling}" is not how network_addr is written`);
  }
  t.notMatch(ipv4NetworkPattern('172.16.0.0/12'), /\\[dnst\\']/, 'no escapes that switch_channel_expand_variables would rewrite');
  for (const bad of ['10.20.30.1/24', '256.1.1.1', '10.20.30.0/33', '010.20.30.0', '10.20.30', 'fe80::1']) {
    t.throws(() => ipv4NetworkPattern(bad), RangeError, bad);
  }
});

t.test('the socket address, the diversion priority and the seats come from the plan and options', async (t) => {
  const plan = fixturePlan();
  const xml = onlyFile(renderDialplan(plan, { socket: { host: '10.0.0.5', port: 9000 } }));
  const r = route(xml, inbound('12369', '0512110'));
  t.equal(r?.vars.cti_priority, '2');
  checkHandOffAndFallback(t, xml, inbound('12369', '0512110'), r!, ['1001', '1002', '1003'], '10.0.0.5:9000 async full');
  t.equal(route(xml, inbound('12369', '05121100'))?.extension, 'cti_direct_12369', 'caller IDs match whole');
  const networkCases: Array<[string, boolean]> = [
    ['10.20.30.0', true],
    ['10.20.30.255', true],
    ['10.20.31.0', false],
    ['110.20.30.1', false],
    ['10.20.30.1x', false],
    ['192.0.2.7', true],
    ['192.0.2.70', false],
    ['192.0.2.17', false],
    ['192.0.2.6', false],
    ['172.16.0.0', true],
    ['172.31.255.255', true],
    ['172.24.9.1', true],
    ['172.15.255.255', false],
    ['172.32.0.0', false],
    ['', false],
  ];
  for (const [address, diverted] of networkCases) {
    t.equal(
      route(xml, inbound('12369', CITIZEN, { network_addr: address }))?.extension,
      diverted ? 'cti_110_diversion_network' : 'cti_direct_12369',
      `network_addr ${address || '(none)'}`,
    );
  }

  const noDiversion = fixturePlan((p) => (p.policeDiversion = { callerNumbers: [], gateways: [], networks: [], priority: 1 }));
  const plain = onlyFile(renderDialplan(noDiversion, { socket: SOCKET }));
  t.notMatch(plain, /<extension name="cti_110_diversion/, 'no diversion configured, no diversion extension');
  t.equal(route(plain, inbound('12345', '110'))?.extension, 'cti_main_12345');

  t.throws(() => renderDialplan(plan, { socket: { host: '127.0.0.1', port: 0 } }), RangeError);
  t.throws(() => renderDialplan(plan, { socket: { host: 'bad host', port: 8084 } }), RangeError);
});

t.test('names with <&"> and Chinese survive, and the file still validates and preprocesses', async (t) => {
  const nasty = 'A<&">“三农” -- $${x} <?php X-PRE-PROCESS <include>-';
  const plan = fixturePlan((p) => {
    p.hotlines[0] = { ...p.hotlines[0]!, name: nasty, department: 'd<&">' };
    p.centre.name = '12345政务服务热线 <&">';
  });
  const xml = onlyFile(renderDialplan(plan, { socket: SOCKET }));
  const verdict = xmllint(t, xml);
  t.ok(verdict.ok, verdict.output);

  const comments: string[] = [];
  const collect = (nodes: unknown): void => {
    if (Array.isArray(nodes)) nodes.forEach(collect);
    else if (nodes && typeof nodes === 'object') {
      for (const [k, v] of Object.entries(nodes)) {
        if (k === '#comment') comments.push(String((v as Array<{ '#text': string }>)[0]?.['#text']));
        else collect(v);
      }
    }
  };
  collect(new XMLParser({ preserveOrder: true, commentPropName: '#comment' }).parse(xml));
  t.ok(
    comments.some((c) => c.includes('A<&">“三农”')),
    'the hotline name is in a comment, as written',
  );
  t.ok(
    comments.some((c) => c.includes('12345政务服务热线 <&">')),
    'the centre name too',
  );

  const r = route(xml, inbound('12316'));
  t.equal(r?.vars.cti_department, 'd<&">', 'an attribute value round-trips through XML escaping');

  // FreeSWITCH's preprocessor reads lines before XML parsing (switch_xml.c preprocess()).
  const hazards = xml
    .split('\n')
    .slice(1)
    .filter((line) => line !== '<include>' && line !== '</include>')
    .filter((line) => /<\?|<\/?include>|x-pre-process|\$\$\{|<!--#/i.test(line));
  t.same(hazards, [], 'no line would be dropped, run or expanded by the FreeSWITCH preprocessor');
});

t.test('the committed dialplan/ is what the shipped config renders', async (t) => {
  const config = await shippedConfig();
  const files = renderDialplan(config.routing, { socket: config.server.eslListener });
  t.same(checkDialplanDrift(join(ROOT, 'dialplan'), files), [], 'run `npx cti gen-dialplan` and commit dialplan/ when this fails');
});

t.test('writeDialplan and checkDialplanDrift', async (t) => {
  const dir = tempDir(t);
  const files = renderDialplan(fixturePlan(), { socket: SOCKET });
  t.same(checkDialplanDrift(dir, files), [DIALPLAN_FILE], 'nothing written yet: missing');
  t.same(diffDialplan(dir, files), [{ path: DIALPLAN_FILE, problem: 'missing' }]);

  t.same(writeDialplan(dir, files), { written: [DIALPLAN_FILE], removed: [] });
  t.same(checkDialplanDrift(dir, files), []);
  t.same(writeDialplan(dir, files), { written: [], removed: [] }, 'unchanged files are not rewritten');

  const target = join(dir, DIALPLAN_FILE);
  writeFileSync(target, readFileSync(target, 'utf8').replace('cti_priority=5', 'cti_priority=4'));
  t.same(diffDialplan(dir, files), [{ path: DIALPLAN_FILE, problem: 'differs' }], 'a hand edit is drift');

  const stale = join(dir, 'public', '01_cti_old.xml');
  const local = join(dir, 'public', '50_local.xml');
  mkdirSync(dirname(stale), { recursive: true });
  writeFileSync(stale, onlyFile(files));
  writeFileSync(local, '<include>\n</include>\n');
  t.same(checkDialplanDrift(dir, files), [DIALPLAN_FILE, 'public/01_cti_old.xml'], 'a stale generated file is extra; a hand-written one is not ours');

  t.same(writeDialplan(dir, files), { written: [DIALPLAN_FILE], removed: ['public/01_cti_old.xml'] });
  t.same(checkDialplanDrift(dir, files), []);
  t.equal(readFileSync(local, 'utf8'), '<include>\n</include>\n', 'hand-written files are left alone');

  unlinkSync(target);
  t.same(checkDialplanDrift(dir, files), [DIALPLAN_FILE]);
  t.same(checkDialplanDrift(join(dir, 'nowhere'), files), [DIALPLAN_FILE], 'a missing folder is drift, not a crash');
  t.throws(() => writeDialplan(dir, new Map([['../escape.xml', '']])), RangeError);
});

t.test('matchExtension follows mod_dialplan_xml on the parts it supports', async (t) => {
  const xml = `<include>
  <extension name="tag" continue="true">
    <condition field="\${tagged}" expression="^$"><action application="set" data="tagged=yes" inline="true"/></condition>
  </extension>
  <extension name="partial">
    <condition field="destination_number" expression="^(\\d+)$"><action application="log" data="number $1"/></condition>
    <condition field="caller_id_number" expression="^999$"><action application="never"/></condition>
  </extension>
  <extension name="anti">
    <condition field="\${tagged}" expression="^no$"><anti-action application="log" data="tagged=\${tagged}"/></condition>
  </extension>
  <extension name="unreached">
    <condition><action application="hangup"/></condition>
  </extension>
</include>`;
  t.same(
    matchExtension(xml, { destination_number: '42', caller_id_number: '1' }),
    {
      extension: 'tag',
      actions: [
        { application: 'set', data: 'tagged=yes' },
        { application: 'log', data: 'number 42' },
        { application: 'log', data: 'tagged=${tagged}' },
      ],
    },
    'continue, partial matches, $1, inline set and anti-actions as FreeSWITCH collects them',
  );
  t.equal(
    matchExtension(
      '<include><extension name="x"><condition field="destination_number" expression="^1$"><action application="a"/></condition></extension></include>',
      { destination_number: '2' },
    ),
    null,
    'no match, no route',
  );
  t.throws(() => matchExtension('<include><extension name="x">', {}), /well-formed/);
  t.throws(() => matchExtension('<include><extension name="x"><condition wday="1"/></extension></include>', {}), /not supported/);
});
