// The far ends the simulated switch can dial: registered softphones (`user/<id>`) and the
// carrier gateway's numbers (`sofia/gateway/<name>/<number>`: department hotlines, emergency
// lines). Each endpoint answers by a behaviour drawn from a seeded generator, so one seed
// gives one run. What the switch does with the answer (events, causes) is originate.ts.
// Besides those models, calls the switch places to itself: `loopback/<exten>[/<context>[/<dialplan>]]`
// (mod_loopback), a directory user whose own dial-string names another endpoint (mod_dptools
// user_outgoing_channel), and a gateway whose far end is a profile of this same switch; their
// far end is this switch's own dialplan (pairs.ts), not a behaviour.
import type { Random } from './prng.js';
import type { CauseName } from './causes.js';

/** A time in seconds: fixed, a list used in turn, or a uniform draw. */
export type Delay = number | number[] | { dist: 'uniform'; min: number; max: number };

export interface AgentBehaviour {
  id: string;
  /** softphone registered (default true); unregistered users fail with USER_NOT_REGISTERED */
  registered?: boolean;
  /** seconds of ringing before the agent answers; absent: the agent is driven step by step */
  answerAfterS?: Delay;
  /** seconds of talk after answering, then the agent hangs up; absent: never hangs up by itself */
  talkS?: Delay;
  /** probability that the softphone declines (603 → CALL_REJECTED) */
  reject?: number;
  /** probability that the phone is busy / do-not-disturb (486 → USER_BUSY) */
  busy?: number;
  /**
   * the agent takes one call at a time: while one of this agent's legs is answered, a new call
   * gets 486 (USER_BUSY), as a softphone without call waiting answers; default false (the
   * phone rings and the agent's behaviour decides)
   */
  oneCallAtATime?: boolean;
}

export interface HotlineBehaviour {
  answerAfterS: Delay;
  /**
   * the carrier plays ringback as early media (183 Session Progress with SDP) instead of a 180;
   * default true, as PSTN numbers reached through a trunk usually do
   */
  earlyMedia?: boolean;
  talkS?: Delay;
  /** probability of a busy signal (USER_BUSY) */
  busy?: number;
  /** probability that the number cannot be reached (NORMAL_TEMPORARY_FAILURE, a 503 from the carrier) */
  unreachable?: number;
}

/** What one dialled leg will do, decided when it is created. */
export type LegPlan =
  /** rings, then answers after `answerAfterMs`; talks `talkMs` (undefined: until someone hangs up) */
  (
    | { kind: 'answer'; ringAfterMs: number; answerAfterMs: number; talkMs?: number; busyThen?: () => boolean }
    /** rings (or not), then fails with `cause` */
    | { kind: 'fail'; ringAfterMs: number | null; failAfterMs: number; cause: CauseName }
    /** rings until a test drives it (agent handle) or the originate times out */
    | { kind: 'manual'; ringAfterMs: number; talkMs?: number }
    /** no timers: the other leg of a pair (its dialplan) rings, answers and hangs up */
    | { kind: 'remote'; ringAfterMs: null }
  ) & {
    /** the ring is early media (CHANNEL_PROGRESS_MEDIA) rather than a 180 (CHANNEL_PROGRESS) */
    early?: boolean;
  };

/** No leg at all: the endpoint refuses before a channel exists (error/<cause>, unregistered user). */
export interface Refusal {
  refused: CauseName;
}

/** The far end of a call the switch places to itself (see pairs.ts). */
export type PairTarget =
  /** mod_loopback: a -b leg routed in `context` */
  | { kind: 'loopback'; context: string; dialplan: string }
  /** a gateway pointing at a profile of this switch: an inbound leg on `profile`, routed in `context` */
  | { kind: 'sip'; profile: string; context: string; address: string };

/** A gateway whose proxy is a sofia profile of this same switch (an unattended test box). */
export interface LocalFarEnd {
  /** the profile the gateway's INVITEs arrive on */
  profile: string;
  /** that profile's dialplan context */
  context: string;
  /** the address the INVITEs come from (default 127.0.0.1) */
  address?: string;
}

/** A directory user with a dial-string of its own: the endpoint dials that string (user_outgoing_channel). */
export interface DirectoryUser {
  directory: { user: string; domain: string; dialString: string };
}

