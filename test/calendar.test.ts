import t from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  WorkingCalendar,
  DEFAULT_WORKING_PERIODS,
  chineseDaysYears,
  formatShanghai,
  parseInstant,
  shanghaiDateOf,
  type CalendarOverrides,
  type Period,
} from '../src/calendar/index.js';
import { CtiError } from '../src/errors.js';

const HOUR = 3_600_000;
const DAY_LENGTH = 7 * HOUR;
const at = (text: string): Date => parseInstant(text);
const calendar = new WorkingCalendar();
/** `cti calendar --strict`: a year without data is an error */
const strict = new WorkingCalendar({ missingYears: 'error' });
/** Deadline of `days` working days from `start`, as Shanghai ISO text. */
const due = (start: string, days: number, cal = calendar): string => formatShanghai(cal.addWorkingDays(at(start), days));
const overrides = (partial: Partial<CalendarOverrides>): CalendarOverrides => ({ years: {}, dates: [], ...partial });
const noData = (date: string, year: number) => ({ code: 'CTI_CALENDAR_NO_DATA', detail: { date, year } });
const badInput = { code: 'CTI_CALENDAR_BAD_INPUT' };

/** Every date from `from` to `to` inclusive, 'YYYY-MM-DD'. */
function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000) {
    dates.push(new Date(ms).toISOString().slice(0, 10));
  }
  return dates;
}

const CALENDAR_URL = new URL('../src/calendar/index.ts', import.meta.url).href;

/** Runs an ESM snippet in a fresh node with the given TZ and returns the JSON it prints. */
async function runInZone(TZ: string, script: string): Promise<unknown> {
  // A bare environment: tap's own loader options must not reach the child.
  const env = { PATH: process.env.PATH ?? '', TZ };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env });
  return JSON.parse(stdout);
}

// Ordinary weeks used below. The test proves they are ordinary rather than assuming it.
t.test('the weeks of 2026-03-09 and 2026-03-16 are ordinary (no holiday, no make-up day)', async (t) => {
  for (const date of datesBetween('2026-03-09', '2026-03-22')) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    t.equal(calendar.isWorkday(date), weekday !== 0 && weekday !== 6, date);
    t.equal(calendar.describeDay(date).source, 'chinese-days', date);
  }
});

t.test('chinese-days coverage is read from its data', async (t) => {
  const expected = Array.from({ length: 23 }, (_, i) => 2004 + i);
  t.same(chineseDaysYears(), expected, 'chinese-days 1.5.7 has Spring Festival entries for 2004–2026');
  t.same(calendar.coveredYears(), expected);
  t.equal(calendar.covers(2004), true);
  t.equal(calendar.covers(2026), true);
  t.equal(calendar.covers(2003), false);
  t.equal(calendar.covers(2027), false);
  const withMore = new WorkingCalendar({
    overrides: overrides({ years: { '2030': { holidays: [], makeupWorkdays: [] }, '2027': { holidays: [], makeupWorkdays: [] } } }),
  });
  t.same(withMore.coveredYears(), [...expected, 2027, 2030], 'sorted union with override years');
  t.equal(withMore.covers(2030), true);
  t.equal(withMore.covers(2028), false);
});

// chinese-days builds its tables at load time with local-time date arithmetic, so west of UTC
// its own answers are a day off; the comparison therefore runs in its home zone, whatever TZ
// this test process has.
t.test('every covered date agrees with chinese-days itself (in TZ=Asia/Shanghai)', async (t) => {
  const script = `
    const { default: cd } = await import('chinese-days');
    const { WorkingCalendar } = await import(${JSON.stringify(CALENDAR_URL)});
    const cal = new WorkingCalendar();
    const mismatches = [];
    let checked = 0;
    for (let ms = Date.UTC(2004, 0, 1); ms <= Date.UTC(2026, 11, 31); ms += 86400000) {
      const u = new Date(ms);
      const date = u.toISOString().slice(0, 10);
      const theirs = cd.isWorkday(new Date(u.getUTCFullYear(), u.getUTCMonth(), u.getUTCDate(), 12));
      if (cal.isWorkday(date) !== theirs) mismatches.push(date);
      checked++;
    }
    console.log(JSON.stringify({ checked, mismatches }));`;
  t.same(await runInZone('Asia/Shanghai', script), { checked: 8401, mismatches: [] });
});

t.test('isWorkday', async (t) => {
  t.equal(calendar.isWorkday('2026-02-14'), true, 'make-up Saturday before Spring Festival');
  t.equal(calendar.isWorkday('2026-02-28'), true, 'make-up Saturday after Spring Festival');
  t.equal(calendar.isWorkday('2026-02-17'), false, 'Spring Festival (Tuesday)');
  t.equal(calendar.isWorkday('2026-02-23'), false, 'last day of Spring Festival (Monday)');
  t.equal(calendar.isWorkday('2026-02-24'), true, 'first working day after Spring Festival');
  t.equal(calendar.isWorkday('2026-01-01'), false, "New Year's Day");
  t.equal(calendar.isWorkday('2026-01-04'), true, 'make-up Sunday after New Year');
  t.equal(calendar.isWorkday('2026-10-01'), false, 'National Day');
  t.equal(calendar.isWorkday('2026-10-07'), false, 'National Day week, Wednesday');
  t.equal(calendar.isWorkday('2026-10-08'), true);
  t.equal(calendar.isWorkday('2026-03-14'), false, 'ordinary Saturday');
  t.equal(calendar.isWorkday('2026-03-15'), false, 'ordinary Sunday');
  t.equal(calendar.isWorkday('2026-03-10'), true, 'ordinary Tuesday');
  t.equal(calendar.isWorkday('2024-02-29'), true, 'leap day, a Thursday');
  t.equal(calendar.isWorkday('2004-01-01'), false, 'first covered year');
  t.same(calendar.describeDay('2026-02-14'), { date: '2026-02-14', workday: true, source: 'chinese-days' });
});

