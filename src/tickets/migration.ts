// Schema of tickets and departments. Version 4 created them together with the call records
// (call/schema.ts) and the transfer attempts (transfer/schema.ts); each area now keeps its
// part of that one migration's SQL, and src/schema.ts joins the parts back in their released
// order, byte for byte (test/schema.test.ts checks the digest).
// Ticket times are epoch milliseconds (*_ms).
import type { Migration } from '../store/migrate.js';

/** The first part of version 4: the departments tickets are dispatched to. */
export const departmentsDdl = `
CREATE TABLE departments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  head_mobile TEXT,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

`;

/** The last part of version 4: tickets, their events, light changes, extensions, attachments. */
export const ticketsDdl = `CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('consultation','complaint','help','suggestion','report','praise')),
  status TEXT NOT NULL CHECK (status IN ('created','dispatched','signed','returned','replied','closed','visited')),
  channel TEXT NOT NULL CHECK (channel IN ('phone','sms','wechat','app','web','emergency')),
  priority INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 3),
  caller TEXT NOT NULL,
  caller_name TEXT,
  confidential INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1)),
  classification TEXT,
  content TEXT NOT NULL,
  call_id TEXT REFERENCES calls(id),
  origin_hotline TEXT,
  department_id TEXT REFERENCES departments(id),
  created_by INTEGER,
  created_ms INTEGER NOT NULL,
  cycle INTEGER NOT NULL DEFAULT 0,       -- how many times it was dispatched; clocks restart each time
  dispatched_ms INTEGER,
  sign_due_ms INTEGER,
  resolve_due_ms INTEGER,
  extension_days REAL NOT NULL DEFAULT 0,
  signed_ms INTEGER,
  replied_ms INTEGER,
  closed_ms INTEGER,
  light_sign TEXT CHECK (light_sign IN ('green','yellow','red')),
  light_resolve TEXT CHECK (light_resolve IN ('green','yellow','red')),
  reply_text TEXT,
  satisfaction TEXT CHECK (satisfaction IN ('satisfied','basically_satisfied','dissatisfied')),
  version INTEGER NOT NULL DEFAULT 1,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX tickets_by_caller ON tickets (caller, created_ms DESC);
CREATE INDEX tickets_by_department ON tickets (department_id, status);
CREATE INDEX tickets_by_created ON tickets (created_ms);
-- the light sweep reads only running clocks, by recorded light then deadline, so tickets
-- already red are never scanned again
CREATE INDEX tickets_sign_clock ON tickets (light_sign, sign_due_ms) WHERE status = 'dispatched';
CREATE INDEX tickets_resolve_clock ON tickets (light_resolve, resolve_due_ms) WHERE status IN ('dispatched', 'signed');

CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  at_ms INTEGER NOT NULL,
  actor_id INTEGER,                       -- null: the system (light sweep)
  action TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  detail TEXT NOT NULL DEFAULT '{}'       -- JSON: note, reason, before/after of changed fields
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
  BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
  BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;

CREATE TABLE ticket_light_changes (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  cycle INTEGER NOT NULL,
  clock TEXT NOT NULL CHECK (clock IN ('sign','resolve')),
  light TEXT NOT NULL CHECK (light IN ('green','yellow','red')),
  due_ms INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  UNIQUE (ticket_id, cycle, clock, light, due_ms)
);

CREATE TABLE extension_requests (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  cycle INTEGER NOT NULL,
  days REAL NOT NULL CHECK (days > 0),
  reason TEXT NOT NULL,
  requested_by INTEGER NOT NULL,
  requested_ms INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','denied')),
  decided_by INTEGER,
  decided_ms INTEGER,
  decision_note TEXT
);
CREATE INDEX extension_requests_by_ticket ON extension_requests (ticket_id);

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  filename TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by INTEGER,
  at_ms INTEGER NOT NULL
);
CREATE INDEX attachments_by_ticket ON attachments (ticket_id);
`;

/**
 * The monthly department table reads a month of dispatched tickets; without this index it read
 * every ticket with a department, years of them, on the controller's event loop.
 */
export const ticketDispatchIndexMigration: Migration = {
  version: 10,
  name: 'tickets_by_dispatch',
  up: 'CREATE INDEX tickets_by_dispatch ON tickets (dispatched_ms) WHERE dispatched_ms IS NOT NULL',
};

/**
 * A deadline that crossed a day in a year without holiday data was computed by the plain
 * weekday rule; the flag marks it so that it is shown as provisional (暂定) and recomputed when
 * the year's data is added. The partial index finds those tickets without reading the others.
 */
export const ticketProvisionalDeadlineMigration: Migration = {
  version: 11,
  name: 'tickets_deadline_provisional',
  up: `
ALTER TABLE tickets ADD COLUMN deadline_provisional INTEGER NOT NULL DEFAULT 0 CHECK (deadline_provisional IN (0, 1));
CREATE INDEX tickets_provisional ON tickets (id) WHERE deadline_provisional = 1;
`,
};
