// A ticket as JSON (docs/architecture.md §4), shaped for who is asking: departments see callers
// masked (138****8000) and confidential (保密) tickets without the caller at all.
import { formatShanghai } from '../calendar/index.js';
import { allowedActions, StatusNames, TicketTypeNames, type Actor } from './lifecycle.js';
import type { TicketRow } from './rows.js';
import type { Light } from './clocks.js';

export const isDepartmentUser = (a: Actor) => a.role === 'dept_handler' || a.role === 'dept_head';

/** Keeps the first 3 and last 4 digits of a long number, the last 2 of a short one. */
export function maskNumber(n: string): string {
  if (n.length >= 8) return `${n.slice(0, 3)}****${n.slice(-4)}`;
  return `****${n.slice(-2)}`;
}

const iso = (ms: number | null) => (ms === null ? null : formatShanghai(new Date(ms)));

export interface Lights {
  sign: Light | null;
  resolve: Light | null;
  worst: Light;
}

export function ticketJson(t: TicketRow, viewer: Actor, lights: Lights, departmentName: (id: string) => string | null) {
  const hideCaller = isDepartmentUser(viewer);
  return {
    id: t.id,
    type: t.type,
    type_name: TicketTypeNames[t.type] ?? t.type,
    status: t.status,
    status_name: StatusNames[t.status],
    channel: t.channel,
    priority: t.priority,
    department: t.department_id,
    department_name: t.department_id ? departmentName(t.department_id) : null,
    caller: hideCaller ? (t.confidential ? null : maskNumber(t.caller)) : t.caller,
    caller_masked: hideCaller,
    caller_name: hideCaller ? null : t.caller_name,
    confidential: t.confidential === 1,
    classification: t.classification,
    content: t.content,
    call_id: t.call_id,
    origin_hotline: t.origin_hotline,
    created_at: iso(t.created_ms)!,
    dispatched_at: iso(t.dispatched_ms),
    sign_due_at: iso(t.sign_due_ms),
    resolve_due_at: iso(t.resolve_due_ms),
    /** the deadlines follow the weekday rule in a year without holiday data: 暂定, recomputed when the year is added */
    deadline_provisional: t.deadline_provisional === 1,
    signed_at: iso(t.signed_ms),
    replied_at: iso(t.replied_ms),
    closed_at: iso(t.closed_ms),
    extension_days: t.extension_days,
    light: lights.worst,
    lights: { sign: lights.sign, resolve: lights.resolve },
    reply_text: t.reply_text,
    satisfaction: t.satisfaction,
    version: t.version,
    allowed_actions: allowedActions(t.status, viewer, t.department_id),
  };
}
