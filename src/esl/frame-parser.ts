// Content-Length framing of the Event Socket as FreeSWITCH writes it (docs/esl-protocol.md §1.1,
// mod_event_socket.c): a block of `Name: value` lines closed by an empty line, then exactly
// Content-Length BYTES of body. Pure and incremental: bytes in, frames and FrameErrors out;
// no I/O, no timers, and no input makes it throw.
//
// Received bytes live in one growable buffer that is appended to, never re-concatenated, and
// the search for the blank line resumes where it stopped, so a frame that trickles in one
// byte at a time costs the same as one that arrives whole.
import { FrameError, FRAME_ERROR_SAMPLE_BYTES, type FrameErrorReason } from './frame-error.js';
import {
  CR,
  LF,
  findBlockEnd,
  findHeaderIn,
  foldedName,
  headerColonAt,
  headerValueAt,
  innerContentLength,
  lineAt,
  nameIs,
  splitHeaderLine,
} from './header-block.js';

export type RawHeaders = ReadonlyArray<readonly [name: string, value: string]>;

/** One frame as received: outer headers raw (FreeSWITCH does not url-encode them), body bytes. */
export interface Frame {
  /** every outer header in order, split when first read */
  readonly headers: RawHeaders;
  readonly contentType: string | undefined;
  /** exactly Content-Length bytes; empty when the frame has none */
  readonly body: Buffer;
  /** the outer header lines as received, each with its line feed, without the blank line */
  readonly headerBlock: Buffer;
  /** the first outer header of this name, ASCII letters in any case as FreeSWITCH compares them, without splitting the rest */
  header(name: string): string | undefined;
}

/**
 * A frame whose header lines stay bytes until asked for. The answer to `connect` carries the
 * channel's two hundred headers there, and a call keeps it as long as it lasts: split at once,
 * that was several hundred small objects per call for the garbage collector to copy.
 */
class ReceivedFrame implements Frame {
  private split: RawHeaders | undefined;

  constructor(
    readonly headerBlock: Buffer,
    readonly contentType: string | undefined,
    readonly body: Buffer,
  ) {}

  get headers(): RawHeaders {
    this.split ??= splitBlock(this.headerBlock);
    return this.split;
  }

  header(name: string): string | undefined {
    return findHeaderIn(this.headerBlock, 0, this.headerBlock.length, name);
  }
}

/** The lines of a block already checked to be header lines. */
function splitBlock(block: Buffer): RawHeaders {
  const headers: Array<[string, string]> = [];
  for (let p = 0; p < block.length; ) {
    let nl = block.indexOf(LF, p);
    if (nl < 0) nl = block.length;
    headers.push(splitHeaderLine(lineAt(block, p, nl))!);
    p = nl + 1;
  }
  return headers;
}

export type ParsedItem = Frame | FrameError;

/** The Content-Types FreeSWITCH writes on outer frames (§1.1); only these restart a resync. */
export const KNOWN_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'auth/request',
  'command/reply',
  'api/response',
  'text/event-plain',
  'text/event-json',
  'text/event-xml',
  'log/data',
  'text/disconnect-notice',
  'text/rude-rejection',
]);

/** FreeSWITCH always sends a Content-Length with these; without one the body cannot be found. */
const NEEDS_LENGTH: ReadonlySet<string> = new Set(['text/event-plain', 'text/event-json', 'text/event-xml', 'api/response', 'log/data']);

/** Longest first line of a frame start worth waiting for (`Content-Type: text/disconnect-notice`). */
const MAX_START_LINE = 64;
/** Every frame FreeSWITCH writes begins with one of its Content- headers. */
const FRAME_START_MARK = Buffer.from('Content-');
const EMPTY = Buffer.alloc(0);
const CONTENT_TYPE = foldedName('Content-Type');
const CONTENT_LENGTH = foldedName('Content-Length');
/** What an idle parser keeps: room for a couple of channel events with their variables. */
const KEPT_BUFFER_BYTES = 8 * 1024;

export interface FrameParserOptions {
  /** a header block longer than this without its blank line is garbage (default 1 MiB) */
  maxHeaderBytes?: number;
  /** a larger Content-Length is treated as corrupt (default 64 MiB) */
  maxBodyBytes?: number;
}

