// Where each kind of inbound call goes, by mode, hours and calendar (pure).
import t from 'tap';
import { loadConfig, type CtiConfig } from '../src/config/index.js';
import { WorkingCalendar } from '../src/calendar/index.js';
import { decideRoute, lineForDigits, hotlineOpen, tagsFromVariables, divertedHotline, tagsAfterDiversion } from '../src/routing/index.js';
import { shippedConfig } from './support/config-dir.js';

const r = await loadConfig(shippedConfig, {});
if (!r.ok) throw new Error('shipped config invalid');
const config: CtiConfig = r.config;
const plan = config.routing;
const calendar = new WorkingCalendar({ overrides: config.calendar });
const at = (iso: string) => new Date(iso);
const tags = (vars: Record<string, string>, destination = vars.cti_origin_hotline ?? '12345') => tagsFromVariables(vars, destination);

t.test('12345 gets the menu of lines 1, 2 and 9', async (t) => {
  const d = decideRoute(tags({ cti_mode: 'main' }), at('2026-11-30T10:00:00+08:00'), plan, calendar);
  t.match(d, { kind: 'menu', defaultLine: '1', timeoutS: 5 });
  if (d.kind !== 'menu') return;
  t.same(
    d.lines.map((l) => [l.digit, l.queue]),
    [
      ['1', 'citizen'],
      ['2', 'enterprise'],
      ['9', 'supervision'],
    ],
  );
});

t.test('menu keys: 1, 2, 9; nothing, a timeout or another key is line 1', async (t) => {
  const base = { priority: 5, originHotline: null, department: null };
  t.match(lineForDigits('2', plan, base), { line: '2', queue: 'enterprise', reason: 'menu' });
  t.match(lineForDigits('9', plan, base), { line: '9', queue: 'supervision' });
  t.match(lineForDigits('', plan, base), { line: '1', queue: 'citizen' });
  t.match(lineForDigits('7', plan, base), { line: '1' });
  t.match(lineForDigits('12', plan, base), { line: '1' });
});

t.test('direct hotlines skip the menu and keep their origin and department', async (t) => {
  const d = decideRoute(
    tags({ cti_mode: 'direct', cti_origin_hotline: '12369', cti_department: 'environment', cti_priority: '5' }),
    at('2026-11-30T03:00:00+08:00'),
    plan,
    calendar,
  );
  t.same(d, { kind: 'queue', line: '1', queue: 'citizen', priority: 5, originHotline: '12369', department: 'environment', reason: 'direct' });
});

t.test('110-diverted calls skip the menu with their own priority', async (t) => {
  const d = decideRoute(
    tags({ cti_mode: 'emergency', cti_origin_hotline: '110', cti_priority: '1' }, '12345'),
    at('2026-11-30T10:00:00+08:00'),
    plan,
    calendar,
  );
  t.same(d, { kind: 'queue', line: '1', queue: 'citizen', priority: 1, originHotline: '110', department: null, reason: 'police-diversion' });
});

t.test('parallel hotlines: department seats in their hours, 12345 otherwise', async (t) => {
  const call = tags({ cti_mode: 'parallel', cti_origin_hotline: '12315', cti_department: 'market-regulation' });
  t.match(
    decideRoute(call, at('2026-11-30T10:00:00+08:00'), plan, calendar),
    { kind: 'department', endpoint: 'sofia/gateway/telecom-trunk/12315' },
    'Monday morning',
  );
  t.match(
    decideRoute(call, at('2026-11-30T12:30:00+08:00'), plan, calendar),
    { kind: 'queue', reason: 'parallel-after-hours', department: 'market-regulation', originHotline: '12315' },
    'lunch',
  );
  t.match(decideRoute(call, at('2026-11-29T10:00:00+08:00'), plan, calendar), { kind: 'queue', reason: 'parallel-after-hours' }, 'Sunday');
  t.match(decideRoute(call, at('2026-02-14T10:00:00+08:00'), plan, calendar), { kind: 'department' }, 'make-up Saturday 2026-02-14 is a working day');
  t.match(decideRoute(call, at('2026-10-02T10:00:00+08:00'), plan, calendar), { kind: 'queue', reason: 'parallel-after-hours' }, 'National Day');
  t.match(decideRoute(call, at('2026-11-30T17:29:59+08:00'), plan, calendar), { kind: 'department' });
  t.match(decideRoute(call, at('2026-11-30T17:30:00+08:00'), plan, calendar), { kind: 'queue' }, 'the end of the day is closed');
  const power = tags({ cti_mode: 'parallel', cti_origin_hotline: '95598', cti_department: 'power-supply' });
  t.match(decideRoute(power, at('2026-10-02T03:00:00+08:00'), plan, calendar), { kind: 'department' }, '95598 answers round the clock');
});

