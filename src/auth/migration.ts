// Version 3 of the schema: users, their login sessions, and the audit trail.
// Times are epoch milliseconds (INTEGER) so comparisons with a test clock are exact.
import type { Migration } from '../store/migrate.js';

export const authMigration: Migration = {
  version: 3,
  name: 'users_and_sessions',
  up: `
    CREATE TABLE users (
      id INTEGER PRIMARY KEY,
      -- NOCASE so "ZhangSan" and "zhangsan" cannot both exist (usernames are ASCII, see users.ts)
      username TEXT NOT NULL UNIQUE COLLATE NOCASE,
      display_name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'dept_handler', 'dept_head', 'admin')),
      -- a department id from config/routing.yaml; no FK because departments live in config
      department TEXT NULL,
      -- for SMS reminders to department users
      mobile TEXT NULL,
      password_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
      failed_logins INTEGER NOT NULL DEFAULT 0,
      locked_until INTEGER NULL,
      -- department users have a department, everyone else none
      CHECK ((role IN ('dept_handler', 'dept_head')) = (department IS NOT NULL))
    );
    CREATE INDEX users_department ON users (department) WHERE department IS NOT NULL;

    CREATE TABLE sessions (
      -- sha256 hex of the bearer token: a copy of the database does not log anyone in
      token_hash TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL
    );
    CREATE INDEX sessions_user ON sessions (user_id);

    CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      -- who did it; NULL for the system or the command line
      user_id INTEGER NULL REFERENCES users (id),
      action TEXT NOT NULL,
      subject TEXT NULL,
      detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
    );
    CREATE INDEX audit_log_subject ON audit_log (subject, at);
    CREATE INDEX audit_log_user ON audit_log (user_id, at);

    -- Append-only: an audit trail that can be edited proves nothing.
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  `,
};

// Version 14: lockout per (account, client address) with back-off, and an account-wide
// ceiling. A stranger's wrong passwords lock only the stranger's address out; only many
// failures from many addresses (distributed guessing) lock the account for everyone.
// users.locked_until now means that account-wide lock; users.failed_logins stays the count
// of wrong passwords since the last right one (what admins and `cti user list` read).
export const lockoutMigration: Migration = {
  version: 14,
  name: 'login_lockouts_per_address',
  up: `
    -- the ceiling's window: wrong passwords from any address since window_start; not reset by
    -- a right password, so it bounds guesses per window whatever the owner does
    ALTER TABLE users ADD COLUMN window_failures INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN window_start INTEGER NULL;

    CREATE TABLE login_lockouts (
      user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      -- request.ip of the attempts; '' when the caller did not say (calls inside the process)
      address TEXT NOT NULL,
      -- wrong passwords from this address since its last lock or right password
      failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
      -- the end of the latest lock from this address; kept after it ends, for the back-off
      locked_until INTEGER NULL,
      -- locks in a row from this address: the next one lasts twice as long (capped)
      locks INTEGER NOT NULL DEFAULT 0 CHECK (locks >= 0),
      -- the latest wrong password from this address, for tidying old rows
      last_failure_at INTEGER NOT NULL,
      PRIMARY KEY (user_id, address)
    ) WITHOUT ROWID;
    CREATE INDEX login_lockouts_locked ON login_lockouts (locked_until) WHERE locked_until IS NOT NULL;
  `,
};
