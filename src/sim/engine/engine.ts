// The simulated switch behind the Event Socket: what the protocol half's sessions call
// (SwitchEngine: api, sendmsg, channelData, socketClosed) and what tests and the scenario runner
// drive (placeCall, agent handles). It publishes every event on the bus it is given.
import type { EventBus, Headers, SimClock, SimEvent, SwitchEngine } from '../contracts.js';
import { EventFactory, channelDataHeaders, type HeartbeatFigures } from '../events/index.js';
import { AgentHandle } from './agents.js';
import { apiCommands, runApi, type SwitchFacts } from './api/index.js';
import { allApps } from './apps/index.js';
import { ChannelTable } from './channel-table.js';
import type { Channel } from './channel.js';
import { DEFAULT_TRUNKS, placeCall, type InboundTrunk, type PlaceCall } from './citizens.js';
import { systemClock } from './clock.js';
import { Core, type DialplanHunt, type MediaCatalog, type Observer, type SocketConnector } from './core.js';
import { DialplanFiles } from './dialplan.js';
import { Emitter } from './emit.js';
import { Endpoints, type AgentBehaviour, type HotlineBehaviour, type LocalFarEnd } from './endpoints.js';
import { channelSnapshot } from './facts.js';
import { isTrue } from './execution.js';
import { hangup, setState } from './lifecycle.js';
import { seededRandom } from './prng.js';

export interface EngineOptions {
  bus: EventBus;
  /** shared with the protocol half so that Event-Sequence is one counter; created when absent */
  events?: EventFactory;
  clock?: SimClock;
  /** a folder laid out like conf/dialplan (public/*.xml), or a ready hunt */
  dialplan: string | DialplanHunt;
  seed?: number;
  agents?: AgentBehaviour[];
  hotlines?: Record<string, HotlineBehaviour>;
  /** numbers not in `hotlines` answer after 5 s */
  defaultHotline?: HotlineBehaviour;
  /** sofia gateways that exist (others give INVALID_GATEWAY) */
  gateways?: string[];
  /** directory users with a dial-string of their own (id → dial-string), e.g. `loopback/seat-1001/cti_test` */
  directory?: Record<string, string>;
  /** gateways whose proxy is a profile of this switch: their numbers ring in that profile's context */
  farEnds?: Record<string, LocalFarEnd>;
  /** the far ends of gateways that send calls in (placeCall's `gateway`); DEFAULT_TRUNKS when absent */
  trunks?: Record<string, InboundTrunk>;
  /** global variables (vars.xml): domain_name, sounds_dir, hold_music, ... */
  globals?: Record<string, string>;
  /** seconds each prompt plays, by full path or by file name; null: the file does not exist */
  prompts?: Record<string, number | null>;
  /** seconds for prompts not listed */
  defaultPromptS?: number;
  connector?: SocketConnector;
}

const DEFAULT_GLOBALS = {
  hostname: 'fs-sim',
  local_ip_v4: '127.0.0.1',
  domain: '127.0.0.1',
  domain_name: '127.0.0.1',
  base_dir: '/usr',
  sounds_dir: '/usr/share/freeswitch/sounds',
  recordings_dir: '/var/lib/freeswitch/recordings',
  hold_music: 'local_stream://moh',
};

export class SimEngine implements SwitchEngine {
  readonly core: Core;
  readonly table: ChannelTable;
  readonly events: EventFactory;
  private readonly commands: ReturnType<typeof apiCommands>;
  private readonly startedUs: number;
  private readonly trunks: Readonly<Record<string, InboundTrunk>>;

  constructor(opts: EngineOptions) {
    this.trunks = opts.trunks ?? DEFAULT_TRUNKS;
    const clock = opts.clock ?? opts.events?.clock ?? systemClock();
    this.events = opts.events ?? new EventFactory({ clock });
    const globals = new Map(Object.entries({ ...DEFAULT_GLOBALS, hostname: this.events.identity.hostname, ...opts.globals }));
    const random = seededRandom(opts.seed ?? 1);
    const dialplan = typeof opts.dialplan === 'string' ? new DialplanFiles(opts.dialplan) : opts.dialplan;
    const gateways = opts.gateways ?? ['telecom-trunk', 'police-110'];
    this.core = new Core({
      clock: this.events.clock,
      emit: new Emitter(opts.bus, this.events),
      endpoints: new Endpoints({
        agents: opts.agents ?? [],
        hotlines: opts.hotlines ?? {},
        defaultHotline: opts.defaultHotline ?? { answerAfterS: 5 },
        gateways,
        domain: globals.get('domain_name') ?? '127.0.0.1',
        random,
        ...(opts.directory ? { directory: opts.directory } : {}),
        ...(opts.farEnds ? { farEnds: opts.farEnds } : {}),
        talking: (agentId) => {
          for (const ch of this.core.channels.values()) if (ch.sim.agent === agentId && ch.answered && ch.hangupCause === null) return true;
          return false;
        },
      }),
      random,
      media: mediaCatalog(opts.prompts ?? {}, opts.defaultPromptS ?? 3),
      dialplan,
      globals,
      hostname: this.events.identity.hostname,
    });
    for (const [name, spec] of allApps()) this.core.apps.set(name, spec);
    for (const [name, value] of globals) if (name.endsWith('_dir')) this.core.makeDirectory(value);
    this.core.connector = opts.connector ?? null;
    this.table = new ChannelTable(this.events.identity.switchname);
    this.core.emit.tap((event) => this.table.observe(event));
    this.startedUs = this.core.now();
    const facts: SwitchFacts = {
      startedUs: this.startedUs,
      sessionsSinceStart: () => this.core.sessionsCreated,
      peakSessions: () => this.core.peakSessions,
      gateways,
      localIp: globals.get('local_ip_v4') ?? '127.0.0.1',
      reload: () => (dialplan instanceof DialplanFiles ? dialplan.reload() : null),
    };
    this.commands = apiCommands(this.core, this.table, facts);
    this.core.api = (command, args) => runApi(this.commands, command, args);
  }

