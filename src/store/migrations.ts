// The schema of every area, in one ordered list (areas keep their own queries, not their
// own numbering). Append only: a released migration is never edited.
import type { Migration } from './migrate.js';
import { smsOutboxMigration } from '../channels/sms/migration.js';
import { authMigration, lockoutMigration } from '../auth/migration.js';
import { ticketsMigration, ticketDispatchIndexMigration, ticketProvisionalDeadlineMigration } from '../tickets/migration.js';
import { acdMigration } from '../acd/store.js';
import { seatHoldersMigration } from '../acd/holders.js';
import { alertsMigration } from '../reports/alerts.js';
import { callbacksMigration, callbackMessagesMigration } from '../call/callbacks.js';
import { openCallsIndexMigration } from '../call/open-calls-index.js';
import { reportIndexesMigration } from '../reports/indexes.js';
import { attachmentsByUploaderMigration } from '../tickets/attachments.js';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'config_reloads',
    // Every attempt to put a new config in force, kept for the admin page and for audits
    // ("when did routing change, and was it accepted?").
    up: `CREATE TABLE config_reloads (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      digest TEXT,
      accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
      issues TEXT NOT NULL DEFAULT '[]'
    )`,
  },
  smsOutboxMigration, // version 2
  authMigration, // version 3
  ticketsMigration, // version 4
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
