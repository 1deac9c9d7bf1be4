// The simulated switch's shared state: its channels (in creation order, as `show channels`
// lists them), the clock, the event emitter, the far ends it can dial, the media it can play,
// the dialplan, and the hooks the composition root plugs in (outbound sockets, observers).
import type { SimClock } from '../contracts.js';
import type { Channel } from './channel.js';
import type { Emitter } from './emit.js';
import type { Endpoints } from './endpoints.js';
import type { Random } from './prng.js';

/** How long a file plays, in seconds; null means the file does not exist (FILE NOT FOUND). */
export type MediaCatalog = (path: string) => number | null;

/**
 * Opens the outbound Event Socket connection of the `socket` app and hands it to a command
 * session in outbound mode; false when the connection was refused. The session then calls the
 * engine's channelData (the controller sent `connect`) and socketClosed.
 */
export interface SocketConnector {
  connect(ch: Channel, host: string, port: number, flags: { async: boolean; full: boolean }): Promise<boolean>;
}

/** What the scenario runner wants to see (originate attempts and their answers). */
export interface Observer {
  legCreated?(leg: Channel, endpoint: string): void;
  legAnswered?(leg: Channel): void;
  legFailed?(leg: Channel | null, endpoint: string, cause: string): void;
  channelDestroyed?(ch: Channel): void;
}

/** The `${...}` lookups of an extension: one matched extension's applications in order. */
export interface DialplanApp {
  application: string;
  data: string;
}

export interface DialplanHunt {
  /** null: no extension matched (NO_ROUTE_DESTINATION) */
  hunt(ch: Channel, context: string): { extension: string; apps: DialplanApp[] } | null;
}

/** One dialplan application as the engine runs it. */
export interface AppSpec {
  run(call: AppCall): Promise<void>;
  /** SAF_SUPPORT_NOMEDIA: runs without pre-answering an inbound leg */
  noMedia: boolean;
  /** SAF_ZOMBIE_EXEC: still runs on a hung-up channel (set, export) */
  zombie?: boolean;
}

export interface AppCall {
  core: Core;
  ch: Channel;
  /** the argument after variable expansion (Application-Data) */
  arg: string;
}

export interface CoreParts {
  clock: SimClock;
  emit: Emitter;
  endpoints: Endpoints;
  random: Random;
  media: MediaCatalog;
  dialplan: DialplanHunt;
  globals: Map<string, string>;
  hostname: string;
}

export class Core {
  readonly channels = new Map<string, Channel>();
  readonly clock: SimClock;
  readonly emit: Emitter;
  readonly endpoints: Endpoints;
  readonly random: Random;
  readonly media: MediaCatalog;
  readonly dialplan: DialplanHunt;
  readonly globals: Map<string, string>;
  readonly hostname: string;
  connector: SocketConnector | null = null;
  /** dialplan applications by name (mod_dptools and friends) */
  readonly apps = new Map<string, AppSpec>();
  readonly observers: Observer[] = [];
  /** conference name → member uuids, in join order */
  readonly conferences = new Map<string, Conference>();
  /** sessions created since start (session_id, and `status`) */
  sessionsCreated = 0;
  peakSessions = 0;
  /** Member-ID counter shared by every conference (mod_conference.c globals) */
  nextMemberId = 1;
  /**
   * The directories that exist on the switch's disk: the *_dir globals at start, then what
   * record_session (switch_ivr_async.c makes the file's folder) and the mkdir app create. The
   * `record` app does not make its folder, and fails when it is missing.
   */
  readonly directories = new Set<string>(['/', '/tmp']);
  /** mod_hash's db hash: `<realm>_<key>` → value (hash insert/select/delete) */
  readonly hashDb = new Map<string, string>();
  /** the switch's API commands (switch_api_execute), for hooks that run one: api_hangup_hook */
  api: ((command: string, args: string) => string | Promise<string>) | null = null;

  constructor(parts: CoreParts) {
    this.clock = parts.clock;
    this.emit = parts.emit;
    this.endpoints = parts.endpoints;
    this.random = parts.random;
    this.media = parts.media;
    this.dialplan = parts.dialplan;
    this.globals = parts.globals;
    this.hostname = parts.hostname;
  }

  /** the switch's local time zone, as its events show it */
  get utcOffsetMinutes(): number {
    return this.emit.factory.identity.utcOffsetMinutes;
  }

  private readonly timers = new Set<NodeJS.Timeout>();

  /** A real-time timer the engine owns: kept alive while pending, all cleared by `clearTimers`. */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  now(): number {
    return this.clock.nowUs();
  }

  /** switch_dir_make_recursive: the folder and every folder above it. */
  makeDirectory(path: string): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) this.directories.add(`/${parts.slice(0, i).join('/')}`);
  }

  /** Whether a file can be created at this path: its folder exists (a relative path: the cwd). */
  canCreate(path: string): boolean {
    const slash = path.lastIndexOf('/');
    if (slash < 0) return true;
    return this.directories.has(slash === 0 ? '/' : path.slice(0, slash));
  }

  channel(uuid: string | undefined): Channel | undefined {
    return uuid ? this.channels.get(uuid.trim()) : undefined;
  }

  observe(fn: (o: Observer) => void): void {
    for (const o of this.observers) fn(o);
  }

  /**
   * switch_channel_expand_variables for the forms our dialplan and controller use:
   * `${name}` from the channel, then the global variables; unknown names expand to "".
   */
  expand(ch: Channel | null, text: string): string {
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => ch?.getVar(name) ?? this.globals.get(name) ?? '');
  }
}

export interface Conference {
  name: string;
  uuid: string;
  members: Array<{ uuid: string; memberId: number }>;
}
