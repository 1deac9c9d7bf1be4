// Working days and working-time clocks (docs/architecture.md §5): a clock of N working days ends when
// N × (one working day's length) of working time has passed, counting only working periods on
// working days. All walks go period by period and day by day, never minute by minute.
import { CtiError } from '../errors.js';
import { parseDateOverrides, parseYearOverrides, type CalendarOverrides, type DateOverride } from './calendar-overrides.js';
import { chineseDaysSchedules, type YearSchedule } from './chinese-days-data.js';
import { DEFAULT_WORKING_PERIODS, parsePeriods, totalLengthMs, type Period, type PeriodMs } from './working-hours.js';
import { dayStartMs, epochMsOf, formatDay, isWeekend, parseDay, shanghaiDayOf, yearOfDay, type DayNumber } from './shanghai-time.js';

export interface WorkingCalendarOptions {
  overrides?: CalendarOverrides;
  /** Working hours of a working day; default 08:30–12:00 and 14:00–17:30. */
  periods?: readonly Period[];
  /**
   * What a day in a year without holiday data is. 'weekday-rule' (the default, for every call
   * and ticket path): Monday to Friday worked, no holidays, and every answer that rests on such
   * a day is marked provisional. 'error': CALENDAR_NO_DATA, for `cti calendar --strict`.
   */
  missingYears?: 'weekday-rule' | 'error';
}

/**
 * Where a day's answer came from, for logs and for the admin page. 'weekday-rule' is a guess:
 * the year has no holiday data, so Monday to Friday count as worked.
 */
export type DaySource = 'chinese-days' | 'config-year' | 'config-date' | 'weekday-rule';

export interface DayDescription {
  date: string;
  workday: boolean;
  source: DaySource;
  reason?: string;
}

/** An instant computed on the calendar, and whether a day it rests on was a guess. */
export interface MarkedInstant {
  readonly at: Date;
  /** true when a day of a year without holiday data was walked (see DaySource 'weekday-rule') */
  readonly provisional: boolean;
}

/** Whether an instant falls in opening hours, and whether that rests on a guessed day. */
export interface MarkedOpening {
  readonly open: boolean;
  readonly provisional: boolean;
}

/** Collects, during one walk, whether any day walked was a guess. */
interface WalkMark {
  provisional: boolean;
}

interface SourcedSchedule extends YearSchedule {
  readonly source: 'chinese-days' | 'config-year';
}

/** [start, end) of one working period as epoch milliseconds. */
type Segment = readonly [number, number];

export class WorkingCalendar {
  /** Length of one working day: the sum of the periods (7 h by default). */
  readonly dayLengthMs: number;
  private readonly periods: readonly PeriodMs[];
  private readonly schedules: ReadonlyMap<number, SourcedSchedule>;
  private readonly dateOverrides: ReadonlyMap<DayNumber, DateOverride>;
  private readonly missingYears: 'weekday-rule' | 'error';

  constructor(options: WorkingCalendarOptions = {}) {
    this.missingYears = options.missingYears ?? 'weekday-rule';
    this.periods = parsePeriods(options.periods ?? DEFAULT_WORKING_PERIODS);
    // With no working hours no clock could ever end: every walk would run to the data's end.
    if (this.periods.length === 0) {
      throw new CtiError('CALENDAR_BAD_INPUT', 'working periods: at least one period is needed', { periods: [] });
    }
    this.dayLengthMs = totalLengthMs(this.periods);
    this.schedules = mergeSchedules(parseYearOverrides(options.overrides?.years));
    this.dateOverrides = parseDateOverrides(options.overrides?.dates);
  }

  /** A day of a year without data follows the weekday rule (source 'weekday-rule'), or throws in 'error' mode. */
  isWorkday(date: string): boolean {
    return this.describeDay(date).workday;
  }

  describeDay(date: string): DayDescription {
    return this.describe(parseDay(date));
  }

  /** Years with a schedule, ascending: chinese-days' years and the years in the overrides. */
  coveredYears(): number[] {
    return [...this.schedules.keys()].sort((a, b) => a - b);
  }

  covers(year: number): boolean {
    return this.schedules.has(year);
  }