interface PendingBody {
  headerBlock: Buffer;
  contentType: string | undefined;
  bodyStart: number;
  length: number;
}

/** A resynchronisation in progress: bytes from `start` are being dropped. */
interface Resync {
  reason: FrameErrorReason;
  detail: string;
  declaredType: string | undefined;
  /** where to look for the next frame start */
  searchFrom: number;
  dropped: number;
  sample: Buffer[];
  sampleLength: number;
}

export class FrameParser {
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;
  private buf: Buffer = EMPTY;
  /** buf up to `tail`: indexOf must never see stale bytes beyond it */
  private data: Buffer = EMPTY;
  private start = 0;
  private tail = 0;
  /** first line of the current header block not yet known to be non-blank */
  private scanFrom = 0;
  private body: PendingBody | undefined;
  private resync: Resync | undefined;

  constructor(options: FrameParserOptions = {}) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? 1024 * 1024;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  }

  /** Feeds received bytes; returns every frame and error they complete, in order. */
  push(chunk: Uint8Array): ParsedItem[] {
    const out: ParsedItem[] = [];
    if (chunk.length > 0) this.append(chunk);
    while (this.step(out));
    if (this.start === this.tail && !this.body && !this.resync) this.rewind();
    return out;
  }

  /**
   * Nothing is buffered: start again at offset 0, and give back a buffer grown past a few frames.
   * A controller holds one parser per call, and a call waiting in the queue is mostly silent: 5,000
   * of them each keeping the 64 KiB a burst once needed would be 320 MiB for nothing.
   */
  private rewind(): void {
    this.start = this.tail = this.scanFrom = 0;
    if (this.buf.length > KEPT_BUFFER_BYTES) this.buf = EMPTY;
    this.data = EMPTY;
  }

  /** The stream ended: whatever is left is a truncated frame (or the tail of a resync). */
  end(): FrameError | undefined {
    this.data = this.buf.subarray(0, this.tail);
    if (this.resync) {
      this.drop(this.tail);
      this.resync.detail += '; the connection ended before the next frame';
      const err = this.finishResync();
      this.reset();
      return err;
    }
    const leftover = this.tail - this.start;
    if (leftover === 0) return undefined;
    const declared = this.body?.contentType;
    const detail = this.body
      ? `${this.tail - this.body.bodyStart} of ${this.body.length} body bytes received`
      : `${leftover} bytes of an unfinished header block`;
    const bytes = Buffer.from(this.data.subarray(this.start, this.start + Math.min(leftover, FRAME_ERROR_SAMPLE_BYTES)));
    this.reset();
    return new FrameError('truncated', detail, bytes, leftover, declared);
  }

  /** Bytes received but not yet part of a frame or error (for tests and diagnostics). */
  get buffered(): number {
    return this.tail - this.start;
  }

  private reset(): void {
    this.start = this.tail = this.scanFrom = 0;
    this.body = undefined;
    this.resync = undefined;
    this.data = EMPTY;
  }

  private append(chunk: Uint8Array): void {
    if (this.tail + chunk.length > this.buf.length) this.makeRoom(chunk.length);
    this.buf.set(chunk, this.tail);
    this.tail += chunk.length;
    this.data = this.buf.subarray(0, this.tail);
  }

  /** Drops consumed bytes at the front, and grows the buffer (doubling) when that is not enough. */
  private makeRoom(extra: number): void {
    const shift = this.start;
    if (shift > 0) {
      this.buf.copyWithin(0, shift, this.tail);
      this.tail -= shift;
      this.start = 0;
      this.scanFrom = Math.max(0, this.scanFrom - shift);
      if (this.body) this.body.bodyStart -= shift;
      if (this.resync) this.resync.searchFrom -= shift;
    }
    const needed = this.tail + extra;
    if (needed <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2, KEPT_BUFFER_BYTES));
    this.buf.copy(grown, 0, 0, this.tail);
    this.buf = grown;
  }

  private step(out: ParsedItem[]): boolean {
    if (this.resync) return this.stepResync(out);
    if (this.body) return this.stepBody(out);
    return this.stepHeaders(out);
  }

  private stepHeaders(out: ParsedItem[]): boolean {
    if (!this.skipBlankLines()) return false;
    if (this.scanFrom < this.start) this.scanFrom = this.start;
    const block = findBlockEnd(this.data, this.scanFrom, this.tail);
    if (!block) {
      this.scanFrom = this.lastLineStart();
      if (this.tail - this.start > this.maxHeaderBytes) {
        this.beginResync('header-too-long', `no blank line within ${this.maxHeaderBytes} bytes`, undefined, this.start + 1);
        return true;
      }
      return false;
    }
    // Checked here too, so the verdict does not depend on how the bytes were chunked.
    if (block.blankLine - this.start > this.maxHeaderBytes) {
      this.beginResync('header-too-long', `a header block of ${block.blankLine - this.start} bytes`, undefined, this.start + 1);
      return true;
    }
    return this.takeBlock(block.blankLine, block.after, out);
  }

  /**
   * Blank lines before a frame carry nothing: FreeSWITCH's own reader skips them, and a
   * stray LF after a body (as in one of the traces) must not become an error.
   */
  private skipBlankLines(): boolean {
    const d = this.data;
    while (this.start < this.tail) {
      if (d[this.start] === LF) this.start += 1;
      else if (d[this.start] === CR && this.start + 1 < this.tail && d[this.start + 1] === LF) this.start += 2;
      else if (d[this.start] === CR && this.start + 1 === this.tail) return false;
      else return true;
    }
    return false;
  }

  /** Start of the last (incomplete) line, so the next search for the blank line resumes there. */
  private lastLineStart(): number {
    const nl = this.data.lastIndexOf(LF, this.tail - 1);
    return nl < this.scanFrom ? this.scanFrom : nl + 1;
  }

  private takeBlock(blankLine: number, bodyStart: number, out: ParsedItem[]): boolean {
    const d = this.data;
    let contentType: string | undefined;
    let lengthText: string | undefined;
    let otherLine = -1;
    for (let p = this.start; p < blankLine; ) {
      const nl = d.indexOf(LF, p);
      if (contentType !== undefined && startsFrameInBlock(d, p, blankLine)) {
        // Two frames in one block: the blank line that ended the first was lost, and its
        // Content-Length would otherwise swallow the second frame's body without a word.
        this.beginResync('missing-blank-line', 'a second frame starts inside this header block', contentType, p);
        return true;
      }
      const colon = headerColonAt(d, p, nl);
      if (colon < 0) {
        // The garbage line itself may end in the first line of a good frame, or be followed by one.
        const line = lineAt(d, p, nl);
        this.beginResync('header-line', `not a "Name: value" line: ${JSON.stringify(line.slice(0, 80))}`, findHeaderIn(d, this.start, p, 'Content-Type'), p);
        return true;
      }
      if (contentType === undefined && colon - p === CONTENT_TYPE.length && nameIs(d, p, CONTENT_TYPE)) contentType = headerValueAt(d, colon, nl);
      else if (lengthText === undefined && colon - p === CONTENT_LENGTH.length && nameIs(d, p, CONTENT_LENGTH)) lengthText = headerValueAt(d, colon, nl);
      else if (otherLine < 0) otherLine = p;
      p = nl + 1;
    }
    if (otherLine >= 0 && contentType?.startsWith('text/event-')) {
      // FreeSWITCH writes an event's Content-Length and Content-Type and nothing else: more
      // lines are the event's own, run on because the blank line after the two was lost.
      this.beginResync('missing-blank-line', `${contentType} with more header lines than Content-Length and Content-Type`, contentType, otherLine);
      return true;
    }
    return this.frameFromHeaders(contentType, lengthText, blankLine, bodyStart, out);
  }

  private frameFromHeaders(contentType: string | undefined, lengthText: string | undefined, blankLine: number, bodyStart: number, out: ParsedItem[]): boolean {
    if (contentType === undefined) {
      // Garbage glued to a frame's first line (`junkContent-Type: …`) hides it inside this block.
      this.beginResync('missing-content-type', 'a header block without Content-Type', undefined, this.start + 1);
      return true;
    }
    if (lengthText === undefined) {
      if (NEEDS_LENGTH.has(contentType)) {
        this.beginResync('missing-content-length', `${contentType} without Content-Length`, contentType, bodyStart);
        return true;
      }
      out.push(new ReceivedFrame(this.headerBytes(blankLine), contentType, EMPTY));
      this.start = bodyStart;
      return true;
    }
    if (!/^\d{1,10}$/.test(lengthText) || Number(lengthText) > this.maxBodyBytes) {
      this.beginResync('content-length', `Content-Length ${JSON.stringify(lengthText)}`, contentType, bodyStart);
      return true;
    }
    this.body = { headerBlock: this.headerBytes(blankLine), contentType, bodyStart, length: Number(lengthText) };
    return true;
  }

  /** A copy of the header lines: the read buffer is reused. */
  private headerBytes(blankLine: number): Buffer {
    return Buffer.from(this.data.subarray(this.start, blankLine));
  }

  private stepBody(out: ParsedItem[]): boolean {
    const body = this.body!;
    if (this.tail - body.bodyStart < body.length) return false;
    const bytes = this.data.subarray(body.bodyStart, body.bodyStart + body.length);
    const problem = bodyFramingProblem(body.contentType, bytes);
    this.body = undefined;
    if (problem) {
      // A frame shorter than it claimed has swallowed the start of the next one, which
      // therefore lies inside this body: look for it there.
      this.beginResync('body-framing', problem, body.contentType, body.bodyStart);
      return true;
    }
    out.push(new ReceivedFrame(body.headerBlock, body.contentType, Buffer.from(bytes)));
    this.start = body.bodyStart + body.length;
    return true;
  }

  private beginResync(reason: FrameErrorReason, detail: string, declaredType: string | undefined, searchFrom: number): void {
    this.body = undefined;
    this.resync = { reason, detail, declaredType, searchFrom, dropped: 0, sample: [], sampleLength: 0 };
  }

  /**
   * Drops bytes up to the next frame start (README.md, "Resynchronising"). The start is looked
   * for anywhere, not only at a line start: a frame cut short ends mid-line, and the frame
   * after it begins right there.
   */
  private stepResync(out: ParsedItem[]): boolean {
    let p = this.resync!.searchFrom;
    for (;;) {
      const at = this.data.indexOf(FRAME_START_MARK, p);
      // Keep a tail that may be the beginning of the mark, split across chunks.
      if (at < 0) return this.waitInResync(Math.max(p, this.tail - (FRAME_START_MARK.length - 1)));
      const verdict = frameStartAt(this.data, at, this.tail);
      // Never restart at the very bytes that failed: something must be dropped.
      if (verdict === 'yes' && (at > this.start || this.resync!.dropped > 0)) {
        this.drop(at);
        out.push(this.finishResync());
        return true;
      }
      if (verdict === 'more') return this.waitInResync(at);
      p = at + 1;
    }
  }

  private waitInResync(dropTo: number): false {
    this.drop(dropTo);
    this.resync!.searchFrom = dropTo;
    return false;
  }

  private drop(upTo: number): void {
    const r = this.resync!;
    if (upTo <= this.start) return;
    const room = FRAME_ERROR_SAMPLE_BYTES - r.sampleLength;
    if (room > 0) {
      const piece = Buffer.from(this.data.subarray(this.start, Math.min(upTo, this.start + room)));
      r.sample.push(piece);
      r.sampleLength += piece.length;
    }
    r.dropped += upTo - this.start;
    this.start = upTo;
  }

  private finishResync(): FrameError {
    const r = this.resync!;
    this.resync = undefined;
    this.scanFrom = this.start;
    return new FrameError(r.reason, r.detail, Buffer.concat(r.sample, r.sampleLength), r.dropped, r.declaredType);
  }
}