export interface EndpointTarget {
  /** channel name FreeSWITCH would give the leg */
  channelName: string;
  /** caller-profile destination number of the new leg */
  destination: string;
  /** variables the endpoint module sets on the leg (dialed_user, sip_gateway_name, ...) */
  vars: Array<[string, string]>;
  plan: LegPlan;
  /** the agent id when the leg rings a softphone */
  agent?: string;
  /** the call goes back into this switch: the other leg is made when this one starts */
  pair?: PairTarget;
}

export interface EndpointOptions {
  agents: AgentBehaviour[];
  hotlines: Record<string, HotlineBehaviour>;
  /** behaviour of gateway numbers not listed in `hotlines` */
  defaultHotline: HotlineBehaviour;
  /** gateways that exist (sofia profile gateways); others give INVALID_GATEWAY */
  gateways: string[];
  domain: string;
  random: Random;
  /** directory users with their own dial-string (user id → dial-string); the others are softphones */
  directory?: Record<string, string>;
  /** gateways whose far end is a profile of this switch */
  farEnds?: Record<string, LocalFarEnd>;
  /** whether one of the agent's legs is answered and up now (for oneCallAtATime) */
  talking?: (agentId: string) => boolean;
}

/** Seconds from a Delay; lists advance with each call through `turn`. */
export function drawSeconds(delay: Delay, random: Random, turn: () => number): number {
  if (typeof delay === 'number') return delay;
  if (Array.isArray(delay)) return delay.length === 0 ? 0 : (delay[turn() % delay.length] ?? 0);
  return delay.min + (delay.max - delay.min) * random.next();
}

/** The phone's ring starts shortly after the INVITE (180 Ringing). */
const RING_AFTER_MS = 100;
/** Refusals from the far end come back after about this long. */
const REFUSE_AFTER_MS = 300;

export class Endpoints {
  private readonly agents = new Map<string, AgentBehaviour>();
  private readonly turns = new Map<string, number>();

  constructor(private readonly opts: EndpointOptions) {
    for (const a of opts.agents) this.agents.set(a.id, { ...a });
  }

  agent(id: string): AgentBehaviour | undefined {
    return this.agents.get(id);
  }

  /** Registers (or re-registers) a softphone; a test can add agents the scenario did not list. */
  setAgent(behaviour: AgentBehaviour): void {
    this.agents.set(behaviour.id, { ...behaviour });
  }

  get domain(): string {
    return this.opts.domain;
  }

  /** The leg a dial-string endpoint gives, or why no leg is created. */
  resolve(endpoint: string): EndpointTarget | Refusal | DirectoryUser {
    const [kind, ...rest] = endpoint.split('/');
    if (kind === 'error') return { refused: (rest[0] ?? 'NORMAL_CLEARING').toUpperCase() };
    if (kind === 'user') return this.user(rest.join('/'));
    if (kind === 'loopback') return loopback(rest.join('/'));
    if (kind === 'sofia' && rest[0] === 'gateway') return this.gateway(rest[1] ?? '', rest.slice(2).join('/'));
    // mod_sofia resolves sofia/<profile>/<user> against registrations like user/ does.
    if (kind === 'sofia' && rest.length >= 2) return this.user(rest.slice(1).join('/'));
    return { refused: 'CHAN_NOT_IMPLEMENTED' };
  }

  private user(target: string): EndpointTarget | Refusal | DirectoryUser {
    const [id = '', domain = this.opts.domain] = target.split('@');
    const dialString = this.opts.directory?.[id];
    if (dialString !== undefined) return { directory: { user: id, domain, dialString } };
    const agent = this.agents.get(id);
    // Not in the directory: user_outgoing_channel gives SUBSCRIBER_ABSENT. In the directory
    // but not registered: the dial-string expands to error/user_not_registered.
    if (!agent) return { refused: 'SUBSCRIBER_ABSENT' };
    if (agent.registered === false) return { refused: 'USER_NOT_REGISTERED' };
    const vars: Array<[string, string]> = [
      ['dialed_user', id],
      ['dialed_domain', domain],
      ['presence_id', `${id}@${domain}`],
    ];
    return { channelName: `sofia/internal/${id}@${domain}`, destination: id, vars, plan: this.agentPlan(agent), agent: id };
  }

