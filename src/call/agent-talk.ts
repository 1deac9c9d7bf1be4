// A caller talking with a 12345 agent, and what the agent can do with that talk: hold,
// one-key transfer (warm, blind, three-way, emergency, linkage), complete, cancel.
//
// Who is bridged to whom is always our decision, taken with uuid_bridge on parked legs:
//  - the hotline leg is originated with `&park()`, so an answer bridges nobody by itself;
//  - the caller gets park_after_bridge=true before any uuid_bridge, so when that bridge ends
//    the caller is parked under our socket again (switch_ivr_bridge.c: an answered peer and
//    park_after_bridge → switch_ivr_park_session) instead of running on into the dialplan's
//    `transfer cti_fallback` after the socket app (uuid_bridge_on_soft_execute sets CS_EXECUTE);
//  - the agent's leg gets park_after_bridge=true while it consults, so a hotline hanging up
//    gives the agent back to us, not a dead line.
// The caller waits on our music during a hold or a consult (src/call/music.ts), started once the
// bridge with the agent is over (CHANNEL_UNBRIDGE) and stopped before the caller is moved again.
//
// While the caller talks with the agent through the queue's `bridge` app, the talk guard is on
// (src/call/talk-guard.ts: socket_resume off, the survey as exec_after_bridge_app), so that the
// talk outlives the controller. It is taken off before the agent is parked or the caller is
// handed over: exec_after_bridge_app would otherwise replace the caller's extension at the end
// of that bridge, and a caller left alone must go to the fallback if the controller dies.
import type { Logger } from 'pino';
import type { OutboundCall } from '../esl/index.js';
import type { CallerMusic } from './music.js';
import { guardOff } from './talk-guard.js';
import type { CtiConfig, Hotline } from '../config/index.js';
import type { WorkingCalendar } from '../calendar/index.js';
import { CtiError } from '../errors.js';
import {
  isTransferTarget,
  planTransfer,
  ResultNames,
  ticketPrefill,
  transferOpen,
  TransferAttempt,
  type AttemptStore,
  type AttemptView,
  type RequestedKind,
  type SwitchLink,
  type TicketPrefill,
  type TransferPlan,
} from '../transfer/index.js';

export type TalkPhase = 'talking' | 'held' | 'ringing' | 'consulting' | 'three_way' | 'handed_over' | 'over';

/** How the caller's time with our agent ended, for the call flow to go on from. */
export interface TalkEnd {
  how: 'agent_hung_up' | 'handed_over' | 'three_way_over' | 'requeue' | 'caller_gone';
  /** the hotline the caller was put through to, if any */
  transferredTo: string | null;
  /** for a requeue: what the caller is told (the transfer failed, or the agent left while holding) */
  why: 'transfer_failed' | 'agent_left_hold';
}

export interface TalkSetup {
  call: OutboundCall;
  callId: string;
  caller: string;
  originHotline: string | null;
  seat: string;
  agentLeg: string;
  agentAnsweredUs: number;
  /** the caller's music (queue, hold, consult) */
  music: CallerMusic;
}

export interface TalkServices {
  link: SwitchLink;
  store: AttemptStore;
  config: () => CtiConfig;
  calendar: () => WorkingCalendar;
  /** the agent's talk is over (for wrap-up): milliseconds of talk */
  agentDone: (seat: string, talkMs: number, callId: string) => void;
  changed: (talk: AgentTalk, extra?: { ticket_prefill?: TicketPrefill; message?: string }) => void;
  /** told to the caller alone as an emergency handover starts (正在为您转接紧急求助热线，请不要挂机) */
  emergencyPrompt: string;
  log: Logger;
}

export class AgentTalk {
  phase: TalkPhase = 'talking';
  attempt: TransferAttempt | null = null;
  private plan: TransferPlan | null = null;
  /** the talk guard the queue set before the agent's bridge app is still on the caller */
  private guarded = true;
  private agentUp = true;
  private transferredTo: string | null = null;
  /** the ticket offered after the last refused or failed transfer, until the next one starts */
  private ticketOffer: TicketPrefill | null = null;
  private finish!: (end: TalkEnd) => void;
  readonly settled: Promise<TalkEnd>;

