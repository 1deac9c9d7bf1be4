// The schema of every area, in one ordered list (areas keep their own queries, not their
// own numbering). Append only: a released migration is never edited, and test/schema.test.ts
// holds each one's digest. The list lives here, beside main.ts, because it names every area:
// store/ runs migrations and imports none of them.
import type { Migration } from './store/index.js';
import { configReloadsMigration } from './http/config-admin.js';
import { smsOutboxMigration } from './channels/sms/migration.js';
import { authMigration, lockoutMigration } from './auth/migration.js';
import { departmentsDdl, ticketsDdl, ticketDispatchIndexMigration, ticketProvisionalDeadlineMigration } from './tickets/migration.js';
import { callsDdl } from './call/schema.js';
import { transferAttemptsDdl } from './transfer/schema.js';
import { acdMigration } from './acd/store.js';
import { seatHoldersMigration } from './acd/holders.js';
import { alertsMigration } from './reports/alerts.js';
import { callbacksMigration, callbackMessagesMigration } from './call/callbacks.js';
import { openCallsIndexMigration } from './call/open-calls-index.js';
import { reportIndexesMigration } from './reports/indexes.js';
import { attachmentsByUploaderMigration } from './tickets/attachments.js';

export const schema: readonly Migration[] = [
  configReloadsMigration, // version 1
  smsOutboxMigration, // version 2
  authMigration, // version 3
  // one migration whose parts are kept by the areas that own the tables
  { version: 4, name: 'calls_and_tickets', up: departmentsDdl + callsDdl + transferAttemptsDdl + ticketsDdl },
  acdMigration, // version 5
  alertsMigration, // version 6
  callbacksMigration, // version 7
  reportIndexesMigration, // version 8
  openCallsIndexMigration, // version 9
  ticketDispatchIndexMigration, // version 10
  ticketProvisionalDeadlineMigration, // version 11
  seatHoldersMigration, // version 12
  callbackMessagesMigration, // version 13
  lockoutMigration, // version 14
  attachmentsByUploaderMigration, // version 15
];
