// Outbound ESL: FreeSWITCH's `socket 127.0.0.1:8084 async full` opens one TCP connection
// per call to this server (docs/esl-protocol.md §3). For each one: `connect` → CHANNEL_DATA,
// `myevents`, the extra events, `linger`, then the call goes to the handler. If set-up or
// the handler fails, the session is ended, so FreeSWITCH goes on with the dialplan
// (`socket_resume=true` there leads to the fallback that rings every seat).
import net, { type AddressInfo, type Socket } from 'node:net';
import pino, { type Logger } from 'pino';
import { CtiError } from '../errors.js';
import { channelDataFrom } from './channel-data.js';
import { EslConnection } from './connection.js';
import { OutboundCall, type OutboundCallSettings } from './outbound-call.js';
import { maskedNumber } from '../logging.js';

/** Events the controller reads that `myevents` alone does not subscribe to (MES ~2100). */
export const DEFAULT_EXTRA_EVENTS: readonly string[] = ['CHANNEL_HOLD', 'CHANNEL_UNHOLD', 'PLAYBACK_START', 'PLAYBACK_STOP', 'RECORD_START', 'RECORD_STOP'];
/**
 * Types of myevents' fixed list that a call handler does not read, nixed after `myevents`.
 * The socket connects after CHANNEL_CREATE and the session ends at CHANNEL_HANGUP_COMPLETE, so
 * CREATE and DESTROY never matter; the rest (state changes, park, progress, originate) say
 * nothing the handler acts on.
 */
export const DEFAULT_UNREAD_EVENTS: readonly string[] = [
  'CHANNEL_STATE',
  'CHANNEL_CREATE',
  'CHANNEL_DESTROY',
  'CHANNEL_PARK',
  'CHANNEL_UNPARK',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ORIGINATE',
  'CHANNEL_OUTGOING',
  'CHANNEL_APPLICATION',
  'CHANNEL_UUID',
  'DETECTED_SPEECH',
  'TALK',
  'NOTALK',
];

export interface OutboundServerOptions {
  host: string;
  /** 0 picks a free port (tests) */
  port: number;
  log?: Logger;
  format?: 'plain' | 'json';
  /** event types on top of myevents' list; BACKGROUND_JOB is always added */
  events?: readonly string[];
  /** types of myevents' list to take off again (default DEFAULT_UNREAD_EVENTS; [] keeps them all) */
  unreadEvents?: readonly string[];
  /** seconds FreeSWITCH lingers after hangup (default 30; the session usually exits sooner) */
  lingerSeconds?: number;
  /** end the session once CHANNEL_HANGUP_COMPLETE arrived (default true) */
  exitAfterHangupComplete?: boolean;
  /** `connect` through `linger` must finish within this (default 5 s) */
  setupTimeoutMs?: number;
  /** each command's reply (default 10 s) */
  commandTimeoutMs?: number;
  /** bgapi results (default 120 s) */
  jobTimeoutMs?: number;
  /** see OutboundCallSettings.onFirstCommand */
  onFirstCommand?: (ms: number) => void;
}

/**
 * Gets each call once it is set up. Attach listeners before the first `await`: events that
 * arrived during set-up are delivered right after this returns (or returns its promise).
 * A throw or a rejection ends the session, and FreeSWITCH continues the dialplan.
 */
export type OnCall = (call: OutboundCall) => void | Promise<void>;

export class EslOutboundServer {
  private readonly log: Logger;
  private readonly server: net.Server;
  private readonly settings: OutboundCallSettings;
  private readonly calls = new Set<OutboundCall>();
  /** connections still in set-up, ended by close() */
  private readonly settingUp = new Set<EslConnection>();