t.test("without calendar data the department's hours follow the weekday rule, marked provisional", async (t) => {
  const call = tags({ cti_mode: 'parallel', cti_origin_hotline: '12315', cti_department: 'market-regulation' });
  const monday = decideRoute(call, at('2027-03-01T10:00:00+08:00'), plan, calendar);
  t.match(monday, { kind: 'department', hoursProvisional: true }, 'a Monday of 2027 counts as a working day, flagged');
  t.match(
    decideRoute(call, at('2027-03-06T10:00:00+08:00'), plan, calendar),
    { kind: 'queue', reason: 'parallel-after-hours', hoursProvisional: true },
    'a Saturday of 2027',
  );
  t.same(
    hotlineOpen(plan.byNumber.get('12315')!, at('2027-03-01T03:00:00+08:00'), calendar),
    { open: false, provisional: false },
    'outside the hours no data is needed',
  );
  // test data, not the real 2027 schedule: 1 March is made a holiday to show the data is used
  const with2027 = new WorkingCalendar({ overrides: { years: { '2027': { holidays: ['2027-03-01'], makeupWorkdays: [] } }, dates: [] } });
  const exact = decideRoute(call, at('2027-03-01T10:00:00+08:00'), plan, with2027);
  t.match(exact, { kind: 'queue', reason: 'parallel-after-hours' }, 'once the year is there its holidays count');
  t.notOk('hoursProvisional' in exact, 'and the answer is exact');
});

t.test('unknown numbers and unreadable tags go to line 1', async (t) => {
  t.match(decideRoute(tags({ cti_mode: 'unknown' }, '88888888'), at('2026-11-30T10:00:00+08:00'), plan, calendar), {
    kind: 'queue',
    line: '1',
    reason: 'unknown-number',
  });
  t.match(tagsFromVariables({ cti_mode: 'bogus', cti_priority: 'high' }, '1'), { mode: 'unknown', priority: 5, originHotline: null });
  t.match(
    decideRoute(tags({ cti_mode: 'parallel', cti_origin_hotline: '12369' }), at('2026-11-30T10:00:00+08:00'), plan, calendar),
    { kind: 'queue', reason: 'unknown-number' },
    'a direct number tagged parallel',
  );
});

t.test('a call forwarded from one of our old numbers (Diversion) is routed as that number', async (t) => {
  const main = tags({ cti_mode: 'main' }, '12345');
  t.equal(divertedHotline('<sip:12369@10.0.0.1>;reason=unconditional', plan), '12369', 'a direct number');
  t.equal(divertedHotline('<tel:+8612315>;reason=unconditional;counter=1', plan), '12315', 'tel URI with the country code');
  t.equal(divertedHotline('<sip:02589182131@10.0.0.1;user=phone>;reason=no-answer', plan), '89182131', 'an 8-digit local number after its area code');
  t.equal(
    divertedHotline('<sip:12369@a>;reason=unconditional,<sip:13900000000@b>;reason=deflection', plan),
    null,
    'the last entry (the earliest diversion) counts: a mobile',
  );
  t.equal(divertedHotline('<sip:13900000000@b>;reason=deflection, <sip:12369@a>;reason=unconditional', plan), '12369');
  t.equal(divertedHotline('<sip:110@10.0.0.1>', plan), null, 'an emergency number is no route of ours');
  t.equal(divertedHotline('<sip:12388@10.0.0.1>', plan), null, 'nor a linkage number');
  t.equal(divertedHotline('garbage', plan), null);
  t.equal(divertedHotline(undefined, plan), null);
  t.match(tagsAfterDiversion(main, '<sip:12369@10.0.0.1>', plan), { mode: 'direct', originHotline: '12369', department: 'environment' });
  t.match(tagsAfterDiversion(main, '<sip:95598@10.0.0.1>', plan), { mode: 'parallel', originHotline: '95598', department: 'power-supply' });
  t.same(tagsAfterDiversion(main, '<sip:13900000000@10.0.0.1>', plan), main, 'a forward from elsewhere keeps the menu');
  const direct = tags({ cti_mode: 'direct', cti_origin_hotline: '12369', cti_department: 'environment' }, '12369');
  t.same(tagsAfterDiversion(direct, '<sip:95598@10.0.0.1>', plan), direct, 'only calls to the centre number are re-routed');
});
