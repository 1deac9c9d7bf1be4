// Inbound ESL: the controller connects to FreeSWITCH (:8021), authenticates, subscribes,
// and stays connected: when FreeSWITCH goes away the client retries with back-off and full
// jitter, one attempt at a time, and subscribes and filters again on every new connection.
// Handshake: auth/request → `auth <password>` → `+OK accepted` (§2, §7 pitfall 10).
import { EventEmitter } from 'node:events';
import net from 'node:net';
import pino, { type Logger } from 'pino';
import { CtiError, ErrorCodes } from '../errors.js';
import { ReconnectBackoff, type BackoffOptions } from './backoff.js';
import { eventCommand, expectOk, runApi, type ApiOptions, type CommandHeaders } from './command.js';
import { EslConnection } from './connection.js';
import type { EslEvent } from './event.js';
import type { FrameError } from './frame-error.js';
import { JobWaiters, runBgapi, type BgapiOptions } from './jobs.js';
import { replyText, type DisconnectNotice, type EslMessage } from './message.js';

export type EslClientState = 'connected' | 'disconnected';
export type EventFormat = 'plain' | 'json';

export interface EslClientOptions {
  host: string;
  port: number;
  password: string;
  /** event names, `ALL`, or `CUSTOM a::b c::d`; BACKGROUND_JOB is always added */
  events: readonly string[];
  /** plain (default) or json; both are decoded into the same EslEvent */
  format?: EventFormat;
  /** `filter <header> <value>` pairs set on every connection, as filter() would */
  filters?: ReadonlyArray<readonly [string, string]>;
  log?: Logger;
  reconnect?: BackoffOptions;
  /** source of the jitter, for tests (default Math.random) */
  random?: () => number;
  /** TCP connect + auth + subscribe must finish within this (default 10 s) */
  handshakeTimeoutMs?: number;
  /** api and other replies (default 30 s) */
  commandTimeoutMs?: number;
  /** bgapi results (default 120 s: originate rings up to 60 s by default) */
  jobTimeoutMs?: number;
  /**
   * Opens the byte stream to the switch (default: TCP to host:port). The explorer links the
   * controller and the simulator in one process through this, without a port.
   */
  connect?: () => net.Socket;
}

interface ClientEvents {
  state: [EslClientState];
  event: [EslEvent];
  /** one failed connection attempt: ESL_CONNECT_FAILED, ESL_AUTH_FAILED or ESL_TIMEOUT */
  connectFailed: [CtiError];
  frameError: [FrameError];
  disconnectNotice: [DisconnectNotice];
}

interface ReadyWaiter {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class EslClient extends EventEmitter<ClientEvents> {
  private readonly log: Logger;
  private readonly peer: string;
  private readonly backoff: ReconnectBackoff;
  private readonly jobs = new JobWaiters();
  private readonly events: string[];
  private readonly filters: Array<[string, string]> = [];
  private readonly readyWaiters = new Set<ReadyWaiter>();
  /** the one connection, live or still in its handshake: never more than one */
  private conn: EslConnection | undefined;
  private connected = false;
  private connectedAt = 0;
  private running = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** why the current attempt failed, when it failed before its socket closed */
  private attemptFailure: CtiError | undefined;
  /** the failure was a refusal (password, ACL) that retrying soon cannot fix */
  private attemptRefused = false;
  /** the most recent failure since the last success, for ready() timeouts */
  private lastFailure: CtiError | undefined;
  private attempts = 0;

  constructor(private readonly options: EslClientOptions) {
    super();
    this.log = (options.log ?? pino({ level: 'silent' })).child({ component: 'esl-client' });
    this.peer = `FreeSWITCH ${options.host}:${options.port}`;
    this.backoff = new ReconnectBackoff(options.reconnect, options.random);
    this.events = [...options.events];
    for (const [h, v] of options.filters ?? []) this.keepFilter(h, v);
  }