t.test('strict mode: a year without data is an error, never a weekday guess', async (t) => {
  t.throws(() => strict.isWorkday('2030-06-03'), noData('2030-06-03', 2030));
  t.throws(() => strict.isWorkday('2027-01-01'), noData('2027-01-01', 2027));
  t.throws(() => strict.isWorkday('2003-12-31'), noData('2003-12-31', 2003));
  try {
    strict.isWorkday('2030-06-03');
    t.fail('should throw');
  } catch (error) {
    t.ok(error instanceof CtiError);
    const e = error as CtiError;
    t.equal(e.code, 'CTI_CALENDAR_NO_DATA');
    t.equal(e.statusCode, 500);
    t.match(e.message, /2030-06-03/);
    t.match(e.message, /year 2030/);
    t.match(e.message, /config\/calendar\.yaml/);
    t.match(e.message, /2004–2026/, 'says which years are covered');
  }
  t.match(calendar.noDataFor('2030-06-03'), noData('2030-06-03', 2030), 'the same error, for a strict caller of the default calendar');
  const with2030 = new WorkingCalendar({ missingYears: 'error', overrides: overrides({ years: { '2030': { holidays: [], makeupWorkdays: [] } } }) });
  t.equal(with2030.isWorkday('2030-06-03'), true, 'Monday in a year given with empty lists');
  t.equal(with2030.isWorkday('2030-06-01'), false, 'Saturday in that year');
  t.same(with2030.describeDay('2030-06-03'), { date: '2030-06-03', workday: true, source: 'config-year' });
  t.throws(() => with2030.isWorkday('2029-06-04'), noData('2029-06-04', 2029));
});

t.test('by default a year without data follows the weekday rule, marked as a guess', async (t) => {
  t.same(calendar.describeDay('2027-01-01'), { date: '2027-01-01', workday: true, source: 'weekday-rule' }, "a Friday: New Year's Day is not known yet");
  t.same(calendar.describeDay('2027-01-02'), { date: '2027-01-02', workday: false, source: 'weekday-rule' }, 'a Saturday');
  t.equal(calendar.isWorkday('2003-12-31'), true, 'before the data too (a Wednesday)');
  t.same(calendar.clockEndDays(at('2026-12-30T10:00+08:00'), 1), { at: at('2026-12-31T10:00+08:00'), provisional: false }, 'within the data');
  t.same(calendar.clockEndDays(at('2026-12-31T16:00+08:00'), 1), { at: at('2027-01-01T16:00+08:00'), provisional: true }, 'across New Year: marked');
  t.same(
    calendar.clockEndDays(at('2026-12-31T08:30+08:00'), 1),
    { at: at('2026-12-31T17:30+08:00'), provisional: false },
    'ending at 17:30 on Dec 31 rests on no 2027 day',
  );
  t.same(
    calendar.clockEnd(at('2026-12-31T08:30+08:00'), DAY_LENGTH + 1),
    { at: at('2027-01-01T08:30:00.001+08:00'), provisional: true },
    'one ms more is a 2027 deadline',
  );
  t.same(calendar.clockEndDays(at('2027-03-01T10:00+08:00'), 0), { at: at('2027-03-01T10:00+08:00'), provisional: false }, 'a zero clock rests on no day');
  t.same(calendar.openingAt(at('2027-03-01T10:00+08:00'), DEFAULT_WORKING_PERIODS, 'workdays'), { open: true, provisional: true }, 'a Monday morning of 2027');
  t.same(calendar.openingAt(at('2027-03-06T10:00+08:00'), DEFAULT_WORKING_PERIODS, 'workdays'), { open: false, provisional: true }, 'a Saturday of 2027');
  t.same(
    calendar.openingAt(at('2027-03-01T03:00+08:00'), DEFAULT_WORKING_PERIODS, 'workdays'),
    { open: false, provisional: false },
    'outside the hours no day is needed',
  );
  t.same(calendar.openingAt(at('2027-03-06T10:00+08:00'), DEFAULT_WORKING_PERIODS, 'all'), { open: true, provisional: false }, 'every day: no day is needed');
  t.same(calendar.openingAt(at('2026-03-09T10:00+08:00'), DEFAULT_WORKING_PERIODS, 'workdays'), { open: true, provisional: false });
});

t.test('latestStartEndingBy: the last start whose clock still ends by an instant', async (t) => {
  const newYear = at('2027-01-01T00:00+08:00').getTime();
  // Dec 2026: Thu 31, Wed 30, Tue 29, Mon 28, Fri 25, Thu 24, Wed 23 are 7 working days
  const last = calendar.latestStartEndingBy(newYear, 7 * DAY_LENGTH);
  t.equal(formatShanghai(last), '2026-12-23T08:30:00+08:00', 'the start of the 7th working day before New Year');
  t.same(calendar.clockEndDays(last, 7), { at: at('2026-12-31T17:30+08:00'), provisional: false }, 'a start exactly then ends within 2026');
  t.equal(calendar.clockEndDays(new Date(last.getTime() + 1), 7).provisional, true, 'one ms later reaches 2027');
  t.equal(formatShanghai(calendar.latestStartEndingBy(newYear, 1.5 * HOUR)), '2026-12-31T16:00:00+08:00');
  t.equal(
    formatShanghai(calendar.latestStartEndingBy(at('2026-03-09T15:00+08:00').getTime(), 4 * HOUR)),
    '2026-03-09T09:00:00+08:00',
    'across lunch: 1 h after it, 3 h before',
  );
  t.equal(calendar.latestStartEndingBy(newYear, 0).getTime(), newYear);
  t.throws(() => calendar.latestStartEndingBy(newYear, 1e15), badInput, 'an absurd amount is refused, not walked');
});

