// Deadlines computed by the weekday rule (a year without holiday data) are recomputed when the
// calendar changes: once the admin adds the State Council's schedule for that year, every such
// ticket gets its exact deadlines, and its lights and reminders follow them.
import type { Db } from '../store/index.js';
import { runningClocks } from './lifecycle.js';
import type { TicketRows, TicketRow } from './rows.js';
import type { Light, TicketClocks } from './clocks.js';

export interface RecomputeResult {
  /** provisional tickets looked at */
  checked: number;
  /** of those, tickets whose deadlines or flag changed */
  changed: number;
  /** still provisional afterwards (their deadlines reach a year still without data) */
  stillProvisional: number;
}

const severity: Record<Light, number> = { green: 0, yellow: 1, red: 2 };

/**
 * The light to store for a running clock whose deadline moved. A light that would get worse is
 * left for the sweep to advance, so the change is recorded and its reminder sent once; one
 * that gets better goes back to green, so the sweep records yellow and red again against the
 * new deadline (their records and SMS are keyed by the deadline, so none is a repeat).
 */
function lightAfterMove(stored: Light | null, computed: Light): Light | null {
  if (stored === null || stored === computed) return stored;
  return severity[computed] > severity[stored] ? stored : 'green';
}

export function recomputeProvisional(db: Db, rows: TicketRows, clocks: TicketClocks, nowMs: number): RecomputeResult {
  const result: RecomputeResult = { checked: 0, changed: 0, stillProvisional: 0 };
  db.transaction(() => {
    for (const row of rows.provisional()) {
      result.checked++;
      if (recomputeOne(rows, clocks, row, nowMs)) result.changed++;
      if (rows.get(row.id)!.deadline_provisional === 1) result.stillProvisional++;
    }
  })();
  return result;
}

function recomputeOne(rows: TicketRows, clocks: TicketClocks, row: TicketRow, nowMs: number): boolean {
  const due = clocks.deadlines(row.dispatched_ms!, row.type, row.extension_days);
  const provisional = due.provisional ? 1 : 0;
  const signMoved = due.signDue !== row.sign_due_ms;
  const resolveMoved = due.resolveDue !== row.resolve_due_ms;
  if (!signMoved && !resolveMoved && provisional === row.deadline_provisional) return false;
  const running = runningClocks(row.status);
  const light = (clock: 'sign' | 'resolve', moved: boolean, dueMs: number, stored: Light | null) =>
    running[clock] && moved ? lightAfterMove(stored, clocks.lightOf(dueMs, nowMs, clock)) : stored;
  rows.setDeadlines(row.id, {
    sign_due_ms: due.signDue,
    resolve_due_ms: due.resolveDue,
    deadline_provisional: provisional,
    light_sign: light('sign', signMoved, due.signDue, row.light_sign),
    light_resolve: light('resolve', resolveMoved, due.resolveDue, row.light_resolve),
  });
  rows.event(row.id, nowMs, null, 'recompute_deadlines', row.status, row.status, {
    reason: 'calendar',
    sign_due: { before: row.sign_due_ms, after: due.signDue },
    resolve_due: { before: row.resolve_due_ms, after: due.resolveDue },
    provisional: { before: true, after: provisional === 1 },
  });
  return true;
}