  /** Working time in [from, to); 0 when to <= from. */
  workingMsBetween(from: Date, to: Date): number {
    const [fromMs, toMs] = [epochMsOf(from), epochMsOf(to)];
    let total = 0;
    for (let day = shanghaiDayOf(fromMs); dayStartMs(day) < toMs; day++) {
      for (const [start, end] of this.segmentsOn(day, { provisional: false })) {
        total += Math.max(0, Math.min(end, toMs) - Math.max(start, fromMs));
      }
    }
    return total;
  }

  /**
   * The instant when `ms` of working time has passed since `start`. A start outside working
   * hours counts from the next period start; a clock that runs out exactly at a period's end
   * ends there (12:00), not at the next period's start (14:00).
   */
  addWorkingMs(start: Date, ms: number): Date {
    return this.clockEnd(start, ms).at;
  }

  /** `addWorkingMs`, marked provisional when the walk crossed a day of a year without data. */
  clockEnd(start: Date, ms: number): MarkedInstant {
    const startMs = epochMsOf(start);
    let remaining = workingAmountMs(ms);
    const mark: WalkMark = { provisional: false };
    if (remaining === 0) return { at: new Date(startMs), provisional: false };
    // Where data is missing the weekday rule keeps working days coming, so only a limit stops
    // an absurd amount (1e15 ms) from walking for minutes. In 'error' mode the first day
    // without data throws instead.
    const firstDay = shanghaiDayOf(startMs);
    for (let day = firstDay; ; day++) {
      if (day - firstDay > MAX_WALK_DAYS) throw walkTooLong(ms);
      for (const [segmentStart, segmentEnd] of this.segmentsOn(day, mark)) {
        const from = Math.max(segmentStart, startMs);
        if (from >= segmentEnd) continue;
        if (remaining <= segmentEnd - from) return { at: new Date(from + remaining), provisional: mark.provisional };
        remaining -= segmentEnd - from;
      }
    }
  }

  /** `days` working days (fractions allowed, e.g. 0.5) = days × dayLengthMs of working time. */
  addWorkingDays(start: Date, days: number): Date {
    return this.clockEndDays(start, days).at;
  }

  /** `addWorkingDays`, marked provisional as `clockEnd` is. */
  clockEndDays(start: Date, days: number): MarkedInstant {
    if (typeof days !== 'number' || !Number.isFinite(days) || days < 0) {
      throw new CtiError('CALENDAR_BAD_INPUT', `working days must be a number >= 0, got ${String(days)}`, { days });
    }
    return this.clockEnd(start, days * this.dayLengthMs);
  }

  /**
   * The latest start whose clock of `ms` working time still ends by `endMs`: a clock started
   * later needs working time after `endMs`. Walks backwards from `endMs`; used to tell from
   * when deadlines reach a year without data.
   */
  latestStartEndingBy(endMs: number, ms: number): Date {
    let remaining = workingAmountMs(ms);
    if (remaining === 0) return new Date(endMs);
    const lastDay = shanghaiDayOf(endMs - 1);
    for (let day = lastDay; ; day--) {
      if (lastDay - day > MAX_WALK_DAYS) throw walkTooLong(ms);
      for (const [segmentStart, segmentEnd] of this.segmentsOn(day, { provisional: false }).reverse()) {
        const to = Math.min(segmentEnd, endMs);
        if (to <= segmentStart) continue;
        if (remaining <= to - segmentStart) return new Date(to - remaining);
        remaining -= to - segmentStart;
      }
    }
  }

  /** The instant itself when it is inside working hours on a working day, else the next period start. */
  nextWorkingInstant(instant: Date): Date {
    const instantMs = epochMsOf(instant);
    for (let day = shanghaiDayOf(instantMs); ; day++) {
      const segment = this.segmentsOn(day, { provisional: false }).find(([, end]) => instantMs < end);
      if (segment) return new Date(Math.max(segment[0], instantMs));
    }
  }

  /** Opening hours check for routing: start inclusive, end exclusive. */
  isWithinPeriods(instant: Date, periods: readonly Period[], days: 'workdays' | 'all'): boolean {
    return this.openingAt(instant, periods, days).open;
  }