t.test('override years add or replace whole years', async (t) => {
  const cal = new WorkingCalendar({
    overrides: overrides({
      years: {
        '2027': { holidays: ['2027-01-01', '2027-02-08'], makeupWorkdays: ['2027-02-06'] },
        '2026': { holidays: [], makeupWorkdays: [] },
      },
    }),
  });
  t.equal(cal.isWorkday('2027-01-01'), false, 'listed holiday (Friday)');
  t.equal(cal.isWorkday('2027-02-08'), false, 'listed holiday (Monday)');
  t.equal(cal.isWorkday('2027-02-06'), true, 'listed make-up Saturday');
  t.equal(cal.isWorkday('2027-01-04'), true, 'unlisted Monday');
  t.equal(cal.isWorkday('2027-01-02'), false, 'unlisted Saturday');
  t.equal(cal.isWorkday('2026-10-01'), true, 'the 2026 override replaces the package: National Day is now a plain Thursday');
  t.equal(cal.isWorkday('2026-02-14'), false, 'and 2026-02-14 a plain Saturday');
  t.equal(cal.describeDay('2026-10-01').source, 'config-year');
  t.equal(cal.describeDay('2025-10-01').source, 'chinese-days', 'other years still come from the package');
});

t.test('single-date overrides are applied last', async (t) => {
  const cal = new WorkingCalendar({
    overrides: overrides({
      dates: [
        { date: '2026-03-10', workday: false, reason: 'local holiday' },
        { date: '2026-03-14', workday: true },
        { date: '2026-10-01', workday: true, reason: 'emergency duty' },
        { date: '2031-05-05', workday: false, reason: 'known ahead of the notice' },
      ],
    }),
  });
  t.equal(cal.isWorkday('2026-03-10'), false, 'ordinary Tuesday turned off');
  t.same(cal.describeDay('2026-03-10'), { date: '2026-03-10', workday: false, source: 'config-date', reason: 'local holiday' });
  t.equal(cal.isWorkday('2026-03-14'), true, 'ordinary Saturday turned on');
  t.same(cal.describeDay('2026-03-14'), { date: '2026-03-14', workday: true, source: 'config-date' });
  t.equal(cal.isWorkday('2026-10-01'), true, 'statutory holiday turned on');
  t.equal(cal.isWorkday('2026-03-11'), true, 'neighbours unchanged');
  t.equal(cal.isWorkday('2031-05-05'), false, 'an explicit date answers even in a year without data');
  t.equal(cal.describeDay('2031-05-05').source, 'config-date', 'and exactly, not as a guess');
  t.equal(cal.describeDay('2031-05-06').source, 'weekday-rule', 'the rest of that year still has no data');
  t.equal(cal.covers(2031), false);
  t.equal(due('2026-03-09T15:00:00+08:00', 1, cal), '2026-03-11T15:00:00+08:00', 'clocks skip the local holiday');
});

t.test('bad overrides are rejected', async (t) => {
  const make = (o: Partial<CalendarOverrides>) => () => new WorkingCalendar({ overrides: overrides(o) });
  t.throws(make({ years: { '27': { holidays: [], makeupWorkdays: [] } } }), badInput, 'two-digit year');
  t.throws(make({ years: { '2027': { holidays: ['2026-12-31'], makeupWorkdays: [] } } }), badInput, 'date of another year');
  t.throws(make({ years: { '2027': { holidays: ['2027-02-30'], makeupWorkdays: [] } } }), badInput, 'impossible date');
  t.throws(make({ years: { '2027': { holidays: ['2027-02-06'], makeupWorkdays: ['2027-02-06'] } } }), badInput, 'in both lists');
  t.throws(make({ years: { '2027': { holidays: [] } as never } }), badInput, 'missing list');
  t.throws(make({ dates: [{ date: '2026-3-10', workday: false }] }), badInput, 'malformed date');
  t.throws(
    make({
      dates: [
        { date: '2026-03-10', workday: false },
        { date: '2026-03-10', workday: true },
      ],
    }),
    badInput,
    'same date twice',
  );
  t.throws(make({ dates: [{ date: '2026-03-10', workday: 'no' as never }] }), badInput, 'workday not boolean');
});

t.test('bad date strings', async (t) => {
  for (const bad of [
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-04-31',
    '2026-2-3',
    '20260203',
    '2026-02-03T00:00',
    ' 2026-02-03',
    '',
    'yesterday',
  ]) {
    t.throws(() => calendar.isWorkday(bad), badInput, JSON.stringify(bad));
  }
  t.throws(() => calendar.isWorkday(undefined as never), badInput);
  try {
    calendar.isWorkday('2026-02-30');
  } catch (error) {
    t.equal((error as CtiError).statusCode, 400);
    t.match((error as CtiError).message, /2026-02-30/);
  }
});

