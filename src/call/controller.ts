// The call controller: FreeSWITCH's `socket` app connects here once per call (outbound ESL),
// and one inbound connection follows every leg's create/answer/hangup for the clocks and for
// /healthz. Each call runs its own flow (session.ts); nothing here holds call state.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_UNREAD_EVENTS, EslClient, EslOutboundServer, type OutboundCall } from '../esl/index.js';
import type { ConfigWatcher } from '../config/index.js';
import type { WorkingCalendar } from '../calendar/index.js';
import type { CallDistributor } from '../acd/index.js';
import type { Db } from '../store/index.js';
import { CallRecords, ENDED_UNSEEN } from './call-records.js';
import { LegClock } from './leg-clock.js';
import { runCall } from './session.js';
import { CallAdoption } from './adopt.js';
import { prompt, type CallServices } from './step.js';
import { TransferDesk } from './transfer-desk.js';

// Only what the leg clock, the adoption and the softphone feature codes (DTMF) read: every event
// FreeSWITCH sends carries the channel's variables, so each unread one costs the switch and us a
// few kilobytes to write and parse.
const FOLLOWED_EVENTS = ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_BRIDGE', 'HEARTBEAT', 'DTMF'];
/**
 * Of those, only the legs the controller originates (agents, departments: outbound direction)
 * and the heartbeat: a caller's own events already reach its call's socket session, and reading
 * them twice cost about a tenth of the controller's CPU. Adoption widens this while it needs to.
 */
const FOLLOWED_FILTERS: ReadonlyArray<[string, string]> = [
  ['Event-Name', 'HEARTBEAT'],
  ['Call-Direction', 'outbound'],
];
const CALLER_LEGS: [string, string] = ['Call-Direction', 'inbound'];
/** Beyond myevents' list, a call needs only the results of its own bgapi jobs. */
const CALL_EVENTS = ['BACKGROUND_JOB'];
/** How long a shutdown waits for the call flows to record their end. */
const CLOSE_WAIT_MS = 3000;
/**
 * Of myevents' list the steps also leave unread each application's start (they wait for its
 * completion) and the caller's digits (play_and_get_digits collects them): six of a queued
 * call's fifteen events, a third of the bytes FreeSWITCH writes to its socket.
 */
const CALL_UNREAD_EVENTS = [...DEFAULT_UNREAD_EVENTS, 'CHANNEL_EXECUTE', 'DTMF'];

export interface CallControllerOptions {
  config: ConfigWatcher;
  db: Db;
  acd: CallDistributor;
  calendar: () => WorkingCalendar;
  log: Logger;
  /**
   * a caller's survey score, for the tickets opened from that call: the ticket desk notes it
   * (main.ts); left out, the score stays on the call record only
   */
  surveyTaken?: (callId: string, score: number) => void;
  /** each call's CHANNEL_DATA received → first sendmsg written, ms (for /metrics) */
  firstCommandMs?: (ms: number) => void;
  /**
   * The inbound link's byte stream and the reconnect jitter's source, when not TCP and
   * Math.random: the explorer runs the controller and the simulator in one process.
   */
  link?: { connect(): Socket; random?: () => number };
}

export class CallController {
  readonly records: CallRecords;
  readonly legs = new LegClock();
  readonly transfers: TransferDesk;
  private readonly inbound: EslClient;
  private readonly outbound: EslOutboundServer;
  private readonly services: CallServices;
  private readonly running = new Set<Promise<void>>();
  /** Unique-IDs of the calls whose socket session this process holds */
  private readonly controlled = new Set<string>();
  private readonly adoption: CallAdoption;

