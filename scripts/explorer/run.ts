// One explorer run: the traffic of a seed (or the kept part of it) played through the switch and
// the controller under the virtual clock, the history gathered, the invariants checked.
import { syncBuiltinESMExports } from 'node:module';
import crypto from 'node:crypto';
import type { Channel } from '../../src/sim/engine/index.js';
import { seededRandom } from '../../src/sim/engine/index.js';
import type { Hotline, RoutingPlan } from '../../src/config/index.js';
import { servedFirst } from './invariants.js';
import type { AloneTrace, CallerTrace, DeadAirTrace, SoundTrace, Classification, ExplorerHistory, LegTrace, OfferTrace, SeatCheck } from './history.js';
import { Rig, loadShippedConfig, type ControllerLife } from './rig.js';
import { generateTraffic, keepItems, type CallItem, type DeskItem, type Traffic, type TrafficItem } from './traffic.js';
import { VirtualTime } from './virtual-time.js';

/** Tuesday 8 December 2026, 09:00 in Shanghai: a working day, the centre open. */
export const START_MS = Date.UTC(2026, 11, 8, 1, 0, 0);
/** How long after the last item the run goes on, for the last calls to end. */
const TAIL_MS = 2 * 3600_000;
/** The seats are compared with the switch this often, while a controller is up and settled. */
const SEAT_CHECK_MS = 5_000;
/**
 * A controller is settled once its link has been up this long: adoption done, and any ring a
 * killed controller left behind has timed out (acd.agent_ring_s is 20 s).
 */
const SETTLED_MS = 25_000;

export interface RunOptions {
  seed: number;
  calls: number;
  /** only these traffic items (shrinking, replays) */
  keep?: ReadonlySet<string>;
  /** this traffic instead of the seed's (a production call's events, --from-events) */
  given?: Traffic;
  /** calls (by index) whose applications the history keeps, for --trace */
  trace?: readonly number[];
}

export interface RunResult {
  traffic: Traffic;
  history: ExplorerHistory;
  virtualMs: number;
  realMs: number;
}

export async function traffic(seed: number, calls: number): Promise<Traffic> {
  const config = await loadShippedConfig();
  const r = config.routing;
  const numbers = (mode: Hotline['mode']) => r.hotlines.filter((h) => h.mode === mode).map((h) => h.number);
  return generateTraffic(seed, {
    calls,
    meanGapS: 12,
    seats: r.seats.map((s) => s.id),
    direct: numbers('direct'),
    parallel: numbers('parallel'),
    emergency: numbers('emergency'),
    linkage: numbers('linkage'),
  });
}