t.test('working-day clocks: docs/architecture.md §5 cases', async (t) => {
  t.equal(due('2026-09-30T15:00+08:00', 1), '2026-10-08T15:00:00+08:00', 'National Day week');
  t.equal(due('2026-02-13T16:00+08:00', 1), '2026-02-14T16:00:00+08:00', 'make-up Saturday counts');
  t.equal(due('2026-02-13T16:00+08:00', 2), '2026-02-24T16:00:00+08:00', 'then Spring Festival is skipped');
  t.equal(due('2026-03-09T15:00+08:00', 1), '2026-03-10T15:00:00+08:00', 'Monday 15:00 → Tuesday 15:00');
  t.equal(due('2026-03-13T16:00+08:00', 1), '2026-03-16T16:00:00+08:00', 'Friday 16:00 → Monday 16:00');
  t.equal(due('2026-03-14T10:00+08:00', 1), '2026-03-16T17:30:00+08:00', 'Saturday → end of next working day');
  t.equal(due('2026-03-15T23:59+08:00', 1), '2026-03-16T17:30:00+08:00', 'late Sunday too');
  t.equal(due('2026-03-09T15:00+08:00', 3), '2026-03-12T15:00:00+08:00', 'consultation: 3 days');
  t.equal(due('2026-03-09T15:00+08:00', 7), '2026-03-18T15:00:00+08:00', 'complaint: 7 days over a weekend');
  t.equal(due('2026-09-24T10:00+08:00', 10), '2026-10-15T10:00:00+08:00', '10 days over Mid-autumn and National Day');
});

t.test('working-day clocks: period boundaries', async (t) => {
  t.equal(due('2026-03-09T12:00+08:00', 1), '2026-03-10T12:00:00+08:00', 'ends at the end of the morning, not 14:00');
  t.equal(due('2026-03-09T14:00+08:00', 1), '2026-03-10T12:00:00+08:00', 'no working time between 12:00 and 14:00');
  t.equal(due('2026-03-09T12:30+08:00', 1), due('2026-03-09T14:00+08:00', 1), 'a start at lunch behaves as 14:00');
  t.equal(due('2026-03-09T12:30+08:00', 0.25), '2026-03-09T15:45:00+08:00');
  t.equal(due('2026-03-09T07:00+08:00', 1), '2026-03-09T17:30:00+08:00', 'a start at 07:00 behaves as 08:30');
  t.equal(due('2026-03-09T07:00+08:00', 1), due('2026-03-09T08:30+08:00', 1));
  t.equal(due('2026-03-09T20:00+08:00', 1), '2026-03-10T17:30:00+08:00', 'a start at 20:00 behaves as next day 08:30');
  t.equal(due('2026-03-09T20:00+08:00', 1), due('2026-03-10T08:30+08:00', 1));
  t.equal(due('2026-03-13T20:00+08:00', 1), '2026-03-16T17:30:00+08:00', 'Friday evening → Monday');
  t.equal(due('2026-03-09T17:30+08:00', 0.5), '2026-03-10T12:00:00+08:00', 'a start at 17:30 is already closed');
  t.equal(due('2026-03-09T17:29+08:00', 1), '2026-03-10T17:29:00+08:00');
  t.equal(due('2026-03-09T08:30+08:00', 0.5), '2026-03-09T12:00:00+08:00', 'half a day ends at 12:00 sharp');
  t.equal(due('2026-03-09T14:00+08:00', 0.5), '2026-03-09T17:30:00+08:00', 'ends at 17:30, not next morning');
  t.equal(due('2026-03-09T08:30+08:00', 2), '2026-03-10T17:30:00+08:00');
  t.equal(due('2026-09-30T14:00+08:00', 0.5), '2026-09-30T17:30:00+08:00', 'ends before the holiday starts');
  t.equal(due('2026-09-30T17:30+08:00', 0.5), '2026-10-08T12:00:00+08:00');
});

t.test('addWorkingMs', async (t) => {
  const added = (start: string, ms: number) => formatShanghai(calendar.addWorkingMs(at(start), ms));
  t.equal(added('2026-03-09T11:00+08:00', 3 * HOUR), '2026-03-09T16:00:00+08:00', 'lunch break is skipped: 1 h + 2 h');
  t.equal(added('2026-03-09T11:00+08:00', 3.5 * HOUR), '2026-03-09T16:30:00+08:00', '1 h before lunch + 2.5 h after');
  t.equal(added('2026-03-09T11:00+08:00', HOUR), '2026-03-09T12:00:00+08:00');
  t.equal(added('2026-03-09T11:00+08:00', HOUR + 1), '2026-03-09T14:00:00.001+08:00');
  t.equal(added('2026-03-09T11:59:59+08:00', 1000), '2026-03-09T12:00:00+08:00');
  t.equal(added('2026-03-09T10:00+08:00', 2 * HOUR), '2026-03-09T12:00:00+08:00');
  t.equal(added('2026-03-09T10:00+08:00', 3 * HOUR), '2026-03-09T15:00:00+08:00');
  t.equal(added('2026-03-13T17:00+08:00', 2 * HOUR), '2026-03-16T10:00:00+08:00');
  for (const start of ['2026-03-14T03:00+08:00', '2026-03-09T12:30+08:00', '2026-10-01T10:00+08:00', '2030-01-01T10:00+08:00']) {
    const startDate = at(start);
    const result = calendar.addWorkingMs(startDate, 0);
    t.equal(result.getTime(), startDate.getTime(), `+0 returns ${start} unchanged, even outside hours or data`);
  }
  t.equal(calendar.addWorkingDays(at('2026-03-14T03:00+08:00'), 0).getTime(), at('2026-03-14T03:00+08:00').getTime());
});

