// The missed-call list (漏接回拨): callers who chose to be called back rather than wait on,
// and callers who left a message (留言) instead, with the message's file and length.
// Agents see the list and mark each entry done when they have called back.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../store/index.js';
import type { Migration } from '../store/migrate.js';
import { CtiError } from '../errors.js';
import { requireRole } from '../auth/index.js';
import { formatShanghai } from '../calendar/index.js';
import { Nullable } from '../api-schema.js';

export const callbacksMigration: Migration = {
  version: 7,
  name: 'callbacks',
  up: `CREATE TABLE callbacks (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL UNIQUE REFERENCES calls(id),
    caller TEXT NOT NULL,
    line TEXT,
    requested_us INTEGER NOT NULL,
    done_by INTEGER,
    done_ms INTEGER,
    note TEXT
  );
  CREATE INDEX callbacks_open ON callbacks (requested_us) WHERE done_ms IS NULL;`,
};

/** A message is a call-back request with a recording: the same list, the same 已回拨. */
export const callbackMessagesMigration: Migration = {
  version: 13,
  name: 'callback_messages',
  up: `ALTER TABLE callbacks ADD COLUMN message_path TEXT;
  ALTER TABLE callbacks ADD COLUMN message_ms INTEGER;`,
};

export interface CallbackRequest {
  callId: string;
  caller: string;
  line: string | null;
  requestedUs: number;
  /** a message left instead: its path under recordings_dir and its length */
  message?: { path: string; ms: number };
}

/** On the list once per call; asked again with a message, the message is added to it. */
export function requestCallback(db: Db, c: CallbackRequest): void {
  db.prepare(`INSERT INTO callbacks (call_id, caller, line, requested_us, message_path, message_ms) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (call_id) DO UPDATE SET message_path = coalesce(excluded.message_path, message_path), message_ms = coalesce(excluded.message_ms, message_ms)`).run(
    c.callId,
    c.caller,
    c.line,
    c.requestedUs,
    c.message?.path ?? null,
    c.message?.ms ?? null,
  );
}

/** The list agents work through, and its 已回拨 mark; this module is the table's only writer. */
export class CallbackList {
  private readonly open;
  private readonly done;
  private readonly mark;

  constructor(db: Db) {
    this.open = db.prepare('SELECT * FROM callbacks WHERE done_ms IS NULL ORDER BY requested_us LIMIT 500');
    this.done = db.prepare('SELECT * FROM callbacks WHERE done_ms IS NOT NULL ORDER BY requested_us LIMIT 500');
    this.mark = db.prepare('UPDATE callbacks SET done_by = ?, done_ms = ?, note = ? WHERE id = ? AND done_ms IS NULL');
  }

  /** Open entries (or done ones), oldest request first, at most 500. */
  // biome-ignore lint/suspicious/noExplicitAny: callbacks rows, their columns read by name
  list(done: boolean): Array<Record<string, any>> {
    // biome-ignore lint/suspicious/noExplicitAny: as above
    return (done ? this.done : this.open).all() as Array<Record<string, any>>;
  }

  /** False when there is no such open entry (unknown, or marked done already). */
  markDone(id: number, userId: number, atMs: number, note: string | null): boolean {
    return this.mark.run(userId, atMs, note, id).changes === 1;
  }
}

const CallbackView = Type.Object({
  id: Type.Integer(),
  call_id: Type.String(),
  caller: Type.String(),
  line: Nullable(Type.String()),
  requested_at: Type.String(),
  message: Nullable(Type.Object({ path: Type.String(), seconds: Type.Integer() }), {
    description: 'a message left (留言), or null for a call-back request',
  }),
  done_at: Nullable(Type.String()),
  note: Nullable(Type.String()),
});

export const callbacksPlugin: FastifyPluginAsyncTypebox<{ now: () => Date; callbacks: CallbackList }> = async (app, opts) => {
  const staff = requireRole('agent', 'supervisor');
  app.get(
    '/callbacks',
    {
      preHandler: staff,
      schema: {
        summary: 'callers who asked to be called back (漏接回拨), open or done',
        tags: ['calls'],
        querystring: Type.Object({ done: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ items: Type.Array(CallbackView) }) },
      },
    },
    async (req) => {
      const rows = opts.callbacks.list(req.query.done === true);
      return {
        items: rows.map((r) => ({
          id: r.id,
          call_id: r.call_id,
          caller: r.caller,
          line: r.line,
          requested_at: formatShanghai(new Date(Math.floor(r.requested_us / 1000))),
          message: r.message_path ? { path: r.message_path, seconds: Math.round(r.message_ms / 1000) } : null,
          done_at: r.done_ms ? formatShanghai(new Date(r.done_ms)) : null,
          note: r.note,
        })),
      };
    },
  );
  app.post(
    '/callbacks/:id/done',
    {
      preHandler: staff,
      schema: {
        summary: 'mark a call-back done',
        tags: ['calls'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }),
        response: { 200: Type.Object({ id: Type.Integer(), done: Type.Literal(true) }) },
      },
    },
    async (req) => {
      const marked = opts.callbacks.markDone(req.params.id, req.user!.id, opts.now().getTime(), req.body.note ?? null);
      if (!marked) throw new CtiError('HTTP_NOT_FOUND', `no open call-back ${req.params.id}`);
      return { id: req.params.id, done: true as const };
    },
  );
};
