// Login sessions: an opaque random bearer token, valid for one shift (12 h) after its
// last use. Only the token's sha256 is stored, so a copy of the database (a backup, a
// support dump) logs nobody in.
import { createHash, randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/index.js';
import type { Role } from './roles.js';
import type { AuthUser } from './users.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
// Sliding the expiry is a write; doing it at most once a minute per session keeps a
// wallboard polling every second from writing every second. Cost: a session may end up
// to a minute before 12 h after its very last use.
const SLIDE_EVERY_MS = 60 * 1000;
// base64url of 32 bytes is 43 characters; anything much longer is not ours
const MAX_TOKEN_LENGTH = 128;

export interface NewSession {
  token: string;
  expiresAt: Date;
}

interface SessionRow {
  expires_at: number;
  last_seen_at: number;
  id: number;
  username: string;
  display_name: string;
  role: Role;
  department: string | null;
  disabled: 0 | 1;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class SessionStore {
  readonly #insert: Statement;
  readonly #find: Statement;
  readonly #slide: Statement;
  readonly #delete: Statement;
  readonly #deleteOfUser: Statement;
  readonly #deleteExpiredOfUser: Statement;
  readonly #deleteExpired: Statement;

  constructor(readonly db: Db) {
    this.#insert = db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)');
    this.#find = db.prepare(
      `SELECT s.expires_at, s.last_seen_at, u.id, u.username, u.display_name, u.role, u.department, u.disabled
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
    );
    this.#slide = db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?');
    this.#delete = db.prepare('DELETE FROM sessions WHERE token_hash = ?');
    this.#deleteOfUser = db.prepare('DELETE FROM sessions WHERE user_id = ?');
    this.#deleteExpiredOfUser = db.prepare('DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?');
    this.#deleteExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  }

  /** Starts a session; the token is returned once and never stored. */
  create(userId: number, now: Date): NewSession {
    const token = randomBytes(32).toString('base64url');
    const at = now.getTime();
    const expiresAt = at + SESSION_TTL_MS;
    // each login tidies the user's own dead sessions, so the table does not grow forever
    this.#deleteExpiredOfUser.run(userId, at);
    this.#insert.run(hashOf(token), userId, at, expiresAt, at);
    return { token, expiresAt: new Date(expiresAt) };
  }

  /** The session's user, sliding its expiry; null when unknown, expired or the user is disabled. */
  resolve(token: string, now: Date): AuthUser | null {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    const hash = hashOf(token);
    const row = this.#find.get(hash) as SessionRow | undefined;
    if (!row) return null;
    const at = now.getTime();
    if (row.expires_at <= at) {
      this.#delete.run(hash);
      return null;
    }
    if (row.disabled === 1) return null;
    if (at - row.last_seen_at >= SLIDE_EVERY_MS) this.#slide.run(at, at + SESSION_TTL_MS, hash);
    return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, department: row.department };
  }

  /** Ends one session (logout); false when there was none. */
  revoke(token: string): boolean {
    return this.#delete.run(hashOf(token)).changes > 0;
  }

  /** Ends every session of a user; returns how many there were. */
  revokeAll(userId: number): number {
    return this.#deleteOfUser.run(userId).changes;
  }

  /** Deletes sessions that have run out (for a periodic sweep). */
  purgeExpired(now: Date): number {
    return this.#deleteExpired.run(now.getTime()).changes;
  }
}