/**
 * Does a frame, as FreeSWITCH writes one, start at `p`? Either a `Content-Type: <known>` line
 * (replies, notices) or a `Content-Length: <n>` line directly followed by one (events, §1.1,
 * the only frames whose Content-Type comes second).
 * 'more' when the line is still incomplete and short enough to become one.
 */
export function frameStartAt(data: Uint8Array, p: number, end: number): 'yes' | 'no' | 'more' {
  if (p >= end) return 'more';
  if (data[p] !== 0x43 /* C */) return 'no';
  const nl = data.indexOf(LF, p);
  if (nl < 0 || nl >= end) return end - p < MAX_START_LINE ? 'more' : 'no';
  const first = lineAt(data, p, nl);
  const type = contentTypeLine(first);
  // An event's Content-Type line alone is not a start: FreeSWITCH writes its Content-Length
  // first, so a lone one is the rest of a frame whose first line was broken.
  if (type !== undefined) return KNOWN_CONTENT_TYPES.has(type) && !type.startsWith('text/event-') ? 'yes' : 'no';
  if (!/^Content-Length: \d{1,10}$/.test(first)) return 'no';
  const next = nl + 1;
  const nl2 = data.indexOf(LF, next);
  if (nl2 < 0 || nl2 >= end) return end - next < MAX_START_LINE ? 'more' : 'no';
  const second = contentTypeLine(lineAt(data, next, nl2));
  return second !== undefined && KNOWN_CONTENT_TYPES.has(second) ? 'yes' : 'no';
}

