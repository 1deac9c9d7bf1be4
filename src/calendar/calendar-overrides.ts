// Local additions to the statutory schedule, from config/calendar.yaml: whole years the package
// lacks (or gets wrong) and single local days off or on.
import { CtiError } from '../errors.js';
import type { YearSchedule } from './chinese-days-data.js';
import { formatDay, parseDay, yearOfDay, type DayNumber } from './shanghai-time.js';

export interface CalendarOverrides {
  /**
   * Years not in chinese-days (or to replace them): the full list of holidays on weekdays and
   * make-up working days (调休) on weekends. A year listed here counts as covered, even with
   * empty lists.
   */
  years: Record<string, { holidays: string[]; makeupWorkdays: string[] }>;
  /** Single-date local overrides, applied last (e.g. a local holiday). */
  dates: Array<{ date: string; workday: boolean; reason?: string }>;
}

export interface DateOverride {
  readonly workday: boolean;
  readonly reason?: string;
}

function badOverride(message: string, detail: object): CtiError {
  return new CtiError('CALENDAR_BAD_INPUT', `calendar overrides: ${message}`, detail);
}

function daysOfYear(dates: readonly string[] | undefined, year: number, list: string): Set<DayNumber> {
  if (!Array.isArray(dates)) throw badOverride(`years.${year}.${list} must be a list of dates`, { year, list });
  const days = new Set(dates.map(parseDay));
  for (const day of days) {
    if (yearOfDay(day) !== year) {
      throw badOverride(`${formatDay(day)} is listed under year ${year}`, { year, date: formatDay(day) });
    }
  }
  return days;
}

export function parseYearOverrides(years: CalendarOverrides['years'] | undefined): Map<number, YearSchedule> {
  const schedules = new Map<number, YearSchedule>();
  for (const [key, lists] of Object.entries(years ?? {})) {
    if (!/^\d{4}$/.test(key)) throw badOverride(`year "${key}" is not a four-digit year`, { year: key });
    const year = Number(key);
    const holidays = daysOfYear(lists?.holidays, year, 'holidays');
    const makeupWorkdays = daysOfYear(lists?.makeupWorkdays, year, 'makeupWorkdays');
    const both = [...holidays].filter((day) => makeupWorkdays.has(day));
    if (both.length > 0) {
      throw badOverride(`${formatDay(both[0]!)} is both a holiday and a make-up working day`, { year });
    }
    schedules.set(year, { holidays, makeupWorkdays });
  }
  return schedules;
}

// A date listed twice is rejected rather than "last wins": in a hand-edited file the two
// entries usually disagree by mistake, and silently picking one would hide it.
export function parseDateOverrides(dates: CalendarOverrides['dates'] | undefined): Map<DayNumber, DateOverride> {
  const overrides = new Map<DayNumber, DateOverride>();
  for (const entry of dates ?? []) {
    const day = parseDay(entry?.date);
    if (typeof entry.workday !== 'boolean') throw badOverride(`${entry.date}: workday must be true or false`, entry);
    if (overrides.has(day)) throw badOverride(`${entry.date} is listed twice under dates`, { date: entry.date });
    const { workday, reason } = entry;
    overrides.set(day, reason === undefined ? { workday } : { workday, reason });
  }
  return overrides;
}
