// Recovery after a controller restart (issue: controller). While the controller was away,
// FreeSWITCH kept its calls: each one's socket dropped and the dialplan ran on into the
// fallback (answer, ring every seat). On reconnect the controller reads `show channels as
// json`, opens a record for every inbound call it has none for (a call it had taken keeps its
// record: ids are FreeSWITCH's Unique-IDs, so nothing is duplicated), drops queue entries and
// agent states that belong to calls no longer under its control, and follows the adopted
// calls to their end through the inbound connection's events. That connection normally passes
// only the legs the controller originates (a caller's events reach its own socket session), so
// while adopted calls live it is widened to callers' legs too, from before `show channels` on:
// an adopted call that ends between the listing and the widening would otherwise stay open.
// A talk the controller had started outlives it (talk-guard.ts) and is adopted the same way: its
// seat is on the call until the agent's leg ends, and the survey FreeSWITCH then asks
// (exec_after_bridge_app) is read from the caller's CHANNEL_HANGUP_COMPLETE (cti_survey).
// Two things nobody else would ever move are moved here (rescue): a caller the listener's end
// reset outside the socket app, and a leg the controller parked for a call no longer its own.
import type { Logger } from 'pino';
import type { RoutingPlan } from '../config/index.js';
import type { CallDistributor } from '../acd/index.js';
import type { EslEvent } from '../esl/index.js';
import { ENDED_UNSEEN, type CallOpen, type CallRecords, type Outcome } from './call-records.js';
import { FALLBACK_EXTENSION, ipv4NetworkPattern } from '../dialplan/index.js';
import { divertedHotline } from '../routing/index.js';

/** The priority of a call that is not the 110 platform's (the dialplan's cti_priority). */
const DEFAULT_PRIORITY = 5;
/** How long a channel seen in CS_RESET must stay there to count as stuck. */
const RESET_SETTLE_MS = 1000;

interface ChannelRow {
  uuid: string;
  /** the channel's name (sofia/internal/1001@domain); `show channels` only */
  name?: string;
  direction: string;
  created_epoch: string;
  cid_num: string;
  /** the caller profile's network_addr: the address the INVITE came from (sofia) */
  ip_addr?: string;
  initial_ip_addr?: string;
  dest: string;
  /** the number first dialled: `dest` is cti_fallback once the dialplan transferred the call there */
  initial_dest?: string;
  context: string;
  /** the channel's running state (CS_EXECUTE, CS_PARK, CS_RESET, …) */
  state?: string;
  /** the last application it ran (park for `&park()`) */
  application?: string;
  /** `show calls` only: the bridged peer, empty for a channel in no bridge */
  b_uuid?: string;
  b_name?: string;
  b_presence_id?: string;
  b_created_epoch?: string;
}

/** The seat of a channel named sofia/internal/1001@domain, if it is one of ours. */
function seatOfName(name: string | undefined, seats: readonly string[]): string | null {
  const id = /^[^/]+\/[^/]+\/([^@]+)@/.exec(name ?? '')?.[1];
  return id && seats.includes(id) ? id : null;
}

/** The seat a b-leg rings: user/1001 becomes sofia/internal/1001@domain, presence 1001@domain. */
function seatOf(row: ChannelRow, seats: readonly string[]): string | null {
  const presence = row.b_presence_id?.split('@')[0];
  return presence && seats.includes(presence) ? presence : seatOfName(row.b_name, seats);
}

/**
 * A channel's answer time from any of its events (Caller-Channel-Answered-Time, µs; 0 while
 * unanswered). A transfer's new caller profile keeps it (switch_channel.c
 * switch_channel_set_caller_profile), so a caller's last event carries its first answer.
 */
function answeredUsOf(e: EslEvent): number | null {
  const us = Number(e.get('Caller-Channel-Answered-Time'));
  return Number.isFinite(us) && us > 0 ? us : null;
}

/** The inbound connection, as adoption uses it. */
export interface AdoptionLink {
  api(command: string): Promise<string>;
  /** on: pass every caller leg's events too, until off (this connection only) */
  followCallers(on: boolean): Promise<void>;
}