  constructor(
    private readonly options: OutboundServerOptions,
    private readonly onCall: OnCall,
  ) {
    this.log = (options.log ?? pino({ level: 'silent' })).child({ component: 'esl-outbound' });
    this.settings = {
      log: this.log,
      format: options.format ?? 'plain',
      extraEvents: options.events ?? DEFAULT_EXTRA_EVENTS,
      unreadEvents: options.unreadEvents ?? DEFAULT_UNREAD_EVENTS,
      lingerSeconds: options.lingerSeconds ?? 30,
      exitAfterHangupComplete: options.exitAfterHangupComplete ?? true,
      jobTimeoutMs: options.jobTimeoutMs ?? 120_000,
      ...(options.onFirstCommand ? { onFirstCommand: options.onFirstCommand } : {}),
    };
    this.server = net.createServer((socket) => void this.accept(socket));
    this.server.on('error', (err) => this.log.error({ err }, 'outbound ESL listener error'));
  }

  /** Starts listening; resolves with the port. */
  listen(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const onError = (err: Error) => reject(new CtiError('ESL_CONNECT_FAILED', `cannot listen on ${this.options.host}:${this.options.port}: ${err.message}`));
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        this.log.info({ port: this.port }, 'outbound ESL listener ready');
        resolve(this.port!);
      });
    });
  }

  get port(): number | undefined {
    return (this.server.address() as AddressInfo | null)?.port;
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  /** Stops listening and ends every session (FreeSWITCH then continues each dialplan). */
  async close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.settingUp) conn.destroy();
    await Promise.all([...this.calls].map((call) => call.exit().catch(() => undefined)));
    await stopped;
  }

  /** One session on a connection already open: the listener's, or an in-memory one (the explorer). */
  async accept(socket: Socket): Promise<void> {
    const peer = `FreeSWITCH ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    // Pipelined: FreeSWITCH reads one command, answers it, then reads the next, so replies come
    // in the order the commands were written whether or not we wait in between.
    const conn = new EslConnection(socket, { log: this.log, maxInFlight: Infinity, commandTimeoutMs: this.options.commandTimeoutMs ?? 10_000, peer });
    this.settingUp.add(conn);
    const call = await this.setUp(conn, peer);
    this.settingUp.delete(conn);
    if (!call) return;
    this.calls.add(call);
    void call.closed.then(() => this.calls.delete(call));
    this.handOver(call);
  }

  /**
   * `connect`, then the subscription. The call is handed over as soon as the subscription's
   * commands are written, not when their replies are in: the handler's first command queues
   * behind them on the socket, and FreeSWITCH answers in order, so waiting would only add a
   * round trip to every caller's first prompt. A refused subscription ends the session.
   */
  private async setUp(conn: EslConnection, peer: string): Promise<OutboundCall | undefined> {
    const limit = this.options.setupTimeoutMs ?? 5_000;
    const timer = setTimeout(() => conn.destroy(), limit);
    const failed = (err: unknown) => {
      clearTimeout(timer);
      this.log.warn({ err, peer }, 'outbound ESL session set-up failed; closing it so FreeSWITCH continues the dialplan');
      conn.destroy();
    };
    try {
      const reply = await conn.send({ line: 'connect' });
      const channelDataAtMs = performance.now();
      if (reply.type !== 'channel-data') throw new CtiError('ESL_BAD_FRAME', `expected CHANNEL_DATA in answer to connect, got ${reply.type}`);
      const call = new OutboundCall(conn, channelDataFrom(reply.event), this.settings, channelDataAtMs);
      call.subscribe().then(() => {
        clearTimeout(timer);
        this.log.info(
          { uuid: call.uuid, caller: maskedNumber(call.channelData.callerIdNumber), destination: call.channelData.destinationNumber },
          'outbound ESL session ready',
        );
      }, failed);
      return call;
    } catch (err) {
      failed(err);
      return undefined;
    }
  }

  private handOver(call: OutboundCall): void {
    try {
      const result = this.onCall(call);
      if (result instanceof Promise) result.catch((err: unknown) => this.handlerFailed(call, err));
    } catch (err) {
      this.handlerFailed(call, err);
    }
    call.release();
  }

  private handlerFailed(call: OutboundCall, err: unknown): void {
    this.log.error({ err, uuid: call.uuid }, 'outbound call handler failed; ending the session so the dialplan fallback takes over');
    void call.exit().catch(() => undefined);
  }
}
