// One Event Socket connection, in either direction, behaving like a mod_event_socket listener
// (src/mod/event_handlers/mod_event_socket/mod_event_socket.c, "MES" below):
// - inbound: a client connected to the switch's port; it must `auth` first (listener_run ~2720);
// - outbound: the switch connected to the controller for one channel (`socket host:port async
//   full`); it is already authenticated and waits for `connect` (listener_run ~2705).
// Commands are handled one at a time, in order, with the replies of parse_command (~1722). Events
// are written only between commands, never while a command is half read or a sync `api` runs,
// as read_packet does (~1410). When the controlled channel hangs up the session lingers or
// closes (read_packet ~1465).

import type { Socket } from 'node:net';
import type { Headers, SimEvent, SwitchEngine } from '../contracts.js';
import { backgroundJobEvent } from '../events/background-job.js';
import { eventNameOf } from '../events/event-names.js';
import type { EventFactory } from '../events/event-factory.js';
import { SENDEVENT_ORIGIN } from '../events/event-origins.js';
import { type BadContentLengthError, CommandReader, atoi, stripCr, type ClientPacket } from '../wire/command-reader.js';
import { serializePlain } from '../wire/event-plain.js';
import { ChunkedWriter, DirectWriter, type ChunkingOptions, type FrameSink } from '../wire/frame-sink.js';
import {
  GOODBYE_TEXT,
  SHUTDOWN_TEXT,
  apiResponseFrame,
  authRequestFrame,
  commandReplyFrame,
  disconnectNoticeFrame,
  eventFrame,
  lingerNoticeFrame,
  type EventFormat,
} from '../wire/frames.js';
import { serializeEvent } from '../wire/serialize-event.js';
import { argumentAfter, clipReply, logLevel, packetHeader, splitFirstSpace, startsWithWord, switchTrue } from './command-words.js';
import type { EventListener, SessionHub } from './session-hub.js';
import { Subscription, eventKeys, headerValue } from './subscription.js';

export type SessionMode =
  | { kind: 'inbound'; password: string }
  /** `socket <addr> [async] [full]`: the channel it controls and the two flags */
  | { kind: 'outbound'; channelUuid: string; async: boolean; full: boolean };

export interface CommandSessionOptions {
  socket: Socket;
  engine: SwitchEngine;
  hub: SessionHub;
  events: EventFactory;
  mode: SessionMode;
  /** write frames in random slices (tests), instead of one write per frame */
  chunking?: ChunkingOptions;
  /** read_packet's 25 s budget for the first command (auth, or connect) */
  firstPacketTimeoutMs?: number;
  log?: (line: string) => void;
}

/** What parse_command produced: a command/reply, or nothing because it wrote its own frame. */
type Outcome = { reply: string; extra?: Headers; after?: () => void } | 'silent';

const FIRST_PACKET_TIMEOUT_MS = 25_000;
/** SWITCH_UUID_FORMATTED_LENGTH: a client's Job-UUID is copied into a buffer of this size. */
const UUID_LENGTH = 36;
const NO_REPLY = '-ERR no reply\n';

/**
 * SwitchEngine.channelData should return the channel block only (channelDataHeaders); if it
 * returns a whole event, its own common block is dropped so that the session's comes first.
 */
function withoutCommonBlock(headers: Headers): Headers {
  if (headers[0]?.[0] !== 'Event-Name') return headers;
  const sequence = headers.findIndex(([name]) => name === 'Event-Sequence');
  const rest = headers.slice(sequence + 1);
  return rest[0]?.[0] === 'Event-Subclass' ? rest.slice(1) : rest;
}

function reply(text: string, extra?: Headers): Outcome {
  return extra ? { reply: text, extra } : { reply: text };
}

