// One call under the controller's control: FreeSWITCH's `socket` app opened this TCP
// connection for this channel only (docs/esl-protocol.md §3). Commands are serialised (one
// command/reply at a time); applications run through `sendmsg` with our own Event-UUID,
// which FreeSWITCH copies into Application-UUID of CHANNEL_EXECUTE and
// CHANNEL_EXECUTE_COMPLETE (switch_ivr.c parse_event → switch_core_session.c exec, §3.3–3.4),
// so each execute() resolves on its own completion whatever else completes first.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { CtiError } from '../errors.js';
import type { ChannelData } from './channel-data.js';
import { eventCommand, expectOk, runApi, type ApiOptions, type CommandHeaders } from './command.js';
import type { EslConnection } from './connection.js';
import type { EslEvent } from './event.js';
import { JobWaiters, runBgapi, type BgapiOptions } from './jobs.js';
import { replyText, type EslMessage, type Reply } from './message.js';

export interface OutboundCallSettings {
  log: Logger;
  format: 'plain' | 'json';
  /** event types added to myevents' fixed list, still only this channel's (§3.3) */
  extraEvents: readonly string[];
  /** types of myevents' fixed list taken off again with `nixevent`: those the handler never reads */
  unreadEvents: readonly string[];
  /** seconds FreeSWITCH keeps the socket after hangup, for the last events */
  lingerSeconds: number;
  /** say `exit` once CHANNEL_HANGUP_COMPLETE arrived: nothing more will come */
  exitAfterHangupComplete: boolean;
  jobTimeoutMs: number;
  /**
   * Told, once per call, the milliseconds from CHANNEL_DATA received to the call's first
   * `sendmsg` written (the controller's own share of a caller's wait for the first action).
   */
  onFirstCommand?: (ms: number) => void;
}

export interface ExecuteOptions {
  /** `event-lock: true`: later messages wait until this application has finished */
  lock?: boolean;
  /** run the application this many times (`loops`; negative repeats until hangup) */
  loops?: number;
  /** reject with ESL_TIMEOUT if the completion has not come by then (default: wait) */
  timeoutMs?: number;
}

export interface CallClosed {
  /** FreeSWITCH sent `Content-Disposition: linger`: the channel hung up while we held it */
  lingerNotice: boolean;
  /** FreeSWITCH sent its final `Content-Disposition: disconnect` notice before closing */
  disconnectNotice: boolean;
  /** the channel's Hangup-Cause, when a hangup event arrived */
  hangupCause: string | undefined;
  /** the controller ended the session with `exit` */
  exited: boolean;
}

interface CallEvents {
  /** every event of this channel, in wire order */
  event: [EslEvent];
  /** the channel hung up (CHANNEL_HANGUP, or the linger notice if that came first) */
  hangup: [cause: string | undefined];
}

interface Execution {
  app: string;
  loops: number;
  resolve: (complete: EslEvent) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** Event-Date-Timestamp of the latest CHANNEL_EXECUTE for it */
  startedUs: number | undefined;
}

/** FreeSWITCH stops repeating (`loops`) an application that returned this fast (switch_ivr.c). */
const FAST_RETURN_US = 500_000;

export class OutboundCall extends EventEmitter<CallEvents> {
  readonly uuid: string;
  /** settles when the TCP session has ended, however it ended */
  readonly closed: Promise<CallClosed>;
  private readonly log: Logger;
  private readonly executions = new Map<string, Execution>();
  private readonly jobs = new JobWaiters();
  /** events that arrive before the handler had a chance to listen */
  private held: EslEvent[] | undefined = [];
  private hungUp = false;
  private hangupCause: string | undefined;
  private lingerNotice = false;
  private disconnectNotice = false;
  private exited = false;
  private markClosed!: (c: CallClosed) => void;
  private commanded = false;
  private lastEventAtUs: number | undefined;

  /** `channelDataAtMs`: performance.now() when the CHANNEL_DATA reply to `connect` was read */
  constructor(
    private readonly conn: EslConnection,
    readonly channelData: ChannelData,
    private readonly settings: OutboundCallSettings,
    private readonly channelDataAtMs = performance.now(),
  ) {
    super();
    this.uuid = channelData.uuid;
    this.log = settings.log.child({ uuid: this.uuid });
    this.closed = new Promise<CallClosed>((resolve) => (this.markClosed = resolve));
    conn.on('message', (m) => this.onMessage(m));
    conn.on('close', () => this.onClose());
  }

