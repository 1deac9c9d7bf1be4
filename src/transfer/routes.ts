// One-key transfer over HTTP (the agent desktop's transfer panel): the hotlines an agent can
// reach with whether each takes transfers now and its answer rate today; transfer, complete,
// cancel, three-way, hold and resume on the call the agent is talking on.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AuthUser } from '../auth/index.js';
import { requireRole } from '../auth/index.js';
import { shanghaiDateOf, type WorkingCalendar } from '../calendar/index.js';
import { CtiError } from '../errors.js';
import type { AttemptView } from './attempt.js';
import { isTransferTarget, transferOpen, type RequestedKind } from './rules.js';

/** What these routes ask of a caller's talk with an agent (call/agent-talk.ts). */
export interface TalkControls {
  view(): object;
  transfer(hotline: string, kind: RequestedKind | undefined, at: Date): Promise<AttemptView>;
  complete(): Promise<AttemptView>;
  cancel(): Promise<AttemptView>;
  threeWay(): Promise<AttemptView>;
  hold(): Promise<void>;
  resume(): Promise<void>;
}

export interface TransferPluginOptions {
  /** the talks now in progress (call/transfer-desk.ts); seat null: any seat, for supervisors */
  desk: { talk(callId: string, seat: string | null): TalkControls };
  /**
   * today's transfer counts per hotline, as the reports count them (reports' Figures): only what
   * the targets list shows, so that this area does not import the reports
   */
  figures: {
    transferCounts(range: {
      fromMs: number;
      toMs: number;
    }): ReadonlyArray<{ hotline: string; attempts: number; counted: number; answered_within_15s: number; rate: number | null }>;
  };
  calendar: () => WorkingCalendar;
  /** who holds which seat */
  holders: Map<string, AuthUser>;
  now: () => Date;
}

const CallParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const TransferBody = Type.Object({
  hotline: Type.String({ pattern: '^[0-9]{3,12}$', description: 'the hotline number: parallel, emergency or linkage' }),
  kind: Type.Optional(
    Type.Union([Type.Literal('warm'), Type.Literal('blind'), Type.Literal('three_way')], { description: 'emergency numbers are always handed over directly' }),
  ),
});

const MODE_ORDER = { emergency: 0, parallel: 1, linkage: 2 } as Record<string, number>;

export const transferPlugin: FastifyPluginAsyncTypebox<TransferPluginOptions> = async (app, opts) => {
  const { desk } = opts;
  const staff = requireRole('agent', 'supervisor', 'admin');
  /** An agent acts on the talk at the seat they hold; supervisors on any. */
  const talkFor = (req: FastifyRequest, id: string) => {
    const user = req.user!;
    if (user.role !== 'agent') return desk.talk(id, null);
    const seat = [...opts.holders].find(([, u]) => u.id === user.id)?.[0];
    if (!seat) throw new CtiError('TRANSFER_NO_CALL', '请先登录坐席 (log in to a seat first)', { field: 'id' });
    return desk.talk(id, seat);
  };

  app.get(
    '/transfer/targets',
    { preHandler: staff, schema: { summary: "hotlines a talk can be transferred to, open or closed, with today's answer rate", tags: ['transfer'] } },
    async () => {
      const routing = app.config.current.routing;
      const now = opts.now();
      const dayStart = Date.parse(`${shanghaiDateOf(now)}T00:00:00+08:00`);
      const today = new Map(opts.figures.transferCounts({ fromMs: dayStart, toMs: now.getTime() + 1 }).map((r) => [r.hotline, r]));
      const calendar = opts.calendar();
      const items = routing.hotlines.filter(isTransferTarget).map((h) => {
        const open = transferOpen(h, now, calendar);
        const r = today.get(h.number);
        return {
          number: h.number,
          name: h.name,
          mode: h.mode,
          department: h.department,
          department_name: h.department ? (routing.departments.get(h.department)?.name ?? null) : null,
          body: h.body,
          open: open.open,
          closed_reason: open.reason,
          /** today's year has no holiday data: open or closed by the weekday rule (暂定) */
          hours_provisional: open.provisional,
          today: r ? { attempts: r.attempts, counted: r.counted, answered_within_15s: r.answered_within_15s, rate: r.rate } : null,
        };
      });
      items.sort((a, b) => MODE_ORDER[a.mode]! - MODE_ORDER[b.mode]!);
      return { items };
    },
  );

  app.get(
    '/calls/:id/transfer',
    { preHandler: staff, schema: { summary: "the talk's phase and its transfer attempt", tags: ['transfer'], params: CallParams } },
    async (req) => talkFor(req, req.params.id).view(),
  );

  app.post(
    '/calls/:id/transfer',
    {
      preHandler: staff,
      schema: {
        summary: 'one-key transfer to a hotline (warm, blind, three-way; emergency numbers directly)',
        tags: ['transfer'],
        params: CallParams,
        body: TransferBody,
      },
    },
    async (req, reply) => {
      try {
        const attempt = await talkFor(req, req.params.id).transfer(req.body.hotline, req.body.kind, opts.now());
        return reply.code(202).send({ attempt });
      } catch (err) {
        return refusal(err, reply);
      }
    },
  );

  const action = (path: string, summary: string, run: (talk: ReturnType<typeof talkFor>) => Promise<unknown>) =>
    app.post(`/calls/:id/${path}`, { preHandler: staff, schema: { summary, tags: ['transfer'], params: CallParams } }, async (req) => {
      const talk = talkFor(req, req.params.id);
      const attempt = await run(talk);
      return { ...talk.view(), ...(attempt ? { attempt } : {}) };
    });
  action('transfer/complete', 'put the caller through to the hotline consulted, and free the agent', (t) => t.complete());
  action('transfer/cancel', 'drop the hotline leg, ringing or answered; the agent is back with the caller', (t) => t.cancel());
  action('transfer/three-way', 'caller, agent and hotline in one conference (三方通话)', (t) => t.threeWay());
  action('hold', 'hold (保持): the caller hears hold music, the agent is parked', (t) => t.hold());
  action('resume', 'caller and agent together again after a hold', (t) => t.resume());
};

/** A refusal carries the reason and the ticket the desktop offers instead, beside the usual error body. */
function refusal(err: unknown, reply: FastifyReply) {
  if (!(err instanceof CtiError) || err.code !== 'CTI_TRANSFER_REFUSED') throw err;
  const detail = err.detail as { field: string; reason: string; ticket_prefill: unknown };
  return reply.code(409).send({ error: err.code, message: err.message, field: detail.field, reason: detail.reason, ticket_prefill: detail.ticket_prefill });
}