  constructor(
    readonly setup: TalkSetup,
    private readonly services: TalkServices,
  ) {
    this.settled = new Promise((resolve) => (this.finish = resolve));
    void services.link.legs.hungUp(setup.agentLeg).then((t) => this.onAgentGone(t.hangupUs));
    setup.call.once('hangup', () => this.onCallerGone());
  }

  get seat(): string {
    return this.setup.seat;
  }

  /** Starts a one-key transfer; resolves once the hotline leg is being placed. */
  async transfer(number: string, requested: RequestedKind | undefined, at: Date): Promise<AttemptView> {
    if (this.phase !== 'talking' && this.phase !== 'held') throw new CtiError('TRANSFER_BAD_STATE', `当前状态「${this.phase}」不能再发起转接`);
    const { routing } = this.services.config();
    const hotline = routing.byNumber.get(number);
    if (!isTransferTarget(hotline)) throw new CtiError('TRANSFER_UNKNOWN_HOTLINE', `${number} 不是可转接的热线号码`, { field: 'hotline' });
    const plan = planTransfer(hotline, requested);
    const open = transferOpen(hotline, at, this.services.calendar());
    if (!open.open) {
      this.services.store.refused({
        callId: this.setup.callId,
        hotline: hotline.number,
        kind: plan.kind,
        agent: this.seat,
        atUs: at.getTime() * 1000,
        reason: open.reason!,
      });
      this.ticketOffer = this.prefill(hotline, open.reason!);
      throw new CtiError('TRANSFER_REFUSED', open.reason!, { field: 'hotline', reason: open.reason, ticket_prefill: this.ticketOffer });
    }
    const wasHeld = this.phase === 'held';
    const attempt = new TransferAttempt(
      {
        callId: this.setup.callId,
        hotline,
        kind: plan.kind,
        seat: this.seat,
        ringTimeoutS: routing.transfer.ringTimeoutS,
        callerIdNumber: routing.centre.number,
        callerIdName: routing.centre.number,
      },
      this.services.link,
      this.services.store,
    );
    this.attempt = attempt;
    this.plan = plan;
    this.ticketOffer = null;
    this.phase = 'ringing';
    // whether caller and agent are together when the preparation stops: what the talk goes back to
    let together = !wasHeld;
    try {
      // A consult takes the agent away from the caller at once (a held agent is away already); a
      // handover keeps them together.
      if (plan.style === 'consult' && !wasHeld) await this.parkAgent();
      // a refusal leaves the caller on our music until the hotline answers and is put through
      if (plan.style === 'handover' && wasHeld) together = await this.reconnect();
      if (plan.kind === 'emergency') await this.tellEmergency(hotline);
    } catch (err) {
      // nothing rang yet, and nothing will: the talk is as it was, and the agent is told. Found by
      // the explorer: left "ringing", the agent's hangup was taken as a handover in progress and
      // the caller sat in silence.
      this.attempt = null;
      this.plan = null;
      this.phase = together ? 'talking' : 'held';
      this.services.changed(this);
      throw err;
    }
    void this.ring(attempt, hotline).catch((err: unknown) => this.services.log.error({ err, call: this.setup.callId }, 'transfer failed'));
    this.services.changed(this);
    return attempt.view();
  }

  /** The caller alone (aleg) hears it over the talk: do not hang up, help is being called. */
  private async tellEmergency(hotline: Hotline): Promise<void> {
    let reply: string;
    try {
      reply = await this.services.link.api(`uuid_broadcast ${this.setup.call.uuid} ${this.services.emergencyPrompt} aleg`);
    } catch (err) {
      // the link to the switch is down (it reconnects by itself): the ring could not go either
      const timedOut = err instanceof CtiError && err.code === 'CTI_ESL_TIMEOUT';
      throw new CtiError(timedOut ? 'ESL_TIMEOUT' : 'ESL_DISCONNECTED', `与交换机的通信中断，转接${hotline.name}（${hotline.number}）未发出，请稍后重试`, {
        field: 'hotline',
      });
    }
    this.warnUnless(reply, 'could not tell the caller an emergency transfer is under way');
  }