  /** Without `full` FreeSWITCH refuses api, bgapi, event and linger (§3.3, MES ~2235). */
  get fullControl(): boolean {
    return this.channelData.control === undefined || this.channelData.control === 'full';
  }

  get isHungUp(): boolean {
    return this.hungUp;
  }

  get isClosed(): boolean {
    return this.conn.isClosed;
  }

  /**
   * Event-Date-Timestamp of the newest event about this channel: FreeSWITCH's clock as last
   * heard, e.g. the completion of the prompt the caller heard last.
   */
  get lastEventUs(): number | undefined {
    return this.lastEventAtUs;
  }

  /**
   * `myevents` (this channel only: ANSWER, BRIDGE, EXECUTE[_COMPLETE], HANGUP[_COMPLETE], DTMF
   * and the other fixed types of MES ~2100), then `event` for the extra types it lacks
   * (BACKGROUND_JOB, PLAYBACK_*, CHANNEL_HOLD…; still filtered to this channel, and
   * BACKGROUND_JOB by Job-Owner-UUID, MES ~375), `nixevent` for the fixed types nobody reads
   * (CHANNEL_STATE alone is a dozen events a call, each with every variable), then `linger`.
   * The commands are written together and their replies awaited together: FreeSWITCH answers
   * them in order, and a round trip each would only delay the call's first command.
   */
  async subscribe(): Promise<void> {
    const myevents = this.settings.format === 'json' ? 'myevents json' : 'myevents';
    const sent: Array<[string, Promise<Reply>]> = [[myevents, this.conn.send({ line: myevents })]];
    if (this.fullControl) {
      sent.push(['event', this.conn.send({ line: eventCommand(this.settings.format, this.settings.extraEvents) })]);
      if (this.settings.unreadEvents.length > 0) sent.push(['nixevent', this.conn.send({ line: `nixevent ${this.settings.unreadEvents.join(' ')}` })]);
      sent.push(['linger', this.conn.send({ line: `linger ${this.settings.lingerSeconds}` })]);
    } else {
      this.log.warn({ control: this.channelData.control }, "the dialplan's socket app lacks 'full': no linger, api, bgapi or extra events for this call");
    }
    const replies = await Promise.allSettled(sent.map(([, reply]) => reply));
    replies.forEach((r, i) => {
      if (r.status === 'rejected') throw r.reason;
      expectOk(r.value, sent[i]![0]);
    });
  }

  /** Delivers the events held during set-up; called right after the handler got the call. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) this.emitEvent(event);
  }

  /** Runs a dialplan application; resolves with its CHANNEL_EXECUTE_COMPLETE. */
  async execute(app: string, arg?: string, options: ExecuteOptions = {}): Promise<EslEvent> {
    this.assertOpen();
    if (!/^[A-Za-z0-9_:.-]+$/.test(app)) throw new CtiError('ESL_COMMAND_FAILED', `not an application name: ${JSON.stringify(app)}`);
    const loops = options.loops ?? 1;
    // Whether a run returned too fast to repeat is told by its CHANNEL_EXECUTE (switch_ivr.c)
    if (loops !== 1 && this.settings.unreadEvents.includes('CHANNEL_EXECUTE')) {
      throw new CtiError('ESL_COMMAND_FAILED', `${app} with loops: this server nixes CHANNEL_EXECUTE, which telling the last run apart needs`);
    }
    const appUuid = randomUUID();
    const completion = this.expectCompletion(appUuid, app, loops, options.timeoutMs);
    const headers: Array<[string, string]> = [
      ['call-command', 'execute'],
      ['execute-app-name', app],
      ['Event-UUID', appUuid],
    ];
    let body: string | undefined;
    // An argument with line breaks cannot be a header; FreeSWITCH takes it from a text/plain body.
    if (arg !== undefined && /[\r\n]/.test(arg)) {
      headers.push(['Content-Type', 'text/plain']);
      body = arg;
    } else if (arg !== undefined) headers.push(['execute-app-arg', arg]);
    if (options.lock) headers.push(['event-lock', 'true']);
    if (loops !== 1) headers.push(['loops', String(loops)]);
    try {
      expectOk(await this.sendmsgFrame(headers, body), `execute ${app}`);
    } catch (err) {
      this.finishExecution(appUuid, err as Error);
    }
    return completion;
  }