  private agentPlan(agent: AgentBehaviour): LegPlan {
    const random = this.opts.random;
    const talkMs = agent.talkS === undefined ? undefined : 1000 * drawSeconds(agent.talkS, random, this.turn(`talk:${agent.id}`));
    const inCall = agent.oneCallAtATime === true && this.opts.talking?.(agent.id) === true;
    if (chance(random, agent.busy) || inCall) return { kind: 'fail', ringAfterMs: null, failAfterMs: REFUSE_AFTER_MS, cause: 'USER_BUSY' };
    if (agent.answerAfterS === undefined) return { kind: 'manual', ringAfterMs: RING_AFTER_MS, talkMs };
    const answerAfterMs = 1000 * drawSeconds(agent.answerAfterS, random, this.turn(`answer:${agent.id}`));
    if (chance(random, agent.reject)) return { kind: 'fail', ringAfterMs: RING_AFTER_MS, failAfterMs: answerAfterMs, cause: 'CALL_REJECTED' };
    // rung on several lines at once (the fallback), the person picks up one and lets the rest ring
    const busyThen = agent.oneCallAtATime ? () => this.opts.talking?.(agent.id) === true : undefined;
    return { kind: 'answer', ringAfterMs: RING_AFTER_MS, answerAfterMs, talkMs, ...(busyThen ? { busyThen } : {}) };
  }

  private gateway(name: string, number: string): EndpointTarget | Refusal {
    if (!this.opts.gateways.includes(name)) return { refused: 'INVALID_GATEWAY' };
    const far = this.opts.farEnds?.[name];
    if (far) {
      const pair: PairTarget = { kind: 'sip', profile: far.profile, context: far.context, address: far.address ?? '127.0.0.1' };
      return {
        channelName: `sofia/gateway/${name}/${number}`,
        destination: number,
        vars: [['sip_gateway_name', name]],
        plan: { kind: 'remote', ringAfterMs: null },
        pair,
      };
    }
    const behaviour = this.opts.hotlines[number] ?? this.opts.defaultHotline;
    const vars: Array<[string, string]> = [['sip_gateway_name', name]];
    return { channelName: `sofia/gateway/${name}/${number}`, destination: number, vars, plan: this.hotlinePlan(number, behaviour) };
  }

  private hotlinePlan(number: string, h: HotlineBehaviour): LegPlan {
    const random = this.opts.random;
    // One draw decides the outcome, so adding a busy rate does not shift the unreachable draws.
    const draw = random.next();
    const unreachable = h.unreachable ?? 0;
    if (draw < unreachable) return { kind: 'fail', ringAfterMs: null, failAfterMs: REFUSE_AFTER_MS, cause: 'NORMAL_TEMPORARY_FAILURE' };
    if (draw < unreachable + (h.busy ?? 0)) return { kind: 'fail', ringAfterMs: null, failAfterMs: REFUSE_AFTER_MS, cause: 'USER_BUSY' };
    const answerAfterMs = 1000 * drawSeconds(h.answerAfterS, random, this.turn(`answer:${number}`));
    const talkMs = h.talkS === undefined ? undefined : 1000 * drawSeconds(h.talkS, random, this.turn(`talk:${number}`));
    return { kind: 'answer', ringAfterMs: RING_AFTER_MS, answerAfterMs, talkMs, early: h.earlyMedia ?? true };
  }

  /** A counter per key, for delays given as a list used in turn. */
  private turn(key: string): () => number {
    return () => {
      const n = this.turns.get(key) ?? 0;
      this.turns.set(key, n + 1);
      return n;
    };
  }
}

/**
 * mod_loopback.c channel_outgoing_channel: the text after `loopback/` is the destination; a `/`
 * starts the context and a second one the dialplan (empty: `default`, `xml`); the leg is named
 * `loopback/<destination>-a`. The `app=<app>[:<arg>]` form (one application instead of a
 * dialplan) is not simulated.
 */
function loopback(target: string): EndpointTarget | Refusal {
  if (target.toLowerCase().startsWith('app=')) return { refused: 'CHAN_NOT_IMPLEMENTED' };
  const [destination = '', afterDestination = ''] = splitOnce(target, '/');
  const [context = '', dialplan = ''] = splitOnce(afterDestination, '/');
  return {
    channelName: `loopback/${destination}-a`,
    destination,
    vars: [],
    plan: { kind: 'remote', ringAfterMs: null },
    pair: { kind: 'loopback', context: context || 'default', dialplan: dialplan || 'xml' },
  };
}

function splitOnce(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function chance(random: Random, p: number | undefined): boolean {
  return p !== undefined && p > 0 && random.next() < p;
}
