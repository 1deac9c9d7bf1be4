// Placeholder replaced by the SMS outbox work: version 2 of the schema.
import type { Migration } from '../../store/migrate.js';

export const smsOutboxMigration: Migration = {
  version: 2,
  name: 'sms_outbox',
  up: `CREATE TABLE sms_outbox (id INTEGER PRIMARY KEY)`,
};