export async function explore(opts: RunOptions): Promise<RunResult> {
  const config = await loadShippedConfig();
  const full = opts.given ?? (await traffic(opts.seed, opts.calls));
  const t = keepItems(full, opts.keep);
  const began = process.hrtime.bigint();
  const restoreRandom = seedProcessRandomness(opts.seed);
  const vt = new VirtualTime(START_MS);
  try {
    const tracer = new Tracer(
      vt,
      new Map(config.routing.seats.map((s) => [s.id, s.skills])),
      (c) => expectedRoute(config.routing, c),
      new Set(opts.trace ?? []),
      emergencyDigits(config.routing),
    );
    const rig = await Rig.start(vt, config, t, {
      lifeStarted: (l) => tracer.follow(l),
      dbOpened: (db) => db.function('explorer_now', () => vt.now()),
      configChanged: (c) => tracer.skillsNow(new Map(c.routing.seats.map((s) => [s.id, s.skills]))),
    });
    tracer.watchSwitch(rig);
    rig.startController();
    await vt.runUntil(vt.now() + 1000);
    for (const seat of t.readySeats) desk(rig, { id: 'start', kind: 'desk', atMs: 0, seat, action: 'ready' });
    const endMs = START_MS + (t.items.at(-1)?.atMs ?? 0) + TAIL_MS;
    // long runs compare the seats less often, so that the history stays in memory; the watches
    // of callers left alone or in dead air keep their 5 s, or a long run's stretches would be
    // measured to within 35 s against limits of 60 s (found in the 100,000-call run)
    const seatCheckEvery = Math.max(1, Math.ceil(t.items.length / 30_000));
    let checks = 0;
    let nextCheck = vt.now() + SEAT_CHECK_MS;
    const agenda = [...t.items];
    let i = 0;
    const restarts: number[] = [];
    for (;;) {
      const itemAt = i < agenda.length ? START_MS + agenda[i]!.atMs : Infinity;
      const restartAt = restarts[0] ?? Infinity;
      const at = Math.min(itemAt, restartAt, nextCheck);
      if (at > endMs && restarts.length === 0) break;
      await vt.runUntil(at);
      tracer.noteLink(rig);
      if (at === restartAt) {
        restarts.shift();
        if (!rig.current) rig.startController();
      } else if (at === itemAt) {
        const item = agenda[i++]!;
        if (item.kind === 'fault' && item.fault === 'reload') await rig.reloadConfig();
        else play(rig, item, tracer, restarts);
      } else {
        tracer.watchAlone();
        tracer.watchDeadAir();
        if (++checks % seatCheckEvery === 0) tracer.checkSeats(rig);
        nextCheck += SEAT_CHECK_MS;
        if (i >= agenda.length && restarts.length === 0 && tracer.allCallersGone() && rig.sim.engine.channels.length === 0) break;
      }
    }
    // the last timers (wrap-ups, lingering sessions) run out before the switch is looked at
    await vt.runUntil(vt.now() + 120_000);
    const history = tracer.history(rig);
    rig.close();
    const virtualMs = vt.now() - START_MS;
    return { traffic: t, history, virtualMs, realMs: Number(process.hrtime.bigint() - began) / 1e6 };
  } finally {
    vt.uninstall();
    restoreRandom();
  }
}

function play(rig: Rig, item: TrafficItem, tracer: Tracer, restarts: number[]): void {
  if (item.kind === 'call') tracer.placed(item, rig.sim.engine.placeCall(callOf(item)));
  else if (item.kind === 'desk') desk(rig, item);
  else if (item.fault === 'drop-esl') rig.dropEslLink(item.downMs);
  else if (item.fault === 'drop-esl-at-answer') rig.dropEslAtNextAnswer(item.downMs);
  else if (item.fault === 'kill-at-accept') rig.killAtNextAccept(() => restartLater(rig, restarts, item.downMs));
  else {
    rig.killController();
    restartLater(rig, restarts, item.downMs);
  }
}

function restartLater(rig: Rig, restarts: number[], downMs: number): void {
  restarts.push(rig.vt.now() + downMs);
  restarts.sort((a, b) => a - b);
}

/**
 * The route routing.yaml gives a call by how it arrived, worked out here apart from the dialplan
 * and the controller's routing code: the 110 platform's address first, then a forwarding from
 * one of our direct or parallel numbers, then the number dialled.
 */
function expectedRoute(plan: RoutingPlan, c: CallItem): CallerTrace['expected'] {
  if (c.network && plan.policeDiversion.networks.some((n) => inNetwork(c.network!, n))) {
    return { mode: 'emergency', originHotline: '110', priority: plan.policeDiversion.priority };
  }
  const diverted = c.diversion ? plan.byNumber.get(c.diversion) : undefined;
  if (c.to === plan.centre.number && diverted && (diverted.mode === 'direct' || diverted.mode === 'parallel')) {
    return { mode: diverted.mode, originHotline: diverted.number, priority: null };
  }
  if (c.to === plan.centre.number) return { mode: 'main', originHotline: null, priority: null };
  const h = plan.byNumber.get(c.to);
  if (h && (h.mode === 'direct' || h.mode === 'parallel')) return { mode: h.mode, originHotline: h.number, priority: null };
  return { mode: 'unknown', originHotline: null, priority: null };
}

