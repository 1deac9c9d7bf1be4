// Working-day clocks and lights of a ticket (DESIGN.md §5), on the centre's calendar.
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

export class TicketClocks {
  constructor(
    readonly calendar: WorkingCalendar,
    readonly settings: ClockSettings,
  ) {}

  signDue(dispatchedMs: number): number {
    return this.calendar.addWorkingDays(new Date(dispatchedMs), this.settings.signDays).getTime();
  }

  /** Extensions lengthen the same clock: N + extension working days from dispatch. */
  resolveDue(dispatchedMs: number, type: string, extensionDays: number): number {
    const days = (this.settings.resolveDays[type] ?? 7) + extensionDays;
    return this.calendar.addWorkingDays(new Date(dispatchedMs), days).getTime();
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
