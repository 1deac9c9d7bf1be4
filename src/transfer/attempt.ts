// One transfer attempt: the leg to a hotline, placed with `originate` on the inbound link and
// parked when it answers, so that we — not the switch — decide whom it is bridged to. Its
// creation, answer and hangup times are FreeSWITCH's (CHANNEL_CREATE / CHANNEL_ANSWER /
// CHANNEL_HANGUP Event-Date-Timestamp, via the leg clock), as docs/architecture.md §5 measures them.
import { randomUUID } from 'node:crypto';
import type { Hotline } from '../config/index.js';
import type { AttemptStore } from './attempt-store.js';
import { resultOfCause, type AttemptResult, type TransferKind } from './rules.js';
import { CtiError } from '../errors.js';

/** After the link dropped mid-originate: how long past the ring timeout to wait for it, and how often to try. */
const LINK_BACK_S = 30;
const LINK_RETRY_MS = 250;

/** A leg's times as FreeSWITCH stamped them, heard by the call area's leg clock (call/leg-clock.ts). */
export interface LegTimesHeard {
  createdUs?: number;
  answeredUs?: number;
  hangupUs?: number;
  cause?: string;
}

/** What an attempt asks of the leg clock. */
export interface LegWatch {
  times(uuid: string): LegTimesHeard;
  when(uuid: string, field: keyof LegTimesHeard, timeoutMs?: number): Promise<LegTimesHeard>;
  hungUp(uuid: string): Promise<LegTimesHeard>;
}

export interface SwitchLink {
  /** an api command on the inbound link; `-ERR` replies come back as text */
  api(command: string): Promise<string>;
  bgapi(command: string): Promise<string>;
  legs: LegWatch;
}

export type AttemptState = 'ringing' | 'consulting' | 'completed' | 'three_way' | 'failed' | 'cancelled';

export interface AttemptView {
  id: number | null;
  call_id: string;
  hotline: string;
  hotline_name: string;
  kind: TransferKind;
  state: AttemptState;
  result: AttemptResult | null;
  leg_id: string;
  created_at: string | null;
  answered_at: string | null;
}

export interface AttemptSetup {
  callId: string;
  hotline: Hotline & { transfer: NonNullable<Hotline['transfer']> };
  kind: TransferKind;
  seat: string | null;
  ringTimeoutS: number;
  /** the number the hotline sees calling: the 12345 centre */
  callerIdNumber: string;
  callerIdName: string;
}

/**
 * mod_hash realm where each transfer leg leaves `answer_uepoch:end_uepoch:hangup_cause` as it
 * hangs up (api_hangup_hook runs after FreeSWITCH sets the CDR variables). Read only when the
 * leg ended while the inbound link was down; deleted once the leg's end is known.
 */
const KEPT_REALM = 'cti_leg';

/** What a leg left in the switch at its hangup; null when absent or unreadable (mod_hash not loaded, the hook never ran). */
export function legKeptAtHangup(text: string): { answeredUs: number; endedUs: number; cause: string } | null {
  const m = /^(\d+):(\d+):([A-Z_0-9]+)$/.exec(text.trim());
  if (!m) return null;
  return { answeredUs: Number(m[1]), endedUs: Number(m[2]), cause: m[3]! };
}

/** Caller-Channel-Answered-Time (µs, 0 while unanswered) of a `uuid_dump … json` reply; null if unreadable. */
export function answeredTimeIn(dump: string): number | null {
  try {
    const us = Number((JSON.parse(dump) as Record<string, unknown>)['Caller-Channel-Answered-Time']);
    return Number.isFinite(us) && us >= 0 ? us : null;
  } catch {
    return null;
  }
}

export class TransferAttempt {
  readonly leg = randomUUID();
  state: AttemptState = 'ringing';
  result: AttemptResult | null = null;
  id: number | null = null;
  private cancelledByUs = false;
  /** a hangup asked for before CHANNEL_CREATE reached us: the leg is killed as soon as it is seen */
  private killOnCreate: string | null = null;
  private createdUs: number | null = null;
  private answeredUs: number | null = null;
  /** answered, then ended while the inbound link was down: nobody was put through */
  endedUnheard = false;
  /** what the leg left in the switch was read (and is being deleted) */
  private keptRead = false;

  constructor(
    readonly setup: AttemptSetup,
    private readonly link: SwitchLink,
    private readonly store: AttemptStore,
  ) {}

