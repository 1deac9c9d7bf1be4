// Schema version 2: the SMS outbox. Reminders are written here in the same transaction as
// the ticket change that causes them, and a worker sends them later, so a ticket change is
// never lost because the gateway is down and never waits for it.
//
// Times are ISO 8601 strings in UTC from Date.toISOString() ("2026-03-02T07:00:00.000Z"):
// fixed width, so text order is time order and the worker's `next_attempt_at <= ?` works on
// the index; the same form as config_reloads.at.
import type { Migration } from '../../store/migrate.js';

export const smsOutboxMigration: Migration = {
  version: 2,
  name: 'sms_outbox',
  up: `
    CREATE TABLE sms_outbox (
      id INTEGER PRIMARY KEY,
      created_at TEXT NOT NULL,
      to_number TEXT NOT NULL,
      text TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('dispatch', 'yellow', 'red', 'supervision', 'alert', 'other')),
      ticket_id INTEGER,
      dedupe_key TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unsent')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT NOT NULL,
      last_error TEXT,
      sent_at TEXT,
      provider_message_id TEXT,
      driver TEXT
    );
    -- the worker's query: status = 'pending' AND next_attempt_at <= now
    CREATE INDEX sms_outbox_due ON sms_outbox (status, next_attempt_at);
    -- a ticket's page lists the reminders sent about it
    CREATE INDEX sms_outbox_ticket ON sms_outbox (ticket_id) WHERE ticket_id IS NOT NULL;
  `,
};
