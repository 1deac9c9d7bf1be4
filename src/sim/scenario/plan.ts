// From a scenario file to what the simulator does: the engine's endpoints (agents, hotlines,
// seed) and the timed list of citizens' calls — the explicit ones, plus Poisson arrivals drawn
// from the traffic section with a generator seeded from the scenario seed.
import type { AgentBehaviour, Delay, HotlineBehaviour } from '../engine/endpoints.js';
import { exponential, seededRandom, type Random } from '../engine/prng.js';
import type { ScenarioDelay, ScenarioFile } from './schema.js';

export interface PlannedCall {
  /** position in the plan, for the summary */
  index: number;
  atS: number;
  from: string;
  to: string;
  /** digits pressed when the caller hears the menu (0.5 s after play_and_get_digits or read starts) */
  menuDigits?: string;
  /** digits pressed at fixed seconds after the call starts */
  presses?: Array<{ at_s: number; digits: string }>;
  hangupAfterS?: number;
  patienceS?: number;
  diversion?: string;
  gateway?: string;
  /** asked of the controller side; the switch only records it */
  transferTo?: string;
  source: 'calls' | 'traffic';
}

export interface EndpointSetup {
  seed: number;
  agents: AgentBehaviour[];
  hotlines: Record<string, HotlineBehaviour>;
}

const delay = (d: ScenarioDelay | undefined): Delay | undefined => d as Delay | undefined;

export function endpointSetup(s: ScenarioFile): EndpointSetup {
  return {
    seed: s.seed,
    agents: (s.agents ?? []).map((a) => ({
      id: a.id,
      answerAfterS: delay(a.answer_after_s),
      talkS: delay(a.talk_s),
      reject: a.reject,
      busy: a.busy,
      registered: a.registered,
    })),
    hotlines: Object.fromEntries(
      Object.entries(s.hotlines ?? {}).map(([number, h]) => [
        number,
        {
          answerAfterS: delay(h.answer_after_s)!,
          talkS: delay(h.talk_s),
          busy: h.busy,
          unreachable: h.unreachable,
          earlyMedia: h.early_media,
        },
      ]),
    ),
  };
}

/** The seed of the traffic draws differs from the endpoints' so that neither shifts the other. */
const TRAFFIC_SEED_SALT = 0x5eed;

export function planCalls(s: ScenarioFile): PlannedCall[] {
  const calls: PlannedCall[] = (s.calls ?? []).map((c) => ({
    index: 0,
    atS: c.at_s,
    from: c.from,
    to: c.to,
    menuDigits: typeof c.dtmf === 'string' ? c.dtmf : undefined,
    presses: Array.isArray(c.dtmf) ? c.dtmf : undefined,
    hangupAfterS: c.hangup_after_s,
    patienceS: c.patience_s,
    diversion: c.diversion,
    gateway: c.gateway,
    transferTo: c.transfer_to,
    source: 'calls',
  }));
  if (s.traffic) calls.push(...trafficCalls(s.traffic, seededRandom((s.seed ^ TRAFFIC_SEED_SALT) >>> 0)));
  calls.sort((a, b) => a.atS - b.atS);
  calls.forEach((c, i) => (c.index = i));
  return calls;
}

function trafficCalls(traffic: NonNullable<ScenarioFile['traffic']>, random: Random): PlannedCall[] {
  const calls: PlannedCall[] = [];
  const endS = traffic.hours * 3600;
  const turns = new Map<string, number>();
  const draw = (d: ScenarioDelay | undefined, key: string) =>
    d === undefined
      ? undefined
      : seconds(d, random, () => {
          const n = turns.get(key) ?? 0;
          turns.set(key, n + 1);
          return n;
        });
  for (let at = exponential(random, traffic.per_hour / 3600); at < endS; at += exponential(random, traffic.per_hour / 3600)) {
    calls.push({
      index: 0,
      atS: at,
      from: `13${String(Math.floor(random.next() * 1e9)).padStart(9, '0')}`,
      to: weighted(traffic.mix, random),
      menuDigits: traffic.dtmf ? weighted(traffic.dtmf, random) : undefined,
      hangupAfterS: draw(traffic.hangup_after_s, 'hangup'),
      patienceS: draw(traffic.patience_s, 'patience'),
      source: 'traffic',
    });
  }
  return calls;
}

function seconds(d: ScenarioDelay, random: Random, turn: () => number): number {
  if (typeof d === 'number') return d;
  if (Array.isArray(d)) return d[turn() % d.length] ?? 0;
  return d.min + (d.max - d.min) * random.next();
}

/** A key drawn with probability proportional to its weight. */
function weighted(weights: Record<string, number>, random: Random): string {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let r = random.next() * total;
  for (const [key, w] of entries) {
    if ((r -= w) < 0) return key;
  }
  return entries[entries.length - 1]![0];
}
