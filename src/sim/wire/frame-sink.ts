// Where a session's frames go. FreeSWITCH writes a frame's header and body with separate send()
// calls, and TCP splits and merges them freely, so a client that only works when one read holds
// one frame is broken. ChunkedWriter reproduces that on purpose: it hands the byte stream to the
// socket in random slices (seeded, so a failing run can be replayed), with a turn of the event
// loop between slices.

import type { Socket } from 'node:net';

export interface FrameSink {
  write(frame: string): void;
  /** Closes the connection once everything written so far has gone out. */
  end(): void;
}

/** Ends the socket completely, as FreeSWITCH's close_socket (shutdown + close) does. */
function closeSocket(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end(() => socket.destroy());
}

/**
 * Hands the frames of one turn to the socket in one write: a reply and the events it causes, or
 * an execution's completion and the next one's start, would otherwise be a system call each.
 * The byte stream is the same; only where TCP may split it changes, which is never fixed anyway.
 */
export class DirectWriter implements FrameSink {
  private pending = '';
  private ending = false;

  constructor(private readonly socket: Socket) {}

  write(frame: string): void {
    if (this.ending) return;
    if (this.pending === '') process.nextTick(() => this.flush());
    this.pending += frame;
  }

  end(): void {
    this.flush();
    this.ending = true;
    closeSocket(this.socket);
  }

  private flush(): void {
    const frames = this.pending;
    this.pending = '';
    if (frames !== '' && this.socket.writable) this.socket.write(frames);
  }
}

/** mulberry32: a small seeded generator, enough for choosing split points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChunkingOptions {
  seed: number;
  /** largest slice handed to the socket at once (default 2048 bytes) */
  maxChunk?: number;
}

/** Writes the stream in random slices that split frames anywhere and merge neighbours. */
export class ChunkedWriter implements FrameSink {
  private pending: Buffer = Buffer.alloc(0);
  private scheduled = false;
  private ending = false;
  private readonly random: () => number;
  private readonly maxChunk: number;

  constructor(
    private readonly socket: Socket,
    options: ChunkingOptions,
  ) {
    this.random = seededRandom(options.seed);
    this.maxChunk = Math.max(1, options.maxChunk ?? 2048);
  }

  write(frame: string): void {
    if (this.ending) return;
    this.pending = Buffer.concat([this.pending, Buffer.from(frame, 'utf8')]);
    this.schedule();
  }

  end(): void {
    this.ending = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.writeSlice());
  }

  private writeSlice(): void {
    this.scheduled = false;
    if (this.socket.destroyed) return;
    if (this.pending.length === 0) {
      if (this.ending) closeSocket(this.socket);
      return;
    }
    const size = 1 + Math.floor(this.random() * Math.min(this.pending.length, this.maxChunk));
    const slice = this.pending.subarray(0, size);
    this.pending = this.pending.subarray(size);
    if (this.socket.writable) this.socket.write(slice);
    this.schedule();
  }
}
