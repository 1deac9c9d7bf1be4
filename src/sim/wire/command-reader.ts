// Client → switch packets, read the way mod_event_socket's read_packet does it
// (src/mod/event_handlers/mod_event_socket/mod_event_socket.c ~1208–1340):
// - bytes are taken one at a time; a '\r' or '\n' while nothing has been kept is dropped, so
//   blank lines before a command are ignored;
// - '\n' counts towards the end of the block, '\r' neither counts nor resets, any other byte
//   resets; two counted '\n' end the block (10 MiB also ends it);
// - the block is cut into lines the C way (see splitLines), the first line is the command;
// - each "Content-Length" header makes the switch read that many body bytes; a value below 0 or
//   above 16 MiB makes it drop the connection.

import type { Headers } from '../contracts.js';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0;
const COLON = 0x3a;
const SPACE = 0x20;
/** read_packet's max_len: a header block this long is cut and parsed as it is. */
export const MAX_BLOCK_BYTES = 10 * 1024 * 1024;
/** MAX_CONTENT_LENGTH in mod_event_socket.c. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ClientPacket {
  /**
   * The whole header block, as FreeSWITCH stores it in the event's "Command" header: the command
   * line and every line after it, blank line included. Commands are matched on its start.
   */
  command: string;
  /** the "Name: value" lines after the command line, raw (never url-decoded) */
  headers: Headers;
  /** the body when a Content-Length was sent; cut at the first NUL byte, as a C string */
  body?: string;
}

export class BadContentLengthError extends Error {
  constructor(readonly value: string) {
    super(`Content-Length out of range: ${JSON.stringify(value)}`);
    this.name = 'BadContentLengthError';
  }
}

/** C's atoi on a 64-bit glibc: strtol (saturating at ±2^63−1) cast to a 32-bit int. */
export function atoi(text: string): number {
  const match = /^[\t\n\v\f\r ]*([+-]?)(\d+)/.exec(text);
  if (!match) return 0;
  const limit = (1n << 63n) - 1n;
  let value = BigInt(match[2]!);
  if (value > limit) value = match[1] === '-' ? limit + 1n : limit;
  else if (match[1] === '-') value = -value;
  return Number(BigInt.asIntN(32, value));
}

/** strchr on a NUL-terminated byte string. */
function cFind(buf: Uint8Array, from: number, byte: number): number {
  for (let i = from; i < buf.length && buf[i] !== NUL; i++) if (buf[i] === byte) return i;
  return -1;
}

function cString(buf: Uint8Array, from: number): string {
  let end = from;
  while (end < buf.length && buf[end] !== NUL) end++;
  return Buffer.from(buf.subarray(from, end)).toString('utf8');
}

/**
 * Where a line ends, FreeSWITCH style: the first '\r' anywhere in the rest of the text, and only
 * when there is none, the first '\n'. With consistent line endings this is the end of the line;
 * with mixed ones a '\n'-ended line swallows the lines up to the next '\r' (kept on purpose).
 */
function lineEnd(buf: Uint8Array, from: number): number {
  const cr = cFind(buf, from, CR);
  return cr >= 0 ? cr : cFind(buf, from, LF);
}

/** strip_cr applied to a string (MES ~705): everything before lineEnd. */
export function stripCr(text: string): string {
  const cr = text.indexOf('\r');
  const end = cr >= 0 ? cr : text.indexOf('\n');
  return end >= 0 ? text.slice(0, end) : text;
}

interface ParsedBlock {
  command: string;
  headers: Headers;
  /** Content-Length values in the order met; each one is a body read */
  bodyLengths: number[];
}

function parseHeaderLine(buf: Uint8Array, start: number, block: ParsedBlock): void {
  const end = lineEnd(buf, start);
  if (end >= 0) buf[end] = NUL;
  if (start >= buf.length || buf[start] === NUL) return;
  const colon = cFind(buf, start, COLON);
  if (colon < 0) return;
  buf[colon] = NUL;
  let valueStart = colon + 1;
  while (buf[valueStart] === SPACE) valueStart++;
  const name = cString(buf, start);
  const value = cString(buf, valueStart);
  block.headers.push([name, value]);
  if (name.toLowerCase() !== 'content-length') return;
  const length = atoi(value);
  if (length < 0 || length > MAX_BODY_BYTES) throw new BadContentLengthError(value);
  if (length > 0) block.bodyLengths.push(length);
}

