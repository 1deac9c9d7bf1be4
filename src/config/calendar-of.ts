import { WorkingCalendar } from '../calendar/index.js';
import type { CtiConfig } from './model.js';

/** The centre's working calendar: holidays and overrides from calendar.yaml, hours of the centre's schedule. */
export function workingCalendarOf(config: CtiConfig): WorkingCalendar {
  return new WorkingCalendar({ overrides: config.calendar, periods: config.routing.centre.schedule.periods });
}
