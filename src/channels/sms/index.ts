// SMS reminders (派单, 黄灯/红灯 预警, 督办): the ticket store enqueues into the outbox inside
// its own transactions; the worker sends through a driver; admins see the outbox.
export { smsOutboxMigration } from './migration.js';
export { SMS_KINDS, SMS_STATUSES, MOBILE_NUMBER, MAX_TEXT_CHARS, maskNumber, type SmsKind, type SmsStatus, type NewSms, type SmsRow } from './message.js';
export { SmsOutbox, type ListQuery } from './outbox.js';
export { UnconfiguredDriver, UNCONFIGURED_REASON, isNotConfigured, isPermanentSendError, type SmsDriver, type OutgoingSms } from './driver.js';
export { SmppDriver, type SmppOptions } from './smpp-driver.js';
export { ucs2Parts, type SmsPart } from './ucs2.js';
export { OutboxWorker, exponentialBackoff, type Backoff, type OutboxWorkerOptions } from './worker.js';
export { smsOutboxPlugin, type SmsOutboxPluginOptions } from './plugin.js';