export class CallAdoption {
  /**
   * adopted call id → answered by someone in FreeSWITCH's fallback, and at which seat; `known`:
   * the outcome the record already had (a call we had taken and put through before we went
   * away), which nothing seen afterwards may replace by a guess
   */
  private readonly adopted = new Map<
    string,
    { answered: boolean; seat: string | null; answeredUs: number | null; known: Outcome | null; department?: boolean; agentLeg?: string }
  >();
  /** each leg of a bridged pair we originated for a call no longer ours → the other leg */
  private readonly orphanPairs = new Map<string, string>();
  /** each leg of such a pair where one leg is a seat's → that seat and the call it was for */
  private readonly orphanSeats = new Map<string, { seat: string; owner: string }>();
  /** the seat's leg of an adopted talk → the call: the seat is free when that leg ends */
  private readonly seatLegs = new Map<string, string>();
  /** police_diversion.networks as one regex, for the plan it was made from */
  private policeNetworks: { plan: RoutingPlan; regex: RegExp | null } | null = null;
  private link: AdoptionLink | undefined;
  /** a run is listing and adopting: it decides the widening when it ends */
  private running = false;

  constructor(
    private readonly records: CallRecords,
    private readonly acd: CallDistributor,
    private readonly plan: () => RoutingPlan,
    private readonly log: Logger,
    /** a survey score FreeSWITCH asked after the talk, for the call's tickets */
    private readonly surveyTaken: (callId: string, score: number) => void,
  ) {}

  /** Runs on every (re)connection to FreeSWITCH; `api` is the inbound connection's. */
  async run(link: AdoptionLink, controlled: ReadonlySet<string>): Promise<{ adopted: number; known: number; live: ReadonlySet<string> }> {
    this.link = link;
    this.running = true;
    try {
      return await this.adoptListed(link, controlled);
    } finally {
      this.running = false;
    }
  }

  private async adoptListed(link: AdoptionLink, controlled: ReadonlySet<string>): Promise<{ adopted: number; known: number; live: ReadonlySet<string> }> {
    await link.followCallers(true);
    const rows = parseChannels(await link.api('show channels as json'));
    const live = new Set(rows.map((r) => r.uuid));
    // Bridged calls: already answered by someone. `show calls` (the basic_calls view) lists every
    // channel that is no bridge callee, bridged or not, so only a row with a b-leg counts.
    const calls = parseChannels(await link.api('show calls as json'));
    const bridged = new Map(calls.filter((r) => r.b_uuid).map((r) => [r.uuid, r]));
    for (const id of this.adopted.keys()) if (!live.has(id)) this.adopted.delete(id);
    for (const [leg, call] of this.seatLegs) if (!this.adopted.has(call) || !live.has(leg)) this.seatLegs.delete(leg);
    let adopted = 0;
    let known = 0;
    for (const r of rows) {
      if (r.direction !== 'inbound' || r.context !== 'public' || controlled.has(r.uuid)) continue;
      const called = r.initial_dest || r.dest;
      // a call to 12345 a carrier forwarded from one of our numbers is routed as that number
      const diversion = called === this.plan().centre.number ? await this.variable(link, r.uuid, 'sip_h_Diversion') : undefined;
      const opened = this.records.openNow({
        id: r.uuid,
        caller: r.cid_num,
        called,
        ...this.modeOf(r.cid_num, called, r.initial_ip_addr || r.ip_addr, diversion),
        startedUs: Number(r.created_epoch) * 1_000_000,
      });
      if (opened) adopted++;
      else known++;
      const outcome = opened ? null : ((this.records.get(r.uuid)?.outcome as Outcome | null | undefined) ?? null);
      this.adopted.set(r.uuid, { answered: bridged.has(r.uuid), seat: null, answeredUs: null, known: outcome });
    }
    for (const [id, row] of bridged) if (this.adopted.has(id)) this.adoptTalk(id, row);
    this.forgetStale(live, controlled);
    const closed = this.closeVanished(live, controlled);
    const { rescued, legsEnded } = await this.rescue(link, rows, calls, controlled);
    if (this.adopted.size === 0) await link.followCallers(false);
    this.log.info({ adopted, known, closed, rescued, legsEnded, channels: rows.length }, 'calls in progress adopted after (re)connecting to FreeSWITCH');
    return { adopted, known, live };
  }

