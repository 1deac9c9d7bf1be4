// A connected pair of byte streams standing in for one TCP connection between the simulator and
// the controller in the same process. Node 20 has no stream.duplexPair, and a socket pair over
// a real port would bring the kernel's timing back, so this is the one hand-made stream.
//
// Bytes written on one end are pushed into the other inside the other end's scope (its life's
// async context), so whatever the receiver sets off belongs to the receiver. `sever` is what a
// killed process does to its connections: its own end hears nothing more, the peer sees the
// connection close.
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

type Scope = (fn: () => void) => void;

export class MemoryEnd extends Duplex {
  peer!: MemoryEnd;
  /** no more bytes or closes reach this end (its process is gone) */
  frozen = false;
  readonly remoteAddress = '127.0.0.1';

  constructor(
    readonly remotePort: number,
    private readonly scope: Scope,
  ) {
    super({ allowHalfOpen: false });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.peer.receive(() => this.peer.push(chunk));
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.peer.receive(() => this.peer.push(null));
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    // a TCP reset: the other side reads the end of the stream and closes
    this.peer.receive(() => {
      if (!this.peer.destroyed) this.peer.destroy();
    });
    done(err);
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  private receive(fn: () => void): void {
    if (this.frozen || this.destroyed) return;
    this.scope(fn);
  }
}

/** One connection: `a` for the side that opened it, `b` for the side that accepted it. */
export function memoryLink(port: number, scopeA: Scope, scopeB: Scope): { a: Socket; b: Socket; ends: [MemoryEnd, MemoryEnd] } {
  const a = new MemoryEnd(port, scopeA);
  const b = new MemoryEnd(port, scopeB);
  a.peer = b;
  b.peer = a;
  return { a: a as unknown as Socket, b: b as unknown as Socket, ends: [a, b] };
}

/** What a killed process does to a connection it held: its end goes silent, the peer sees a close. */
export function sever(own: MemoryEnd): void {
  own.frozen = true;
  const peer = own.peer;
  if (!peer.destroyed) peer.destroy();
}

/**
 * A connect the network refuses, as net.connect reports one: the socket is returned at once, its
 * ECONNREFUSED error and close come a moment later, inside the connecting side's scope.
 */
export function refusedConnect(port: number, scope: Scope): Socket {
  const end = new MemoryEnd(port, scope);
  end.peer = new MemoryEnd(port, scope);
  end.peer.peer = end;
  scope(() => setTimeout(() => end.destroy(Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED' })), 0));
  return end as unknown as Socket;
}
