// The wallboard's figures (大屏) as JSON at /api/wallboard, read by the wallboard page: counts
// only, no caller numbers, so a wall screen can show them without a login. Everything is
// computed for the moment of the request from the same sources as the API (ACD, call records,
// stats, ticket lights), and each figure comes with its window, what it rests on and its
// definition in Chinese (docs/figures.md), as supervisors read them off the wall.
import type { FastifyPluginAsync } from 'fastify';
import { shanghaiDateOf, formatShanghai } from '../calendar/index.js';
import type { CallDistributor } from '../acd/index.js';
import { AgentStateNames, type AgentStateName } from '../acd/index.js';
import type { RoutingPlan } from '../config/index.js';
import {
  alertRuleText,
  combinedCounts,
  openAlerts,
  serviceLevelBasis,
  serviceLevelDefinition,
  transferBasis,
  transferRateDefinition,
  type Figures,
  type Range,
  WallboardAnswer,
} from '../reports/index.js';
import type { Db } from '../store/index.js';
import type { CallLog } from '../call/index.js';
import type { TicketDesk } from '../tickets/index.js';

export interface WallboardOptions {
  acd: CallDistributor;
  calls: CallLog;
  figures: Figures;
  desk: TicketDesk;
  now: () => Date;
}

const DAY_MS = 86_400_000;
const windowOf = (r: Range) => ({ from: formatShanghai(new Date(r.fromMs)), to: formatShanghai(new Date(r.toMs)) });

/** Every hour of today so far, empty hours included, so the day's chart has no gaps. */
function hoursToday(today: Range, measuredHours: ReturnType<Figures['queueCounts']>) {
  const measured = new Map(measuredHours.map((h) => [h.period, h]));
  const date = shanghaiDateOf(new Date(today.fromMs));
  const hours = Math.floor((today.toMs - today.fromMs) / 3_600_000) + 1;
  return Array.from({ length: Math.min(hours, 24) }, (_, i) => {
    const hour = `${date}T${String(i).padStart(2, '0')}:00`;
    const h = measured.get(hour);
    return { hour, offered: h?.offered ?? 0, answered: h?.answered ?? 0, abandoned: h?.abandoned ?? 0, rate: h?.rate ?? null };
  });
}

/** Today's 12345 service level (the day is the sum of its hours), stated with its basis. */
function serviceLevelToday(plan: RoutingPlan, today: Range, hours: ReturnType<Figures['queueCounts']>) {
  const day = combinedCounts(hours);
  const { targetRate, answerTargetS } = plan.serviceLevel;
  return {
    ...day,
    target: `${targetRate * 100}% / ${answerTargetS} s`,
    target_rate: targetRate,
    window: windowOf(today),
    basis: serviceLevelBasis('今日 00:00 起', day),
    definition: serviceLevelDefinition(plan),
  };
}

/** Each parallel hotline with a transfer in the last 24 h: its rate, legs ringing now, and an open alert. */
function transfers24h(db: Db, figures: Figures, plan: RoutingPlan, nowMs: number) {
  const range = { fromMs: nowMs - DAY_MS, toMs: nowMs };
  const rows = figures.transferCounts(range, nowMs).filter((r) => r.attempts > 0);
  const alerts = new Map(openAlerts(db).map((a) => [a.subject, a]));
  const sum = (k: 'counted' | 'answered_within_15s' | 'ringing' | 'cancelled') => rows.reduce((n, r) => n + r[k], 0);
  const items = rows.map((r) => ({
    hotline: r.hotline,
    name: r.name,
    counted: r.counted,
    answered_within_15s: r.answered_within_15s,
    rate: r.rate,
    ringing: r.ringing,
    ringing_longest_s: r.ringing_longest_s,
    cancelled: r.cancelled,
    below_target: r.rate !== null && r.rate < plan.transfer.targetRate,
    alert_since: alerts.has(r.hotline) ? formatShanghai(new Date(alerts.get(r.hotline)!.opened_ms)) : null,
    basis: transferBasis('近24小时', r),
  }));
  return {
    window: windowOf(range),
    target_rate: plan.transfer.targetRate,
    basis: transferBasis('近24小时', {
      counted: sum('counted'),
      answered_within_15s: sum('answered_within_15s'),
      ringing: sum('ringing'),
      cancelled: sum('cancelled'),
    }),
    definition: transferRateDefinition(plan),
    alert_rule: alertRuleText(plan),
    items,
  };
}

export const wallboardPlugin: FastifyPluginAsync<WallboardOptions> = async (app, opts) => {
  const agentCounts = () => {
    const byState: Record<string, number> = {};
    for (const id of opts.acd.agentIds()) {
      const name = AgentStateNames[opts.acd.agentState(id).name as AgentStateName];
      byState[name] = (byState[name] ?? 0) + 1;
    }
    return byState;
  };

  const summary = 'wallboard figures (no login; counts only)';
  app.get('/api/wallboard', { schema: { tags: ['stats'], summary, security: [], response: { 200: WallboardAnswer } } }, async () => {
    const now = opts.now();
    const nowMs = now.getTime();
    const today = { fromMs: Date.parse(`${shanghaiDateOf(now)}T00:00:00+08:00`), toMs: nowMs };
    const waiting = opts.acd.queueSummary(nowMs);
    const plan = app.config.current.routing;
    // one reading of today's queue, by hour; the day is their sum
    const hours = opts.figures.queueCounts(today, 'hour');
    return {
      title: `${plan.centre.name} 实时监控`,
      at: formatShanghai(now),
      queue: { waiting: waiting.waiting, longest_wait_s: Math.round(waiting.longestWaitMs / 1000) },
      agents: agentCounts(),
      calls_today: opts.calls.outcomesSince(today.fromMs * 1000),
      service_level_today: serviceLevelToday(plan, today, hours),
      hours_today: hoursToday(today, hours),
      transfer_answer_rate_24h: transfers24h(app.db, opts.figures, plan, nowMs),
      tickets: opts.desk.summary(nowMs),
      api: '/docs',
    };
  });
};