t.test('year boundary needs the next year’s data', async (t) => {
  t.throws(() => due('2026-12-31T16:00+08:00', 1, strict), noData('2027-01-01', 2027));
  t.throws(() => due('2026-12-31T12:00+08:00', 1, strict), noData('2027-01-01', 2027), '1.5 h short');
  t.equal(due('2026-12-31T08:30+08:00', 1, strict), '2026-12-31T17:30:00+08:00', 'ending at 17:30 on Dec 31 needs no 2027 data');
  t.throws(() => strict.addWorkingMs(at('2026-12-31T08:30+08:00'), DAY_LENGTH + 1), noData('2027-01-01', 2027));
  t.throws(() => strict.addWorkingMs(at('2026-01-05T08:30+08:00'), 1e15), noData('2027-01-01', 2027), 'a huge clock stops, no endless walk');
  t.throws(() => calendar.addWorkingMs(at('2026-01-05T08:30+08:00'), 1e15), badInput, 'by the weekday rule too');
  t.throws(() => due('2003-12-31T10:00+08:00', 1, strict), noData('2003-12-31', 2003));
  t.equal(due('2026-12-31T16:00+08:00', 1), '2027-01-01T16:00:00+08:00', 'by default Jan 1 2027 (a Friday) counts until the data says otherwise');
  const with2027 = new WorkingCalendar({
    overrides: overrides({ years: { '2027': { holidays: ['2027-01-01'], makeupWorkdays: [] } } }),
  });
  t.equal(due('2026-12-31T16:00+08:00', 1, with2027), '2027-01-04T16:00:00+08:00', 'skips Fri Jan 1 and the weekend');
  t.equal(with2027.clockEndDays(at('2026-12-31T16:00+08:00'), 1).provisional, false, 'exact once the year is there');
  const plain2027 = new WorkingCalendar({ overrides: overrides({ years: { '2027': { holidays: [], makeupWorkdays: [] } } }) });
  t.equal(due('2026-12-31T16:00+08:00', 1, plain2027), '2027-01-01T16:00:00+08:00', 'without the holiday Jan 1 counts');
});

t.test('a whole year of working days, walked in one clock', async (t) => {
  const workdays = datesBetween('2026-01-05', '2026-12-31').filter((d) => calendar.isWorkday(d)).length;
  t.equal(workdays, 247, 'working days from Mon 2026-01-05 to Thu 2026-12-31');
  const started = performance.now();
  t.equal(due('2026-01-05T08:30+08:00', workdays), '2026-12-31T17:30:00+08:00');
  t.ok(performance.now() - started < 200, 'walks day by day, not minute by minute');
  t.equal(calendar.workingMsBetween(at('2026-01-01T00:00+08:00'), at('2027-01-01T00:00+08:00')), (workdays + 1) * DAY_LENGTH, 'plus make-up Sunday Jan 4');
});

t.test('workingMsBetween', async (t) => {
  const between = (from: string, to: string, cal = calendar) => cal.workingMsBetween(at(from), at(to));
  t.equal(between('2026-03-13T16:00+08:00', '2026-03-16T10:00+08:00'), 3 * HOUR, 'over a weekend');
  t.equal(between('2026-09-30T15:00+08:00', '2026-10-08T15:00+08:00'), DAY_LENGTH, 'over the National Day week');
  t.equal(between('2026-10-01T00:00+08:00', '2026-10-08T00:00+08:00'), 0, 'holiday week alone');
  t.equal(between('2026-02-14T00:00+08:00', '2026-02-15T00:00+08:00'), DAY_LENGTH, 'make-up Saturday');
  t.equal(between('2026-03-09T11:00+08:00', '2026-03-09T15:00+08:00'), 2 * HOUR, 'across lunch');
  t.equal(between('2026-03-09T12:10+08:00', '2026-03-09T13:50+08:00'), 0, 'inside lunch');
  t.equal(between('2026-03-09T07:00+08:00', '2026-03-09T20:00+08:00'), DAY_LENGTH, 'from and to outside hours');
  t.equal(between('2026-03-09T00:00+08:00', '2026-03-16T00:00+08:00'), 5 * DAY_LENGTH, 'an ordinary week');
  t.equal(between('2026-03-14T00:00+08:00', '2026-03-16T00:00+08:00'), 0, 'an ordinary weekend');
  t.equal(between('2026-03-09T08:30+08:00', '2026-03-09T08:30:01+08:00'), 1000);
  t.equal(between('2026-03-09T15:00+08:00', '2026-03-09T15:00+08:00'), 0, 'to == from');
  t.equal(between('2026-03-10T15:00+08:00', '2026-03-09T15:00+08:00'), 0, 'to < from');
  t.equal(between('2026-12-31T16:00+08:00', '2027-01-01T00:00+08:00'), 1.5 * HOUR, 'up to midnight needs no 2027 data');
  t.throws(() => strict.workingMsBetween(at('2026-12-31T16:00+08:00'), at('2027-01-01T09:00+08:00')), noData('2027-01-01', 2027));
  t.equal(between('2026-12-31T16:00+08:00', '2027-01-01T09:00+08:00'), 2 * HOUR, 'by default Jan 1 2027 is a guessed working day');
  t.equal(between('2026-03-09T15:00+08:00', '2026-03-09T07:00:00Z'), 0, 'offsets are honoured (07:00Z is 15:00 Shanghai)');
});

