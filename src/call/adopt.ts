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
import type { Logger } from 'pino';
import type { RoutingPlan } from '../config/index.js';
import type { CallDistributor } from '../acd/index.js';
import type { EslEvent } from '../esl/index.js';
import type { CallRecords } from './call-records.js';

interface ChannelRow {
  uuid: string;
  direction: string;
  created_epoch: string;
  cid_num: string;
  dest: string;
  /** the number first dialled: `dest` is cti_fallback once the dialplan transferred the call there */
  initial_dest?: string;
  context: string;
}

/** The inbound connection, as adoption uses it. */
export interface AdoptionLink {
  api(command: string): Promise<string>;
  /** on: pass every caller leg's events too, until off (this connection only) */
  followCallers(on: boolean): Promise<void>;
}

export class CallAdoption {
  /** adopted call id → answered by someone in FreeSWITCH's fallback */
  private readonly adopted = new Map<string, boolean>();
  private link: AdoptionLink | undefined;
  /** a run is listing and adopting: it decides the widening when it ends */
  private running = false;

  constructor(
    private readonly records: CallRecords,
    private readonly acd: CallDistributor,
    private readonly plan: () => RoutingPlan,
    private readonly log: Logger,
  ) {}

  /** Runs on every (re)connection to FreeSWITCH; `api` is the inbound connection's. */
  async run(link: AdoptionLink, controlled: ReadonlySet<string>): Promise<{ adopted: number; known: number }> {
    this.link = link;
    this.running = true;
    try {
      return await this.adoptListed(link, controlled);
    } finally {
      this.running = false;
    }
  }

  private async adoptListed(link: AdoptionLink, controlled: ReadonlySet<string>): Promise<{ adopted: number; known: number }> {
    await link.followCallers(true);
    const rows = parseChannels(await link.api('show channels as json'));
    const live = new Set(rows.map((r) => r.uuid));
    // bridged calls (show calls pairs each a-leg with its b-leg): already answered by someone
    const bridged = new Set(parseChannels(await link.api('show calls as json')).map((r) => r.uuid));
    for (const id of this.adopted.keys()) if (!live.has(id)) this.adopted.delete(id);
    let adopted = 0;
    let known = 0;
    for (const r of rows) {
      if (r.direction !== 'inbound' || r.context !== 'public' || controlled.has(r.uuid)) continue;
      const called = r.initial_dest || r.dest;
      const opened = this.records.openNow({ id: r.uuid, caller: r.cid_num, called, ...this.modeOf(r.cid_num, called), priority: 5, startedUs: Number(r.created_epoch) * 1_000_000 });
      if (opened) adopted++;
      else known++;
      this.adopted.set(r.uuid, bridged.has(r.uuid));
    }
    this.forgetStale(live, controlled);
    const closed = this.closeVanished(live, controlled);
    if (this.adopted.size === 0) await link.followCallers(false);
    this.log.info({ adopted, known, closed, channels: rows.length }, 'calls in progress adopted after (re)connecting to FreeSWITCH');
    return { adopted, known };
  }

  /** Inbound events: an adopted call answered in the fallback, or its end. */
  observe(e: EslEvent): void {
    const id = e.uuid;
    if (!id || !this.adopted.has(id)) return;
    if (e.name === 'CHANNEL_BRIDGE') this.adopted.set(id, true);
    if (e.name !== 'CHANNEL_HANGUP_COMPLETE') return;
    const answered = this.adopted.get(id)!;
    this.adopted.delete(id);
    this.records.update(id, { ...(e.timestampUs ? { ended_us: e.timestampUs } : {}), ...(e.hangupCause ? { hangup_cause: e.hangupCause } : {}), outcome: answered ? 'answered' : 'abandoned_queue' });
    if (this.adopted.size === 0 && !this.running) this.link?.followCallers(false).catch((err: unknown) => this.log.warn({ err }, 'could not narrow the inbound events after the last adopted call'));
  }

  private modeOf(caller: string, called: string): { mode: 'main' | 'direct' | 'parallel' | 'emergency' | 'unknown'; originHotline: string | null; department: string | null } {
    const plan = this.plan();
    if (plan.policeDiversion.callerNumbers.includes(caller)) return { mode: 'emergency', originHotline: '110', department: null };
    if (called === plan.centre.number) return { mode: 'main', originHotline: null, department: null };
    const h = plan.byNumber.get(called);
    if (h && (h.mode === 'direct' || h.mode === 'parallel')) return { mode: h.mode, originHotline: h.number, department: h.department };
    return { mode: 'unknown', originHotline: null, department: null };
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
      this.records.update(c.id, { hangup_cause: 'ENDED_WHILE_CONTROLLER_DOWN', outcome: c.outcome ?? (c.queue_entered_us === null ? 'abandoned_ivr' : 'abandoned_queue') });
      closed++;
    }
    return closed;
  }

  /** Queue entries and agent states left from before the restart, for calls no longer ours. */
  private forgetStale(live: ReadonlySet<string>, controlled: ReadonlySet<string>): void {
    for (const call of this.acd.waitingCalls()) if (!controlled.has(call.callId)) this.acd.leave(call.callId, 'removed');
    for (const seat of this.acd.agentIds()) {
      const s = this.acd.agentState(seat);
      if ((s.name === 'ringing' || s.name === 'on_call') && (!s.callId || !controlled.has(s.callId) || !live.has(s.callId))) {
        this.acd.reset(seat);
      }
    }
  }
}

function parseChannels(body: string): ChannelRow[] {
  try {
    const parsed = JSON.parse(body) as { rows?: ChannelRow[] };
    return parsed.rows ?? [];
  } catch {
    return [];
  }
}
