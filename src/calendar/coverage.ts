// How far the holiday data reaches, seen from today: from which day working days are a guess
// (the weekday rule), from which dispatch on a ticket's deadlines become provisional, and when
// to tell the admins. The State Council publishes next year's schedule around November, so the
// gap is normal for a few weeks each year; it must be seen before tickets meet it.
import type { WorkingCalendar } from './working-calendar.js';
import { formatDay, parseDay, dayStartMs, shanghaiDayOf, yearOfDay } from './shanghai-time.js';

/** How many days before deadlines become provisional the admins are told. */
export const CALENDAR_WARNING_DAYS = 30;

export interface CalendarCoverage {
  /** the first year from today's on without holiday data */
  missingYear: number;
  /** its first day (or today, when today's year has no data): working days are guessed from here */
  provisionalFrom: string;
  /** the last day with data, counted on from today without a gap; null when today's year has none */
  dataUntil: string | null;
  /**
   * A ticket dispatched after this instant gets a provisional deadline on its longest clock
   * (a dispatch exactly at it still ends within the data).
   */
  deadlinesProvisionalAfter: Date;
  /** true once dispatches now get provisional deadlines */
  provisionalNow: boolean;
  /** from this instant the admins are told by SMS (CALENDAR_WARNING_DAYS before the above) */
  warnFrom: Date;
  /** what the admin must add, in Chinese, for the admin page, /healthz and the SMS */
  action: string;
}

export function calendarCoverage(calendar: WorkingCalendar, now: Date, longestClockDays: number): CalendarCoverage {
  const today = shanghaiDayOf(now.getTime());
  const thisYear = yearOfDay(today);
  let missingYear = thisYear;
  // Bounded: past a century of data the answer is of no practical interest.
  while (calendar.covers(missingYear) && missingYear < thisYear + 100) missingYear++;
  const firstDay = missingYear === thisYear ? today : parseDay(`${missingYear}-01-01`);
  const after =
    missingYear === thisYear ? new Date(dayStartMs(today)) : calendar.latestStartEndingBy(dayStartMs(firstDay), longestClockDays * calendar.dayLengthMs);
  return {
    missingYear,
    provisionalFrom: formatDay(firstDay),
    dataUntil: missingYear === thisYear ? null : formatDay(firstDay - 1),
    deadlinesProvisionalAfter: after,
    provisionalNow: now.getTime() > after.getTime(),
    warnFrom: new Date(after.getTime() - CALENDAR_WARNING_DAYS * 86_400_000),
    action:
      `请在 config/calendar.yaml 的 years 下加入 ${missingYear} 年的法定节假日（holidays）和调休上班日（makeup_workdays），` +
      '以国务院办公厅发布的放假安排为准；保存后自动生效，暂定时限随即重新计算。',
  };
}
