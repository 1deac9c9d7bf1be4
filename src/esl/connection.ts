// One TCP connection speaking ESL, either direction: bytes → frames → messages, replies to
// the ReplyQueue, the rest to listeners. Nothing thrown by the parser, a decoder or a
// listener escapes the socket's 'data' handler, so no input can take the process down.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { CtiError } from '../errors.js';
import { ReplyQueue, type Command } from './command.js';
import { FrameError } from './frame-error.js';
import { FrameParser, type Frame } from './frame-parser.js';
import { isReply, toMessage, type EslMessage, type Reply } from './message.js';

export interface ConnectionOptions {
  log: Logger;
  /** 1 serialises commands; more pipelines them */
  maxInFlight: number;
  commandTimeoutMs: number;
  /** who is at the other end, for messages (`FreeSWITCH 127.0.0.1:8021`) */
  peer: string;
}

interface ConnectionEvents {
  message: [EslMessage];
  frameError: [FrameError];
  close: [Error | undefined];
}

export class EslConnection extends EventEmitter<ConnectionEvents> {
  private readonly parser = new FrameParser();
  private readonly replies: ReplyQueue;
  private socketError: Error | undefined;
  private closed = false;
  private outgoing = '';

  constructor(
    private readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    super();
    this.replies = new ReplyQueue((wire) => this.write(wire), options.maxInFlight);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Without an 'error' listener a refused or reset socket would crash the process.
    socket.on('error', (err) => (this.socketError = err));
    socket.on('close', () => this.onClose());
  }

  /** Sends a command; resolves with its reply (which may be -ERR: callers judge it). */
  send(cmd: Command, timeoutMs = this.options.commandTimeoutMs): Promise<Reply> {
    return this.replies.send(cmd, timeoutMs);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes at once; pending commands fail with ESL_DISCONNECTED. */
  destroy(): void {
    this.socket.destroy();
  }

  /**
   * Commands written in one turn go out in one socket write (a call's set-up is four, and a
   * write is a system call); TCP would merge them anyway, and FreeSWITCH reads a stream.
   */
  private write(wire: string): void {
    if (this.closed || this.socket.destroyed) return; // close() fails the command right after
    if (this.outgoing === '') process.nextTick(() => this.flushOutgoing());
    this.outgoing += wire;
  }

  private flushOutgoing(): void {
    const wire = this.outgoing;
    this.outgoing = '';
    if (wire !== '' && !this.closed && !this.socket.destroyed) this.socket.write(wire);
  }

  private onData(chunk: Buffer): void {
    let items: ReturnType<FrameParser['push']>;
    try {
      items = this.parser.push(chunk);
    } catch (err) {
      // The parser is written not to throw; if it ever does, drop the connection, not the process.
      this.options.log.error({ err }, 'ESL parser failed; closing the connection');
      this.socket.destroy();
      return;
    }
    for (const item of items) this.dispatch(item);
  }

  /** Decoding is inside the guard too: whatever one frame holds, the connection and the process go on. */
  private dispatch(frame: Frame | FrameError): void {
    try {
      const item = frame instanceof FrameError ? frame : toMessage(frame);
      if (item instanceof FrameError) this.onFrameError(item);
      else if (isReply(item)) this.onReply(item);
      else this.emit('message', item);
    } catch (err) {
      this.options.log.error({ err }, 'an ESL message handler threw; the message was dropped');
    }
  }

  private onReply(reply: Reply): void {
    if (!this.replies.settle(reply)) this.options.log.warn({ reply: describe(reply) }, 'ESL reply with no command waiting for it; ignored');
  }

  private onFrameError(err: FrameError): void {
    this.options.log.warn(
      { reason: err.reason, droppedBytes: err.droppedBytes, declaredType: err.declaredType, sample: err.bytes.toString('utf8', 0, 300) },
      err.message,
    );
    // The lost frame was a reply: fail its command so later replies still meet their own.
    if (err.lostReply) this.replies.failOldest(err);
    this.emit('frameError', err);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    const tail = this.parser.end();
    if (tail) this.dispatch(tail);
    const reason = this.socketError ? `: ${this.socketError.message}` : '';
    this.replies.close(() => new CtiError('ESL_DISCONNECTED', `the ESL connection to ${this.options.peer} closed${reason}`));
    try {
      this.emit('close', this.socketError);
    } catch (err) {
      this.options.log.error({ err }, 'an ESL close handler threw');
    }
  }
}

function describe(reply: Reply): string {
  return reply.type === 'api-response' ? reply.body.slice(0, 120) : reply.type === 'command-reply' ? reply.text : 'CHANNEL_DATA';
}
