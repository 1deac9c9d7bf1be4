// Ticket rows as stored, and the statements that read and write them. No rules here.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/index.js';
import type { Status } from './lifecycle.js';
import type { Light } from './clocks.js';

export interface TicketRow {
  id: number;
  type: string;
  status: Status;
  channel: string;
  priority: number;
  caller: string;
  caller_name: string | null;
  confidential: 0 | 1;
  classification: string | null;
  content: string;
  call_id: string | null;
  origin_hotline: string | null;
  department_id: string | null;
  created_by: number | null;
  created_ms: number;
  cycle: number;
  dispatched_ms: number | null;
  sign_due_ms: number | null;
  resolve_due_ms: number | null;
  extension_days: number;
  signed_ms: number | null;
  replied_ms: number | null;
  closed_ms: number | null;
  light_sign: Light | null;
  light_resolve: Light | null;
  /** 1 when a deadline of this cycle crossed a day of a year without holiday data (暂定) */
  deadline_provisional: 0 | 1;
  reply_text: string | null;
  satisfaction: string | null;
  version: number;
  updated_ms: number;
}

export interface EventRow {
  id: number;
  ticket_id: number;
  at_ms: number;
  actor_id: number | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  detail: string;
}

export interface TicketFilter {
  status?: Status[];
  type?: string;
  department?: string;
  /** computed for one instant, with the sweep's yellow bounds (see TicketClocks.yellowBound) */
  light?: { light: Light; nowMs: number; signBound: number; resolveBound: number };
  fromMs?: number;
  toMs?: number;
  caller?: string;
  limit: number;
  offset: number;
}

/** Columns an action may change; `id`, `version` and `updated_ms` are managed here. */
export type TicketChange = Partial<Omit<TicketRow, 'id' | 'version' | 'updated_ms' | 'created_ms'>>;

/** The worst light of a row's running clocks at @nowMs; the same rule as TicketClocks.lightOf. */
const LIGHT_SQL = `(CASE
  WHEN (status = 'dispatched' AND sign_due_ms < @nowMs) OR (status IN ('dispatched', 'signed') AND resolve_due_ms < @nowMs) THEN 'red'
  WHEN (status = 'dispatched' AND sign_due_ms <= @signBound) OR (status IN ('dispatched', 'signed') AND resolve_due_ms <= @resolveBound) THEN 'yellow'
  ELSE 'green' END)`;

export class TicketRows {
  /** statements built from column lists, prepared once per distinct text */
  private readonly prepared = new Map<string, Statement>();
  private readonly byId;
  private readonly insertEvent;
  private readonly eventsOf;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[number], TicketRow>('SELECT * FROM tickets WHERE id = ?');
    this.insertEvent = db.prepare(
      'INSERT INTO ticket_events (ticket_id, at_ms, actor_id, action, from_status, to_status, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.eventsOf = db.prepare<[number], EventRow>('SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id');
  }

  get(id: number): TicketRow | undefined {
    return this.byId.get(id);
  }

  insert(row: Omit<TicketRow, 'id' | 'version'>): number {
    const cols = Object.keys(row);
    const sql = `INSERT INTO tickets (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`;
    return Number(this.statement(sql).run(row).lastInsertRowid);
  }

  /** Applies a change only if nobody changed the ticket since `version`; false when someone did. */
  update(id: number, version: number, change: TicketChange, nowMs: number): boolean {
    const cols = Object.keys(change);
    const sets = [...cols.map((c) => `${c} = @${c}`), 'version = version + 1', 'updated_ms = @updated_ms'];
    const sql = `UPDATE tickets SET ${sets.join(', ')} WHERE id = @id AND version = @version`;
    return this.statement(sql).run({ ...change, updated_ms: nowMs, id, version }).changes === 1;
  }

  /** Tickets whose deadlines rest on the weekday rule (a year without holiday data). */
  provisional(): TicketRow[] {
    return this.db.prepare<[], TicketRow>('SELECT * FROM tickets WHERE deadline_provisional = 1 AND dispatched_ms IS NOT NULL ORDER BY id').all();
  }