export class CommandSession implements EventListener {
  /** Resolves once the connection is finished (goodbye written, socket ending). */
  readonly closed: Promise<void>;
  /**
   * Resolves true when the controller sends `connect` (LFLAG_CONNECTED, which the async socket
   * app waits for before it parks the channel, MES socket_function ~530), false if the
   * connection ends first.
   */
  readonly connected: Promise<boolean>;
  private resolveClosed: () => void = () => undefined;
  private resolveConnected: (value: boolean) => void = () => undefined;
  private readonly socket: Socket;
  private readonly sink: FrameSink;
  private readonly reader = new CommandReader();
  private readonly subscription = new Subscription();
  private readonly packets: ClientPacket[] = [];
  private readonly queue: SimEvent[] = [];
  private readonly outbound: boolean;
  private readonly full: boolean;
  private format: EventFormat = 'plain';
  private authed: boolean;
  private running = true;
  private finished = false;
  private busy = false;
  private packetsSeen = 0;
  private readError: BadContentLengthError | undefined;
  private peerEnded = false;
  /** the channel this listener controls (listener->session) */
  private controlled: string | undefined;
  private asyncMode: boolean;
  /** seconds, -1 for "until exit", null when linger is off */
  private lingerSeconds: number | null = null;
  private resumeAsked = false;
  private logging = false;
  private channelName = '';
  private channelDown = false;
  private disconnectHandled = false;
  private firstPacketTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  /** a sync sendmsg waiting for its application to finish */
  private waiter: { uuid: string; matches: (event: SimEvent) => boolean; resolve: () => void } | undefined;

  constructor(private readonly options: CommandSessionOptions) {
    const { socket, mode } = options;
    this.socket = socket;
    this.sink = options.chunking ? new ChunkedWriter(socket, options.chunking) : new DirectWriter(socket);
    this.outbound = mode.kind === 'outbound';
    this.authed = this.outbound;
    this.full = mode.kind === 'inbound' || mode.full;
    this.asyncMode = mode.kind === 'outbound' && mode.async;
    this.controlled = mode.kind === 'outbound' ? mode.channelUuid : undefined;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.connected = new Promise((resolve) => (this.resolveConnected = resolve));
    this.listen();
    options.hub.attach(this);
    this.refreshRoute();
    if (!this.outbound) this.write(authRequestFrame());
    const budget = options.firstPacketTimeoutMs ?? FIRST_PACKET_TIMEOUT_MS;
    this.firstPacketTimer = setTimeout(() => this.onFirstPacketTimeout(), budget);
  }

  /** The channel this session controls: the outbound channel, or the one bound by `myevents <uuid>`. */
  get controlledUuid(): string | undefined {
    return this.controlled;
  }

  get isClosed(): boolean {
    return this.finished;
  }

  /** Called by the hub for every event fired; keeps those this listener subscribed to. */
  deliver(event: SimEvent): void {
    if (this.finished) return;
    this.watchWaiter(event);
    this.watchControlledChannel(event);
    if (this.subscription.accepts(event, this.controlled)) this.queue.push(event);
    this.pump();
  }

  /**
   * Tells the session its channel is down without an event (the hub normally shows it the
   * channel's CHANNEL_HANGUP). Safe to call more than once.
   */
  channelHungUp(channelName?: string): void {
    if (channelName !== undefined) this.channelName = channelName;
    this.channelDown = true;
    this.pump();
  }

  /** kill_listener with a message, e.g. at module shutdown: a notice with that body, then close. */
  shutdown(message: string = SHUTDOWN_TEXT): void {
    if (this.finished) return;
    this.write(disconnectNoticeFrame(message, this.controlled));
    this.finish(false);
  }

  // ----- connection -----------------------------------------------------------------------

  private listen(): void {
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A client that half-closes gets its pending commands answered, then the goodbye notice,
    // as FreeSWITCH writes them before its next read fails.
    this.socket.on('end', () => {
      this.peerEnded = true;
      void this.drain();
    });
    this.socket.on('close', () => this.finish(false));
    this.socket.on('error', (error) => {
      this.options.log?.(`esl session socket error: ${error.message}`);
      this.finish(false);
    });
  }

  private write(frame: string): void {
    if (!this.finished) this.sink.write(frame);
  }

  private onData(chunk: Buffer): void {
    if (this.finished || this.readError) return;
    const { packets, error } = this.reader.push(chunk);
    this.packets.push(...packets);
    if (error) this.readError = error;
    void this.drain();
  }

  private onFirstPacketTimeout(): void {
    this.options.log?.('esl session: no command within the first-packet budget, closing');
    this.finish();
  }