  /** Puts the caller through to the hotline the agent is consulting, and frees the agent. */
  async complete(): Promise<AttemptView> {
    if (this.phase !== 'consulting' || !this.attempt) throw new CtiError('TRANSFER_BAD_STATE', '只有在与部门通话（咨询）时才能完成转接');
    await this.handOver(this.attempt);
    return this.attempt.view();
  }

  /** Drops the hotline leg (ringing or answered); the agent is back with the caller. */
  async cancel(): Promise<AttemptView> {
    if ((this.phase !== 'ringing' && this.phase !== 'consulting') || !this.attempt) throw new CtiError('TRANSFER_BAD_STATE', '当前没有进行中的转接');
    await this.attempt.hangup();
    return this.attempt.view();
  }

  /** Caller, agent and hotline in one conference (三方通话). */
  async threeWay(): Promise<AttemptView> {
    if (this.phase !== 'consulting' || !this.attempt) throw new CtiError('TRANSFER_BAD_STATE', '只有在与部门通话（咨询）时才能发起三方通话');
    await this.joinConference(this.attempt);
    return this.attempt.view();
  }

  /**
   * Hold (保持): the agent's leg is parked and the caller hears our hold music, the same moves
   * as the start of a consult. Not uuid_hold: switch_ivr_hold (switch_ivr.c) plays the music to
   * the partner with switch_ivr_broadcast(SMF_ECHO_ALEG | SMF_LOOP), a looping, event-locked
   * playback inside the bridge. If the agent then hangs up, that playback goes on for ever and
   * holds up everything we queue after it (the survey, the queue), and on FreeSWITCH 1.10.7 and
   * later callers report hearing no music at all (FreeSWITCH issues 1476, 2081, 2957).
   */
  async hold(): Promise<void> {
    if (this.phase !== 'talking') throw new CtiError('TRANSFER_BAD_STATE', '只有通话中才能保持');
    await this.parkAgent();
    this.phase = 'held';
    this.services.changed(this);
  }

  /** Agent and caller together again (uuid_bridge of the two parked legs). */
  async resume(): Promise<void> {
    if (this.phase !== 'held') throw new CtiError('TRANSFER_BAD_STATE', '通话未处于保持状态');
    if (!(await this.reconnect())) {
      throw new CtiError(
        'ESL_COMMAND_FAILED',
        this.agentUp ? '交换机未能恢复通话，来电仍在保持中（听等待音乐），请重试' : '无法恢复通话：坐席话机已挂断，来电已回到队列等候',
      );
    }
    this.phase = 'talking';
    this.services.changed(this);
  }

  view() {
    return { call_id: this.setup.callId, seat: this.seat, phase: this.phase, attempt: this.attempt?.view() ?? null, ticket_offer: this.ticketOffer };
  }

  private async ring(attempt: TransferAttempt, hotline: Hotline): Promise<void> {
    const answered = await attempt.ring();
    if (this.phase === 'over') {
      if (attempt.isUp) await attempt.hangup();
      return;
    }
    if (!answered) return this.ringFailed(attempt, hotline);
    if (this.plan!.style === 'handover' || !this.agentUp) return this.handOver(attempt);
    await this.consult(attempt);
    if (this.plan!.threeWay) await this.joinConference(attempt);
  }

  /** The hotline did not take the call: the agent is with the caller again, and a ticket is offered. */
  private async ringFailed(attempt: TransferAttempt, hotline: Hotline): Promise<void> {
    // answered, then gone while the link was down: the department hung up before anyone was put through
    const why = attempt.endedUnheard ? '已接听，但在与交换机通信中断期间挂断' : ResultNames[attempt.result ?? 'failed'];
    if (attempt.result !== 'cancelled') this.ticketOffer = this.prefill(hotline, why);
    const extra = this.ticketOffer ? { ticket_prefill: this.ticketOffer, message: `转接${hotline.name}（${hotline.number}）${why}` } : {};
    if (!this.agentUp) return this.end('requeue', extra);
    this.phase = this.plan!.style === 'consult' && !(await this.reconnect()) ? 'held' : 'talking';
    this.services.changed(this, extra);
  }

