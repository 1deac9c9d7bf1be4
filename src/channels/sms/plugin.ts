// The admin page's view of the outbox: what was sent, what waits, what failed and why.
// Registered by the caller under /api/admin, inside the authenticated admin scope.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SMS_KINDS, SMS_STATUSES, type SmsRow } from './message.js';
import type { SmsOutbox } from './outbox.js';
import { Nullable } from '../../api-schema.js';

export interface SmsOutboxPluginOptions {
  outbox: SmsOutbox;
}

const Status = Type.Enum(SMS_STATUSES);

const Item = Type.Object({
  id: Type.Integer(),
  created_at: Type.String({ description: 'ISO 8601, UTC' }),
  to_number: Type.String(),
  text: Type.String(),
  kind: Type.Enum(SMS_KINDS),
  ticket_id: Nullable(Type.Integer()),
  dedupe_key: Type.String(),
  status: Status,
  attempts: Type.Integer(),
  next_attempt_at: Type.String(),
  last_error: Nullable(Type.String()),
  sent_at: Nullable(Type.String()),
  provider_message_id: Nullable(Type.String()),
  driver: Nullable(Type.String()),
});

const Query = Type.Object({
  status: Type.Optional(Status),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'an id: rows older than it (next page)' })),
});

const Counts = Type.Object(Object.fromEntries(SMS_STATUSES.map((s) => [s, Type.Integer()])));

const view = (r: SmsRow) => ({
  id: r.id,
  created_at: r.createdAt,
  to_number: r.to,
  text: r.text,
  kind: r.kind,
  ticket_id: r.ticketId,
  dedupe_key: r.dedupeKey,
  status: r.status,
  attempts: r.attempts,
  next_attempt_at: r.nextAttemptAt,
  last_error: r.lastError,
  sent_at: r.sentAt,
  provider_message_id: r.providerMessageId,
  driver: r.driver,
});

/** GET /sms-outbox?status&limit&before → { items (newest first), counts (per status, over the whole table) } */
export const smsOutboxPlugin: FastifyPluginAsyncTypebox<SmsOutboxPluginOptions> = async (app, opts) => {
  const { outbox } = opts;
  app.get(
    '/sms-outbox',
    {
      schema: {
        summary: 'SMS waiting, sent and failed (admins)',
        tags: ['admin'],
        querystring: Query,
        response: { 200: Type.Object({ items: Type.Array(Item), counts: Counts }) },
      },
    },
    async (req) => {
      const { status, limit, before } = req.query;
      const items = outbox.list({ limit, ...(status ? { status } : {}), ...(before ? { before } : {}) });
      return { items: items.map(view), counts: outbox.counts() };
    },
  );
};