  /** `sendmsg` hangup with a cause (default NORMAL_CLEARING); resolves on FreeSWITCH's +OK. */
  async hangup(cause = 'NORMAL_CLEARING'): Promise<void> {
    this.assertOpen();
    await this.sendmsg([
      ['call-command', 'hangup'],
      ['hangup-cause', cause],
    ]);
  }

  /** A raw `sendmsg` to this channel (nomedia, unicast, …). */
  async sendmsg(headers: CommandHeaders, body?: string): Promise<string> {
    return expectOk(await this.sendmsgFrame(headers, body), 'sendmsg');
  }

  private sendmsgFrame(headers: CommandHeaders, body: string | undefined): Promise<Reply> {
    const reply = this.conn.send({ line: 'sendmsg', headers, body });
    if (!this.commanded) {
      this.commanded = true;
      this.settings.onFirstCommand?.(performance.now() - this.channelDataAtMs);
    }
    return reply;
  }

  /** `api` on this connection (needs `full`). */
  async api(command: string, options: ApiOptions = {}): Promise<string> {
    this.assertOpen();
    return runApi((cmd, timeoutMs) => this.conn.send(cmd, timeoutMs), command, options);
  }

  /** `bgapi` on this connection; its BACKGROUND_JOB comes back here (Job-Owner-UUID). */
  async bgapi(command: string, options: BgapiOptions = {}): Promise<string> {
    this.assertOpen();
    return runBgapi((cmd) => this.conn.send(cmd), this.jobs, command, this.settings.jobTimeoutMs, options, this.log);
  }

  /** `resume`: when the socket closes, the channel goes on with the dialplan (§3.3). */
  async resume(): Promise<void> {
    this.assertOpen();
    expectOk(await this.conn.send({ line: 'resume' }), 'resume');
  }

  /**
   * Sets a channel variable now. With `full` this is `uuid_setvar`, which does not wait for
   * the running application; otherwise the `set` application, which queues behind it.
   */
  async setVar(name: string, value: string): Promise<void> {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new CtiError('ESL_COMMAND_FAILED', `not a variable name: ${JSON.stringify(name)}`);
    if (this.fullControl) await this.api(`uuid_setvar ${this.uuid} ${name} ${value}`);
    else await this.execute('set', `${name}=${value}`);
  }

  /** `getvar <name>`: the raw value ('' when unset). */
  async getVar(name: string): Promise<string> {
    this.assertOpen();
    return replyText(await this.conn.send({ line: `getvar ${name}` }));
  }