t.test('clock and measure agree over a grid of starts and lengths', async (t) => {
  const starts = [
    '2026-03-09T07:00',
    '2026-03-09T08:30',
    '2026-03-09T10:15:30',
    '2026-03-09T12:00',
    '2026-03-09T12:30',
    '2026-03-09T14:00',
    '2026-03-13T17:29:59',
    '2026-03-13T17:30',
    '2026-03-13T20:00',
    '2026-03-14T10:00',
    '2026-02-13T16:00',
    '2026-02-14T09:00',
    '2026-09-24T11:11',
    '2026-09-30T15:00',
    '2026-10-03T00:00',
    '2026-04-30T16:45',
    '2026-06-18T12:00',
    '2025-12-31T17:00',
    '2026-01-01T00:00',
  ];
  const dayCounts = [0.01, 0.25, 0.5, 1, 1.5, 2, 3, 7, 10, 15];
  const calendars = [
    ['default', calendar],
    ['09:00–17:00', new WorkingCalendar({ periods: [{ start: '09:00', end: '17:00' }] })],
    ['00:00–24:00', new WorkingCalendar({ periods: [{ start: '00:00', end: '24:00' }] })],
    [
      'three periods',
      new WorkingCalendar({
        periods: [
          { start: '08:00', end: '10:00' },
          { start: '10:00', end: '11:45' },
          { start: '18:00', end: '21:30' },
        ],
      }),
    ],
  ] as const;
  for (const [name, cal] of calendars) {
    const periods = name === 'default' ? DEFAULT_WORKING_PERIODS : null;
    let failures = 0;
    for (const start of starts) {
      for (const days of dayCounts) {
        const from = at(`${start}+08:00`);
        const deadline = cal.addWorkingDays(from, days);
        const measured = cal.workingMsBetween(from, deadline);
        if (measured !== Math.round(days * cal.dayLengthMs)) {
          failures++;
          t.fail(`${name}: ${start} + ${days} → ${formatShanghai(deadline)} measures ${measured}`);
        }
        // The last millisecond before a deadline is working time: a clock never ends in a gap.
        if (periods && !cal.isWithinPeriods(new Date(deadline.getTime() - 1), periods, 'workdays')) {
          failures++;
          t.fail(`${name}: ${start} + ${days} ends after a gap at ${formatShanghai(deadline)}`);
        }
      }
    }
    t.equal(failures, 0, `${name}: ${starts.length * dayCounts.length} clocks consistent`);
  }
});

t.test('custom periods', async (t) => {
  const office = new WorkingCalendar({ periods: [{ start: '09:00', end: '17:00' }] });
  t.equal(office.dayLengthMs, 8 * HOUR);
  t.equal(due('2026-03-09T16:00+08:00', 1, office), '2026-03-10T16:00:00+08:00');
  t.equal(due('2026-03-09T17:00+08:00', 1, office), '2026-03-10T17:00:00+08:00', 'ends at 17:00, not 09:00 the day after');
  t.equal(due('2026-03-09T12:30+08:00', 0.5, office), '2026-03-09T16:30:00+08:00', 'no lunch break');
  t.equal(due('2026-03-13T13:00+08:00', 1, office), '2026-03-16T13:00:00+08:00');

  const allDay = new WorkingCalendar({ periods: [{ start: '00:00', end: '24:00' }] });
  t.equal(allDay.dayLengthMs, 24 * HOUR);
  t.equal(due('2026-03-13T10:00+08:00', 1, allDay), '2026-03-16T10:00:00+08:00', 'Friday 10:00 → Monday 10:00');
  t.equal(due('2026-03-13T00:00+08:00', 1, allDay), '2026-03-14T00:00:00+08:00', 'ends at 24:00 Friday, not 00:00 Monday');
  t.equal(due('2026-03-14T10:00+08:00', 1, allDay), '2026-03-17T00:00:00+08:00', 'Saturday → end of Monday');
  t.equal(due('2026-09-30T12:00+08:00', 1, allDay), '2026-10-08T12:00:00+08:00');
  t.equal(allDay.workingMsBetween(at('2026-03-13T12:00+08:00'), at('2026-03-16T12:00+08:00')), 24 * HOUR);

  t.equal(calendar.dayLengthMs, DAY_LENGTH, 'default is 7 h');
  const touching = new WorkingCalendar({
    periods: [
      { start: '08:00', end: '12:00' },
      { start: '12:00', end: '16:00' },
    ],
  });
  t.equal(due('2026-03-09T08:00+08:00', 0.5, touching), '2026-03-09T12:00:00+08:00', 'touching periods are allowed');
  t.equal(due('2026-03-09T10:00+08:00', 0.5, touching), '2026-03-09T14:00:00+08:00');
});

