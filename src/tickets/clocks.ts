// Working-day clocks and lights of a ticket (docs/architecture.md §5), on the centre's calendar.
// The sweep and the API both decide lights through `lightOf`, so a light in a list, in a
// detail view and in the sweep's record can never disagree for the same instant.
import type { WorkingCalendar } from '../calendar/index.js';

export type Light = 'green' | 'yellow' | 'red';
export type Clock = 'sign' | 'resolve';

export interface ClockSettings {
  signDays: number;
  resolveDays: Record<string, number>;
  yellow: { signHours: number; resolveHours: number };
}

const HOUR_MS = 3_600_000;

/** A cycle's two deadlines, and whether either rests on a day of a year without holiday data. */
export interface Deadlines {
  signDue: number;
  resolveDue: number;
  provisional: boolean;
}

export class TicketClocks {
  constructor(
    readonly calendar: WorkingCalendar,
    readonly settings: ClockSettings,
  ) {}

  /**
   * Both deadlines of a cycle dispatched at `dispatchedMs`. Extensions lengthen the same resolve
   * clock: N + extension working days from dispatch. A deadline past the holiday data is
   * computed by the weekday rule and marked provisional, never refused.
   */
  deadlines(dispatchedMs: number, type: string, extensionDays: number): Deadlines {
    const start = new Date(dispatchedMs);
    const sign = this.calendar.clockEndDays(start, this.settings.signDays);
    const resolve = this.calendar.clockEndDays(start, this.resolveDaysOf(type) + extensionDays);
    return { signDue: sign.at.getTime(), resolveDue: resolve.at.getTime(), provisional: sign.provisional || resolve.provisional };
  }

  resolveDaysOf(type: string): number {
    return this.settings.resolveDays[type] ?? 7;
  }

  /** The longest clock a fresh dispatch starts, in working days: from when deadlines need next year's data. */
  longestClockDays(): number {
    return Math.max(this.settings.signDays, ...Object.values(this.settings.resolveDays), 7);
  }

  /**
   * The latest deadline that is yellow at `nowMs`: any deadline with at most `threshold` of
   * working time left. Working time is flat outside working hours, so the bound is the next
   * working instant after `now + threshold` (a deadline at 12:00 and one at 14:00 have the same
   * working time left). Computed once per sweep, it turns "remaining working time" into a
   * range query over the deadline index.
   */
  yellowBound(nowMs: number, clock: Clock): number {
    const hours = clock === 'sign' ? this.settings.yellow.signHours : this.settings.yellow.resolveHours;
    const reached = this.calendar.addWorkingMs(new Date(nowMs), hours * HOUR_MS);
    return this.calendar.nextWorkingInstant(reached).getTime();
  }

  lightOf(dueMs: number, nowMs: number, clock: Clock): Light {
    if (nowMs > dueMs) return 'red';
    return dueMs <= this.yellowBound(nowMs, clock) ? 'yellow' : 'green';
  }

  /** Working time left on a clock, in ms (0 when overdue). */
  remainingMs(dueMs: number, nowMs: number): number {
    return this.calendar.workingMsBetween(new Date(nowMs), new Date(dueMs));
  }
}

const order: Record<Light, number> = { green: 0, yellow: 1, red: 2 };

export function worstLight(lights: Array<Light | null>): Light {
  return lights.reduce<Light>((worst, l) => (l && order[l] > order[worst] ? l : worst), 'green');
}