  /** The next event of this channel that matches, e.g. the next DTMF. */
  waitFor(match: (event: EslEvent) => boolean, timeoutMs?: number): Promise<EslEvent> {
    return new Promise<EslEvent>((resolve, reject) => {
      this.assertOpen();
      const onEvent = (event: EslEvent) => {
        if (!match(event)) return;
        done();
        resolve(event);
      };
      const onClosed = () => {
        done();
        reject(new CtiError('ESL_DISCONNECTED', `the session for ${this.uuid} closed before the awaited event`));
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              done();
              reject(new CtiError('ESL_TIMEOUT', `no matching event on ${this.uuid} within ${timeoutMs} ms`));
            }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.off('event', onEvent);
        this.conn.off('close', onClosed);
      };
      this.on('event', onEvent);
      this.conn.on('close', onClosed);
    });
  }

  /** Ends the session (`exit`); FreeSWITCH answers `+OK bye`, sends its notice and closes. */
  async exit(): Promise<CallClosed> {
    if (!this.conn.isClosed && !this.exited) {
      this.exited = true;
      await this.conn.send({ line: 'exit' }, 2000).catch(() => this.conn.destroy());
      const force = setTimeout(() => this.conn.destroy(), 2000);
      await this.closed;
      clearTimeout(force);
    }
    return this.closed;
  }

  private assertOpen(): void {
    if (this.conn.isClosed) throw new CtiError('ESL_DISCONNECTED', `the outbound session for ${this.uuid} is closed`);
  }

  private expectCompletion(appUuid: string, app: string, loops: number, timeoutMs: number | undefined): Promise<EslEvent> {
    const p = new Promise<EslEvent>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.finishExecution(appUuid, new CtiError('ESL_TIMEOUT', `${app} on ${this.uuid} did not complete within ${timeoutMs} ms`));
            }, timeoutMs);
      this.executions.set(appUuid, { app, loops, resolve, reject, timer, startedUs: undefined });
    });
    p.catch(() => undefined); // the caller observes it; this avoids an unhandled rejection meanwhile
    return p;
  }

  private finishExecution(appUuid: string, outcome: EslEvent | Error): void {
    const x = this.executions.get(appUuid);
    if (!x) return;
    this.executions.delete(appUuid);
    clearTimeout(x.timer);
    if (outcome instanceof Error) x.reject(outcome);
    else x.resolve(outcome);
  }

  private onMessage(m: EslMessage): void {
    if (m.type === 'event') return this.onEvent(m.event);
    if (m.type === 'disconnect-notice') return this.onNotice(m.disposition);
    this.log.debug({ type: m.type }, 'outbound ESL message ignored');
  }

  private onEvent(event: EslEvent): void {
    if (event.warnings.length > 0) this.log.warn({ event: event.name, warnings: event.warnings }, 'ESL event with undecodable values');
    if (event.name === 'BACKGROUND_JOB') this.jobs.complete(event);
    if (event.uuid === this.uuid) this.track(event);
    if (this.held) this.held.push(event);
    else this.emitEvent(event);
  }

  /** Keeps executions and hangup state in step with this channel's own events. */
  private track(event: EslEvent): void {
    if (event.timestampUs !== undefined) this.lastEventAtUs = event.timestampUs;
    switch (event.name) {
      case 'CHANNEL_EXECUTE': {
        const x = this.executions.get(event.applicationUuid ?? '');
        if (x) x.startedUs = event.timestampUs;
        return;
      }
      case 'CHANNEL_EXECUTE_COMPLETE': {
        const id = event.applicationUuid ?? '';
        const x = this.executions.get(id);
        if (x && this.isLastRun(x, event)) this.finishExecution(id, event);
        return;
      }
      case 'CHANNEL_HANGUP':
        this.hangupCause = event.hangupCause;
        this.markHungUp();
        return;
      case 'CHANNEL_HANGUP_COMPLETE':
        this.hangupCause ??= event.hangupCause;
        this.markHungUp();
        // Let listeners see it first; then nothing more is coming for this channel.
        if (this.settings.exitAfterHangupComplete) setImmediate(() => void this.exit().catch(() => undefined));
        return;
    }
  }

  /**
   * With `loops`, FreeSWITCH fires one completion per run under the same Application-UUID and
   * stops early when the channel is down or a run returned within 0.5 s (switch_ivr.c
   * parse_event); the loop counters travel as variables on each completion.
   */
  private isLastRun(x: Execution, complete: EslEvent): boolean {
    if (x.loops === 1) return true;
    const current = Number(complete.variable('current_loop'));
    const total = Number(complete.variable('total_loops'));
    if (total > 0 && current >= total) return true;
    if (this.hungUp) return true;
    const endedUs = complete.timestampUs;
    return x.startedUs !== undefined && endedUs !== undefined && endedUs - x.startedUs < FAST_RETURN_US;
  }

  private onNotice(disposition: string | undefined): void {
    if (disposition === 'linger') {
      this.lingerNotice = true;
      this.markHungUp();
    } else {
      this.disconnectNotice = true;
    }
  }

  private markHungUp(): void {
    if (this.hungUp) return;
    this.hungUp = true;
    this.emit('hangup', this.hangupCause);
  }

  private emitEvent(event: EslEvent): void {
    try {
      this.emit('event', event);
    } catch (err) {
      this.log.error({ err, event: event.name }, 'an outbound call listener threw');
    }
  }

  private onClose(): void {
    for (const [id, x] of [...this.executions]) {
      const why = this.hungUp ? 'the channel hung up before it completed' : 'the session closed before it completed';
      this.finishExecution(id, new CtiError('ESL_DISCONNECTED', `${x.app} on ${this.uuid}: ${why}`));
    }
    this.jobs.failAll(() => new CtiError('ESL_DISCONNECTED', `the outbound session for ${this.uuid} closed`));
    this.markClosed({ lingerNotice: this.lingerNotice, disconnectNotice: this.disconnectNotice, hangupCause: this.hangupCause, exited: this.exited });
  }
}
