// The FreeSWITCH simulator, both halves composed: the engine (channels, apps, dialplan,
// endpoints) publishing into the event hub that feeds every Event Socket session, the inbound
// ESL server (:8021), and the outbound connections the `socket` app opens to the controller.
import type { SimClock } from './contracts.js';
import { SimEngine, systemClock, type EngineOptions, type SocketConnector } from './engine/index.js';
import { EventFactory, scheduleHeartbeats } from './events/index.js';
import { EventHub, InboundServer } from './inbound/index.js';
import { openOutboundSession, type CommandSession, type StreamOpener } from './session/index.js';

export interface SimulatorOptions {
  /** inbound Event Socket port; 0 picks a free one (default 8021) */
  eslPort?: number;
  eslHost?: string;
  password?: string;
  /** a folder laid out like FreeSWITCH's conf/dialplan (public/*.xml) */
  dialplanDir: string;
  /** where outbound sockets go instead of the dialplan's `socket` address */
  controller?: { host: string; port: number };
  clock?: SimClock;
  /** endpoints, prompts, seed, globals for the engine */
  engine?: Omit<EngineOptions, 'bus' | 'events' | 'clock' | 'dialplan' | 'connector'>;
  log?: (line: string) => void;
  /**
   * In-memory links instead of ports (the explorer): no inbound port is opened (clients are
   * handed to `server.accept`), and the `socket` app's connections come from `outbound`.
   */
  inMemory?: { outbound: StreamOpener };
}

export interface Simulator {
  engine: SimEngine;
  server: InboundServer;
  /** the inbound ESL port actually bound */
  port: number;
  /** hangs every channel up, closes every session and the port */
  stop(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const clock = opts.clock ?? systemClock();
  const events = new EventFactory({ clock });
  const hub = new EventHub();
  const outbound = new Set<CommandSession>();
  const engine = new SimEngine({ ...opts.engine, bus: hub, events, clock, dialplan: opts.dialplanDir });
  engine.setConnector(outboundConnector(engine, hub, events, outbound, opts));
  const server = new InboundServer({
    engine,
    hub,
    events,
    host: opts.eslHost ?? '127.0.0.1',
    port: opts.eslPort ?? 8021,
    password: opts.password ?? 'ClueCon',
    ...(opts.log ? { log: opts.log } : {}),
  });
  if (!opts.inMemory) await server.start();
  const stopHeartbeats = scheduleHeartbeats(
    (event) => hub.publish(event),
    events,
    () => engine.heartbeatFigures(),
  );
  return {
    engine,
    server,
    port: server.port,
    async stop() {
      stopHeartbeats();
      await engine.stop();
      for (const session of outbound) session.shutdown();
      await Promise.all([...outbound].map((s) => s.closed));
      if (!opts.inMemory) await server.stop();
    },
  };
}

/**
 * The `socket` app's TCP connection: opened with the protocol half's outbound session, which
 * tells the engine when the controller sent `connect` (the app parks then) and when it closed.
 * A refused connection makes the app return, as "Socket Error!" does.
 */
function outboundConnector(engine: SimEngine, hub: EventHub, events: EventFactory, live: Set<CommandSession>, opts: SimulatorOptions): SocketConnector {
  return {
    async connect(ch, host, port, flags) {
      const target = opts.controller ?? { host, port };
      try {
        const session = await openOutboundSession(
          target,
          {
            engine,
            hub,
            events,
            channelUuid: ch.uuid,
            async: flags.async,
            full: flags.full,
            ...(opts.log ? { log: opts.log } : {}),
          },
          opts.inMemory?.outbound,
        );
        live.add(session);
        void session.closed.then(() => live.delete(session));
        void session.connected.then((ok) => ok && engine.socketConnected(ch.uuid));
        return true;
      } catch (err) {
        opts.log?.(`socket ${target.host}:${target.port} for ${ch.uuid}: ${(err as Error).message}`);
        return false;
      }
    },
  };
}

export { SimEngine } from './engine/index.js';
export type { AgentBehaviour, HotlineBehaviour, PlaceCall, Channel } from './engine/index.js';
export { fsSimCommand, simCommand } from './scenario/commands.js';