function emergencyDigits(plan: RoutingPlan): Set<string> {
  return new Set(plan.hotlines.filter((h) => h.mode === 'emergency' && h.transfer).map((h) => h.transfer!.dial));
}

function inNetwork(address: string, cidr: string): boolean {
  const [base, bits = '32'] = cidr.split('/');
  const n = (ip: string) => ip.split('.').reduce((v, o) => v * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(address) / size) === Math.floor(n(base!) / size);
}

function callOf(c: CallItem) {
  return {
    from: c.network ? '02584000000' : c.from,
    to: c.to,
    dtmf: c.dtmf,
    ...(c.diversion ? { diversion: c.diversion } : {}),
    ...(c.network ? { network: c.network } : {}),
    ...(c.hangupAfterS !== undefined ? { hangupAfterS: c.hangupAfterS } : {}),
    ...(c.patienceS !== undefined ? { patienceS: c.patienceS } : {}),
  };
}

/** What an agent does on the desktop, on whatever the seat is doing now; refusals are normal. */
function desk(rig: Rig, d: DeskItem): void {
  const l = rig.current;
  if (!l) return;
  rig.vt.run(l.life, () => {
    const acd = l.acd;
    const state = acd.agentState(d.seat);
    const ignore = () => undefined;
    try {
      if (d.action === 'ready') {
        if (state.name === 'logged_out') acd.agentAction(d.seat, { type: 'login' });
        const now = acd.agentState(d.seat).name;
        if (now === 'break' || now === 'wrap_up') acd.agentAction(d.seat, { type: 'ready' });
        return;
      }
      if (d.action === 'break') {
        if (state.name !== 'logged_out') acd.agentAction(d.seat, { type: 'break', reason: '休息' } as never);
        return;
      }
      if (!state.callId) return;
      const talk = l.controller.transfers.talk(state.callId, d.seat);
      const at = new Date();
      const run: Record<string, () => Promise<unknown>> = {
        warm: () => talk.transfer(d.number!, 'warm', at),
        blind: () => talk.transfer(d.number!, 'blind', at),
        three_way: () => talk.transfer(d.number!, 'three_way', at),
        emergency: () => talk.transfer(d.number!, undefined, at),
        linkage: () => talk.transfer(d.number!, undefined, at),
        complete: () => talk.complete(),
        cancel: () => talk.cancel(),
        join: () => talk.threeWay(),
        hold: () => talk.hold(),
        resume: () => talk.resume(),
      };
      void run[d.action]!().catch(ignore);
    } catch {
      // the desktop would show the refusal (not in this state, no such talk)
    }
  });
}

/**
 * crypto.randomUUID and Math.random from the seed, so a replay makes the same uuids and the
 * same jitter: the controller's legs and the switch's channels are named the same each time.
 */