t.test('bad periods', async (t) => {
  const bad: Array<[string, Period[]]> = [
    ['empty', []],
    [
      'unsorted',
      [
        { start: '14:00', end: '17:30' },
        { start: '08:30', end: '12:00' },
      ],
    ],
    [
      'overlapping',
      [
        { start: '08:30', end: '12:00' },
        { start: '11:00', end: '17:30' },
      ],
    ],
    ['empty period', [{ start: '08:30', end: '08:30' }]],
    ['backwards', [{ start: '17:30', end: '08:30' }]],
    ['hour 25', [{ start: '08:30', end: '25:00' }]],
    ['24:00 as start', [{ start: '24:00', end: '24:00' }]],
    ['24:30', [{ start: '08:30', end: '24:30' }]],
    ['single-digit hour', [{ start: '8:30', end: '12:00' }]],
    ['minute 60', [{ start: '08:60', end: '12:00' }]],
  ];
  for (const [name, periods] of bad) {
    t.throws(() => new WorkingCalendar({ periods }), badInput, name);
  }
  t.throws(() => calendar.isWithinPeriods(at('2026-03-09T10:00+08:00'), [{ start: '12:00', end: '08:00' }], 'all'), badInput);
});

t.test('isWithinPeriods', async (t) => {
  const within = (instant: string, days: 'workdays' | 'all' = 'workdays', periods: readonly Period[] = DEFAULT_WORKING_PERIODS) =>
    calendar.isWithinPeriods(at(instant), periods, days);
  t.equal(within('2026-03-09T08:29:59.999+08:00'), false);
  t.equal(within('2026-03-09T08:30+08:00'), true, 'start inclusive');
  t.equal(within('2026-03-09T11:59:59.999+08:00'), true);
  t.equal(within('2026-03-09T12:00+08:00'), false, 'end exclusive');
  t.equal(within('2026-03-09T13:59:59+08:00'), false);
  t.equal(within('2026-03-09T14:00+08:00'), true);
  t.equal(within('2026-03-09T17:29:59+08:00'), true);
  t.equal(within('2026-03-09T17:30+08:00'), false);
  t.equal(within('2026-03-09T02:00:00Z'), true, '02:00Z is 10:00 in Shanghai');
  t.equal(within('2026-02-14T10:00+08:00'), true, 'make-up Saturday with workdays');
  t.equal(within('2026-03-14T10:00+08:00'), false, 'ordinary Saturday with workdays');
  t.equal(within('2026-03-14T10:00+08:00', 'all'), true, 'ordinary Saturday with all');
  t.equal(within('2026-10-01T10:00+08:00'), false, 'National Day with workdays');
  t.equal(within('2026-10-01T10:00+08:00', 'all'), true);
  t.equal(within('2026-03-14T23:59:59.999+08:00', 'all', [{ start: '00:00', end: '24:00' }]), true);
  t.equal(within('2026-03-15T00:00+08:00', 'all', [{ start: '00:00', end: '24:00' }]), true);
  t.equal(within('2026-03-09T10:00+08:00', 'all', []), false, 'no periods: never open');
  t.equal(within('2030-06-03T20:00+08:00'), false, 'closed hours need no calendar data');
  t.throws(() => strict.isWithinPeriods(at('2030-06-03T10:00+08:00'), DEFAULT_WORKING_PERIODS, 'workdays'), noData('2030-06-03', 2030));
  t.equal(within('2030-06-03T10:00+08:00'), true, 'by default a Monday of 2030 is open (a guess: see openingAt)');
  t.throws(() => within('2026-03-09T10:00+08:00', 'every_day' as never), badInput);
});

t.test('nextWorkingInstant', async (t) => {
  const next = (instant: string) => formatShanghai(calendar.nextWorkingInstant(at(instant)));
  t.equal(next('2026-03-09T10:00+08:00'), '2026-03-09T10:00:00+08:00', 'already working');
  t.equal(next('2026-03-09T08:30+08:00'), '2026-03-09T08:30:00+08:00');
  t.equal(next('2026-03-09T12:00+08:00'), '2026-03-09T14:00:00+08:00');
  t.equal(next('2026-03-09T07:00+08:00'), '2026-03-09T08:30:00+08:00');
  t.equal(next('2026-03-13T17:30+08:00'), '2026-03-16T08:30:00+08:00');
  t.equal(next('2026-09-30T18:00+08:00'), '2026-10-08T08:30:00+08:00');
  t.equal(next('2026-02-13T18:00+08:00'), '2026-02-14T08:30:00+08:00', 'make-up Saturday');
  t.throws(() => strict.nextWorkingInstant(at('2026-12-31T18:00+08:00')), noData('2027-01-01', 2027));
  t.equal(next('2026-12-31T18:00+08:00'), '2027-01-01T08:30:00+08:00', 'by default the weekday rule');
});

t.test('formatShanghai', async (t) => {
  t.equal(formatShanghai(new Date(Date.UTC(2026, 9, 8, 7, 0, 0))), '2026-10-08T15:00:00+08:00');
  t.equal(formatShanghai(new Date(Date.UTC(2026, 11, 31, 16, 0, 0))), '2027-01-01T00:00:00+08:00', 'crosses midnight');
  t.equal(formatShanghai(new Date(Date.UTC(2026, 11, 31, 15, 59, 59, 123))), '2026-12-31T23:59:59.123+08:00');
  t.equal(formatShanghai(new Date(0)), '1970-01-01T08:00:00+08:00');
  t.throws(() => formatShanghai(new Date(Number.NaN)), badInput);
  t.equal(shanghaiDateOf(new Date(Date.UTC(2026, 11, 31, 16, 0, 0))), '2027-01-01');
  t.equal(shanghaiDateOf(new Date(Date.UTC(2026, 11, 31, 15, 59, 59, 999))), '2026-12-31');
});