/** A frame start on a later line of a header block; checked as bytes first, as most lines are not one. */
function startsFrameInBlock(data: Buffer, p: number, blankLine: number): boolean {
  if (data[p] !== 0x43 /* C */ || data.compare(FRAME_START_MARK, 0, FRAME_START_MARK.length, p, p + FRAME_START_MARK.length) !== 0) return false;
  return frameStartAt(data, p, blankLine) === 'yes';
}

function contentTypeLine(line: string): string | undefined {
  return line.startsWith('Content-Type: ') ? line.slice('Content-Type: '.length) : undefined;
}

/**
 * Checks a body against its own framing, which is how a truncated frame is noticed: an
 * event-plain body's inner Content-Length must cover exactly the bytes after its headers
 * (switch_event_serialize writes `Content-Length: M\n\n<body>` or a lone `\n`), and a JSON or
 * XML event is exactly one object or `<event>` element.
 */
export function bodyFramingProblem(contentType: string | undefined, body: Uint8Array): string | undefined {
  switch (contentType) {
    case 'text/event-plain':
      return plainEventFramingProblem(body);
    case 'text/event-json':
      return isOneJsonObject(body) ? undefined : 'text/event-json body is not one JSON object';
    case 'text/event-xml':
      return isOneEventElement(body) ? undefined : 'text/event-xml body is not one <event> element';
    default:
      return undefined;
  }
}