  /** Rings the hotline; true once it answered (the leg is then parked), false when it did not. */
  async ring(): Promise<boolean> {
    const { hotline, ringTimeoutS, callId, kind } = this.setup;
    // ignore_early_media: carriers play ringback as early media; only a real answer counts.
    const vars = [
      `origination_uuid=${this.leg}`,
      `originate_timeout=${ringTimeoutS}`,
      'ignore_early_media=true',
      `origination_caller_id_number=${this.setup.callerIdNumber}`,
      `origination_caller_id_name=${this.setup.callerIdName}`,
      `cti_call_id=${callId}`,
      `cti_transfer=${kind}`,
      // the leg's times outlive a link drop: kept in the switch at its hangup (see legKeptAtHangup)
      'origination_nested_vars=true',
      `api_hangup_hook=hash::insert/${KEPT_REALM}/${this.leg}/\${answer_uepoch}:\${end_uepoch}:\${hangup_cause}`,
    ].join(',');
    const recorded = this.recordCreation();
    const reply = await this.link.bgapi(`originate {${vars}}${hotline.transfer.endpoint} &park()`).catch((err: Error) => err);
    await recorded;
    if (reply instanceof Error) return this.afterLostReply(reply);
    if (reply.startsWith('+OK')) {
      const t = await this.link.legs.when(this.leg, 'answeredUs');
      return this.answeredAt(t.answeredUs ?? Date.now() * 1000);
    }
    const cause =
      reply
        .replace(/^[-+][A-Z]+\s*/, '')
        .trim()
        .split(/\s/)[0] ?? 'UNKNOWN';
    return this.notAnswered(cause);
  }

  /**
   * The inbound link dropped while the originate ran. FreeSWITCH goes on with the job (bgapi runs
   * it on a thread of its own; its result goes to a listener that is gone, mod_event_socket
   * api_exec), so the leg may still ring, be answered and parked, or be gone: it is asked once the
   * link is back. Found on the test board: taken as failed, a department that had answered within
   * 15 s counted as a miss, and its parked leg stayed up with nobody until it hung up.
   */
  private async afterLostReply(err: Error): Promise<boolean> {
    const deadline = Date.now() + (this.setup.ringTimeoutS + LINK_BACK_S) * 1000;
    for (;;) {
      // a live leg's answer time is in its channel data only (answer_uepoch is set at hangup)
      const dump = await this.link.api(`uuid_dump ${this.leg} json`).catch(() => null);
      if (dump !== null) return this.fromDump(dump, deadline);
      if (Date.now() >= deadline) return this.notAnswered(err instanceof CtiError ? err.code.replace(/^CTI_/, '') : 'ESL_DISCONNECTED');
      // unref'd: a server shutting down does not wait out the ring timeout for it
      await new Promise((resolve) => setTimeout(resolve, LINK_RETRY_MS).unref());
    }
  }

  private async fromDump(dump: string, deadline: number): Promise<boolean> {
    if (!dump.startsWith('{')) return this.afterUnheardEnd();
    const answeredUs = answeredTimeIn(dump);
    if (answeredUs === null) return this.notAnswered('UNREADABLE_DUMP');
    if (answeredUs > 0) return this.answeredAt(answeredUs);
    // still ringing: its answer or hangup reaches us on the link that is back
    const left = Math.max(0, deadline - Date.now());
    const t = await Promise.race([this.link.legs.when(this.leg, 'answeredUs', left), this.link.legs.hungUp(this.leg)]);
    if (t.hangupUs === undefined && t.answeredUs !== undefined) return this.answeredAt(t.answeredUs);
    if (t.hangupUs !== undefined && t.answeredUs !== undefined)
      return this.answeredThenGone({ answeredUs: t.answeredUs, endedUs: t.hangupUs, cause: t.cause ?? 'NORMAL_CLEARING' });
    // An end heard without its answer: the link may have dropped again as the leg was answered,
    // so what the leg kept at hangup says. Found by the explorer (a 100,000-call run, call
    // c12025): two drops in one transfer, the second at the answer, and the attempt was recorded
    // failed though the department had answered.
    if (t.hangupUs !== undefined) return this.afterUnheardEnd();
    // neither by the deadline (the link dropped again): the switch is asked once more
    const again = await this.link.api(`uuid_dump ${this.leg} json`).catch(() => null);
    if (again !== null && !again.startsWith('{')) return this.afterUnheardEnd();
    const answeredLate = again === null ? null : answeredTimeIn(again);
    return answeredLate ? this.answeredAt(answeredLate) : this.notAnswered('NO_ANSWER');
  }

  /**
   * The leg ended while the link was down: what it left in the switch at its hangup says whether
   * it was answered and when. Found by the explorer (an outage longer than the department's
   * talk): taken as failed, a department that answered in 3 s counted as a miss.
   */
  private async afterUnheardEnd(): Promise<boolean> {
    const kept = legKeptAtHangup(await this.link.api(`hash select/${KEPT_REALM}/${this.leg}`).catch(() => ''));
    if (!kept) {
      // not kept (mod_hash not loaded): whether it was answered is not known; its end, if the
      // leg clock has it, closes the row
      const t = this.link.legs.times(this.leg);
      return this.notAnswered(t.cause ?? 'ENDED_UNSEEN');
    }
    this.keptRead = true;
    this.forgetKept(false);
    if (kept.answeredUs === 0) return this.notAnswered(kept.cause, kept);
    return this.answeredThenGone(kept);
  }

