// The statutory schedule bundled in the chinese-days package, read from its static data file
// rather than through its functions, for two reasons:
// - they fall back to plain weekday rules for years they have no data for, without a warning;
// - they build their tables at load time and read dates with local-time Date methods, so in a
//   zone west of UTC every entry lands a day early (under TZ=America/New_York 369 of the 8,401
//   days of 2004–2026 come out wrong, and 2026-02-14, a make-up Saturday, reads as a holiday).
// The JSON file is the same data, generated once by the package's build; a test checks that it
// matches the package's own answers day by day in TZ=Asia/Shanghai.
import tables from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { parseDay, yearOfDay, type DayNumber } from './shanghai-time.js';

/** One year's exceptions to the weekday rule. */
export interface YearSchedule {
  /** Days off, whatever the weekday (the package also lists weekend days inside a holiday). */
  readonly holidays: ReadonlySet<DayNumber>;
  /** Weekend days worked (调休). */
  readonly makeupWorkdays: ReadonlySet<DayNumber>;
}

type DateTable = Readonly<Record<string, string>>;

// Every year's State Council notice has a Spring Festival (春节) holiday, always in late January
// or February of that year. Other entries can spill into a neighbouring year (the 2007 notice
// set 2007-12-30 to 2008-01-01 off), so "some date in year Y is listed" does not prove that Y's
// schedule is in the data; a Spring Festival entry does.
function yearsWithSpringFestival(holidays: DateTable): Set<number> {
  const years = new Set<number>();
  for (const [date, name] of Object.entries(holidays)) {
    if (name.includes('春节')) years.add(Number(date.slice(0, 4)));
  }
  return years;
}

function daysInYear(table: DateTable, year: number): Set<DayNumber> {
  const days = Object.keys(table).map(parseDay);
  return new Set(days.filter((day) => yearOfDay(day) === year));
}

function loadSchedules(): ReadonlyMap<number, YearSchedule> {
  const holidays: DateTable = tables.holidays;
  const workdays: DateTable = tables.workdays;
  const schedules = new Map<number, YearSchedule>();
  for (const year of [...yearsWithSpringFestival(holidays)].sort((a, b) => a - b)) {
    schedules.set(year, { holidays: daysInYear(holidays, year), makeupWorkdays: daysInYear(workdays, year) });
  }
  return schedules;
}

/** Per-year schedules found in chinese-days, keyed by year. */
export const chineseDaysSchedules: ReadonlyMap<number, YearSchedule> = loadSchedules();

/** The years chinese-days really has a schedule for, ascending (2004–2026 in 1.5.7). */
export function chineseDaysYears(): number[] {
  return [...chineseDaysSchedules.keys()];
}

/** One dated entry of the package's data with the festival's Chinese name (元旦, 春节, …). */
export interface NamedDay {
  readonly date: string;
  readonly festival: string;
}

// Entries read "Spring Festival,春节,4": English name, Chinese name, order in the year.
const festivalOf = (entry: string) => entry.split(',')[1] ?? entry;

/** A year's entries as the package lists them, named, for the admin page's worked example. */
export function chineseDaysNamedYear(year: number): { holidays: NamedDay[]; makeupWorkdays: NamedDay[] } | null {
  if (!chineseDaysSchedules.has(year)) return null;
  const named = (table: DateTable) =>
    Object.entries(table)
      .filter(([date]) => Number(date.slice(0, 4)) === year)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([date, entry]) => ({ date, festival: festivalOf(entry) }));
  return { holidays: named(tables.holidays), makeupWorkdays: named(tables.workdays) };
}