  private async consult(attempt: TransferAttempt): Promise<void> {
    const { api, legs } = this.services.link;
    await api(`uuid_setvar ${this.setup.agentLeg} park_after_bridge true`);
    const reply = await api(`uuid_bridge ${this.setup.agentLeg} ${attempt.leg}`);
    this.phase = 'consulting';
    this.services.changed(this);
    void legs.hungUp(attempt.leg).then(() => this.onConsultLegGone(attempt));
    // a refused consult bridge ends the hotline's leg, and so the consult: the agent is back
    // with the caller (onConsultLegGone) rather than both sitting parked
    if (!this.warnUnless(reply, 'could not bridge the agent to the hotline')) await attempt.hangup().catch(() => undefined);
  }

  /** The hotline hung up, or the agent cancelled: back to the caller, or to the queue without an agent. */
  private async onConsultLegGone(attempt: TransferAttempt): Promise<void> {
    if (this.attempt !== attempt || this.phase !== 'consulting') return;
    attempt.state = attempt.state === 'consulting' ? 'cancelled' : attempt.state;
    if (!this.agentUp) return this.end('requeue');
    this.phase = (await this.reconnect()) ? 'talking' : 'held';
    this.services.changed(this);
  }

  private async handOver(attempt: TransferAttempt): Promise<void> {
    const { api, legs } = this.services.link;
    const { call, agentLeg } = this.setup;
    await this.setup.music.stop();
    await this.unguard();
    const bridged = call.waitFor((e) => e.name === 'CHANNEL_BRIDGE', 5000).catch(() => null);
    await api(`uuid_setvar ${call.uuid} park_after_bridge true`);
    const reply = await api(`uuid_bridge ${call.uuid} ${attempt.leg}`);
    if (!reply.startsWith('+OK')) {
      this.services.log.warn({ reply, call: call.uuid }, 'could not put the caller through');
      return this.ringFailed(attempt, attempt.setup.hotline);
    }
    await bridged;
    attempt.state = 'completed';
    this.phase = 'handed_over';
    this.transferredTo = attempt.setup.hotline.number;
    // The agent's leg is parked or released by now; it must not stay up.
    if (this.agentUp) await api(`uuid_kill ${agentLeg} NORMAL_CLEARING`);
    this.services.changed(this);
    const callerGone = call.isHungUp ? Promise.resolve() : new Promise((r) => call.once('hangup', r));
    void Promise.race([legs.hungUp(attempt.leg), callerGone]).then(() => this.end('handed_over'));
  }

  private async joinConference(attempt: TransferAttempt): Promise<void> {
    const { api, legs } = this.services.link;
    const room = `cti-${this.setup.callId}`;
    // Both legs at once (-both): moving one alone would leave the other's bridge to hang it up.
    const moved = await api(`uuid_transfer ${this.setup.agentLeg} -both conference:${room} inline`);
    // refused: the consult goes on, and the caller is not put alone into an empty room
    if (!this.warnUnless(moved, 'could not move agent and hotline into the conference'))
      throw new CtiError('ESL_COMMAND_FAILED', '交换机未能建立三方通话，仍在与部门通话（咨询中）');
    await this.setup.music.stop();
    const inRoom = this.setup.call.execute('conference', room).catch(() => undefined);
    attempt.state = 'three_way';
    this.phase = 'three_way';
    this.transferredTo = attempt.setup.hotline.number;
    this.services.changed(this);
    // Alone in the room, the caller has nobody left to talk to.
    const others = [legs.hungUp(this.setup.agentLeg), legs.hungUp(attempt.leg)];
    void Promise.all(others).then(async () => {
      if (!this.setup.call.isHungUp) await api(`uuid_kill ${this.setup.call.uuid} NORMAL_CLEARING`);
    });
    void inRoom.then(() => this.end('three_way_over'));
  }