  /** Ends the listener: the goodbye notice (MES listener_run ~2820), then close. */
  private finish(withNotice = true): void {
    if (this.finished) return;
    if (withNotice && this.socket.writable) this.sink.write(disconnectNoticeFrame(GOODBYE_TEXT, this.controlled));
    this.finished = true;
    this.running = false;
    clearTimeout(this.firstPacketTimer);
    clearTimeout(this.lingerTimer);
    this.releaseWaiter();
    this.options.hub.detach(this);
    this.sink.end();
    this.reportSocketClosed();
    this.resolveConnected(false);
    this.resolveClosed();
  }

  /** The outbound channel learns its socket is gone; it returns to the dialplan if `resume` was asked. */
  private reportSocketClosed(): void {
    const { mode, engine } = this.options;
    if (mode.kind !== 'outbound') return;
    try {
      engine.socketClosed(mode.channelUuid, this.resumeAsked);
    } catch (error) {
      this.options.log?.(`esl session: socketClosed failed: ${(error as Error).message}`);
    }
  }

  // ----- command loop ---------------------------------------------------------------------

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.running && !this.finished && this.packets.length > 0) {
        await this.execute(this.packets.shift()!);
        this.refreshRoute();
      }
    } finally {
      this.busy = false;
    }
    if (!this.running || this.readError || this.peerEnded) {
      if (this.readError) this.options.log?.(`esl session: ${this.readError.message}; closing as FreeSWITCH does`);
      this.finish();
      return;
    }
    this.pump();
  }

  private async execute(packet: ClientPacket): Promise<void> {
    this.packetsSeen++;
    clearTimeout(this.firstPacketTimer);
    // The reply to an outbound socket's first command is never written (MES listener_run ~2712).
    const swallow = this.outbound && this.packetsSeen === 1;
    let outcome: Outcome;
    try {
      outcome = await this.parseCommand(packet);
    } catch (error) {
      this.options.log?.(`esl session: command failed: ${(error as Error).message}`);
      outcome = reply('-ERR command not found');
    }
    if (outcome === 'silent' || this.finished) return;
    const text = outcome.reply === '' ? '-ERR command not found' : clipReply(outcome.reply);
    if (!swallow) this.write(commandReplyFrame(text, outcome.extra));
    outcome.after?.();
  }

  /** Writes queued events and handles a channel that went down, when nothing else is in progress. */
  private pump(): void {
    if (this.finished || this.busy || this.reader.midPacket) return;
    this.flushEvents();
    this.handleChannelDown();
  }

  /** Queued events go out in one write: under load several are waiting at each turn. */
  private flushEvents(): void {
    if (!this.subscription.listening || this.queue.length === 0) return;
    let frames = '';
    for (const event of this.queue) frames += framed(this.format, event);
    this.queue.length = 0;
    this.write(frames);
  }

  /** Tells the hub which channels' events this session can use, or that it needs every event. */
  private refreshRoute(): void {
    if (this.finished) return;
    if (!this.subscription.boundToChannel(this.controlled)) {
      this.options.hub.route(this, undefined);
      return;
    }
    const uuids: string[] = [];
    if (this.controlled !== undefined) uuids.push(this.controlled);
    const waited = this.waiter?.uuid;
    if (waited !== undefined && waited !== this.controlled) uuids.push(waited);
    this.options.hub.route(this, uuids);
  }

  private watchControlledChannel(event: SimEvent): void {
    if (this.controlled === undefined) return;
    // Only the name at hangup is ever written (in the linger notice), and reading it from every
    // event would write out the headers of events this session never sends.
    if (!CHANNEL_DOWN_EVENTS.has(event.name) || eventKeys(event).uuid !== this.controlled) return;
    const name = headerValue(event.headers, 'Channel-Name');
    if (name !== undefined) this.channelName = name;
    this.channelDown = true;
  }

  /** read_packet ~1465: linger notice and a timer, or the goodbye right away. */
  private handleChannelDown(): void {
    if (!this.channelDown || this.disconnectHandled || this.controlled === undefined) return;
    this.disconnectHandled = true;
    if (this.lingerSeconds === null) {
      this.finish();
      return;
    }
    this.write(lingerNoticeFrame(this.controlled, this.channelName, this.lingerSeconds));
    if (this.lingerSeconds === -1) return;
    // FreeSWITCH compares whole seconds, so its linger lasts between N and N+1 seconds.
    this.lingerTimer = setTimeout(() => this.finish(), Math.max(0, this.lingerSeconds) * 1000);
  }

  // ----- parse_command ----------------------------------------------------------------------

  private async parseCommand(packet: ClientPacket): Promise<Outcome> {
    const cmd = this.protectModule(packet.command);
    if (startsWithWord(cmd, 'exit') || cmd.startsWith('...')) {
      this.running = false;
      return reply('+OK bye');
    }
    if (!this.authed) return this.parseAuth(cmd);
    return (
      this.parseFilter(cmd) ??
      this.parseResume(cmd) ??
      this.parseSessionCommand(cmd) ??
      this.parseDivert(cmd) ??
      (await this.parseSendmsg(cmd, packet)) ??
      (this.outbound && !this.full ? reply('') : await this.parseFullCommand(cmd, packet))
    );
  }

  /** MES ~1735: a command naming mod_event_socket with unload/reload is turned into a harmless one. */
  private protectModule(cmd: string): string {
    const lower = cmd.toLowerCase();
    if (!lower.includes('mod_event_socket')) return cmd;
    if (lower.includes('unload')) return 'api bgapi unload mod_event_socket';
    if (lower.includes('reload')) return 'api bgapi reload mod_event_socket';
    return cmd;
  }

  /** Before auth only auth and userauth are understood (MES ~1748); the simulator has no user directory. */
  private parseAuth(cmd: string): Outcome {
    if (startsWithWord(cmd, 'auth ')) {
      const password = stripCr(cmd).slice(5);
      if (this.options.mode.kind === 'inbound' && password === this.options.mode.password) {
        this.authed = true;
        return reply('+OK accepted');
      }
      this.running = false;
      return reply('-ERR invalid');
    }
    if (startsWithWord(cmd, 'userauth ')) {
      this.running = false;
      return reply('-ERR invalid');
    }
    return reply('');
  }

  /** filter <H> <v> | filter add <H> <v> | filter delete <H> [<v>] | filter delete all (MES ~1952). */
  private parseFilter(cmd: string): Outcome | undefined {
    if (!startsWithWord(cmd, 'filter ')) return undefined;
    let rest = stripCr(cmd).slice(7);
    while (rest.startsWith(' ')) rest = rest.slice(1);
    let [name, value] = splitFirstSpace(rest);
    if (name.toLowerCase() === 'delete' && value !== undefined) {
      [name, value] = splitFirstSpace(value);
      if (name.toLowerCase() === 'all') this.subscription.deleteAllFilters();
      else this.subscription.deleteFilter(name, value);
      return reply(`+OK filter deleted. [${name}][${value ?? ''}]`);
    }
    if (value === undefined) return reply('-ERR invalid syntax');
    if (name.toLowerCase() === 'add') [name, value] = splitFirstSpace(value);
    // C prints a missing value as "(null)" and adds nothing; an empty one deletes, as adding an
    // empty header does.
    if (value === undefined) return reply(`+OK filter added. [${name}]=[(null)]`);
    if (value === '') this.subscription.deleteFilter(name, undefined);
    else this.subscription.addFilter(name, value);
    return reply(`+OK filter added. [${name}]=[${value}]`);
  }

  private parseResume(cmd: string): Outcome | undefined {
    if (this.controlled === undefined || !startsWithWord(cmd, 'resume')) return undefined;
    this.resumeAsked = true;
    return reply('+OK');
  }

  /** connect, getvar and myevents, for a listener with a channel or for `myevents <uuid>` (MES ~2016). */
  private parseSessionCommand(cmd: string): Outcome | undefined {
    if (this.controlled === undefined && !startsWithWord(cmd, 'myevents ')) return undefined;
    if (startsWithWord(cmd, 'connect')) return this.connect();
    if (startsWithWord(cmd, 'getvar')) return reply(this.getVariable(cmd));
    if (startsWithWord(cmd, 'myevents')) return this.myEvents(cmd);
    return undefined;
  }

  /** The CHANNEL_DATA reply, written as one unframed header block (MES ~2023). */
  private connect(): Outcome {
    const draft = this.options.events.create('CHANNEL_DATA');
    const channel = this.controlled === undefined ? null : this.options.engine.channelData(this.controlled);
    if (channel) {
      draft.addAll(withoutCommonBlock(channel));
      this.channelName = headerValue(channel, 'Channel-Name') ?? this.channelName;
    }
    draft
      .add('Content-Type', 'command/reply')
      .add('Reply-Text', '+OK\n')
      .add('Socket-Mode', this.asyncMode ? 'async' : 'static')
      .add('Control', this.full ? 'full' : 'single-channel');
    this.write(serializePlain(draft.build()));
    this.resolveConnected(true);
    return 'silent';
  }

  /** The raw value; an unset variable gives an empty reply, which becomes "-ERR command not found". */
  private getVariable(cmd: string): string {
    const [, name] = splitFirstSpace(stripCr(cmd));
    if (name === undefined || this.controlled === undefined) return '';
    if (name === 'socket_resume' && this.resumeAsked) return 'true';
    const channel = this.options.engine.channelData(this.controlled);
    const found = channel ? headerValue(channel, `variable_${name}`) : undefined;
    return found ?? '';
  }

  /**
   * myevents (MES ~2058). Inbound: binds to the named channel; an unknown uuid is refused only
   * when a format word follows it, otherwise the listener gets every channel's events. The format
   * word is ignored inbound (the C code looks for it after cutting it off); outbound it is found
   * anywhere in the command text.
   */
  private myEvents(cmd: string): Outcome {
    if (this.subscription.myEvents) return reply('-ERR aready enabled.');
    let formatSource = cmd;
    if (this.controlled === undefined) {
      const [uuid, formatWord] = splitFirstSpace(stripCr(cmd).slice(9));
      if (this.options.engine.channelData(uuid) !== null) this.controlled = uuid;
      else if (formatWord !== undefined) return reply('-ERR invalid uuid');
      this.asyncMode = true;
      formatSource = `myevents ${uuid}`;
    }
    this.subscription.bindMyEvents();
    if (/xml|XML/.test(formatSource)) this.format = 'xml';
    if (/json|JSON/.test(formatSource)) this.format = 'json';
    return reply('+OK Events Enabled');
  }

  private parseDivert(cmd: string): Outcome | undefined {
    if (!startsWithWord(cmd, 'divert_events')) return undefined;
    if (this.controlled === undefined) return reply('-ERR not controlling a session.');
    const value = argumentAfter(cmd, 13);
    if (!value) return reply('-ERR missing value.');
    return reply(value.toLowerCase() === 'on' ? '+OK events diverted' : '+OK events not diverted');
  }

  /**
   * sendmsg [<uuid>] (MES ~2180). No uuid, or the controlled one, means the controlled channel;
   * in sync mode (no `async` on the socket or the message) the reply waits for the application.
   */
  private async parseSendmsg(cmd: string, packet: ClientPacket): Promise<Outcome | undefined> {
    if (!startsWithWord(cmd, 'sendmsg')) return undefined;
    let target = argumentAfter(cmd, 7) || packetHeader(packet.headers, 'session-id') || undefined;
    if (target !== undefined && target === this.controlled) target = undefined;
    const { engine } = this.options;
    if (target === undefined && this.controlled !== undefined) {
      const sync = !this.asyncMode && !switchTrue(packetHeader(packet.headers, 'async'));
      // Installed before the call: the engine may fire the completion while handling it.
      const done = sync ? this.waitForApplication(this.controlled, packet.headers) : undefined;
      const text = engine.sendmsg(this.controlled, packet.headers, packet.body);
      if (done && text.startsWith('+OK')) await done;
      else this.releaseWaiter();
      return reply(text);
    }
    if (target !== undefined && engine.channelData(target) !== null) {
      return reply(engine.sendmsg(target, packet.headers, packet.body));
    }
    return reply(`-ERR invalid session id [${target ?? ''}]`);
  }

  /** Resolves when the executed application completes on the channel, or the channel goes down. */
  private waitForApplication(uuid: string, headers: Headers): Promise<void> | undefined {
    if ((packetHeader(headers, 'call-command') ?? '').toLowerCase() !== 'execute') return undefined;
    const app = packetHeader(headers, 'execute-app-name');
    const appUuid = packetHeader(headers, 'Event-UUID');
    return new Promise((resolve) => {
      const matches = (event: SimEvent): boolean => {
        if (eventKeys(event).uuid !== uuid) return false;
        if (event.name === 'CHANNEL_HANGUP_COMPLETE') return true;
        if (event.name !== 'CHANNEL_EXECUTE_COMPLETE') return false;
        return appUuid ? headerValue(event.headers, 'Application-UUID') === appUuid : headerValue(event.headers, 'Application') === app;
      };
      this.waiter = { uuid, matches, resolve };
      this.refreshRoute();
    });
  }

  private watchWaiter(event: SimEvent): void {
    if (this.waiter?.matches(event)) this.releaseWaiter();
  }

  private releaseWaiter(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) {
      this.refreshRoute();
      waiter.resolve();
    }
  }

  /** Commands refused on an outbound socket without `full` (MES ~2236). */
  private async parseFullCommand(cmd: string, packet: ClientPacket): Promise<Outcome> {
    if (startsWithWord(cmd, 'sendevent')) return this.sendEvent(cmd, packet);
    if (startsWithWord(cmd, 'api ')) return this.api(cmd);
    if (startsWithWord(cmd, 'bgapi ')) return this.bgapi(cmd, packet);
    if (startsWithWord(cmd, 'log')) return this.log(cmd);
    if (startsWithWord(cmd, 'linger')) return this.linger(cmd);
    if (startsWithWord(cmd, 'nolinger')) return this.noLinger();
    if (startsWithWord(cmd, 'nolog')) return this.noLog();
    if (startsWithWord(cmd, 'event')) return this.event(cmd);
    if (startsWithWord(cmd, 'nixevent')) return this.nixEvent(cmd);
    if (startsWithWord(cmd, 'noevents')) return this.noEvents();
    return reply('');
  }

  /**
   * sendevent <NAME> (MES ~2241): the client's headers (after a "Command" header holding the
   * command text) plus Event-UUID, then the common block, fired on the bus. An event whose
   * Unique-ID names a live channel goes to that channel's private queue instead, which the
   * simulator does not model: it is dropped.
   */
  private sendEvent(cmd: string, packet: ClientPacket): Outcome {
    const eventUuid = this.options.events.newUuid();
    let word = stripCr(cmd).slice(9);
    while (word.startsWith(' ') || word.startsWith('\t')) word = word.slice(1);
    const name = eventNameOf(word) ?? 'CLONE';
    const subclassHeader = packetHeader(packet.headers, 'Event-Subclass');
    const subclass = name === 'CUSTOM' ? subclassHeader : undefined;
    const headers: Headers = [['Command', cmd], ...packet.headers, ['Event-UUID', eventUuid]];
    const target = packetHeader(headers, 'unique-id');
    if (target !== undefined && this.options.engine.channelData(target) !== null) return reply(`+OK ${eventUuid}`);
    const event: SimEvent = {
      name,
      headers: subclass === undefined ? headers : [...headers.filter(([n]) => n.toLowerCase() !== 'event-subclass'), ['Event-Subclass', subclass]],
      ...(subclass === undefined ? {} : { subclass }),
      ...(packet.body === undefined ? {} : { body: packet.body }),
    };
    event.headers.push(...this.options.events.commonHeaders(name, SENDEVENT_ORIGIN));
    this.options.hub.publish(event);
    return reply(`+OK ${eventUuid}`);
  }

  /** api <cmd> [<args>]: runs while the connection waits, then api/response (MES api_exec ~1595). */
  private async api(cmd: string): Promise<Outcome> {
    const [command, args] = splitFirstSpace(stripCr(cmd).slice(4));
    const output = await this.runApi(command, args);
    this.write(apiResponseFrame(output === '' ? NO_REPLY : output));
    return 'silent';
  }

  /** bgapi: the Job-UUID reply now, BACKGROUND_JOB when the command is done (MES ~2338). */
  private bgapi(cmd: string, packet: ClientPacket): Outcome {
    const [command, args] = splitFirstSpace(stripCr(cmd).slice(6));
    const asked = packetHeader(packet.headers, 'job-uuid');
    const jobUuid = asked !== undefined ? asked.slice(0, UUID_LENGTH) : this.options.events.newUuid();
    const owner = this.controlled;
    const after = (): void => {
      void this.runApi(command, args).then((result) => {
        const job = { jobUuid, command, result, ...(owner ? { ownerUuid: owner } : {}), ...(args === undefined ? {} : { args }) };
        this.options.hub.publish(backgroundJobEvent(this.options.events, job));
      });
    };
    return { reply: `+OK Job-UUID: ${jobUuid}`, extra: [['Job-UUID', jobUuid]], after };
  }

  /** The engine's output; a failure reads like a command FreeSWITCH does not have. */
  private async runApi(command: string, args: string | undefined): Promise<string> {
    try {
      return await this.options.engine.api(command, args ?? '');
    } catch (error) {
      this.options.log?.(`esl session: api ${command} failed: ${(error as Error).message}`);
      return `-ERR ${command} Command not found!\n`;
    }
  }

  /** log [<level>]: accepted, but the simulator writes no log/data frames. */
  private log(cmd: string): Outcome {
    let level = stripCr(cmd).slice(3);
    while (level.startsWith(' ')) level = level.slice(1);
    level = splitFirstSpace(level)[0];
    const number = level === '' ? 7 : logLevel(level);
    if (number === null) return reply('-ERR invalid log level');
    this.logging = true;
    return reply(`+OK log level ${level} [${number}]`);
  }

  /** linger [<secs>] (MES ~2420): any text after "linger " is read with atoi; none means forever. */
  private linger(cmd: string): Outcome {
    if (this.controlled === undefined) return reply('-ERR not controlling a session');
    const timed = cmd[6] === ' ' && cmd.length > 7;
    this.lingerSeconds = timed ? atoi(cmd.slice(7)) : -1;
    return reply(this.lingerSeconds === -1 ? '+OK will linger' : `+OK will linger ${this.lingerSeconds} seconds`);
  }

  private noLinger(): Outcome {
    if (this.controlled === undefined) return reply('-ERR not controlling a session');
    this.lingerSeconds = null;
    return reply('+OK will not linger');
  }

  private noLog(): Outcome {
    if (!this.logging) return reply('-ERR not loging');
    this.logging = false;
    return reply('+OK no longer logging');
  }

  /** event [plain|json|xml] <names…> [CUSTOM <subclasses…>] (MES ~2465); subscriptions add up. */
  private event(cmd: string): Outcome {
    const line = stripCr(cmd);
    const space = line.indexOf(' ', 5);
    const words = space < 0 ? [] : line.slice(space + 1).split(' ');
    const format = words[0]?.toLowerCase();
    if (format === 'plain' || format === 'json' || format === 'xml') {
      this.format = format;
      words.shift();
    }
    if (this.subscription.subscribe(words) === 0) return reply('-ERR no keywords supplied');
    this.subscription.listening = true;
    return reply(`+OK event listener enabled ${this.format}`);
  }

  private nixEvent(cmd: string): Outcome {
    const line = stripCr(cmd);
    const space = line.indexOf(' ', 8);
    const words = space < 0 ? [] : line.slice(space + 1).split(' ');
    if (this.subscription.unsubscribe(words) === 0) return reply('-ERR no keywords supplied');
    this.subscription.listening = true;
    return reply('+OK events nixed');
  }

  /** noevents drops what is queued, then turns every subscription off (MES ~2600). */
  private noEvents(): Outcome {
    this.queue.length = 0;
    if (!this.subscription.listening) return reply('-ERR not listening for events');
    this.subscription.clear();
    return reply('+OK no longer listening for events');
  }
}

/**
 * An event's frame in one format, made once however many listeners take it (the caller's
 * CHANNEL_ANSWER goes to its own socket and to every inbound listener). Events are not changed
 * once fired.
 */
const framesMade = { plain: new WeakMap<SimEvent, string>(), json: new WeakMap<SimEvent, string>(), xml: new WeakMap<SimEvent, string>() };

const CHANNEL_DOWN_EVENTS: ReadonlySet<string> = new Set(['CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_DESTROY']);

function framed(format: EventFormat, event: SimEvent): string {
  const made = framesMade[format];
  let frame = made.get(event);
  if (frame === undefined) made.set(event, (frame = eventFrame(format, serializeEvent(format, event))));
  return frame;
}