  /** How many tickets' deadlines rest on the weekday rule now (the admin page). */
  provisionalCount(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tickets WHERE deadline_provisional = 1 AND dispatched_ms IS NOT NULL').get()!.n;
  }

  /**
   * Deadlines recomputed after a calendar change. Like the light sweep's writes, this leaves the
   * version alone: nobody acted on the ticket, so a clerk's pending action must not conflict.
   */
  setDeadlines(id: number, d: Pick<TicketRow, 'sign_due_ms' | 'resolve_due_ms' | 'deadline_provisional' | 'light_sign' | 'light_resolve'>): void {
    this.statement(
      `UPDATE tickets SET sign_due_ms = @sign_due_ms, resolve_due_ms = @resolve_due_ms, deadline_provisional = @deadline_provisional,
       light_sign = @light_sign, light_resolve = @light_resolve WHERE id = @id`,
    ).run({ ...d, id });
  }

  /** The tickets opened from a call. */
  idsOfCall(callId: string): number[] {
    return this.statement('SELECT id FROM tickets WHERE call_id = ? ORDER BY id').pluck().all(callId) as number[];
  }

  /**
   * A clock's light, as the light sweep moves it: derived data, so the version is left alone
   * (a clerk's action racing the sweep never gets a spurious conflict).
   */
  setLight(id: number, clock: 'sign' | 'resolve', light: string): void {
    this.statement(clock === 'sign' ? 'UPDATE tickets SET light_sign = ? WHERE id = ?' : 'UPDATE tickets SET light_resolve = ? WHERE id = ?').run(light, id);
  }

  private statement(sql: string): Statement {
    let s = this.prepared.get(sql);
    if (!s) this.prepared.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  event(ticketId: number, atMs: number, actorId: number | null, action: string, from: string | null, to: string | null, detail: object): void {
    this.insertEvent.run(ticketId, atMs, actorId, action, from, to, JSON.stringify(detail));
  }

  events(ticketId: number): EventRow[] {
    return this.eventsOf.all(ticketId);
  }

  summary(at: { nowMs: number; signBound: number; resolveBound: number }, department?: string) {
    const scope = department === undefined ? '' : 'AND department_id = @department';
    const byLight = this.db
      .prepare<Record<string, unknown>, { light: Light; n: number }>(
        `SELECT ${LIGHT_SQL} AS light, count(*) AS n FROM tickets WHERE status IN ('dispatched', 'signed') ${scope} GROUP BY 1`,
      )
      .all({ ...at, department });
    const byStatus = this.db
      .prepare<Record<string, unknown>, { status: Status; n: number }>(`SELECT status, count(*) AS n FROM tickets WHERE 1 ${scope} GROUP BY 1`)
      .all({ department });
    const lights = { green: 0, yellow: 0, red: 0 };
    for (const r of byLight) lights[r.light] = r.n;
    return { open_by_light: lights, by_status: Object.fromEntries(byStatus.map((r) => [r.status, r.n])) };
  }

  list(f: TicketFilter): TicketRow[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: f.limit, offset: f.offset };
    if (f.status?.length) {
      where.push(`status IN (${f.status.map((_, i) => `@s${i}`).join(', ')})`);
      f.status.forEach((s, i) => (args[`s${i}`] = s));
    }
    if (f.type) where.push('type = @type'), (args.type = f.type);
    if (f.department) where.push('department_id = @department'), (args.department = f.department);
    if (f.caller) where.push('caller = @caller'), (args.caller = f.caller);
    if (f.light) {
      where.push(`${LIGHT_SQL} = @light`);
      Object.assign(args, f.light);
    }
    if (f.fromMs !== undefined) where.push('created_ms >= @fromMs'), (args.fromMs = f.fromMs);
    if (f.toMs !== undefined) where.push('created_ms < @toMs'), (args.toMs = f.toMs);
    const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_ms DESC, id DESC LIMIT @limit OFFSET @offset`;
    return this.db.prepare<Record<string, unknown>, TicketRow>(sql).all(args);
  }
}
