// A ticket as JSON (docs/architecture.md §4), shaped for who is asking: departments see callers
// masked (138****8000) and confidential (保密) tickets without the caller at all.
import { Type, type Static } from 'typebox';
import { formatShanghai } from '../calendar/index.js';
import { Actions, allowedActions, Statuses, StatusNames, TicketTypeNames, type Action, type Actor, type Status } from './lifecycle.js';
import type { TicketRow } from './rows.js';
import type { Light } from './clocks.js';
import { Instant, Nullable } from '../api-schema.js';

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

const LightSchema = Type.Unsafe<Light>({ type: 'string', enum: ['green', 'yellow', 'red'] });

/** The ticket as every ticket route answers it; ticketJson is typed by it, so the two agree. */
export const TicketView = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  type_name: Type.String({ description: 'the type in Chinese' }),
  status: Type.Unsafe<Status>({ type: 'string', enum: [...Statuses] }),
  status_name: Type.String({ description: 'the status in Chinese' }),
  channel: Type.String(),
  priority: Type.Integer(),
  department: Nullable(Type.String()),
  department_name: Nullable(Type.String()),
  caller: Nullable(Type.String({ description: 'masked (138****8000) for departments; null on a confidential ticket' })),
  caller_masked: Type.Boolean(),
  caller_name: Nullable(Type.String()),
  confidential: Type.Boolean(),
  classification: Nullable(Type.String()),
  content: Type.String(),
  call_id: Nullable(Type.String()),
  origin_hotline: Nullable(Type.String()),
  created_at: Instant,
  dispatched_at: Nullable(Instant),
  sign_due_at: Nullable(Instant),
  resolve_due_at: Nullable(Instant),
  deadline_provisional: Type.Boolean({ description: 'the deadlines follow the weekday rule in a year without holiday data (暂定)' }),
  signed_at: Nullable(Instant),
  replied_at: Nullable(Instant),
  closed_at: Nullable(Instant),
  extension_days: Type.Integer(),
  light: LightSchema,
  lights: Type.Object({ sign: Nullable(LightSchema), resolve: Nullable(LightSchema) }),
  reply_text: Nullable(Type.String()),
  satisfaction: Nullable(Type.String()),
  version: Type.Integer(),
  allowed_actions: Type.Array(Type.Unsafe<Action>({ type: 'string', enum: Object.keys(Actions) }), { description: 'what this user may do now' }),
});

export function ticketJson(t: TicketRow, viewer: Actor, lights: Lights, departmentName: (id: string) => string | null): Static<typeof TicketView> {
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
