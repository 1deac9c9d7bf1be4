// The one SQLite handle. WAL so readers (API, wallboard) never wait for the writer;
// synchronous=NORMAL is durable across process crashes in WAL mode (only an OS crash
// can lose the last transactions), which is the trade the stack notes measured at ~6x.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type Migration } from './migrate.js';

export type Db = Database.Database;

/** The WAL file's size after a restart of the log; at 250 calls/s a second's commits fit in it many times over. */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** Opens (creating if need be) the database at `path` and brings it to the newest of `migrations`. */
export function openDatabase(path: string, migrations: readonly Migration[]): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // When SQLite starts the WAL over (all of it copied), a file left larger than this by a burst
  // is cut back to it: a bound on disk even for a database never quiet long enough for the
  // checkpointer's TRUNCATE (issue 19: 503 MB).
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  migrate(db, migrations);
  return db;
}

/** Cheap liveness check for /healthz. */
export function databaseState(db: Db): 'ok' | 'error' {
  try {
    return db.prepare('SELECT 1 AS one').get() ? 'ok' : 'error';
  } catch {
    return 'error';
  }
}