t.test('parseInstant', async (t) => {
  const expected = Date.UTC(2026, 8, 30, 7, 0, 0);
  for (const text of [
    '2026-09-30T15:00+08:00',
    '2026-09-30T15:00:00+08:00',
    '2026-09-30T15:00:00.000+08:00',
    '2026-09-30T07:00:00Z',
    '2026-09-30T07:00Z',
    '2026-09-30T02:00:00-05:00',
    '2026-10-01T00:00:00+17:00',
    '2026-09-30T12:30:00+05:30',
  ]) {
    t.equal(parseInstant(text).getTime(), expected, text);
  }
  t.equal(parseInstant('2026-09-30T15:00:00.5+08:00').getTime(), expected + 500);
  t.equal(parseInstant('2026-09-30T15:00:00.123456789+08:00').getTime(), expected + 123, 'extra digits truncated');
  t.equal(parseInstant('2024-02-29T00:00:00+08:00').getTime(), Date.UTC(2024, 1, 28, 16));
  for (const text of ['2026-10-08T15:00:00+08:00', '2027-01-01T00:00:00+08:00', '2026-12-31T23:59:59.123+08:00']) {
    t.equal(formatShanghai(parseInstant(text)), text, `round trip ${text}`);
  }
  for (const bad of [
    '2026-09-30T15:00:00',
    '2026-09-30T15:00',
    '2026-09-30',
    '2026-09-30 15:00:00+08:00',
    '2026-09-30T15:00:00+0800',
    '2026-09-30T15:00:00+08',
    '2026-02-30T10:00:00+08:00',
    '2026-09-30T24:00:00+08:00',
    '2026-09-30T15:60:00+08:00',
    '2026-09-30T15:00:60+08:00',
    '2026-09-30T15:00:00+08:60',
    '2026-09-30T15:00:00+24:00',
    '2026-09-30T15:00:00.+08:00',
    '1759215600000',
    '',
  ]) {
    t.throws(() => parseInstant(bad), badInput, JSON.stringify(bad));
  }
  t.throws(() => parseInstant(null as never), badInput);
  try {
    parseInstant('2026-09-30T15:00:00');
  } catch (error) {
    t.match((error as CtiError).message, /offset/, 'says an offset is needed');
  }
});

t.test('bad clock inputs', async (t) => {
  const start = at('2026-03-09T10:00+08:00');
  for (const days of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, '1' as never]) {
    t.throws(() => calendar.addWorkingDays(start, days), badInput, `days ${String(days)}`);
  }
  for (const ms of [-1, Number.NaN, Number.NEGATIVE_INFINITY]) {
    t.throws(() => calendar.addWorkingMs(start, ms), badInput, `ms ${String(ms)}`);
  }
  const invalid = new Date(Number.NaN);
  t.throws(() => calendar.addWorkingDays(invalid, 1), badInput);
  t.throws(() => calendar.addWorkingMs(invalid, 0), badInput, 'even for 0');
  t.throws(() => calendar.workingMsBetween(invalid, start), badInput);
  t.throws(() => calendar.workingMsBetween(start, invalid), badInput);
  t.throws(() => calendar.nextWorkingInstant(invalid), badInput);
  t.throws(() => calendar.isWithinPeriods(invalid, DEFAULT_WORKING_PERIODS, 'all'), badInput);
  t.throws(() => calendar.addWorkingDays('2026-03-09T10:00+08:00' as never, 1), badInput, 'a string is not a Date');
});

t.test('src/calendar never reads the machine time zone', async (t) => {
  const dir = new URL('../src/calendar/', import.meta.url);
  const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
  t.ok(files.length >= 5);
  const localTime = [
    /\.(?:get|set)(?:FullYear|Month|Date|Day|Hours|Minutes|Seconds|Milliseconds)\(/,
    /getTimezoneOffset|toLocale\w*\(|toDateString|toTimeString|Intl\.|Date\.parse/,
    /new Date\([^()]*,/, // the multi-argument constructor is local time
  ];
  for (const name of files) {
    const source = readFileSync(new URL(name, dir), 'utf8');
    for (const pattern of localTime) t.notMatch(source, pattern, `${name} uses no ${pattern}`);
  }
});

t.test('same answers under other process time zones', async (t) => {
  const script = `
    const c = await import(${JSON.stringify(CALENDAR_URL)});
    const cal = new c.WorkingCalendar();
    const at = c.parseInstant;
    console.log(JSON.stringify([
      c.formatShanghai(cal.addWorkingDays(at('2026-09-30T15:00+08:00'), 1)),
      c.formatShanghai(cal.addWorkingDays(at('2026-03-14T10:00+08:00'), 1)),
      c.formatShanghai(cal.addWorkingDays(at('2026-03-09T12:00+08:00'), 1)),
      cal.isWorkday('2026-02-14'), cal.isWorkday('2026-02-15'), cal.isWorkday('2026-02-17'),
      cal.workingMsBetween(at('2026-03-13T16:00+08:00'), at('2026-03-16T10:00+08:00')),
      cal.isWithinPeriods(at('2026-03-09T08:30+08:00'), c.DEFAULT_WORKING_PERIODS, 'workdays'),
      c.shanghaiDateOf(at('2026-12-31T16:00:00Z')),
    ]));`;
  const expected = ['2026-10-08T15:00:00+08:00', '2026-03-16T17:30:00+08:00', '2026-03-10T12:00:00+08:00', true, false, false, 3 * HOUR, true, '2027-01-01'];
  const zones = ['UTC', 'America/New_York', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];
  const outputs = await Promise.all(zones.map((zone) => runInZone(zone, script)));
  zones.forEach((zone, i) => t.same(outputs[i], expected, `TZ=${zone}`));
});
