// The audit trail (docs/architecture.md §5): who did what to which thing, and when. Other areas call
// `audit` too, e.g. the ticket store for every read of a full caller number by a
// department user. Rows can only be added; triggers in the migration refuse the rest.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/index.js';

export interface AuditEntry {
  /** the acting user; null for the system or the command line */
  userId: number | null;
  /** dotted verb, e.g. 'auth.login', 'user.add', 'ticket.caller_read' */
  action: string;
  /** what was acted on, e.g. 'user:7', 'ticket:1024'; null when nothing in particular */
  subject: string | null;
  /** anything else worth keeping, stored as JSON; never passwords or tokens */
  detail?: unknown;
}

// One prepared statement per database handle, so hot paths do not re-parse the SQL.
const inserts = new WeakMap<Db, Statement>();

function insertFor(db: Db): Statement {
  let statement = inserts.get(db);
  if (!statement) {
    statement = db.prepare('INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)');
    inserts.set(db, statement);
  }
  return statement;
}

/** Appends one entry and returns its id. */
export function audit(db: Db, entry: AuditEntry, now: Date): number {
  const result = insertFor(db).run(now.getTime(), entry.userId, entry.action, entry.subject, JSON.stringify(entry.detail ?? {}));
  return Number(result.lastInsertRowid);
}
