// Running a scenario against the simulated switch and counting what the switch saw. The
// controller decides what happens to each call; the simulator only places the citizens' calls,
// answers (or not) the legs the controller dials, and measures from its own timestamps.
import type { SimEvent } from '../contracts.js';
import type { Channel, SimEngine } from '../engine/index.js';
import type { PlannedCall } from './plan.js';
import type { AgentDesks, DeskResult, TransferOutcome } from './agent-desks.js';

export interface HotlineFigures {
  attempts: number;
  answered: number;
  answered_within_15s: number;
  /** ended by our side (controller or caller) before 15 s without an answer */
  cancelled: number;
  counted: number;
  /** answered_within_15s / counted; null when nothing counted */
  rate: number | null;
  /** far-end and timeout causes of unanswered attempts */
  failed: Record<string, number>;
}

export interface AgentFigures {
  offered: number;
  answered: number;
  not_answered: Record<string, number>;
}

export interface ScenarioSummary {
  measured_by: { simulator: string[]; controller: string[] };
  calls: {
    planned: number;
    offered: number;
    answered: number;
    bridged: number;
    abandoned: number;
    by_destination: Record<string, { offered: number; answered: number; bridged: number; abandoned: number }>;
  };
  service_level_12345: null;
  tickets_created: null;
  agents: Record<string, AgentFigures>;
  hotlines: Record<string, HotlineFigures>;
  transfer_requests: DeskResult[];
  unfinished_channels: number;
}

export interface RunOptions {
  /** seconds to wait after the last planned call for every channel to end */
  settleS?: number;
  /** hard stop, in seconds from the start */
  maxDurationS?: number;
  log?: (line: string) => void;
  /** the agents' desktops: performs each call's transfer_to through the controller's API */
  desks?: AgentDesks;
}

const WITHIN_S = 15;
/** Causes our side gives a leg it gives up on (uuid_kill, caller gone, parallel losers). */
const CANCEL_CAUSES = new Set(['ORIGINATOR_CANCEL', 'LOSE_RACE', 'NORMAL_CLEARING', 'MANAGER_REQUEST']);

const MEASURED_BY = {
  simulator: [
    'calls.* — inbound calls as the switch saw them (answered by the controller, bridged to another leg, abandoned = the caller hung up before any bridge)',
    'agents.* — legs the controller dialled to user/<id> and what the softphones did',
    "hotlines.* — legs dialled to sofia/gateway/<gw>/<number>; answer time = the leg's answer µs − its creation µs",
  ],
  controller: [
    'service_level_12345 — needs the queue entry time, which only the controller knows (GET /api/stats/service-level)',
    'tickets_created — the ticket store',
    "agent login and transfer_to — done through the controller's API as an agent desktop would",
  ],
};

function emptyHotline(): HotlineFigures {
  return { attempts: 0, answered: 0, answered_within_15s: 0, cancelled: 0, counted: 0, rate: null, failed: {} };
}

/** The number a gateway leg dials: sofia/gateway/<gw>/<number>. */
function gatewayNumber(endpoint: string): string | undefined {
  const parts = endpoint.split('/');
  return parts[0] === 'sofia' && parts[1] === 'gateway' ? parts.slice(3).join('/').split('@')[0] : undefined;
}

class Counters {
  readonly hotlines: Record<string, HotlineFigures> = {};
  readonly agents: Record<string, AgentFigures> = {};

  legFailed(leg: Channel | null, endpoint: string, cause: string): void {
    if (leg) return; // legs that existed are counted when destroyed
    const number = gatewayNumber(endpoint);
    if (number) {
      const h = (this.hotlines[number] ??= emptyHotline());
      h.attempts++;
      h.failed[cause] = (h.failed[cause] ?? 0) + 1;
    }
    const agent = /^user\/([^@]+)/.exec(endpoint)?.[1];
    if (agent) {
      const a = (this.agents[agent] ??= { offered: 0, answered: 0, not_answered: {} });
      a.offered++;
      a.not_answered[cause] = (a.not_answered[cause] ?? 0) + 1;
    }
  }

  legDestroyed(leg: Channel): void {
    const t = leg.profile.times;
    const number = leg.sim.endpoint ? gatewayNumber(leg.sim.endpoint) : undefined;
    if (number) this.hotlineLeg(number, leg, t.answered ? (t.answered - t.created) / 1e6 : null);
    if (leg.sim.agent) {
      const a = (this.agents[leg.sim.agent] ??= { offered: 0, answered: 0, not_answered: {} });
      a.offered++;
      if (t.answered) a.answered++;
      else a.not_answered[leg.hangupCause ?? 'NONE'] = (a.not_answered[leg.hangupCause ?? 'NONE'] ?? 0) + 1;
    }
  }

  private hotlineLeg(number: string, leg: Channel, answerS: number | null): void {
    const h = (this.hotlines[number] ??= emptyHotline());
    h.attempts++;
    if (answerS !== null) {
      h.answered++;
      if (answerS <= WITHIN_S) h.answered_within_15s++;
      return;
    }
    const livedS = (leg.profile.times.hungup - leg.profile.times.created) / 1e6;
    if (CANCEL_CAUSES.has(leg.hangupCause ?? '') && livedS < WITHIN_S) h.cancelled++;
    else h.failed[leg.hangupCause ?? 'NONE'] = (h.failed[leg.hangupCause ?? 'NONE'] ?? 0) + 1;
  }

