// Request schemas of the ticket API; a bad field gets 400 naming it (src/http/errors.ts).
import { Type } from 'typebox';
import { ATTACHMENT_TYPES, type AttachmentType } from './attachments.js';
import { TicketTypes } from '../config/index.js';
import { Statuses } from './lifecycle.js';
import { Instant, Nullable } from '../api-schema.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const TicketType = literals(TicketTypes);
export const Channel = literals(['phone', 'sms', 'wechat', 'app', 'web', 'emergency'] as const);
export const PhoneNumber = Type.String({ pattern: '^\\+?[0-9]{3,20}$' });

export const NewTicketBody = Type.Object(
  {
    type: TicketType,
    channel: Type.Optional(Channel),
    caller: PhoneNumber,
    caller_name: Type.Optional(Type.String({ maxLength: 50 })),
    confidential: Type.Optional(Type.Boolean()),
    classification: Type.Optional(Type.String({ maxLength: 100 })),
    content: Type.String({ minLength: 1, maxLength: 5000 }),
    call_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    origin_hotline: Type.Optional(Type.String({ pattern: '^[0-9]{3,15}$' })),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
    dispatch_to: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const IntakeBody = Type.Object(
  {
    channel: literals(['sms', 'wechat', 'app', 'web'] as const),
    caller: PhoneNumber,
    caller_name: Type.Optional(Type.String({ maxLength: 50 })),
    type: Type.Optional(TicketType),
    content: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ pattern: `^(${Statuses.join('|')})(,(${Statuses.join('|')}))*$` })),
    light: Type.Optional(literals(['green', 'yellow', 'red'] as const)),
    type: Type.Optional(TicketType),
    department: Type.Optional(Type.String({ minLength: 1 })),
    caller: Type.Optional(PhoneNumber),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    // SQLite's OFFSET is a 64-bit integer; a larger number came through as a 500
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const version = Type.Integer({ minimum: 1, description: 'the version the user saw; a stale one gets 409' });
const text = (max: number) => Type.String({ minLength: 1, maxLength: max });

/** Body of each lifecycle route; the route path is the action's URL form. */
export const ActionBodies = {
  dispatch: Type.Object({ version, department: text(64), note: Type.Optional(text(1000)) }, { additionalProperties: false }),
  sign: Type.Object({ version, note: Type.Optional(text(1000)) }, { additionalProperties: false }),
  return: Type.Object({ version, reason: text(1000) }, { additionalProperties: false }),
  arbitrate: Type.Object({ version, ruling: text(1000) }, { additionalProperties: false }),
  reply: Type.Object({ version, text: text(5000) }, { additionalProperties: false }),
  close: Type.Object({ version, note: Type.Optional(text(1000)) }, { additionalProperties: false }),
  follow_up: Type.Object(
    { version, satisfaction: literals(['satisfied', 'basically_satisfied', 'dissatisfied'] as const), note: Type.Optional(text(1000)) },
    { additionalProperties: false },
  ),
  reopen: Type.Object({ version, reason: text(1000), department: Type.Optional(text(64)) }, { additionalProperties: false }),
  request_extension: Type.Object({ version, days: Type.Number({ exclusiveMinimum: 0, maximum: 30 }), reason: text(1000) }, { additionalProperties: false }),
  decide_extension: Type.Object(
    { version, request_id: Type.Integer({ minimum: 1 }), approve: Type.Boolean(), note: Type.Optional(text(1000)) },
    { additionalProperties: false },
  ),
  supervise: Type.Object({ version, note: text(1000) }, { additionalProperties: false }),
} as const;

export const AttachmentBody = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 200 }),
    mime: literals(['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const),
    content_base64: Type.String({ minLength: 1, maxLength: 14_000_000 }),
  },
  { additionalProperties: false },
);

/** The answer to a public intake: the ticket number the citizen is given. */
export const IntakeReceipt = Type.Object({
  id: Type.Integer({ description: 'the ticket number (工单号)' }),
  status: Type.Unsafe<string>({ type: 'string', enum: [...Statuses], description: 'created (待受理) for a new intake' }),
  created_at: Instant,
});

/** A caller's earlier calls and tickets, newest first, at most 20 of each (the screen pop). */
export const CallerHistoryView = Type.Object({
  calls: Type.Array(
    Type.Object({
      id: Type.String({ description: "the caller's channel uuid" }),
      called: Type.String(),
      mode: Type.String({ description: 'main, direct, parallel, emergency, linkage, unknown' }),
      origin_hotline: Nullable(Type.String()),
      line: Nullable(Type.String()),
      outcome: Nullable(Type.String()),
      agent: Nullable(Type.String()),
      started_at: Instant,
      ended_at: Nullable(Instant),
    }),
  ),
  tickets: Type.Array(
    Type.Object({
      id: Type.Integer(),
      type: Type.Unsafe<string>({ type: 'string', enum: [...TicketTypes] }),
      status: Type.Unsafe<string>({ type: 'string', enum: [...Statuses] }),
      department: Nullable(Type.String()),
      content: Type.String({ description: 'the first 200 characters' }),
      created_at: Instant,
    }),
  ),
});

/** GET …/attachments/:aid: the stored bytes as uploaded, in the type checked at upload. */
export const AttachmentDownload = {
  description: 'the file: images inline, anything else as a download (nosniff, sandboxed)',
  content: Object.fromEntries(ATTACHMENT_TYPES.map((mime) => [mime, { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) }])) as Record<
    AttachmentType,
    { schema: ReturnType<typeof Type.Unsafe<Buffer>> }
  >,
};