function plainEventFramingProblem(body: Uint8Array): string | undefined {
  const block = findBlockEnd(body, 0, body.length);
  if (!block) return 'text/event-plain body has no blank line after its headers';
  const rest = body.length - block.after;
  const inner = innerContentLength(body, block.blankLine);
  if (inner === undefined) return rest === 0 ? undefined : `${rest} bytes follow the event headers without an inner Content-Length`;
  return inner === rest ? undefined : `inner Content-Length ${inner} but ${rest} bytes follow the event headers`;
}

/**
 * Whether the body is one JSON object and nothing else: outside strings, its brackets first
 * balance at its last byte. A body that merely starts with `{` and ends with `}` may be a
 * frame cut inside a string holding a brace, or one that swallowed the next JSON event.
 */
function isOneJsonObject(body: Uint8Array): boolean {
  const [a, b] = trimmed(body);
  if (a >= b || body[a] !== 0x7b || body[b] !== 0x7d) return false;
  let depth = 0;
  let inString = false;
  for (let i = a; i <= b; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0 && i !== b) return false;
  }
  return depth === 0;
}

const EVENT_END = Buffer.from('</event>');

/**
 * Whether the body is one `<event>` element (switch_event_xmlize): it ends with `</event>`, and
 * only there, since values and the body are escaped. A body cut short, or one that swallowed
 * the next frame, may still end in some `>`.
 */
function isOneEventElement(body: Uint8Array): boolean {
  const [a, b] = trimmed(body);
  if (a >= b || body[a] !== 0x3c) return false;
  const end = b + 1 - EVENT_END.length;
  return end > a && Buffer.from(body.buffer, body.byteOffset, body.length).indexOf(EVENT_END, a) === end;
}

/** First and last offsets of the body without surrounding white space. */
function trimmed(body: Uint8Array): [number, number] {
  let a = 0;
  let b = body.length - 1;
  while (a <= b && isSpace(body[a]!)) a++;
  while (b >= a && isSpace(body[b]!)) b--;
  return [a, b];
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === LF || c === CR || c === 0x09;
}
