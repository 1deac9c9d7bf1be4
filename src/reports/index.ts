export { transferRate, classifyAttempt, percentile, type AttemptRow, type TransferRate } from './transfer-rate.js';
export { serviceLevel, type QueuedCallRow, type ServiceLevel } from './service-level.js';
export { erlangC, serviceLevelOf, seatsNeeded } from './erlang.js';
export { Figures, periodOf, type Range, type Period } from './figures.js';
export { TransferAlerts, alertsMigration } from './alerts.js';
export { statsPlugin, type StatsPluginOptions } from './routes.js';
export { monthlyDepartmentRows, toCsv, toXlsx } from './monthly.js';
