// Call records over HTTP (docs/architecture.md §4): newest first, filtered by time and caller; one call
// with its legs, queue wait and transfer attempts. Times leave as ISO 8601 in Asia/Shanghai.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CtiError } from '../errors.js';
import { requireRole } from '../auth/index.js';
import { formatShanghai } from '../calendar/index.js';
import { Instant, Nullable } from '../api-schema.js';
import type { CallLog, Row } from './call-log.js';

const iso = (us: unknown) => (typeof us === 'number' ? formatShanghai(new Date(Math.floor(us / 1000))) : null);

/** null when it did not happen, or is not known */
const When = Nullable(Instant);

/** A call record as the call routes answer it. */
const CallView = Type.Object({
  id: Type.String({ description: "the caller's channel uuid" }),
  caller: Type.String(),
  called: Type.String(),
  mode: Type.String({ description: 'main (12345), direct (an old hotline), parallel, emergency, linkage, unknown' }),
  origin_hotline: Nullable(Type.String()),
  department: Nullable(Type.String()),
  line: Nullable(Type.String({ description: 'menu line 1, 2 or 9' })),
  priority: Type.Integer({ description: '1 is served first (110 diversions), 5 an ordinary call' }),
  outcome: Nullable(
    Type.String({ description: 'answered, abandoned_ivr, abandoned_queue, transferred, callback, voicemail, failed; null while in progress or ended unseen' }),
  ),
  queue_wait_s: Nullable(Type.Number()),
  agent: Nullable(Type.String()),
  started_at: When,
  answered_at: When,
  queue_entered_at: When,
  agent_answered_at: When,
  ended_at: When,
  hangup_cause: Nullable(Type.String()),
  recording: Nullable(Type.String()),
  survey_score: Nullable(Type.Integer({ minimum: 1, maximum: 3 })),
});

const CallDetail = Type.Object({
  ...CallView.properties,
  legs: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String({ description: 'caller, agent, consult, department, emergency, linkage' }),
      endpoint: Nullable(Type.String()),
      created_at: When,
      answered_at: When,
      ended_at: When,
      hangup_cause: Nullable(Type.String()),
    }),
  ),
  transfer_attempts: Type.Array(
    Type.Object({
      id: Type.Integer(),
      hotline: Type.String(),
      kind: Type.String({ description: 'warm, blind, three_way, emergency, linkage' }),
      agent: Nullable(Type.String()),
      created_at: When,
      answered_at: When,
      ended_at: When,
      result: Nullable(Type.String({ description: 'answered, busy, no_answer, failed, cancelled, refused; null while ringing' })),
    }),
  ),
});

export function callJson(c: Row) {
  const waitUs = c.queue_entered_us === null ? null : (c.agent_answered_us ?? c.queue_left_us ?? null);
  return {
    id: c.id,
    caller: c.caller,
    called: c.called,
    mode: c.mode,
    origin_hotline: c.origin_hotline,
    department: c.department_id,
    line: c.line,
    priority: c.priority,
    outcome: c.outcome,
    queue_wait_s: waitUs === null ? null : (waitUs - c.queue_entered_us) / 1e6,
    agent: c.agent_id,
    started_at: iso(c.started_us),
    answered_at: iso(c.answered_us),
    queue_entered_at: iso(c.queue_entered_us),
    agent_answered_at: iso(c.agent_answered_us),
    ended_at: iso(c.ended_us),
    hangup_cause: c.hangup_cause,
    recording: c.recording_path,
    survey_score: c.survey_score,
  };
}

export const callsPlugin: FastifyPluginAsyncTypebox<{ calls: CallLog }> = async (app, opts) => {
  const staff = requireRole('agent', 'supervisor', 'admin');
  app.get(
    '/calls',
    {
      preHandler: staff,
      schema: {
        summary: 'call records, newest first, by caller or time',
        tags: ['calls'],
        querystring: Type.Object({
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          caller: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{3,20}$' })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(CallView) }) },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = opts.calls.list({
        limit: q.limit,
        ...(q.from ? { fromMs: Date.parse(q.from) } : {}),
        ...(q.to ? { toMs: Date.parse(q.to) } : {}),
        ...(q.caller ? { caller: q.caller } : {}),
      });
      return { items: rows.map(callJson) };
    },
  );

  app.get(
    '/calls/:id',
    {
      preHandler: staff,
      schema: {
        summary: 'one call: its record, legs and transfer attempts',
        tags: ['calls'],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: CallDetail },
      },
    },
    async (req) => {
      const found = opts.calls.detail(req.params.id);
      if (!found) throw new CtiError('HTTP_NOT_FOUND', `no call ${req.params.id}`);
      const { call, legs, attempts } = found;
      return {
        ...callJson(call),
        legs: legs.map((l) => ({
          id: l.id,
          kind: l.kind,
          endpoint: l.endpoint,
          created_at: iso(l.created_us),
          answered_at: iso(l.answered_us),
          ended_at: iso(l.ended_us),
          hangup_cause: l.hangup_cause,
        })),
        transfer_attempts: attempts.map((a) => ({
          id: a.id,
          hotline: a.hotline,
          kind: a.kind,
          agent: a.agent_id,
          created_at: iso(a.created_us),
          answered_at: iso(a.answered_us),
          ended_at: iso(a.ended_us),
          result: a.result,
        })),
      };
    },
  );
};
