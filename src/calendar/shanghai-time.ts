// Shanghai wall-clock arithmetic on epoch milliseconds. Asia/Shanghai has been UTC+08:00 all
// year since 1991 (no DST), so a fixed offset is exact, and it keeps results independent of
// the machine's TZ: only UTC accessors are used, after shifting by the offset.
import { CtiError } from '../errors.js';

export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 on the Shanghai calendar: the unit every day-by-day walk uses. */
export type DayNumber = number;

export function shanghaiDayOf(epochMs: number): DayNumber {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** The instant (epoch ms) of Shanghai midnight that starts `day`. */
export function dayStartMs(day: DayNumber): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
export function weekdayOf(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: DayNumber): boolean {
  const weekday = weekdayOf(day);
  return weekday === 0 || weekday === 6;
}

export function yearOfDay(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

export function formatDay(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Shanghai calendar date ('YYYY-MM-DD') an instant falls on. */
export function shanghaiDateOf(instant: Date): string {
  return formatDay(shanghaiDayOf(epochMsOf(instant)));
}

export function epochMsOf(instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new CtiError('CALENDAR_BAD_INPUT', `not a valid instant: ${String(instant)}`, { instant: String(instant) });
  }
  return ms;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' to a day number; rejects impossible dates such as 2026-02-30. */
export function parseDay(date: string): DayNumber {
  const match = typeof date === 'string' ? DATE_PATTERN.exec(date) : null;
  const day = match ? civilToDay(Number(match[1]), Number(match[2]), Number(match[3])) : null;
  if (day === null) {
    throw new CtiError('CALENDAR_BAD_INPUT', `not a valid date (expected YYYY-MM-DD): ${String(date)}`, { date });
  }
  return day;
}

// Integer arithmetic (Howard Hinnant's days_from_civil) instead of Date.UTC, which maps years
// 0–99 to 1900–1999 and silently rolls 02-30 over into March.
function civilToDay(year: number, month: number, dayOfMonth: number): DayNumber | null {
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > daysInMonth(year, month)) return null;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + dayOfMonth - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