  /**
   * A caller parked outside the socket app when the controller's socket ended (after any
   * uuid_bridge: held again, back in the queue) was set to CS_RESET by mod_event_socket's
   * listener end, and switch_core_standard_on_reset and sofia_on_reset leave it there: it hears
   * nothing until it hangs up. It goes to the dialplan's fallback, which answers and rings every
   * seat. A channel passes through CS_RESET on its way back into the dialplan too, so only one
   * still there a second later is moved. A leg we originated outside any bridge (an agent's leg
   * on hold, a department's consult leg, a ring of a flow that died) for a call no longer under
   * our control is ended: nothing would ever bridge it again, and its far end would hear
   * silence or music until it hung up.
   */
  private async rescue(
    link: AdoptionLink,
    rows: ChannelRow[],
    calls: ChannelRow[],
    controlled: ReadonlySet<string>,
  ): Promise<{ rescued: number; legsEnded: number }> {
    const inBridge = new Set(calls.filter((r) => r.b_uuid).flatMap((r) => [r.uuid, r.b_uuid!]));
    const resetCallers = (list: ChannelRow[]) =>
      list.filter((r) => r.direction === 'inbound' && r.context === 'public' && r.state === 'CS_RESET' && !controlled.has(r.uuid) && !inBridge.has(r.uuid));
    let rescued = 0;
    let stuck = resetCallers(rows);
    if (stuck.length > 0) {
      await new Promise((r) => setTimeout(r, RESET_SETTLE_MS));
      const still = new Set(resetCallers(parseChannels(await link.api('show channels as json'))).map((r) => r.uuid));
      stuck = stuck.filter((r) => still.has(r.uuid));
    }
    for (const r of stuck) {
      if (await this.command(link, `uuid_transfer ${r.uuid} ${FALLBACK_EXTENSION} XML public`, r.uuid)) rescued++;
    }
    let legsEnded = 0;
    await this.watchOrphanPairs(link, rows, calls, controlled);
    for (const r of rows) {
      // parked, or hearing our hold music (a consult), or still ringing for a dead ring: not
      // only parked legs (found by the explorer: an agent held in a consult heard the music for
      // minutes while the ACD offered the seat new calls)
      if (r.direction !== 'outbound' || inBridge.has(r.uuid)) continue;
      const owner = await this.variable(link, r.uuid, 'cti_call_id');
      if (!owner || controlled.has(owner)) continue;
      if (await this.command(link, `uuid_kill ${r.uuid} NORMAL_CLEARING`, owner)) legsEnded++;
    }
    return { rescued, legsEnded };
  }

  /**
   * Two legs we originated bridged to each other (an agent consulting a department) for a call
   * no longer ours: when one hangs up, nothing will ever take the other anywhere, so it is ended
   * then. Found by the explorer: after a restart mid-consult the agent's leg stayed up, hearing
   * nothing, for minutes after the department hung up, while the ACD offered the seat new calls.
   */
  private async watchOrphanPairs(link: AdoptionLink, rows: ChannelRow[], calls: ChannelRow[], controlled: ReadonlySet<string>): Promise<void> {
    const outbound = new Map(rows.filter((r) => r.direction === 'outbound').map((r) => [r.uuid, r]));
    for (const c of calls) {
      if (!c.b_uuid || !outbound.has(c.uuid) || !outbound.has(c.b_uuid)) continue;
      const owner = await this.variable(link, c.uuid, 'cti_call_id');
      if (!owner || controlled.has(owner)) continue;
      this.orphanPairs.set(c.uuid, c.b_uuid);
      this.orphanPairs.set(c.b_uuid, c.uuid);
      // the agent is still talking (with the department): the seat is busy until the pair ends
      const seat = [c.uuid, c.b_uuid].map((u) => seatOfName(outbound.get(u)?.name, this.acd.agentIds())).find((x) => x !== null);
      if (seat) {
        this.acd.adoptTalk(seat, owner);
        this.orphanSeats.set(c.uuid, { seat, owner });
        this.orphanSeats.set(c.b_uuid, { seat, owner });
      }
    }
  }

