// Seats and queues over HTTP: an agent takes a seat (the softphone's extension), goes ready
// (示闲) or on break (示忙) with a reason; supervisors see every seat and every waiting call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CtiError } from '../errors.js';
import { requireRole, type AuthUser } from '../auth/index.js';
import { formatShanghai } from '../calendar/index.js';
import type { CallDistributor } from './distributor.js';
import { AgentStateNames, type AgentStateName } from './agent-state.js';
import { Nullable } from '../api-schema.js';

export interface AcdPluginOptions {
  acd: CallDistributor;
  seatNames: () => Map<string, { name: string; skills: string[] }>;
  now: () => Date;
}

const Seat = Type.Object({ seat: Type.String({ pattern: '^[0-9]{3,6}$' }) });

const AgentView = Type.Object({
  seat: Type.String(),
  name: Type.String(),
  skills: Type.Array(Type.String()),
  state: Type.Unsafe<AgentStateName>({ type: 'string', enum: Object.keys(AgentStateNames) }),
  state_name: Type.String({ description: 'the state in Chinese, as the desktop shows it' }),
  break_reason: Nullable(Type.String()),
  call_id: Nullable(Type.String({ description: "the caller's channel uuid while ringing, talking or in wrap-up" })),
  idle_since: Nullable(Type.String({ description: 'ready since (Asia/Shanghai, ISO 8601): longest idle is offered first' })),
  user: Nullable(Type.Object({ id: Type.Integer(), username: Type.String(), display_name: Type.String() })),
});
const QueuesView = Type.Object({
  waiting: Type.Integer(),
  longest_wait_s: Type.Number(),
  calls: Type.Array(
    Type.Object({
      call_id: Type.String(),
      queue: Type.String(),
      line: Nullable(Type.String()),
      caller: Type.String(),
      priority: Type.Integer({ description: '1 is served first' }),
      origin_hotline: Nullable(Type.String()),
      position: Type.Integer({ description: 'place in its queue, 1 first' }),
      waited_s: Type.Number(),
    }),
    { description: 'in the order they will be offered' },
  ),
  by_queue: Type.Record(Type.String(), Type.Integer()),
});
const SeatReply = { 200: AgentView };

export function agentsView(acd: CallDistributor, seatNames: AcdPluginOptions['seatNames'], holders: Map<string, AuthUser>) {
  const names = seatNames();
  return acd.agentIds().map((seat) => {
    const s = acd.agentState(seat);
    const holder = holders.get(seat);
    return {
      seat,
      name: names.get(seat)?.name ?? seat,
      skills: names.get(seat)?.skills ?? [],
      state: s.name,
      state_name: AgentStateNames[s.name],
      break_reason: s.breakReason,
      call_id: s.callId,
      idle_since: s.idleSinceMs === null ? null : formatShanghai(new Date(s.idleSinceMs)),
      user: holder ? { id: holder.id, username: holder.username, display_name: holder.displayName } : null,
    };
  });
}

/**
 * The queues: counts, the longest wait and the waiting calls in service order, the first
 * `limit` of them when given (the live feed's pushes: with thousands waiting, a full list five
 * times a second to every desktop cost more than the calls themselves).
 */
export function queuesView(acd: CallDistributor, nowMs: number, limit = Infinity) {
  const summary = acd.queueSummary(nowMs);
  const calls = acd.waitingCalls(undefined, limit);
  // in service order, so a call's position is the running count of its queue
  const ahead = new Map<string, number>();
  return {
    waiting: summary.waiting,
    longest_wait_s: summary.longestWaitMs / 1000,
    calls: calls.map((c) => {
      const position = (ahead.get(c.queue) ?? 0) + 1;
      ahead.set(c.queue, position);
      return {
        call_id: c.callId,
        queue: c.queue,
        line: c.line,
        caller: c.caller,
        priority: c.priority,
        origin_hotline: c.originHotline,
        position,
        waited_s: (nowMs - c.enteredMs) / 1000,
      };
    }),
    by_queue: Object.fromEntries(summary.byQueue),
  };
}