  /** Answered (it counts so), and gone before anyone was put through. */
  private answeredThenGone(leg: { answeredUs: number; endedUs: number; cause: string }): boolean {
    this.answeredUs = leg.answeredUs;
    this.result = 'answered';
    this.endedUnheard = true;
    this.state = this.cancelledByUs ? 'cancelled' : 'failed';
    if (this.id !== null) this.store.answered(this.id, this.leg, leg.answeredUs);
    this.closeRow(leg.endedUs, leg.cause);
    return false;
  }

  private async answeredAt(answeredUs: number): Promise<boolean> {
    this.answeredUs = answeredUs;
    this.result = 'answered';
    if (this.id !== null) this.store.answered(this.id, this.leg, this.answeredUs);
    void this.link.legs.hungUp(this.leg).then((end) => this.closeRow(end.hangupUs ?? null, end.cause ?? null));
    // Answered as we gave up: it counts as answered (it was), but nobody is put through.
    if (!this.cancelledByUs) {
      this.state = 'consulting';
      return true;
    }
    this.state = 'cancelled';
    await this.link.api(`uuid_kill ${this.leg} NORMAL_CLEARING`);
    return false;
  }

  /** `ended`: the leg's end as the switch kept it, when it was not heard. */
  private async notAnswered(cause: string, ended?: { endedUs: number }): Promise<boolean> {
    this.result = resultOfCause(cause, this.cancelledByUs);
    this.state = this.result === 'cancelled' ? 'cancelled' : 'failed';
    const end = ended ? { hangupUs: ended.endedUs, cause } : this.createdUs === null ? {} : await this.link.legs.when(this.leg, 'hangupUs', 1000);
    this.closeRow(end.hangupUs ?? null, end.cause ?? cause);
    return false;
  }

  /** Hangs the leg up: while ringing the attempt is then cancelled by us (and out of the rate before 15 s). */
  async hangup(): Promise<void> {
    const cause = this.state === 'ringing' ? 'ORIGINATOR_CANCEL' : 'NORMAL_CLEARING';
    if (this.state === 'ringing') this.cancelledByUs = true;
    // The originate may be on its way with no channel yet (uuid_kill then answers -ERR), or the
    // channel may exist while its CHANNEL_CREATE is still queued: either way, kill it once seen.
    if (this.createdUs === null) this.killOnCreate = cause;
    await this.link.api(`uuid_kill ${this.leg} ${cause}`);
  }

  /** The leg may still ring or talk: ringing counts from the originate, before its CHANNEL_CREATE. */
  get isUp(): boolean {
    return this.link.legs.times(this.leg).hangupUs === undefined && (this.state === 'ringing' || this.answeredUs !== null);
  }

  view(): AttemptView {
    const iso = (us: number | null) => (us === null ? null : new Date(Math.floor(us / 1000)).toISOString());
    return {
      id: this.id,
      call_id: this.setup.callId,
      hotline: this.setup.hotline.number,
      hotline_name: this.setup.hotline.name,
      kind: this.setup.kind,
      state: this.state,
      result: this.result,
      leg_id: this.leg,
      created_at: iso(this.createdUs),
      answered_at: iso(this.answeredUs),
    };
  }

  /**
   * The leg's end is known: what it left in the switch goes. The hook runs just after
   * CHANNEL_HANGUP is fired, so a delete that overtook it is tried once more a second later.
   */
  private forgetKept(retry = true): void {
    this.link.api(`hash delete/${KEPT_REALM}/${this.leg}`).then(
      (reply) => {
        if (retry && reply.startsWith('-ERR')) setTimeout(() => this.forgetKept(false), 1000).unref();
      },
      () => undefined,
    );
  }

  /** The row is written when FreeSWITCH reports the leg created, so it exists while the leg rings. */
  private async recordCreation(): Promise<void> {
    const t = await this.link.legs.when(this.leg, 'createdUs', 5000);
    const { callId, hotline, kind, seat } = this.setup;
    if (t.createdUs === undefined) {
      // No channel at all (no such gateway, a refusal before the INVITE): kept as a failed attempt.
      this.createdUs = null;
      this.id = this.store.unplaced({ callId, hotline: hotline.number, kind, agent: seat, atUs: Date.now() * 1000 });
      return;
    }
    this.createdUs = t.createdUs;
    this.id = this.store.placed({
      callId,
      leg: this.leg,
      hotline: hotline.number,
      endpoint: hotline.transfer.endpoint,
      kind,
      agent: seat,
      createdUs: t.createdUs,
    });
    if (this.killOnCreate) await this.link.api(`uuid_kill ${this.leg} ${this.killOnCreate}`);
  }

  private closeRow(endedUs: number | null, cause: string | null): void {
    if (endedUs !== null && this.createdUs !== null && !this.keptRead) this.forgetKept();
    if (this.id === null) return;
    this.store.ended(this.id, this.leg, {
      endedUs,
      cause,
      ...(this.result && this.result !== 'answered' ? { result: this.result, reason: cause ?? undefined } : {}),
    });
  }
}
