// Kept apart from call-records.ts, which needs the store at run time: the store's list of
// migrations imports this, and a cycle through it would leave the migration undefined.
import type { Migration } from '../store/migrate.js';

/**
 * The calls still open, read when the controller starts again and adopts the calls in progress:
 * a few rows in an index, where a scan would read every call ever recorded before the controller
 * could take its first call.
 */
export const openCallsIndexMigration: Migration = {
  version: 9,
  name: 'open_calls_index',
  up: 'CREATE INDEX calls_open ON calls (started_us) WHERE ended_us IS NULL AND hangup_cause IS NULL',
};