  /**
   * Takes the agent out of the talk (parked); the caller hears our music once the bridge is over,
   * so that it runs where the caller waits (the socket app's park, or the park after a
   * uuid_bridge), not inside the bridge.
   */
  private async parkAgent(): Promise<void> {
    const { call, agentLeg } = this.setup;
    await this.unguard();
    const unbridged = call.isHungUp ? null : call.waitFor((e) => e.name === 'CHANNEL_UNBRIDGE', 5000).catch(() => null);
    const parked = await this.services.link.api(`uuid_park ${agentLeg}`);
    // refused with the agent still there: they are still talking, and music would play over it
    if (!this.warnUnless(parked, 'could not park the agent') && this.agentUp) {
      unbridged?.catch(() => undefined);
      throw new CtiError('ESL_COMMAND_FAILED', '交换机未能保持通话，您仍在与来电通话');
    }
    await unbridged;
    if (!call.isHungUp) this.setup.music.start();
  }

  /**
   * Agent and caller together again after a hold or a consult. False when FreeSWITCH refused
   * (the agent's leg went meanwhile, say): the caller is back on our music, never in silence.
   */
  private async reconnect(): Promise<boolean> {
    const { api } = this.services.link;
    await this.setup.music.stop();
    await api(`uuid_setvar ${this.setup.call.uuid} park_after_bridge true`);
    const reply = await api(`uuid_bridge ${this.setup.call.uuid} ${this.setup.agentLeg}`).catch((err: Error) => `-ERR ${err.message}`);
    if (this.warnUnless(reply, 'could not bring caller and agent together again')) return true;
    if (!this.setup.call.isHungUp && this.phase !== 'over') this.setup.music.start();
    return false;
  }

  /** True for +OK; otherwise the refusal is logged (not for a caller already gone) and false. */
  private warnUnless(reply: string, what: string): boolean {
    if (reply.startsWith('+OK')) return true;
    if (!this.setup.call.isHungUp) this.services.log.warn({ reply: reply.trim(), call: this.setup.callId }, what);
    return false;
  }

  /** socket_resume back on, exec_after_bridge_app cleared: the caller is about to be alone, or moved. */
  private async unguard(): Promise<void> {
    if (!this.guarded) return;
    this.guarded = false;
    this.warnUnless(await this.services.link.api(guardOff(this.setup.call.uuid)), 'could not take the talk guard off the caller');
  }

  private onAgentGone(hangupUs: number | undefined): void {
    if (!this.agentUp) return;
    this.agentUp = false;
    this.services.agentDone(this.seat, hangupUs ? (hangupUs - this.setup.agentAnsweredUs) / 1000 : 0, this.setup.callId);
    if (this.phase === 'talking') this.end('agent_hung_up');
    // on hold the caller was waiting for the agent to come back: to the queue, ahead of the others
    else if (this.phase === 'held') this.end('requeue', undefined, 'agent_left_hold');
    else if (this.phase === 'consulting') {
      // FreeSWITCH takes the hotline leg down with the agent's; the caller goes back to the queue.
      void this.attempt?.hangup().catch(() => undefined);
      this.end('requeue');
    }
    // ringing: the attempt goes on; an answer puts the caller through (ring() sees agentUp false)
    this.services.changed(this);
  }

  private onCallerGone(): void {
    if (this.phase === 'over') return;
    const attempt = this.attempt;
    if (attempt?.isUp) void attempt.hangup().catch(() => undefined);
    this.end('caller_gone');
  }

  private end(how: TalkEnd['how'], extra?: { ticket_prefill?: TicketPrefill; message?: string }, why: TalkEnd['why'] = 'transfer_failed'): void {
    if (this.phase === 'over') return;
    this.phase = 'over';
    this.finish({ how, transferredTo: this.transferredTo, why });
    this.services.changed(this, extra);
  }

  private prefill(hotline: Hotline, why: string): TicketPrefill {
    return ticketPrefill(hotline, { id: this.setup.callId, caller: this.setup.caller, originHotline: this.setup.originHotline }, why);
  }
}
