// The wallboard's figures (大屏) as JSON at / until the web pages land: counts only, no caller
// numbers, so it can hang on a wall without a login. Everything is computed for the moment of
// the request from the same sources as the API (ACD, call records, stats, ticket lights).
import type { FastifyPluginAsync } from 'fastify';
import { shanghaiDateOf, formatShanghai } from '../calendar/index.js';
import type { CallDistributor } from '../acd/index.js';
import { AgentStateNames, type AgentStateName } from '../acd/index.js';
import type { Figures } from '../reports/index.js';
import type { TicketDesk } from '../tickets/index.js';

export interface WallboardOptions {
  acd: CallDistributor;
  figures: Figures;
  desk: TicketDesk;
  now: () => Date;
}

export const wallboardPlugin: FastifyPluginAsync<WallboardOptions> = async (app, opts) => {
  app.get('/', { schema: { hide: true } }, async () => {
    const now = opts.now();
    const nowMs = now.getTime();
    const today = { fromMs: Date.parse(`${shanghaiDateOf(now)}T00:00:00+08:00`), toMs: nowMs };
    const agents: Record<string, number> = {};
    for (const id of opts.acd.agentIds()) {
      const name = AgentStateNames[opts.acd.agentState(id).name as AgentStateName];
      agents[name] = (agents[name] ?? 0) + 1;
    }
    const waiting = opts.acd.waitingCalls();
    const sl = opts.figures.serviceLevels(today)[0]!;
    const plan = app.config.current.routing;
    const calls = app.db
      .prepare('SELECT outcome, count(*) AS n FROM calls WHERE started_us >= ? GROUP BY outcome')
      .all(today.fromMs * 1000) as Array<{ outcome: string | null; n: number }>;
    return {
      title: `${plan.centre.name} 实时监控`,
      at: formatShanghai(now),
      queue: { waiting: waiting.length, longest_wait_s: waiting.length ? Math.round((nowMs - Math.min(...waiting.map((c) => c.enteredMs))) / 1000) : 0 },
      agents,
      calls_today: Object.fromEntries(calls.map((c) => [c.outcome ?? 'in_progress', c.n])),
      service_level_today: { ...sl, target: `${plan.serviceLevel.targetRate * 100}% / ${plan.serviceLevel.answerTargetS} s` },
      transfer_answer_rate_24h: opts.figures
        .transferRates({ fromMs: nowMs - 86_400_000, toMs: nowMs })
        .filter((r) => r.attempts > 0)
        .map((r) => ({ hotline: r.hotline, name: r.name, counted: r.counted, rate: r.rate, below_target: r.rate !== null && r.rate < plan.transfer.targetRate })),
      tickets: opts.desk.summary(nowMs),
      api: '/docs',
    };
  });
};