  finish(): void {
    for (const h of Object.values(this.hotlines)) {
      h.counted = h.attempts - h.cancelled;
      h.rate = h.counted > 0 ? h.answered_within_15s / h.counted : null;
    }
  }
}

/** Presses a call's menu digits half a second after the first digit-collecting app starts on it. */
function menuPresser(engine: SimEngine, byUuid: Map<string, PlannedCall>): (event: SimEvent) => void {
  const pressed = new Set<string>();
  return (event) => {
    if (event.name !== 'CHANNEL_EXECUTE' || !event.channelUuid) return;
    const app = event.headers.find(([n]) => n === 'Application')?.[1];
    const call = byUuid.get(event.channelUuid);
    if (!call?.menuDigits || (app !== 'play_and_get_digits' && app !== 'read') || pressed.has(event.channelUuid)) return;
    pressed.add(event.channelUuid);
    const uuid = event.channelUuid;
    setTimeout(() => engine.channel(uuid)?.queueDtmf(call.menuDigits!), 500);
  };
}

export async function runScenario(engine: SimEngine, plan: PlannedCall[], opts: RunOptions = {}): Promise<ScenarioSummary> {
  const counters = new Counters();
  const placed = new Map<string, { call: PlannedCall; ch: Channel }>();
  const byUuid = new Map<string, PlannedCall>();
  const transfers = new Map<number, Promise<TransferOutcome>>();
  engine.observe({
    legFailed: (leg, endpoint, cause) => counters.legFailed(leg, endpoint, cause),
    channelDestroyed: (ch) => ch.direction === 'outbound' && counters.legDestroyed(ch),
  });
  engine.tap(menuPresser(engine, byUuid));
  const started = Date.now();
  const deadline = started + (opts.maxDurationS ?? Infinity) * 1000;
  for (const call of plan) {
    const wait = started + call.atS * 1000 - Date.now();
    if (wait > 0) await sleepUntil(Number.isFinite(deadline) ? Math.min(wait, deadline - Date.now()) : wait);
    if (Date.now() >= deadline) break;
    const ch = engine.placeCall({
      from: call.from,
      to: call.to,
      diversion: call.diversion,
      gateway: call.gateway,
      dtmf: call.presses,
      hangupAfterS: call.hangupAfterS,
      patienceS: call.patienceS,
    });
    placed.set(ch.uuid, { call, ch });
    byUuid.set(ch.uuid, call);
    if (call.transferTo && opts.desks)
      transfers.set(
        call.index,
        opts.desks.transfer(ch.uuid, call.transferTo, call.hangupAfterS ?? 300).catch(() => 'failed' as const),
      );
    opts.log?.(`call ${call.index}: ${call.from} → ${call.to} (${ch.uuid})`);
  }
  await settle(
    engine,
    [...placed.values()].map((p) => p.ch),
    opts.settleS ?? 30,
    deadline,
  );
  counters.finish();
  const outcomes = new Map<number, TransferOutcome>();
  for (const [index, outcome] of transfers) outcomes.set(index, await outcome);
  return summary(plan, [...placed.values()], counters, engine.channels.length, outcomes);
}

function sleepUntil(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * Waits for every placed call to end (or the deadline), then up to `settleS` for the legs the
 * controller left. The deadline timer is cleared once the calls end: left pending, it would keep
 * `cti sim` alive after the summary until the deadline (an hour after the last arrival by default).
 */
async function settle(engine: SimEngine, calls: Channel[], settleS: number, deadline: number): Promise<void> {
  const ended = Promise.all(calls.map((ch) => ch.destroyed));
  if (Number.isFinite(deadline)) {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
    await Promise.race([ended, expired]);
    clearTimeout(timer);
  } else {
    await ended;
  }
  const end = Math.min(Date.now() + settleS * 1000, deadline);
  while (engine.channels.length > 0 && Date.now() < end) await sleepUntil(50);
}

function summary(
  plan: PlannedCall[],
  placed: Array<{ call: PlannedCall; ch: Channel }>,
  counters: Counters,
  unfinished: number,
  outcomes: Map<number, TransferOutcome>,
): ScenarioSummary {
  const byDestination: ScenarioSummary['calls']['by_destination'] = {};
  const total = { offered: 0, answered: 0, bridged: 0, abandoned: 0 };
  for (const { call, ch } of placed) {
    const d = (byDestination[call.to] ??= { offered: 0, answered: 0, bridged: 0, abandoned: 0 });
    const answered = ch.profile.times.answered > 0;
    const bridged = ch.sim.everBridged === true;
    const abandoned = ch.sim.callerLeft === true && !bridged;
    for (const bucket of [d, total]) {
      bucket.offered++;
      if (answered) bucket.answered++;
      if (bridged) bucket.bridged++;
      if (abandoned) bucket.abandoned++;
    }
  }
  return {
    measured_by: MEASURED_BY,
    calls: { planned: plan.length, ...total, by_destination: byDestination },
    service_level_12345: null,
    tickets_created: null,
    agents: counters.agents,
    hotlines: counters.hotlines,
    transfer_requests: plan
      .filter((c) => c.transferTo)
      .map((c) => ({ call: c.index, from: c.from, to: c.transferTo!, performed_by: 'controller' as const, outcome: outcomes.get(c.index) ?? 'not_performed' })),
    unfinished_channels: unfinished,
  };
}