  /** A channel variable, or undefined when it is unset or the channel is gone. */
  private async variable(link: AdoptionLink, uuid: string, name: string): Promise<string | undefined> {
    const v = (await link.api(`uuid_getvar ${uuid} ${name}`).catch(() => '')).trim();
    return !v || v === '_undef_' || v.startsWith('-ERR') ? undefined : v;
  }

  /** An api command whose -ERR (the channel ended meanwhile, say) is logged, not thrown. */
  private async command(link: AdoptionLink, command: string, call: string): Promise<boolean> {
    const reply = await link.api(command).catch((err: Error) => `-ERR ${err.message}`);
    if (reply.startsWith('+OK')) return true;
    this.log.warn({ call, command: command.split(' ')[0], reply: reply.trim() }, 'recovery command refused');
    return false;
  }

  /** Inbound events: an adopted call answered in the fallback, its seat's leg ending, or its end. */
  observe(e: EslEvent): void {
    const id = e.uuid;
    if (!id) return;
    const partner = this.orphanPairs.get(id);
    if (partner !== undefined && e.name === 'CHANNEL_HANGUP') {
      this.orphanPairs.delete(id);
      this.orphanPairs.delete(partner);
      const busy = this.orphanSeats.get(id);
      this.orphanSeats.delete(id);
      this.orphanSeats.delete(partner);
      if (busy) this.acd.callEnded(busy.seat, 0, busy.owner);
      if (this.link) void this.command(this.link, `uuid_kill ${partner} NORMAL_CLEARING`, id);
    }
    const talkOf = this.seatLegs.get(id);
    if (talkOf !== undefined && e.name === 'CHANNEL_HANGUP_COMPLETE') {
      this.seatLegs.delete(id);
      const state = this.adopted.get(talkOf);
      const agentAnsweredUs = answeredUsOf(e);
      if (state?.agentLeg === id && agentAnsweredUs !== null) this.records.update(talkOf, { agent_answered_us: agentAnsweredUs });
      this.records.legEnded(id, { answered_us: agentAnsweredUs, ended_us: e.timestampUs ?? null, hangup_cause: e.hangupCause ?? null });
      this.endTalk(talkOf, e.timestampUs);
      return;
    }
    if (!this.adopted.has(id)) return;
    const state = this.adopted.get(id)!;
    if (e.name === 'CHANNEL_BRIDGE') {
      state.answered = true;
      // the fallback still ringing every seat when we came back, and a seat answered since
      if (!state.seat) this.adoptBridge(id, e);
    }
    if (e.name !== 'CHANNEL_HANGUP_COMPLETE') return;
    this.endTalk(id, e.timestampUs);
    this.adopted.delete(id);
    if (!state.known && !state.seat && !state.department) this.readBridgeFromEnd(id, e, state);
    const score = Number(e.variable('cti_survey'));
    const survey = score >= 1 && score <= 3 ? score : null;
    const answeredUs = answeredUsOf(e);
    this.records.update(id, {
      ...(answeredUs !== null ? { answered_us: answeredUs } : {}),
      ...(e.timestampUs ? { ended_us: e.timestampUs } : {}),
      ...(e.hangupCause ? { hangup_cause: e.hangupCause } : {}),
      outcome: adoptedOutcome(state),
      ...(survey !== null ? { survey_score: survey } : {}),
    });
    if (survey !== null) this.surveyTaken(id, survey);
    if (this.adopted.size === 0 && !this.running)
      this.link?.followCallers(false).catch((err: unknown) => this.log.warn({ err }, 'could not narrow the inbound events after the last adopted call'));
  }

