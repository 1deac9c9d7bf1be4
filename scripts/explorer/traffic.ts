// The random traffic of one seed: citizens' calls (where they call, when they press keys, when
// they give up), the seats' and departments' behaviour, what agents do on the desktop mid-call
// (transfers of every kind, hold, breaks), and the faults (the controller killed and restarted,
// the ESL link dropped). Everything is drawn from the seed up front, so a subset of the items
// (`keep`) replays exactly what the full traffic did for them.
import type { AgentBehaviour, HotlineBehaviour } from '../../src/sim/engine/index.js';
import { seededRandom } from '../../src/sim/engine/index.js';

type Random = () => number;

export interface CallItem {
  id: string;
  kind: 'call';
  index: number;
  atMs: number;
  from: string;
  to: string;
  diversion?: string;
  network?: string;
  dtmf: Array<{ at_s: number; digits: string }>;
  hangupAfterS?: number;
  patienceS?: number;
}

export type DeskKind = 'warm' | 'blind' | 'three_way' | 'emergency' | 'linkage' | 'complete' | 'cancel' | 'join' | 'hold' | 'resume' | 'break' | 'ready';

/** Something an agent does on the desktop; it acts on whatever the seat is doing then. */
export interface DeskItem {
  id: string;
  kind: 'desk';
  atMs: number;
  seat: string;
  action: DeskKind;
  /** the number dialled for a transfer */
  number?: string;
}

export interface FaultItem {
  id: string;
  kind: 'fault';
  atMs: number;
  /**
   * kill: the controller dies at a quiet instant; drop-esl: the network drops the inbound link
   * and refuses its reconnects for `downMs`; kill-at-accept: the controller dies just after it
   * accepts the next call's socket, before it sends `connect` (the dead air before connect: the
   * dialplan's socket_resume must bring the caller to the fallback); reload: an admin edits
   * seats' skills in routing.yaml and the server reloads it; drop-esl-at-answer: as drop-esl,
   * just as the next transfer leg the controller originated is answered, so that the answer and
   * the originate's reply are lost with the link
   */
  fault: 'kill' | 'drop-esl' | 'kill-at-accept' | 'reload' | 'drop-esl-at-answer';
  /** how long the controller stays dead, or its inbound link down, before it is back */
  downMs: number;
}

const FAULT_KINDS: readonly FaultItem['fault'][] = ['kill', 'drop-esl', 'kill-at-accept', 'reload', 'drop-esl-at-answer'];

export type TrafficItem = CallItem | DeskItem | FaultItem;

export interface Traffic {
  seed: number;
  items: TrafficItem[];
  agents: AgentBehaviour[];
  hotlines: Record<string, HotlineBehaviour>;
  /** seats logged in and ready when the run starts */
  readySeats: string[];
}

export interface TrafficShape {
  calls: number;
  /** mean seconds between arrivals */
  meanGapS: number;
  /** the seats of routing.yaml */
  seats: string[];
  direct: string[];
  parallel: string[];
  emergency: string[];
  linkage: string[];
}

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const between = (r: Random, lo: number, hi: number) => lo + r() * (hi - lo);
const round1 = (x: number) => Math.round(x * 10) / 10;

export function generateTraffic(seed: number, shape: TrafficShape): Traffic {
  const source = seededRandom(seed);
  const r: Random = () => source.next();
  const agents = shape.seats.map((id) => seatBehaviour(r, id));
  // one softphone is not registered in every run (the agent logged in on the desktop only)
  pick(r, agents).registered = false;
  const hotlines: Record<string, HotlineBehaviour> = {};
  for (const n of [...shape.parallel, ...shape.emergency, ...shape.linkage]) hotlines[n] = hotlineBehaviour(r);
  const readySeats = shape.seats.filter(() => r() < 0.75);
  const items: TrafficItem[] = [];
  let at = 1000;
  for (let i = 0; i < shape.calls; i++) {
    at += Math.round(-Math.log(1 - r()) * shape.meanGapS * 1000);
    items.push(callItem(r, i, at, shape));
  }
  const endMs = at;
  // desk work: about one action per call, at random instants, on random seats
  for (let i = 0; i < shape.calls; i++) items.push(deskItem(r, i, Math.round(between(r, 1000, endMs)), shape));
  // faults: about one per 100 calls, the kinds in turn
  const faults = Math.max(FAULT_KINDS.length, Math.round(shape.calls / 100));
  for (let i = 0; i < faults; i++) {
    items.push({
      id: `f${i}`,
      kind: 'fault',
      atMs: Math.round(between(r, 5000, endMs)),
      fault: FAULT_KINDS[i % FAULT_KINDS.length]!,
      downMs: Math.round(between(r, 200, 30_000)),
    });
  }
  items.sort((a, b) => a.atMs - b.atMs || a.id.localeCompare(b.id));
  return { seed, items, agents, hotlines, readySeats };
}