export const acdPlugin: FastifyPluginAsyncTypebox<AcdPluginOptions & { holders: Map<string, AuthUser> }> = async (app, opts) => {
  const { acd, holders } = opts;
  const staff = requireRole('agent', 'supervisor');

  /** Only the user who took the seat, or a supervisor, may change it. */
  const mayChange = (seat: string, user: AuthUser) => {
    const holder = holders.get(seat);
    if (user.role === 'supervisor' || holder?.id === user.id) return;
    throw new CtiError('FORBIDDEN', `坐席 ${seat} 由 ${holder?.displayName ?? '他人'} 使用中 (seat ${seat} is held by someone else)`);
  };

  /** The seat just changed (agentAction throws for a seat that does not exist). */
  const seatView = (seat: string) => agentsView(acd, opts.seatNames, holders).find((a) => a.seat === seat)!;

  app.get(
    '/agents',
    {
      preHandler: requireRole('agent', 'supervisor', 'admin'),
      schema: { summary: 'every seat: state, time in state, who holds it', tags: ['acd'], response: { 200: Type.Object({ items: Type.Array(AgentView) }) } },
    },
    async () => ({
      items: agentsView(acd, opts.seatNames, holders),
    }),
  );
  app.get(
    '/queues',
    {
      preHandler: requireRole('agent', 'supervisor', 'admin'),
      schema: { summary: 'calls waiting, by queue, in the order they will be offered', tags: ['acd'], response: { 200: QueuesView } },
    },
    async () => queuesView(acd, opts.now().getTime()),
  );

  app.post(
    '/agents/:seat/login',
    { preHandler: staff, schema: { summary: 'take a seat (签入); an agent may hold one seat', tags: ['acd'], params: Seat, response: SeatReply } },
    async (req) => {
      const user = req.user!;
      const holder = holders.get(req.params.seat);
      if (holder && holder.id !== user.id) throw new CtiError('FORBIDDEN', `坐席 ${req.params.seat} 已由 ${holder.displayName} 登录 (seat already taken)`);
      for (const [seat, h] of holders)
        if (h.id === user.id && seat !== req.params.seat) throw new CtiError('FORBIDDEN', `您已登录坐席 ${seat}，请先退出 (you already hold seat ${seat})`);
      acd.agentAction(req.params.seat, { type: 'login' });
      holders.set(req.params.seat, user);
      return seatView(req.params.seat);
    },
  );

  app.post(
    '/agents/:seat/ready',
    { preHandler: staff, schema: { summary: 'ready for calls (示闲)', tags: ['acd'], params: Seat, response: SeatReply } },
    async (req) => {
      mayChange(req.params.seat, req.user!);
      acd.agentAction(req.params.seat, { type: 'ready' });
      return seatView(req.params.seat);
    },
  );

  app.post(
    '/agents/:seat/break',
    {
      preHandler: staff,
      schema: {
        summary: 'on a break (示忙); a ringing or talking seat goes on break after the call',
        tags: ['acd'],
        params: Seat,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 50 }) }, { additionalProperties: false }),
        response: SeatReply,
      },
    },
    async (req) => {
      mayChange(req.params.seat, req.user!);
      acd.agentAction(req.params.seat, { type: 'break', reason: req.body.reason });
      return seatView(req.params.seat);
    },
  );

  app.post(
    '/agents/:seat/logout',
    { preHandler: staff, schema: { summary: 'leave the seat (签出)', tags: ['acd'], params: Seat, response: SeatReply } },
    async (req) => {
      mayChange(req.params.seat, req.user!);
      acd.agentAction(req.params.seat, { type: 'logout' });
      holders.delete(req.params.seat);
      return seatView(req.params.seat);
    },
  );
};
