// Indexes for the reads by time range that the reports, the wallboard and every /metrics scrape
// make. Without them each of those reads scanned every call and transfer attempt ever recorded:
// a centre keeps years of records, and a scrape (four such reads) would grow with the archive,
// not with the day. Both hold every column those reads use: a busy day is thousands of rows,
// and fetching each from the table was a page read apiece, most of a scrape's time with an
// index on the time alone. The queue-entry index is partial: many calls never reach the queue.
import type { Migration } from '../store/migrate.js';

export const reportIndexesMigration: Migration = {
  version: 8,
  name: 'report_indexes',
  up: `
CREATE INDEX calls_by_queue_entry ON calls (queue_entered_us, agent_answered_us, queue_left_us, outcome, line) WHERE queue_entered_us IS NOT NULL;
CREATE INDEX transfer_attempts_by_created ON transfer_attempts (created_us, kind, hotline, answered_us, ended_us, result);`,
};
