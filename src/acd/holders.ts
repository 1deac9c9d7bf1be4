// Who holds which seat (an operator at a softphone): kept in SQLite, so a restarted controller
// (even after kill -9) still knows that op1001 is at seat 1001 and lets only that operator, or
// a supervisor, change it. A Map to the routes; each set and delete is written at once.
import type { Db } from '../store/index.js';
import type { Migration } from '../store/migrate.js';
import type { AuthUser } from '../auth/index.js';

export const seatHoldersMigration: Migration = {
  version: 12,
  name: 'acd_seat_holders',
  up: 'CREATE TABLE acd_holders (seat TEXT PRIMARY KEY, user_id INTEGER NOT NULL, since_ms INTEGER NOT NULL)',
};

export class SeatHolders extends Map<string, AuthUser> {
  private readonly upsert;
  private readonly remove;

  /** `user`: the user as now (a user disabled or deleted since does not get the seat back) */
  constructor(
    db: Db,
    user: (id: number) => AuthUser | null,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.upsert = db.prepare(
      'INSERT INTO acd_holders (seat, user_id, since_ms) VALUES (?, ?, ?) ON CONFLICT (seat) DO UPDATE SET user_id = excluded.user_id, since_ms = excluded.since_ms',
    );
    this.remove = db.prepare('DELETE FROM acd_holders WHERE seat = ?');
    const rows = db.prepare('SELECT seat, user_id FROM acd_holders').all() as Array<{ seat: string; user_id: number }>;
    for (const r of rows) {
      const u = user(r.user_id);
      if (u) super.set(r.seat, u);
      else this.remove.run(r.seat);
    }
  }

  override set(seat: string, user: AuthUser): this {
    // the constructor of Map calls set before the statements exist; nothing is stored then
    this.upsert?.run(seat, user.id, this.now());
    return super.set(seat, user);
  }

  override delete(seat: string): boolean {
    this.remove.run(seat);
    return super.delete(seat);
  }
}