  /** What HEARTBEAT reports (switch_core.c send_heartbeat). */
  heartbeatFigures(): HeartbeatFigures {
    return {
      uptimeUs: this.core.now() - this.startedUs,
      sessionCount: this.core.channels.size,
      sessionsSinceStartup: this.core.sessionsCreated,
      sessionPeakMax: this.core.peakSessions,
      sessionPeakFiveMin: this.core.peakSessions,
    };
  }

  /** How the `socket` app reaches the controller (set by the composition root). */
  setConnector(connector: SocketConnector): void {
    this.core.connector = connector;
  }

  api(command: string, args: string): Promise<string> {
    return runApi(this.commands, command, args);
  }

  /** Queues the message for the session (MES ~2180): "+OK", or the FreeSWITCH error text. */
  sendmsg(uuid: string, headers: Headers, body: string | undefined): string {
    const ch = this.core.channel(uuid);
    if (!ch || ch.state === 'CS_DESTROY') return `-ERR invalid session id [${uuid}]`;
    ch.queueMessage(body === undefined ? { headers } : { headers, body });
    return '+OK';
  }

  channelData(uuid: string): Headers | null {
    const ch = this.core.channel(uuid);
    return ch ? channelDataHeaders(channelSnapshot(ch)) : null;
  }

  /** The controller answered the outbound socket with `connect` (LFLAG_CONNECTED): the app may park. */
  socketConnected(uuid: string): void {
    const ch = this.core.channel(uuid);
    if (ch?.sim.socket && !ch.sim.socket.connected) {
      ch.sim.socket.connected = true;
      ch.waker.wake();
    }
  }

  /**
   * The listener ended (listener_run `done:`, mod_event_socket.c ~2817), whether or not the
   * socket app is still running (the listener outlives it: a channel the controller transferred
   * or bridged keeps its listener until it hangs up). `resume` set socket_resume; with it, a
   * channel that is not in CS_HIBERNATE and not being transferred, redirected or reset
   * (CF_RESET) is set to CS_RESET, in which switch_channel_ready is false, so whatever it runs
   * returns: nested apps, the park, a bridge. Then CF_CONTROLLED is cleared, which also ends a
   * park that is still waiting. The socket app, if it is the one running, then sets CS_EXECUTE
   * and the extension's next action runs (apps/socket.ts); a channel outside it stays in
   * CS_RESET (session-loop.ts).
   */
  socketClosed(uuid: string, resumed: boolean): void {
    const ch = this.core.channel(uuid);
    if (!ch) return;
    if (resumed) ch.setVar('socket_resume', 'true');
    const reset =
      ch.ready && ch.state !== 'CS_HIBERNATE' && !ch.has('CF_TRANSFER') && !ch.has('CF_REDIRECT') && !ch.has('CF_RESET') && isTrue(ch.getVar('socket_resume'));
    if (reset) setState(ch, 'CS_RESET');
    const link = ch.sim.socket;
    if (link) {
      link.closed = true;
      link.reset = reset;
    }
    ch.flags.delete('CF_CONTROLLED');
    ch.waker.wake();
  }

  /** A citizen's call arriving from the carrier. */
  placeCall(call: PlaceCall): Channel {
    return placeCall(this.core, call, this.trunks);
  }

  /** Watches legs being created, answered, failing and destroyed (the scenario runner's counters). */
  observe(observer: Observer): void {
    this.core.observers.push(observer);
  }

  /** Sees every event the switch fires, before any session does. */
  tap(fn: (event: SimEvent) => void): void {
    this.core.emit.tap(fn);
  }

  agent(id: string): AgentHandle {
    return new AgentHandle(this.core, id);
  }

  channel(uuid: string): Channel | undefined {
    return this.core.channel(uuid);
  }

  get channels(): Channel[] {
    return [...this.core.channels.values()];
  }

  /** Hangs every channel up (SYSTEM_SHUTDOWN) and waits until they are destroyed. */
  async stop(): Promise<void> {
    this.core.clearTimers();
    const all = this.channels;
    for (const ch of all) hangup(this.core, ch, 'SYSTEM_SHUTDOWN');
    await Promise.all(all.map((ch) => ch.destroyed));
  }
}

function mediaCatalog(prompts: Record<string, number | null>, defaultS: number): MediaCatalog {
  return (path) => {
    const name = path.split('/').pop() ?? path;
    if (path in prompts) return prompts[path] ?? null;
    if (name in prompts) return prompts[name] ?? null;
    return defaultS;
  };
}
