import t from 'tap';
import { loadConfig, formatIssue, checkCalendarText, ConfigWatcher, type ConfigIssue } from '../src/config/index.js';
import { copyConfig, shippedConfig } from './support/config-dir.js';

async function issuesOf(dir: string, env: NodeJS.ProcessEnv = {}): Promise<ConfigIssue[]> {
  const r = await loadConfig(dir, env);
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.issues;
}

t.test('the shipped config loads with every hotline of the seed', async (t) => {
  const r = await loadConfig(shippedConfig, {});
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  const { routing } = r.config;
  const count = (mode: string) => routing.hotlines.filter((h) => h.mode === mode).length;
  t.equal(count('direct'), 12);
  t.equal(count('parallel'), 22);
  t.equal(count('emergency'), 4);
  t.equal(count('linkage'), 4);
  t.same(
    routing.ivr.lines.map((l) => l.digit),
    ['1', '2', '9'],
  );
  t.equal(routing.byNumber.get('12315')?.transfer?.endpoint, 'sofia/gateway/telecom-trunk/12315');
  t.equal(routing.byNumber.get('95598')?.schedule?.name, 'always');
  t.equal(routing.byNumber.get('12333')?.schedule?.days, 'workdays');
  t.same(routing.departments.get('market-regulation')?.hotlines, ['12315', '12365', '96333']);
  t.equal(routing.seats.length, 12);
  t.equal(r.config.server.http.port, 8080);
  t.equal(r.config.server.freeswitch.password, 'ClueCon');
});

t.test('environment overrides server.yaml, and a bad value is an error', async (t) => {
  // a switch off this machine needs its own password (test/esl-default-password.test.ts)
  const r = await loadConfig(shippedConfig, { CTI_HTTP_PORT: '9090', FS_HOST: '10.0.0.5', FS_PASSWORD: 'not-the-default', CTI_DB: ':memory:' });
  if (!r.ok) return t.fail('rejected');
  t.equal(r.config.server.http.port, 9090);
  t.equal(r.config.server.freeswitch.host, '10.0.0.5');
  t.equal(r.config.server.freeswitch.password, 'not-the-default');
  t.equal(r.config.server.database, ':memory:');
  const [issue] = await issuesOf(shippedConfig, { CTI_HTTP_PORT: 'eighty' });
  t.match(issue, { file: 'environment', path: 'CTI_HTTP_PORT', message: /not a port number/ });
});

