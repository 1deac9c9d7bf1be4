// The switch's own Event Socket port (mod_event_socket's listener, default 127.0.0.1:8021 with
// password ClueCon in the simulator; FreeSWITCH's vanilla config listens on ::). Every accepted
// client gets a CommandSession; a client the ACL refuses gets text/rude-rejection, then the
// goodbye notice, then close (MES listener_run ~2672 and its `done:` path).

import { createServer, type Server, type Socket } from 'node:net';
import type { SwitchEngine } from '../contracts.js';
import { EventFactory } from '../events/event-factory.js';
import { CommandSession } from '../session/command-session.js';
import type { SessionHub } from '../session/session-hub.js';
import { ChunkedWriter, DirectWriter, type ChunkingOptions, type FrameSink } from '../wire/frame-sink.js';
import { GOODBYE_TEXT, SHUTDOWN_TEXT, disconnectNoticeFrame, rudeRejectionFrame } from '../wire/frames.js';
import { EventHub } from './event-hub.js';
import { InboundAcl } from './inbound-acl.js';

export interface InboundServerOptions {
  engine: SwitchEngine;
  /** where the engine publishes; created when absent (see `hub`) */
  hub?: SessionHub;
  /** shared with the engine so Event-Sequence is global; a real-time one is created when absent */
  events?: EventFactory;
  host?: string;
  /** 0 picks a free port (read it from `port` after start) */
  port?: number;
  password?: string;
  /** apply-inbound-acl entries: CIDRs ("10.0.0.0/8,192.168.0.0/16") or a known list name */
  acl?: readonly string[];
  /** split every frame at random points; each connection n uses seed + n */
  chunking?: ChunkingOptions;
  firstPacketTimeoutMs?: number;
  log?: (line: string) => void;
}

const realClock = { nowUs: (): number => Date.now() * 1000 };

export class InboundServer {
  readonly hub: SessionHub;
  readonly events: EventFactory;
  private readonly server: Server;
  private readonly acl: InboundAcl;
  private readonly live = new Set<CommandSession>();
  private connections = 0;

  constructor(private readonly options: InboundServerOptions) {
    this.hub = options.hub ?? new EventHub();
    this.events = options.events ?? new EventFactory({ clock: realClock });
    this.acl = new InboundAcl(options.acl ?? []);
    // Half-open clients still receive the goodbye notice, as they do from FreeSWITCH.
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
  }

  /** The bound port, once started. */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : (this.options.port ?? 8021);
  }

  get sessions(): readonly CommandSession[] {
    return [...this.live];
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 8021, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops listening and ends every session with the shutdown notice (MES kill_all_listeners). */
  async stop(): Promise<void> {
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const sessions = [...this.live];
    for (const session of sessions) session.shutdown(SHUTDOWN_TEXT);
    await Promise.all(sessions.map((s) => s.closed));
    await closing;
  }

  /** Each connection gets its own seed, so that two clients do not see the same split points. */
  private chunkingFor(index: number): ChunkingOptions | undefined {
    const chunking = this.options.chunking;
    return chunking ? { ...chunking, seed: chunking.seed + index } : undefined;
  }

  /** MES listener_run ~2672: the refusal, then the `done:` path's goodbye, then close. */
  private refuse(socket: Socket, chunking: ChunkingOptions | undefined): void {
    this.options.log?.(`esl inbound: ${socket.remoteAddress ?? '?'} refused by the ACL`);
    const sink: FrameSink = chunking ? new ChunkedWriter(socket, chunking) : new DirectWriter(socket);
    sink.write(rudeRejectionFrame());
    sink.write(disconnectNoticeFrame(GOODBYE_TEXT));
    sink.end();
  }

  /** A client on a connection already open: the listener's, or an in-memory one (the explorer). */
  accept(socket: Socket): void {
    const chunking = this.chunkingFor(this.connections++);
    socket.on('error', () => undefined);
    if (this.acl.active && !this.acl.allows(socket.remoteAddress)) {
      this.refuse(socket, chunking);
      return;
    }
    const session = new CommandSession({
      socket,
      engine: this.options.engine,
      hub: this.hub,
      events: this.events,
      mode: { kind: 'inbound', password: this.options.password ?? 'ClueCon' },
      ...(chunking ? { chunking } : {}),
      ...(this.options.firstPacketTimeoutMs === undefined ? {} : { firstPacketTimeoutMs: this.options.firstPacketTimeoutMs }),
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    this.live.add(session);
    void session.closed.then(() => this.live.delete(session));
  }
}
