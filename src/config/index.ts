export { loadConfig, CONFIG_FILES, type LoadResult } from './load.js';
export { ConfigWatcher, type ConfigStatus } from './watch.js';
export { formatIssue, type ConfigIssue } from './issues.js';
export { ENV_OVERRIDES } from './environment.js';
export { TicketTypes } from './schema.js';
export { workingCalendarOf } from './calendar-of.js';
export type * from './model.js';