/** Cuts a finished header block into the command and its header lines (read_packet ~1290). */
export function parseBlock(raw: Uint8Array): ParsedBlock {
  const buf = new Uint8Array(raw.length + 1);
  buf.set(raw);
  const block: ParsedBlock = { command: cString(buf, 0), headers: [], bodyLengths: [] };
  let cursor = 0;
  let first = true;
  while (cursor >= 0) {
    let next = lineEnd(buf, cursor);
    if (next >= 0) while (buf[next] === CR || buf[next] === LF) next++;
    if (!first) parseHeaderLine(buf, cursor, block);
    first = false;
    cursor = next;
  }
  return block;
}

export interface ReadResult {
  packets: ClientPacket[];
  error?: BadContentLengthError;
}

/** Incremental reader for one connection. */
export class CommandReader {
  /** the header block read so far (blockLength bytes of it are used) */
  private block = Buffer.alloc(256);
  private blockLength = 0;
  private newlines = 0;
  private failure: BadContentLengthError | undefined;
  private awaiting: { block: ParsedBlock; lengths: number[]; parts: Buffer[]; needed: number } | null = null;

  /** True while a packet has started but is not complete (FreeSWITCH then holds events back). */
  get midPacket(): boolean {
    return this.blockLength > 0 || this.awaiting !== null;
  }

  /**
   * Feeds bytes; returns the packets they complete, in order. A bad Content-Length ends the read:
   * the packets before it are still returned, with the error after them (FreeSWITCH runs those
   * commands, then drops the connection). Nothing more is read after an error.
   */
  push(chunk: Uint8Array): ReadResult {
    const packets: ClientPacket[] = [];
    if (this.failure) return { packets, error: this.failure };
    let offset = 0;
    try {
      while (offset < chunk.length) {
        if (this.awaiting) offset = this.readBody(chunk, offset, packets);
        else offset = this.readHeaderByte(chunk, offset, packets);
      }
    } catch (error) {
      if (!(error instanceof BadContentLengthError)) throw error;
      this.failure = error;
      return { packets, error };
    }
    return { packets };
  }

  private readHeaderByte(chunk: Uint8Array, offset: number, packets: ClientPacket[]): number {
    const byte = chunk[offset]!;
    if (this.blockLength === 0 && (byte === CR || byte === LF)) return offset + 1;
    this.keep(byte);
    if (byte === LF) this.newlines++;
    else if (byte !== CR) this.newlines = 0;
    if (this.newlines >= 2 || this.blockLength >= MAX_BLOCK_BYTES) this.finishBlock(packets);
    return offset + 1;
  }

  private keep(byte: number): void {
    if (this.blockLength === this.block.length) {
      const grown = Buffer.alloc(this.block.length * 2);
      this.block.copy(grown);
      this.block = grown;
    }
    this.block[this.blockLength++] = byte;
  }

  private finishBlock(packets: ClientPacket[]): void {
    const parsed = parseBlock(this.block.subarray(0, this.blockLength));
    this.block = Buffer.alloc(256);
    this.blockLength = 0;
    this.newlines = 0;
    if (parsed.bodyLengths.length === 0) {
      packets.push({ command: parsed.command, headers: parsed.headers });
      return;
    }
    const [needed, ...rest] = parsed.bodyLengths;
    this.awaiting = { block: parsed, lengths: rest, parts: [], needed: needed! };
  }

  private readBody(chunk: Uint8Array, offset: number, packets: ClientPacket[]): number {
    const state = this.awaiting!;
    const take = Math.min(state.needed, chunk.length - offset);
    state.parts.push(Buffer.from(chunk.subarray(offset, offset + take)));
    state.needed -= take;
    if (state.needed > 0) return offset + take;
    const next = state.lengths.shift();
    if (next !== undefined) {
      // A second Content-Length reads a second body, which replaces the first (switch_event_set_body).
      state.parts = [];
      state.needed = next;
      return offset + take;
    }
    packets.push({ command: state.block.command, headers: state.block.headers, body: cBody(Buffer.concat(state.parts)) });
    this.awaiting = null;
    return offset + take;
  }
}

function cBody(bytes: Buffer): string {
  const nul = bytes.indexOf(NUL);
  return (nul >= 0 ? bytes.subarray(0, nul) : bytes).toString('utf8');
}