  constructor(private readonly opts: CallControllerOptions) {
    const { server } = opts.config.current;
    this.records = new CallRecords(opts.db, opts.log.child({ area: 'call-records' }));
    this.inbound = new EslClient({
      ...server.freeswitch,
      events: FOLLOWED_EVENTS,
      filters: FOLLOWED_FILTERS,
      log: opts.log.child({ esl: 'inbound' }),
      ...(opts.link ? { connect: opts.link.connect, ...(opts.link.random ? { random: opts.link.random } : {}) } : {}),
    });
    const surveyTaken = opts.surveyTaken ?? (() => undefined);
    this.adoption = new CallAdoption(this.records, opts.acd, () => opts.config.current.routing, opts.log, surveyTaken);
    this.inbound.on('event', (e) => {
      if (e.name === 'DTMF') {
        // the agents' softphone feature codes (*1<number># and friends)
        const digit = e.get('DTMF-Digit');
        if (e.uuid && digit) this.transfers.digit(e.uuid, digit, new Date());
        return;
      }
      this.legs.observe(e);
      this.adoption.observe(e);
    });
    this.inbound.on('state', (state) => {
      if (state !== 'connected') return;
      const link = {
        api: (cmd: string) => this.inbound.api(cmd, { allowErr: true }),
        followCallers: (on: boolean) => (on ? this.inbound.filterForNow(...CALLER_LEGS) : this.inbound.unfilter(...CALLER_LEGS)),
      };
      const listedUs = Date.now() * 1000;
      const known = this.legs.known();
      this.adoption
        .run(link, this.controlled)
        .then(({ live }) => {
          const ended = this.legs.reconcile(live, known, listedUs, ENDED_UNSEEN);
          if (ended > 0) opts.log.warn({ legs: ended }, 'legs that ended while the ESL connection was down are taken as ended now');
        })
        .catch((err: unknown) => opts.log.error({ err }, 'adopting calls after reconnect failed'));
    });
    this.transfers = new TransferDesk({
      db: opts.db,
      link: {
        api: (command) => this.inbound.api(command, { allowErr: true }),
        bgapi: (command) => this.inbound.bgapi(command, { allowErr: true }),
        legs: this.legs,
      },
      config: () => opts.config.current,
      calendar: opts.calendar,
      agentDone: (seat, talkMs, callId) => opts.acd.callEnded(seat, talkMs, callId),
      emergencyPrompt: prompt('emergency-transfer'),
      log: opts.log.child({ area: 'transfer' }),
    });
    this.services = {
      records: this.records,
      transfers: this.transfers,
      acd: opts.acd,
      legs: this.legs,
      config: () => opts.config.current,
      calendar: opts.calendar,
      log: opts.log,
      surveyTaken,
      api: (command, via) => (via && !via.isClosed ? via.api(command, { allowErr: true }) : this.inbound.api(command, { allowErr: true })),
    };
    this.outbound = new EslOutboundServer(
      {
        ...server.eslListener,
        events: CALL_EVENTS,
        unreadEvents: CALL_UNREAD_EVENTS,
        log: opts.log.child({ esl: 'outbound' }),
        ...(opts.firstCommandMs ? { onFirstCommand: opts.firstCommandMs } : {}),
      },
      (call) => this.take(call),
    );
  }

  /** Listens for calls and connects to FreeSWITCH (retrying with back-off while it is away). */
  async start(): Promise<number> {
    const port = await this.outbound.listen();
    this.connect();
    return port;
  }

  /** Connects to FreeSWITCH only; calls come through `accept` (the explorer's in-memory link). */
  connect(): void {
    this.inbound.start();
  }

  /** One call's outbound session on a connection already open. */
  accept(socket: Socket): void {
    void this.outbound.accept(socket);
  }

  get freeswitchState(): 'connected' | 'disconnected' {
    return this.inbound.state;
  }

  get activeCalls(): number {
    return this.running.size;
  }

  async close(): Promise<void> {
    await this.outbound.close();
    // each flow ends once its session has (session.ts); a step that waits on a person (a talk
    // the guard keeps in FreeSWITCH) is not waited for past the bound
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => (bound = setTimeout(r, CLOSE_WAIT_MS)))]);
    clearTimeout(bound);
    await this.inbound.close();
    this.records.flush();
  }

  private take(call: OutboundCall): void {
    this.controlled.add(call.uuid);
    const run = runCall(call, this.services)
      .catch((err: unknown) => this.opts.log.error({ err, call: call.uuid }, 'call flow failed'))
      .finally(() => {
        this.running.delete(run);
        this.controlled.delete(call.uuid);
      });
    this.running.add(run);
  }
}
