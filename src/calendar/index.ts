// Public surface of the working calendar: which days are worked, and working-time clocks.
export { WorkingCalendar } from './working-calendar.js';
export type { WorkingCalendarOptions, DayDescription, DaySource, MarkedInstant, MarkedOpening } from './working-calendar.js';
export { calendarCoverage, CALENDAR_WARNING_DAYS, type CalendarCoverage } from './coverage.js';
export { yearTemplateYaml, exampleYearYaml } from './year-yaml.js';
export { previewYears, type YearPreview } from './year-preview.js';
export type { CalendarOverrides } from './calendar-overrides.js';
export { DEFAULT_WORKING_PERIODS } from './working-hours.js';
export type { Period } from './working-hours.js';
export { chineseDaysYears } from './chinese-days-data.js';
export { formatShanghai, parseInstant } from './instant-format.js';
export { shanghaiDateOf, SHANGHAI_OFFSET_MS } from './shanghai-time.js';