function seedProcessRandomness(seed: number): () => void {
  const r = seededRandom(seed ^ 0x5eed);
  const original = { uuid: crypto.randomUUID, random: Math.random };
  const hex = () =>
    Math.floor(r.next() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  crypto.randomUUID = (() => {
    const h = hex() + hex() + hex() + hex();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }) as typeof crypto.randomUUID;
  Math.random = () => r.next();
  syncBuiltinESMExports();
  return () => {
    crypto.randomUUID = original.uuid;
    Math.random = original.random;
    syncBuiltinESMExports();
  };
}

/** Gathers the history as the run goes. */
class Tracer {
  /** `ch` only while the channel lives: a 100,000-call run cannot keep every channel */
  private readonly callers = new Map<string, { item: CallItem; ch?: Channel; trace: CallerTrace }>();
  private readonly legs = new Map<string, { trace: LegTrace }>();
  private readonly offers: OfferTrace[] = [];
  private readonly seatChecks: SeatCheck[] = [];
  private readonly classifications: Classification[] = [];
  /** callers still up, with the applications running for each (innermost last) */
  private readonly live = new Map<string, string[]>();
  /** callers in dead air since when (watchDeadAir) */
  private readonly deadAirWatch = new Map<string, number>();
  private readonly deadAir: DeadAirTrace[] = [];
  /** the prompts each caller still up has heard (file names without .wav) */
  private readonly heard = new Map<string, Set<string>>();
  /** answered callers in a `bridge` with no ringback: since when, to what */
  private readonly silentRings = new Map<string, { from: number; target: string }>();
  private readonly sounds: SoundTrace[] = [];
  /** callers whose agent's leg just ended, until the flow takes them on: what they had run then */
  private readonly aloneWatch = new Map<string, { seat: string; from: number; apps: number }>();
  private readonly alone: AloneTrace[] = [];

  constructor(
    private readonly vt: VirtualTime,
    /** each seat's skills in the routing.yaml in force (reload faults change them) */
    private skills: ReadonlyMap<string, readonly string[]>,
    private readonly route: (c: CallItem) => CallerTrace['expected'],
    private readonly traced: ReadonlySet<number>,
    /** the digits dialled for the emergency numbers (110, 120, …) */
    private readonly emergency: ReadonlySet<string>,
  ) {}

  watchSwitch(rig: Rig): void {
    const engine = rig.sim.engine;
    // the controller sent `connect` for this channel: the call was under control
    const connected = engine.socketConnected.bind(engine);
    engine.socketConnected = (uuid) => {
      const caller = this.callers.get(uuid);
      if (caller) caller.trace.reachedController = true;
      connected(uuid);
    };
    engine.observe({
      legCreated: (leg) => {
        if (leg.sim.agent === undefined && !leg.name.startsWith('sofia/gateway/') && !leg.name.startsWith('sofia/internal/')) return;
        this.legs.set(leg.uuid, {
          trace: { uuid: leg.uuid, name: leg.name, seat: leg.sim.agent ?? null, callerUuid: leg.getVar('cti_call_id') ?? null, createdAt: this.vt.now() },
        });
      },
      legAnswered: (leg) => {
        const l = this.legs.get(leg.uuid);
        if (l) l.trace.answeredAt ??= this.vt.now();
      },
      channelDestroyed: (ch) => {
        const caller = this.callers.get(ch.uuid);
        const l = this.legs.get(ch.uuid) ?? caller;
        if (!l) return;
        l.trace.hungUpAt = this.vt.now();
        if (ch.hangupCause) l.trace.hangupCause = ch.hangupCause;
        if (caller) {
          this.ringEnded(ch.uuid);
          this.live.delete(ch.uuid);
          this.heard.delete(ch.uuid);
          this.settle(caller);
        } else this.agentGone(l.trace as LegTrace);
      },
    });
    engine.tap((e) => {
      const of = (n: string) => e.headers.find(([h]) => h === n)?.[1];
      if (e.name === 'CHANNEL_EXECUTE' || e.name === 'CHANNEL_EXECUTE_COMPLETE') {
        const uuid = of('Unique-ID') ?? '';
        const running = this.live.get(uuid);
        if (!running) return;
        const app = of('Application') ?? '';
        if (e.name === 'CHANNEL_EXECUTE') {
          running.push(app);
          this.executing(uuid, app, of('Application-Data') ?? '');
        } else {
          running.pop();
          if (app === 'bridge') this.ringEnded(uuid);
        }
        return;
      }
      if (e.name !== 'CHANNEL_BRIDGE') return;
      const a = of('Bridge-A-Unique-ID');
      const b = of('Bridge-B-Unique-ID');
      if (!a || !b) return;
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const caller = this.callers.get(x);
        if (caller) {
          caller.trace.bridgedWith.push(y);
          this.ringEnded(x);
          this.bridgedTo(x, of(x === a ? 'Other-Leg-Channel-Name' : 'Caller-Channel-Name') ?? this.legs.get(y)?.trace.name ?? '');
        }
        const leg = this.legs.get(y);
        if (caller && leg) leg.trace.callerUuid ??= x;
      }
    });
    // in the database itself (not TEMP): each life writes through its own connection
    rig.db.exec(`CREATE TABLE explorer_classified (attempt_id INTEGER, result TEXT, at INTEGER);
      CREATE TRIGGER explorer_attempt_result AFTER UPDATE OF result ON transfer_attempts WHEN NEW.result IS NOT NULL
      BEGIN INSERT INTO explorer_classified VALUES (NEW.id, NEW.result, explorer_now()); END;
      CREATE TRIGGER explorer_attempt_born_classified AFTER INSERT ON transfer_attempts WHEN NEW.result IS NOT NULL
      BEGIN INSERT INTO explorer_classified VALUES (NEW.id, NEW.result, explorer_now()); END;`);
  }

  /** A seat's leg ended: its caller, still up, must be taken on by the flow (watchAlone). */
  private agentGone(leg: LegTrace): void {
    if (leg.seat === null || leg.answeredAt === undefined || !leg.callerUuid) return;
    const ch = this.callers.get(leg.callerUuid)?.ch;
    if (!ch?.answered || ch.hangupCause !== null) return;
    this.aloneWatch.set(leg.callerUuid, { seat: leg.seat, from: this.vt.now(), apps: ch.appLog.length });
  }

  /** Closes the stretches of callers the flow took on, or who ended; keeps the long ones. */
  watchAlone(final = false): void {
    const now = this.vt.now();
    for (const [uuid, w] of this.aloneWatch) {
      const c = this.callers.get(uuid);
      const ch = c?.ch;
      // Taken on: in a bridge or a conference (someone is there), speaking a message, or the flow
      // moving on to something other than music (the survey, a prompt such as the queue's 请稍候,
      // the fallback). Alone: only music (ours, or a looping hold broadcast) or a park since the
      // agent left, which is what the caller of the hold defect heard for minutes.
      const music = (a: { app: string; arg: string }) => a.app === 'playback' && (a.arg.includes('hold-music') || a.arg.startsWith('local_stream://'));
      const moved = ch?.appLog.slice(w.apps).some((a) => !music(a));
      // a bridge whose other leg is gone is nobody: under uuid_hold the music loops inside the
      // bridge after the agent hung up, and the caller stays "bridged" to a dead leg
      const withSomeone = ch !== undefined && (ch.bridge?.peer.ready || ch.application === 'conference' || ch.application === 'record');
      const takenOn = !ch || moved || withSomeone;
      if (!takenOn && !final) continue;
      this.aloneWatch.delete(uuid);
      const to = ch ? now : (c?.trace.hungUpAt ?? now);
      if (c && to - w.from > 10_000) this.alone.push({ index: c.item.index, uuid, seat: w.seat, from: w.from, to });
    }
  }

  /** A caller starts an application: a prompt heard, or a bridge that rings (with ringback or not). */
  private executing(uuid: string, app: string, data: string): void {
    if (app === 'playback') {
      const file = /([^/]+)\.wav$/.exec(data)?.[1];
      if (file) (this.heard.get(uuid) ?? this.heard.set(uuid, new Set()).get(uuid)!).add(file);
      return;
    }
    if (app !== 'bridge') return;
    const c = this.callers.get(uuid);
    const ch = c?.ch;
    if (!c || !ch) return;
    const target = data.replace(/^\{[^}]*\}/, '').split(',')[0] ?? data;
    // FreeSWITCH plays transfer_ringback to an answered originator while the far end rings
    // (switch_ivr_originate.c); nothing else sounds then (ignore_early_media)
    if (ch.answered && !ch.getVar('transfer_ringback')) this.silentRings.set(uuid, { from: this.vt.now(), target });
    if (target.startsWith('sofia/gateway/') && !this.heard.get(uuid)?.has('transferring')) {
      this.sounds.push({ index: c.item.index, uuid, at: this.vt.now(), problem: 'no-transfer-prompt', target });
    }
  }

  private ringEnded(uuid: string): void {
    const ring = this.silentRings.get(uuid);
    if (!ring) return;
    this.silentRings.delete(uuid);
    const ms = this.vt.now() - ring.from;
    const c = this.callers.get(uuid);
    if (c && ms > 1000) this.sounds.push({ index: c.item.index, uuid, at: ring.from, problem: 'silent-ring', ms, target: ring.target });
  }

  /** A caller bridged with a leg: an emergency number's, only after the 紧急转接 prompt. */
  private bridgedTo(uuid: string, name: string): void {
    const number = /^sofia\/gateway\/[^/]+\/(\d+)$/.exec(name)?.[1];
    if (!number || !this.emergency.has(number) || this.heard.get(uuid)?.has('emergency-transfer')) return;
    const c = this.callers.get(uuid);
    if (c) this.sounds.push({ index: c.item.index, uuid, at: this.vt.now(), problem: 'no-emergency-prompt', target: name });
  }

  /**
   * Dead air: a caller up, in no bridge with anyone, with nothing running but the `socket` app
   * or a park (no prompt, no music, no ringing bridge, no conference). The stretches over 10 s
   * are kept for callerNeverInDeadAir. Looked at on every seat check, so a stretch is known to
   * within SEAT_CHECK_MS.
   */
  watchDeadAir(final = false): void {
    const now = this.vt.now();
    for (const [uuid, running] of this.live) {
      const ch = this.callers.get(uuid)?.ch;
      const silent = !final && ch !== undefined && ch.ready && !ch.bridge?.peer.ready && running.every((app) => app === 'socket' || app === 'park');
      if (silent) this.deadAirWatch.set(uuid, this.deadAirWatch.get(uuid) ?? now);
      else this.endDeadAir(uuid, now);
    }
    if (final) for (const uuid of this.deadAirWatch.keys()) this.endDeadAir(uuid, now);
  }

  private endDeadAir(uuid: string, now: number): void {
    const from = this.deadAirWatch.get(uuid);
    if (from === undefined) return;
    this.deadAirWatch.delete(uuid);
    const c = this.callers.get(uuid);
    const to = c?.ch ? now : (c?.trace.hungUpAt ?? now);
    if (c && to - from > 10_000) this.deadAir.push({ index: c.item.index, uuid, from, to, answered: c.ch?.answered ?? c.trace.answered });
  }

  skillsNow(skills: ReadonlyMap<string, readonly string[]>): void {
    this.skills = skills;
  }

  follow(l: ControllerLife): void {
    l.acd.on('offer', (offer) => {
      const seat = offer.agentId;
      const skills = this.skills.get(seat) ?? [];
      const c = offer.call;
      // only the waiting calls that would be served before the offered one are kept: the rest
      // cannot break the order, and a long queue would otherwise fill memory in a long run
      const eligible = l.acd
        .waitingCalls()
        .filter((w) => skills.includes(w.queue) && !w.missedBy.includes(seat) && servedFirst(w, c))
        .map((w) => ({ callId: w.callId, priority: w.priority, enteredMs: w.enteredMs, seq: w.seq }));
      this.offers.push({
        at: this.vt.now(),
        seat,
        callId: c.callId,
        eligible,
        priority: c.priority,
        enteredMs: c.enteredMs,
        seq: c.seq,
        queue: c.queue,
        seatSkills: [...skills],
      });
    });
  }

  placed(item: CallItem, ch: Channel): void {
    this.live.set(ch.uuid, []);
    this.callers.set(ch.uuid, {
      item,
      ch,
      trace: {
        index: item.index,
        uuid: ch.uuid,
        placedAt: this.vt.now(),
        callerLeft: false,
        reachedController: false,
        answered: false,
        bridgedWith: [],
        fallback: false,
        expected: this.route(item),
      },
    });
  }

  allCallersGone(): boolean {
    for (const c of this.callers.values()) if (c.trace.hungUpAt === undefined) return false;
    return true;
  }

  noteLink(rig: Rig): void {
    const l = rig.current;
    if (!l) return;
    if (l.controller.freeswitchState === 'connected') l.linkedSince ??= this.vt.now();
    else l.linkedSince = undefined;
  }

  checkSeats(rig: Rig): void {
    const l = rig.current;
    if (!l || l.linkedSince === undefined || this.vt.now() - l.linkedSince < SETTLED_MS) return;
    const live = rig.sim.engine.channels.filter((ch) => ch.sim.agent !== undefined);
    for (const seat of l.acd.agentIds()) {
      const state = l.acd.agentState(seat);
      const legs = live.filter((ch) => ch.sim.agent === seat);
      // a seat neither on a call nor ringing, with no leg in the switch, agrees by definition
      if (legs.length === 0 && state.name !== 'on_call' && state.name !== 'ringing') continue;
      this.seatChecks.push({
        at: this.vt.now(),
        seat,
        acdState: state.name,
        acdCall: state.callId,
        switchLegs: legs.map((ch) => ({ uuid: ch.uuid, answered: ch.answered })),
      });
    }
  }

  /** What the history needs of a caller's channel, read once it is gone (or the run is over). */
  private settle(c: { item: CallItem; ch?: Channel; trace: CallerTrace }): void {
    const { ch, trace } = c;
    if (!ch) return;
    trace.callerLeft = ch.sim.callerLeft === true;
    trace.answered = ch.answered;
    if (ch.profile.times.answered > 0) trace.answeredUs = ch.profile.times.answered;
    trace.fallback = ch.appLog.some((a) => a.arg.includes('cti/fallback.wav'));
    // the applications only of the calls asked for (--trace): hold music makes long lists
    if (this.traced.has(c.item.index)) trace.apps = ch.appLog.map((a) => `${a.app}(${a.arg.length > 60 ? `${a.arg.slice(0, 60)}…` : a.arg})`);
    delete c.ch;
  }

  history(rig: Rig): ExplorerHistory {
    this.watchAlone(true);
    this.watchDeadAir(true);
    for (const c of this.callers.values()) this.settle(c);
    if (rig.current?.db.open) rig.current.controller.records.flush();
    const db = rig.db;
    const rows = <T>(sql: string) => db.prepare(sql).all() as T[];
    this.classifications.push(
      ...rows<{ attempt_id: number; result: string; at: number }>('SELECT * FROM explorer_classified').map((r) => ({
        attemptId: r.attempt_id,
        result: r.result,
        at: r.at,
      })),
    );
    return {
      callers: [...this.callers.values()].map((c) => c.trace),
      legs: [...this.legs.values()].map((l) => l.trace),
      records: rows(
        'SELECT id, mode, line, outcome, agent_id, answered_us, agent_answered_us, ended_us, hangup_cause, survey_score, origin_hotline, priority FROM calls',
      ),
      recordLegs: rows('SELECT id, call_id, kind, endpoint, answered_us, ended_us, hangup_cause FROM call_legs'),
      attempts: rows('SELECT id, call_id, leg_id, hotline, kind, answered_us, ended_us, result FROM transfer_attempts'),
      classifications: this.classifications,
      offers: this.offers,
      seatChecks: this.seatChecks,
      channelsLeft: rig.sim.engine.channels.map((ch) => ({ uuid: ch.uuid, name: ch.name, state: ch.state })),
      uncaught: this.vt.uncaught.map((u) => ({
        at: u.at,
        life: u.life,
        message: u instanceof Error ? u.message : String((u.error as Error)?.stack ?? u.error),
      })),
      errorLogs: rig.errorLogs,
      killedAtAccept: rig.killedAtAccept,
      droppedAtAnswer: rig.droppedAtAnswer,
      alone: this.alone,
      deadAir: this.deadAir,
      sounds: this.sounds,
      eslLinks: rig.eslLinks,
      kills: rig.kills,
    };
  }
}