  /** `isWithinPeriods`, marked provisional when the answer rests on a guessed working day. */
  openingAt(instant: Date, periods: readonly Period[], days: 'workdays' | 'all'): MarkedOpening {
    if (days !== 'workdays' && days !== 'all') {
      throw new CtiError('CALENDAR_BAD_INPUT', `days must be 'workdays' or 'all', got ${String(days)}`, { days });
    }
    const instantMs = epochMsOf(instant);
    const day = shanghaiDayOf(instantMs);
    const msOfDay = instantMs - dayStartMs(day);
    const inPeriod = parsePeriods(periods).some((p) => msOfDay >= p.startMs && msOfDay < p.endMs);
    // The time test comes first so that a closed hour needs no calendar data for its year.
    if (!inPeriod || days === 'all') return { open: inPeriod, provisional: false };
    const described = this.describe(day);
    return { open: described.workday, provisional: described.source === 'weekday-rule' };
  }

  /** The error a strict caller reports for a day without data (see `cti calendar --strict`). */
  noDataFor(date: string): CtiError {
    const day = parseDay(date);
    return noDataError(formatDay(day), yearOfDay(day), this.coveredYears());
  }

  private describe(day: DayNumber): DayDescription {
    const override = this.dateOverrides.get(day);
    if (override) return { date: formatDay(day), source: 'config-date', ...override };
    const schedule = this.schedules.get(yearOfDay(day));
    if (!schedule) {
      if (this.missingYears === 'error') throw noDataError(formatDay(day), yearOfDay(day), this.coveredYears());
      return { date: formatDay(day), workday: !isWeekend(day), source: 'weekday-rule' };
    }
    const workday = schedule.makeupWorkdays.has(day) || (!isWeekend(day) && !schedule.holidays.has(day));
    return { date: formatDay(day), workday, source: schedule.source };
  }

  private segmentsOn(day: DayNumber, mark: WalkMark): Segment[] {
    const described = this.describe(day);
    if (described.source === 'weekday-rule') mark.provisional = true;
    if (!described.workday) return [];
    const midnight = dayStartMs(day);
    return this.periods.map((p): Segment => [midnight + p.startMs, midnight + p.endMs]);
  }
}

function mergeSchedules(configYears: ReadonlyMap<number, YearSchedule>): Map<number, SourcedSchedule> {
  const merged = new Map<number, SourcedSchedule>();
  for (const [year, schedule] of chineseDaysSchedules) merged.set(year, { ...schedule, source: 'chinese-days' });
  // A year in the config replaces the package's: it is the newer, locally checked notice.
  for (const [year, schedule] of configYears) merged.set(year, { ...schedule, source: 'config-year' });
  return merged;
}

// Working time is counted in whole milliseconds so that fractional days (0.1 × 7 h) cannot
// leave a sub-millisecond remainder that ends a clock one period late.
function workingAmountMs(ms: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    const message = `working time must be a number of milliseconds >= 0, got ${String(ms)}`;
    throw new CtiError('CALENDAR_BAD_INPUT', message, { ms });
  }
  return Math.round(ms);
}

/** No clock of this centre runs a century; a longer walk is a bad amount, not a deadline. */
const MAX_WALK_DAYS = 36_525;

function walkTooLong(ms: number): CtiError {
  return new CtiError('CALENDAR_BAD_INPUT', `a clock of ${ms} ms of working time runs past 100 years`, { ms });
}

function noDataError(date: string, year: number, coveredYears: number[]): CtiError {
  return new CtiError(
    'CALENDAR_NO_DATA',
    `No holiday data for ${date}: the year ${year} is neither in the chinese-days package nor in ` +
      `config/calendar.yaml (covered years: ${describeYears(coveredYears)}). Add ${year} (its holidays ` +
      `and make-up working days from the State Council notice) under "years" in config/calendar.yaml.`,
    { date, year },
  );
}

/** [2004, 2005, 2006, 2030] → "2004–2006, 2030" */
function describeYears(years: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < years.length; ) {
    let j = i;
    while (j + 1 < years.length && years[j + 1] === years[j]! + 1) j++;
    ranges.push(i === j ? `${years[i]}` : `${years[i]}–${years[j]}`);
    i = j + 1;
  }
  return ranges.length > 0 ? ranges.join(', ') : 'none';
}