// Each breakage: edit one line, expect one issue at that line, with the field path and words.
const breakages: Array<{
  name: string;
  file: string;
  from: string | RegExp;
  to: string;
  line: string; // text on the line the issue must point at (after the edit)
  column?: number;
  path: string;
  message: RegExp;
}> = [
  {
    name: 'YAML syntax',
    file: 'routing.yaml',
    from: 'digit_timeout_s: 5',
    to: 'digit_timeout_s: [5',
    line: 'default_line: "1"',
    path: '',
    message: /YAML syntax/,
  },
  {
    name: 'unknown mode (section)',
    file: 'routing.yaml',
    from: '\nlinkage:\n',
    to: '\nlinkages:\n',
    line: 'linkages:',
    column: 1,
    path: 'linkages',
    message: /unknown field "linkages".*allowed: .*linkage/,
  },
  {
    name: 'unknown schedule days',
    file: 'routing.yaml',
    from: 'days: workdays\n    periods: ["08:30',
    to: 'days: weekdays\n    periods: ["08:30',
    line: 'days: weekdays',
    column: 11,
    path: 'schedules.office.days',
    message: /"weekdays" is not allowed; use one of "workdays", "every_day"/,
  },
  {
    name: 'duplicate number',
    file: 'routing.yaml',
    from: '{ number: "12385"',
    to: '{ number: "12316"',
    line: '残疾人服务热线',
    path: 'direct[11].number',
    message: /duplicate number 12316 \(first at direct\[0\]\)/,
  },
  {
    name: 'number in two modes',
    file: 'routing.yaml',
    from: '{ number: "12329"',
    to: '{ number: "12369"',
    line: '住房公积金热线',
    path: 'parallel[2].number',
    message: /number 12369 is in two modes: direct\[9\] and parallel\[2\]/,
  },
  {
    name: 'end before start',
    file: 'routing.yaml',
    from: '"14:00-17:30"',
    to: '"17:30-14:00"',
    line: 'periods: ["08:30-12:00", "17:30-14:00"]',
    path: 'schedules.office.periods[1]',
    message: /ends before it starts/,
  },
  {
    name: 'gateway not declared',
    file: 'routing.yaml',
    from: 'transfer: { gateway: telecom-trunk, dial: "12315" }',
    to: 'transfer: { gateway: telecom-trunk2, dial: "12315" }',
    line: 'telecom-trunk2',
    path: 'parallel[1].transfer.gateway',
    message: /gateway "telecom-trunk2" is not declared under gateways \(declared: telecom-trunk, police-110\)/,
  },
  {
    name: 'department not defined',
    file: 'routing.yaml',
    from: 'department: agriculture }',
    to: 'department: farming }',
    line: 'department: farming',
    path: 'direct[0].department',
    message: /department "farming" is not defined/,
  },
  {
    name: 'schedule not defined',
    file: 'routing.yaml',
    from: 'department: prices, hours: office',
    to: 'department: prices, hours: night',
    line: 'hours: night',
    path: 'parallel[5].hours',
    message: /schedule "night" is not defined/,
  },
  {
    name: 'bad time',
    file: 'routing.yaml',
    from: '"08:00-20:00"',
    to: '"8:00-20:00"',
    line: '"8:00-20:00"',
    path: 'schedules.post-service.periods[0]',
    message: /"8:00-20:00" is not in the form HH:MM-HH:MM/,
  },
  {
    name: 'number with letters',
    file: 'routing.yaml',
    from: '{ number: "12348"',
    to: '{ number: "1234B"',
    line: '1234B',
    path: 'parallel[3].number',
    message: /"1234B" is not in the form digits only/,
  },
  {
    name: 'wrong type',
    file: 'routing.yaml',
    from: 'ring_timeout_s: 30',
    to: 'ring_timeout_s: thirty',
    line: 'ring_timeout_s: thirty',
    path: 'transfer.ring_timeout_s',
    message: /must be a number, not "thirty"/,
  },
  {
    name: 'missing field',
    file: 'routing.yaml',
    from: '  answer_target_s: 15\n  target_rate: 0.95\n\n#',
    to: '  answer_target_s: 15\n\n#',
    line: 'ring_timeout_s: 30',
    path: 'transfer',
    message: /missing field "target_rate"/,
  },
  {
    name: 'unknown field in a hotline',
    file: 'routing.yaml',
    from: '{ number: "12316", name: “三农”服务热线,',
    to: '{ number: "12316", nmae: x, name: “三农”服务热线,',
    line: 'nmae: x',
    path: 'direct[0].nmae',
    message: /unknown field "nmae"/,
  },
  {
    name: 'default line not a line',
    file: 'routing.yaml',
    from: 'default_line: "1"',
    to: 'default_line: "3"',
    line: 'default_line: "3"',
    path: 'ivr.default_line',
    message: /line "3" is not one of the lines/,
  },
  {
    name: 'queue nobody serves',
    file: 'routing.yaml',
    from: 'queue: supervision }',
    to: 'queue: oversight }',
    line: 'queue: oversight',
    path: 'ivr.lines.9.queue',
    message: /no seat has the skill "oversight"/,
  },
  {
    name: 'diversion gateway not declared',
    file: 'routing.yaml',
    from: 'gateways: [police-110]',
    to: 'gateways: [police-119]',
    line: 'gateways: [police-119]',
    path: 'police_diversion.gateways[0]',
    message: /gateway "police-119" is not declared/,
  },
  {
    name: 'duplicate YAML key',
    file: 'server.yaml',
    from: 'log_level: info',
    to: 'log_level: info\nlog_level: debug',
    line: 'log_level: debug',
    path: '',
    message: /YAML syntax: Map keys must be unique/,
  },
  { name: 'port out of range', file: 'server.yaml', from: 'port: 8080', to: 'port: 80800', line: 'port: 80800', path: 'http.port', message: /80800/ },
  {
    name: 'calendar: make-up day on a weekday',
    file: 'calendar.yaml',
    from: 'years: {}',
    to: 'years:\n  "2027":\n    holidays: ["2027-01-01"]\n    makeup_workdays: ["2027-02-03"]',
    line: '2027-02-03',
    path: 'years.2027.makeup_workdays[0]',
    message: /2027-02-03 is a weekday/,
  },
  {
    name: 'calendar: impossible date',
    file: 'calendar.yaml',
    from: 'dates: []',
    to: 'dates:\n  - { date: "2026-02-30", workday: false }',
    line: '2026-02-30',
    path: 'dates[0].date',
    message: /2026-02-30 is not a date/,
  },
];