  get state(): EslClientState {
    return this.connected ? 'connected' : 'disconnected';
  }

  /** Connection attempts made so far (each one TCP connect). */
  get connectionAttempts(): number {
    return this.attempts;
  }

  /** Starts connecting, and keeps reconnecting until close(). Returns at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt();
  }

  /**
   * Resolves once connected (authenticated and subscribed). With a timeout, rejects with the
   * latest attempt's error (e.g. ESL_AUTH_FAILED) when no connection came in time.
   */
  ready(timeoutMs?: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (!this.running) return Promise.reject(new CtiError('ESL_DISCONNECTED', 'the ESL client is not started'));
    return new Promise<void>((resolve, reject) => {
      const w: ReadyWaiter = { resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        w.timer = setTimeout(() => {
          this.readyWaiters.delete(w);
          reject(this.lastFailure ?? new CtiError('ESL_TIMEOUT', `not connected to ${this.peer} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.readyWaiters.add(w);
    });
  }

  /** `api <command>`; rejects with ESL_COMMAND_FAILED on `-ERR` unless allowErr. */
  async api(command: string, options: ApiOptions = {}): Promise<string> {
    const conn = this.live();
    return runApi((cmd, timeoutMs) => conn.send(cmd, timeoutMs), command, options);
  }

  /** `bgapi <command>`; resolves with the BACKGROUND_JOB body, matched by our Job-UUID. */
  async bgapi(command: string, options: BgapiOptions = {}): Promise<string> {
    const conn = this.live();
    return runBgapi((cmd) => conn.send(cmd), this.jobs, command, this.options.jobTimeoutMs ?? 120_000, options, this.log);
  }

  /** `sendmsg <uuid>` with headers such as call-command/execute-app-name (§3.3). */
  async sendmsg(uuid: string, headers: CommandHeaders | Record<string, string>, body?: string): Promise<string> {
    const conn = this.live();
    const pairs = Array.isArray(headers) ? (headers as CommandHeaders) : Object.entries(headers);
    return expectOk(await conn.send({ line: `sendmsg ${uuid}`, headers: pairs, body }), `sendmsg ${uuid}`);
  }

  /**
   * Adds events to the subscription, now and on every reconnect. `event` adds to earlier
   * subscriptions on FreeSWITCH's side (§2.1), so only the new names are sent.
   */
  async subscribe(events: readonly string[]): Promise<void> {
    this.events.push(...events);
    if (this.connected) expectOk(await this.conn!.send({ line: eventCommand(this.format, events) }), 'event');
  }

  /**
   * `filter <header> <value>`, kept for reconnects. With any filter set, FreeSWITCH passes only
   * matching events (§2.1), which would starve bgapi; so the first filter also adds one that
   * lets BACKGROUND_JOB through.
   */
  async filter(header: string, value: string): Promise<void> {
    const added = this.keepFilter(header, value);
    if (this.connected) for (const [h, v] of added) await this.sendFilter(this.conn!, h, v);
  }

  /**
   * Lets more events through the kept filters, on the current connection only: the next
   * connection starts from the kept ones. With no filter kept everything passes already, and
   * nothing is sent. unfilter() ends it.
   */
  async filterForNow(header: string, value: string): Promise<void> {
    if (this.filters.length > 0) await this.sendFilter(this.live(), header, value);
  }

  /** `filter delete <header> <value>`: no longer kept, and removed now if connected. */
  async unfilter(header: string, value: string): Promise<void> {
    const i = this.filters.findIndex(([h, v]) => h === header && v === value);
    if (i >= 0) this.filters.splice(i, 1);
    if (this.connected) expectOk(await this.conn!.send({ line: `filter delete ${header} ${value}` }), `filter delete ${header} ${value}`);
  }

  /** Stops reconnecting, says `exit` if connected, and closes; pending calls fail. */
  async close(): Promise<void> {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const err = new CtiError('ESL_DISCONNECTED', 'the ESL client was closed');
    this.settleReadyWaiters(err);
    this.jobs.failAll(() => err);
    const conn = this.conn;
    if (!conn) return;
    const closed = new Promise<void>((resolve) => conn.once('close', () => resolve()));
    if (this.connected) await conn.send({ line: 'exit' }, 1000).catch(() => undefined);
    conn.destroy();
    if (!conn.isClosed) await closed;
  }

  private get format(): EventFormat {
    return this.options.format ?? 'plain';
  }

  private live(): EslConnection {
    if (!this.connected || !this.conn) throw new CtiError('ESL_DISCONNECTED', `not connected to ${this.peer}; reconnecting`);
    return this.conn;
  }

  private attempt(): void {
    this.retryTimer = undefined;
    if (!this.running || this.conn) return;
    this.attempts += 1;
    this.attemptFailure = undefined;
    this.attemptRefused = false;
    const socket = this.options.connect ? this.options.connect() : net.connect({ host: this.options.host, port: this.options.port });
    socket.setKeepAlive(true, 15_000);
    const conn = new EslConnection(socket, {
      log: this.log,
      maxInFlight: Infinity,
      commandTimeoutMs: this.options.commandTimeoutMs ?? 30_000,
      peer: this.peer,
    });
    this.conn = conn;
    conn.on('message', (m) => this.onMessage(conn, m));
    conn.on('frameError', (e) => this.emit('frameError', e));
    conn.on('close', (err) => this.onClose(conn, err));
    const limit = this.options.handshakeTimeoutMs ?? 10_000;
    const timer = setTimeout(
      () => this.failAttempt(conn, new CtiError('ESL_TIMEOUT', `${this.peer} did not complete the ESL handshake within ${limit} ms`)),
      limit,
    );
    this.handshake(conn)
      .then(
        () => this.onReady(conn),
        (err: unknown) => this.failAttempt(conn, asCtiError(err)),
      )
      .catch((err: unknown) => this.log.error({ err }, 'ESL handshake bookkeeping failed'))
      .finally(() => clearTimeout(timer));
  }

  private async handshake(conn: EslConnection): Promise<void> {
    await authRequested(conn, this.peer);
    const reply = await conn.send({ line: `auth ${this.options.password}` });
    const text = replyText(reply);
    if (!text.startsWith('+OK')) {
      throw new CtiError('ESL_AUTH_FAILED', `${this.peer} refused the ESL password (${text.trim()}); check FS_PASSWORD against event_socket.conf.xml`);
    }
    expectOk(await conn.send({ line: eventCommand(this.format, this.events) }), 'event');
    for (const [h, v] of this.filters) await this.sendFilter(conn, h, v);
  }

  private keepFilter(header: string, value: string): Array<[string, string]> {
    const added: Array<[string, string]> = this.filters.length === 0 ? [['Event-Name', 'BACKGROUND_JOB']] : [];
    added.push([header, value]);
    this.filters.push(...added);
    return added;
  }

  private async sendFilter(conn: EslConnection, header: string, value: string): Promise<void> {
    expectOk(await conn.send({ line: `filter ${header} ${value}` }), `filter ${header} ${value}`);
  }

  private onReady(conn: EslConnection): void {
    if (conn !== this.conn || conn.isClosed) return;
    this.connected = true;
    this.connectedAt = Date.now();
    this.lastFailure = undefined;
    this.log.info({ peer: this.peer, attempts: this.attempts }, 'connected to FreeSWITCH (ESL)');
    this.settleReadyWaiters();
    this.emitSafely('state', 'connected');
  }

  private failAttempt(conn: EslConnection, err: CtiError, refused = err.code === ErrorCodes.ESL_AUTH_FAILED.code): void {
    if (conn !== this.conn || this.connected) return;
    if (!this.attemptFailure) {
      this.attemptFailure = err;
      this.attemptRefused = refused;
    }
    conn.destroy();
  }

  private onClose(conn: EslConnection, socketError: Error | undefined): void {
    if (conn !== this.conn) return;
    this.conn = undefined;
    this.jobs.failAll(() => new CtiError('ESL_DISCONNECTED', `the ESL connection to ${this.peer} closed`));
    if (this.connected) {
      this.connected = false;
      // A connection that lived a while means FreeSWITCH is healthy again: start the ladder over.
      if (Date.now() - this.connectedAt >= this.backoff.resetAfterMs) this.backoff.reset();
      this.log.warn({ peer: this.peer }, 'lost the ESL connection to FreeSWITCH');
      this.emitSafely('state', 'disconnected');
    } else if (this.running) {
      this.reportFailedAttempt(socketError);
    }
    this.scheduleRetry();
  }

  private reportFailedAttempt(socketError: Error | undefined): void {
    const cause = socketError ? `: ${socketError.message}` : '';
    const failure = this.attemptFailure ?? new CtiError('ESL_CONNECT_FAILED', `could not connect to ${this.peer}${cause}`);
    this.lastFailure = failure;
    // A wrong password or an ACL refusal will not fix itself in half a second.
    if (this.attemptRefused) this.backoff.penalise();
    this.log[this.attemptRefused ? 'error' : 'warn']({ code: failure.code, attempts: this.attempts }, failure.message);
    this.emitSafely('connectFailed', failure);
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer || this.conn) return;
    const delay = this.backoff.next();
    this.log.info({ delayMs: delay }, `reconnecting to ${this.peer}`);
    this.retryTimer = setTimeout(() => this.attempt(), delay);
  }

  private onMessage(conn: EslConnection, m: EslMessage): void {
    switch (m.type) {
      case 'event':
        if (m.event.warnings.length > 0) this.log.warn({ event: m.event.name, warnings: m.event.warnings }, 'ESL event with undecodable values');
        if (m.event.name === 'BACKGROUND_JOB') this.jobs.complete(m.event);
        this.emit('event', m.event);
        return;
      case 'disconnect-notice':
        this.log.info({ disposition: m.disposition, body: m.body.trim() }, 'FreeSWITCH sent a disconnect notice');
        this.emit('disconnectNotice', m);
        return;
      case 'rude-rejection':
        this.failAttempt(conn, new CtiError('ESL_CONNECT_FAILED', `${this.peer} refused this address by ACL (rude-rejection): ${m.body.trim()}`), true);
        return;
      default:
        this.log.debug({ type: m.type }, 'ESL message ignored');
    }
  }

  private settleReadyWaiters(err?: Error): void {
    for (const w of this.readyWaiters) {
      clearTimeout(w.timer);
      if (err) w.reject(err);
      else w.resolve();
    }
    this.readyWaiters.clear();
  }

  /** A throwing listener must not break the reconnect logic that emitted to it. */
  private emitSafely<K extends keyof ClientEvents>(name: K, ...args: ClientEvents[K]): void {
    try {
      (this.emit as (n: K, ...a: ClientEvents[K]) => boolean)(name, ...args);
    } catch (err) {
      this.log.error({ err, listener: name }, 'an ESL client listener threw');
    }
  }
}

/** Waits for FreeSWITCH's `auth/request`, the first thing it sends on :8021. */
function authRequested(conn: EslConnection, peer: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = (m: EslMessage) => {
      if (m.type !== 'auth-request') return;
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new CtiError('ESL_CONNECT_FAILED', `${peer} closed the connection before asking for the password`));
    };
    const cleanup = () => {
      conn.off('message', onMessage);
      conn.off('close', onClose);
    };
    conn.on('message', onMessage);
    conn.on('close', onClose);
  });
}

function asCtiError(err: unknown): CtiError {
  return err instanceof CtiError ? err : new CtiError('ESL_CONNECT_FAILED', (err as Error)?.message ?? String(err));
}