/** A softphone: mostly answers, sometimes declines, is busy, rings out or is not registered. */
function seatBehaviour(r: Random, id: string): AgentBehaviour {
  return {
    id,
    registered: r() > 0.04,
    // beyond agent_ring_s (20 s) the ring times out: no answer
    answerAfterS: { dist: 'uniform', min: 0.5, max: between(r, 3, 26) },
    talkS: { dist: 'uniform', min: 2, max: between(r, 30, 300) },
    reject: r() < 0.4 ? round1(between(r, 0.05, 0.3)) : 0,
    busy: r() < 0.3 ? round1(between(r, 0.05, 0.2)) : 0,
    // a person answers one call at a time (the fallback rings every seat, talking or not)
    oneCallAtATime: true,
  };
}

/** A department's number: answers late or early, with or without early media, busy, unreachable. */
function hotlineBehaviour(r: Random): HotlineBehaviour {
  return {
    // beyond transfer.ring_timeout_s (30 s) it rings out
    answerAfterS: { dist: 'uniform', min: 0.5, max: between(r, 5, 40) },
    earlyMedia: r() < 0.6,
    talkS: { dist: 'uniform', min: 3, max: between(r, 20, 200) },
    busy: round1(between(r, 0, 0.2)),
    unreachable: round1(between(r, 0, 0.1)),
  };
}

function callItem(r: Random, index: number, atMs: number, shape: TrafficShape): CallItem {
  const from = `139${String(10_000_000 + Math.floor(r() * 89_999_999)).slice(0, 8)}`;
  const item: CallItem = { id: `c${index}`, kind: 'call', index, atMs, from, to: '12345', dtmf: [] };
  const where = r();
  if (where < 0.1) item.to = pick(r, shape.direct);
  else if (where < 0.2) item.to = pick(r, shape.parallel);
  else if (where < 0.25) item.diversion = pick(r, shape.direct);
  else if (where < 0.29)
    item.network = '10.20.30.7'; // the 110 platform's link
  else if (where < 0.31) item.to = '99999999'; // a number nobody publishes
  // keys at any instant: the menu's, the survey's, the call-back offer's, and stray ones
  const presses = Math.floor(r() * 4);
  for (let k = 0; k < presses; k++)
    item.dtmf.push({ at_s: round1(between(r, 0.2, 260)), digits: pick(r, ['1', '1', '2', '9', '3', '1', '2', '5', '#', '*', '0']) });
  if (r() < 0.5) item.dtmf.push({ at_s: round1(between(r, 0.5, 6)), digits: pick(r, ['1', '2', '9']) });
  // an answer to the call-back offer (after acd.max_wait_s, 180 s): call me back, a message, wait on
  if (r() < 0.3) item.dtmf.push({ at_s: round1(between(r, 178, 200)), digits: pick(r, ['1', '3', '2']) });
  item.dtmf.sort((a, b) => a.at_s - b.at_s);
  const leave = r();
  if (leave < 0.35) item.hangupAfterS = round1(between(r, 0.1, 400));
  else if (leave < 0.8) item.patienceS = round1(between(r, 5, 400));
  // nobody stays on for ever: a last hang-up bounds every call
  item.hangupAfterS = Math.min(item.hangupAfterS ?? Infinity, round1(between(r, 600, 1500)));
  return item;
}

function deskItem(r: Random, i: number, atMs: number, shape: TrafficShape): DeskItem {
  const seat = pick(r, shape.seats);
  const action = pick<DeskKind>(r, [
    'warm',
    'warm',
    'blind',
    'three_way',
    'emergency',
    'linkage',
    'complete',
    'complete',
    'cancel',
    'join',
    'hold',
    'resume',
    'break',
    'ready',
    'ready',
  ]);
  const item: DeskItem = { id: `d${i}`, kind: 'desk', atMs, seat, action };
  if (action === 'warm' || action === 'blind' || action === 'three_way') item.number = pick(r, shape.parallel);
  else if (action === 'emergency') item.number = pick(r, shape.emergency);
  else if (action === 'linkage') item.number = pick(r, shape.linkage);
  return item;
}

/** Only the items named (shrinking and replays); all when `keep` is undefined. */
export function keepItems(t: Traffic, keep: ReadonlySet<string> | undefined): Traffic {
  return keep ? { ...t, items: t.items.filter((i) => keep.has(i.id)) } : t;
}