  /**
   * A talk that began and ended while we were away left no event for us, but the caller's last
   * bridge is in its variables: `last_bridge_to` (switch_ivr_bridge.c sets it on both legs) names
   * the peer, and `originated_legs` (switch_ivr_originate.c, one `uuid;name;number` per leg the
   * caller's bridge placed) its number: a seat's, or a department's. Found by the explorer: such
   * a call, answered by the fallback, was recorded abandoned_queue.
   */
  private readBridgeFromEnd(callId: string, e: EslEvent, state: { answered: boolean; seat: string | null; department?: boolean }): void {
    const peer = e.variable('last_bridge_to');
    if (!peer) return;
    state.answered = true;
    // an ARRAY:: variable: getArray gives its elements (variable() only the first)
    const legs = e.getArray('variable_originated_legs');
    const number = legs.map((l) => l.split(';')).find(([uuid]) => uuid === peer)?.[2];
    if (number && this.acd.agentIds().includes(number)) {
      state.seat = number;
      this.records.update(callId, { agent_id: number });
    } else if (number && this.plan().byNumber.get(number)?.transfer) {
      state.department = true;
    }
  }

  /** The seat of an adopted talk is free (wrap-up) once the talk is over: its own leg ended, or the call. */
  private endTalk(callId: string, atUs: number | undefined): void {
    const state = this.adopted.get(callId);
    if (!state?.seat) return;
    this.acd.callEnded(state.seat, state.answeredUs && atUs ? (atUs - state.answeredUs) / 1000 : 0, callId);
    state.seat = null;
  }

  /**
   * A call the fallback put through to a seat: the seat is on that call until it ends (else the
   * ACD would offer it a second call), and the seat's leg goes on the call record.
   */
  private adoptTalk(callId: string, row: ChannelRow): void {
    const seat = seatOf(row, this.acd.agentIds());
    if (!seat) {
      // a talk with a department (a transfer we had completed, or the hotline's own bridge)
      const state = this.adopted.get(callId);
      if (state && row.b_name?.startsWith('sofia/gateway/')) state.department = true;
      return;
    }
    const createdUs = Number(row.b_created_epoch) * 1_000_000 || null;
    this.records.leg(callId, { id: row.b_uuid!, kind: 'agent', endpoint: `user/${seat}`, createdUs: createdUs ?? Date.now() * 1000 });
    // the agent who answered first stays the call's agent (agent_answered_us is theirs); a
    // later seat of the fallback is on the call's legs
    const before = this.adopted.get(callId);
    const known = before?.known ?? null;
    if (!known) this.records.update(callId, { agent_id: seat });
    this.acd.adoptTalk(seat, callId);
    // the agent's answer time is read from its leg's end (its own Caller-Channel-Answered-Time)
    const agentLeg = known ? before?.agentLeg : row.b_uuid;
    this.adopted.set(callId, { answered: true, seat, answeredUs: createdUs, known, ...(agentLeg ? { agentLeg } : {}) });
    this.seatLegs.set(row.b_uuid!, callId);
  }

  /**
   * A bridge of an adopted caller seen live (after the listing): the same as a talk found bridged
   * in `show calls`, read from the event's Other-Leg profile. Found by the explorer: the seat
   * stayed available (or in wrap-up) while it talked, and the record named no agent.
   */
  private adoptBridge(callId: string, e: EslEvent): void {
    const leg = e.get('Other-Leg-Unique-ID');
    const name = e.get('Other-Leg-Channel-Name');
    if (!leg || !name) return;
    const answeredUs = e.timestampUs ?? null;
    this.adoptTalk(callId, {
      uuid: callId,
      direction: 'inbound',
      created_epoch: '',
      cid_num: '',
      dest: '',
      context: 'public',
      b_uuid: leg,
      b_name: name,
      b_created_epoch: answeredUs ? String(answeredUs / 1e6) : '',
    });
  }

