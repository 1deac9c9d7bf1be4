export { loadConfig, checkCalendarText, CONFIG_FILES, type LoadResult, type CalendarCheck } from './load.js';
export { ConfigWatcher, type ConfigStatus } from './watch.js';
export { formatIssue, type ConfigIssue } from './issues.js';
export { ENV_OVERRIDES } from './environment.js';
export { TicketTypes } from './schema.js';
export { workingCalendarOf } from './calendar-of.js';
export type * from './model.js';
