export { transferRate, classifyAttempt, percentile, type AttemptRow, type TransferCounts, type TransferRate } from './transfer-rate.js';
export { serviceLevel, type QueuedCallRow, type ServiceLevel, type ServiceLevelCounts } from './service-level.js';
export { erlangC, serviceLevelOf, seatsNeeded } from './erlang.js';
export { Figures, combinedCounts, periodOf, type Range, type Period } from './figures.js';
export { TransferAlerts, alertsMigration, openAlerts, alertRuleText } from './alerts.js';
export { transferRateDefinition, serviceLevelDefinition, transferBasis, serviceLevelBasis } from './definitions.js';
export { statsPlugin, type StatsPluginOptions } from './routes.js';
export { monthlyDepartmentRows, toCsv, toXlsx } from './monthly.js';
export { CapacityAnswer, ServiceLevelAnswer, TransferRateAnswer, WallboardAnswer } from './schemas.js';