  /**
   * As the generated dialplan routes the call (src/dialplan/routes.ts, first match wins): 110
   * diverted by caller number or by the address its INVITE came from (police_diversion.networks,
   * matched against network_addr as the dialplan's regex does), then the centre number, then the
   * hotlines. `address` is the channel's first network_addr (`show channels` initial_ip_addr).
   */
  private modeOf(
    caller: string,
    called: string,
    address: string | undefined,
    diversion?: string,
  ): Pick<CallOpen, 'mode' | 'originHotline' | 'department' | 'priority'> {
    const plan = this.plan();
    // the 110 platform's calls keep their priority (found by the explorer: adopted ones had 5)
    if (plan.policeDiversion.callerNumbers.includes(caller) || this.fromPoliceNetwork(plan, address))
      return { mode: 'emergency', originHotline: '110', department: null, priority: plan.policeDiversion.priority };
    const diverted = called === plan.centre.number ? divertedHotline(diversion, plan) : null;
    if (called === plan.centre.number && diverted === null) return { mode: 'main', originHotline: null, department: null, priority: DEFAULT_PRIORITY };
    const h = plan.byNumber.get(diverted ?? called);
    if (h && (h.mode === 'direct' || h.mode === 'parallel'))
      return { mode: h.mode, originHotline: h.number, department: h.department, priority: DEFAULT_PRIORITY };
    return { mode: 'unknown', originHotline: null, department: null, priority: DEFAULT_PRIORITY };
  }

  private fromPoliceNetwork(plan: RoutingPlan, address: string | undefined): boolean {
    if (!address) return false;
    if (this.policeNetworks?.plan !== plan) {
      const { networks } = plan.policeDiversion;
      this.policeNetworks = { plan, regex: networks.length > 0 ? new RegExp(`^(?:${networks.map(ipv4NetworkPattern).join('|')})$`) : null };
    }
    return this.policeNetworks.regex?.test(address) ?? false;
  }

  /**
   * Records of calls that ended while the controller was away stay open otherwise. Their end
   * time is unknown (FreeSWITCH's event went to nobody), so ended_us stays empty and the cause
   * says why; the outcome is what the record already knew.
   */
  private closeVanished(live: ReadonlySet<string>, controlled: ReadonlySet<string>): number {
    const open = this.records.openCalls();
    let closed = 0;
    for (const c of open) {
      if (live.has(c.id) || controlled.has(c.id)) continue;
      this.records.update(c.id, { hangup_cause: ENDED_UNSEEN, outcome: c.outcome ?? (c.queue_entered_us === null ? 'abandoned_ivr' : 'abandoned_queue') });
      closed++;
    }
    return closed;
  }

  /** Queue entries and agent states left from before the restart, for calls no longer ours. */
  private forgetStale(live: ReadonlySet<string>, controlled: ReadonlySet<string>): void {
    for (const call of this.acd.waitingCalls()) if (!controlled.has(call.callId)) this.acd.leave(call.callId, 'removed');
    for (const seat of this.acd.agentIds()) {
      const s = this.acd.agentState(seat);
      const adoptedHere = s.callId !== null && this.adopted.get(s.callId)?.seat === seat;
      if ((s.name === 'ringing' || s.name === 'on_call') && !adoptedHere && (!s.callId || !controlled.has(s.callId) || !live.has(s.callId))) {
        this.acd.reset(seat);
      }
    }
  }
}

/**
 * What an adopted call's record says at its end: the outcome it had before we went away, else
 * what was seen since — put through to a department (transferred), to anyone else (answered), or
 * to nobody (abandoned in the queue).
 */
function adoptedOutcome(state: { answered: boolean; known: Outcome | null; department?: boolean; seat: string | null }): Outcome {
  if (state.known) return state.known;
  if (!state.answered) return 'abandoned_queue';
  return state.department && !state.seat ? 'transferred' : 'answered';
}

function parseChannels(body: string): ChannelRow[] {
  try {
    const parsed = JSON.parse(body) as { rows?: ChannelRow[] };
    return parsed.rows ?? [];
  } catch {
    return [];
  }
}