for (const b of breakages) {
  t.test(`breakage: ${b.name}`, async (t) => {
    const copy = copyConfig();
    t.teardown(copy.remove);
    copy.edit(b.file, b.from, b.to);
    const issues = await issuesOf(copy.dir);
    const issue = issues.find((i) => i.path === b.path) ?? issues[0]!;
    t.equal(issue.file.endsWith(b.file), true, `names ${b.file}: ${formatIssue(issue)}`);
    t.equal(issue.path, b.path, 'field path');
    t.match(issue.message, b.message, 'plain message');
    t.equal(issue.line, copy.lineOf(b.file, b.line), `line: ${formatIssue(issue)}`);
    if (b.column !== undefined) t.equal(issue.column, b.column, 'column');
    t.ok(issue.column >= 1, 'has a column');
    t.match(formatIssue(issue), new RegExp(`${b.file}:${issue.line}:${issue.column} `));
  });
}

t.test('a missing file is named', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  const { rmSync } = await import('node:fs');
  rmSync(`${copy.dir}/calendar.yaml`);
  const [issue] = await issuesOf(copy.dir);
  t.match(issue, { file: /calendar\.yaml$/, line: 1, column: 1, message: 'file not found' });
});

t.test('several problems in one file are all reported', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  copy.edit('routing.yaml', 'department: agriculture }', 'department: farming }');
  copy.edit('routing.yaml', 'transfer: { gateway: telecom-trunk, dial: "12315" }', 'transfer: { gateway: nowhere, dial: "12315" }');
  const issues = await issuesOf(copy.dir);
  t.same(issues.map((i) => i.path).sort(), ['direct[0].department', 'parallel[1].transfer.gateway']);
});

t.test('a YAML alias bomb is a config issue, not a crash', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  // 173 bytes whose aliases expand to 9^8 nodes
  const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
  copy.write('calendar.yaml', `${bomb}\n`);
  const issues = await issuesOf(copy.dir);
  t.match(issues, [{ file: /calendar\.yaml$/, line: 1, column: 1, message: /too many aliases/ }]);
  const check = checkCalendarText(bomb);
  t.match(check, { ok: false, issues: [{ message: /too many aliases/ }] }, "and the admin page's check says the same");
});

t.test('a config change listener that throws does not stop the others or the reload', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  const loaded = await loadConfig(copy.dir, {});
  if (!loaded.ok) throw new Error('copy invalid');
  const errors: unknown[] = [];
  const log = { error: (o: unknown) => errors.push(o), info: () => undefined, warn: () => undefined } as never;
  const watcher = new ConfigWatcher(loaded.config, log, {});
  const seen: string[] = [];
  watcher.onChange(() => {
    throw new Error('an area failed');
  });
  watcher.onChange((c) => seen.push(c.digest));
  copy.edit('routing.yaml', 'wrap_up_s: 15', 'wrap_up_s: 16');
  const status = await watcher.reload();
  t.equal(status.state, 'ok');
  t.equal(seen.length, 1, 'the second listener got the new config');
  t.equal(errors.length, 1, 'the failure was logged');
});
