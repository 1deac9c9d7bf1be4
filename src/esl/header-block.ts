// Reading `Name: value` blocks, the one shape both the outer frame and an event-plain body
// share (docs/esl-protocol.md §1.1, §1.2). Byte offsets, because Content-Length counts bytes.

export const LF = 0x0a;
export const CR = 0x0d;

export interface BlockEnd {
  /** offset of the blank line that closes the block (the block is [start, blankLine)) */
  blankLine: number;
  /** first byte after the blank line: where a body starts */
  after: number;
}

/**
 * Finds the empty line that closes a header block whose lines start at `from`.
 * FreeSWITCH sends LF only; a CR before the LF is tolerated for other peers.
 * `from` must be a line start. Returns undefined when the block is not complete yet.
 */
export function findBlockEnd(data: Uint8Array, from: number, end: number): BlockEnd | undefined {
  if (Buffer.isBuffer(data)) {
    const found = blankLineWithoutCr(data, from, end);
    if (found !== null) return found;
  }
  let p = from;
  while (p < end) {
    const nl = data.indexOf(LF, p);
    if (nl < 0 || nl >= end) return undefined;
    if (nl === p || (nl === p + 1 && data[p] === CR)) return { blankLine: p, after: nl + 1 };
    p = nl + 1;
  }
  return undefined;
}

const LF_LF = Buffer.from('\n\n');

/**
 * findBlockEnd for text without CR, which is all FreeSWITCH sends: the first empty line is the
 * first LF LF, found by one native search instead of a search per line. Null when a CR lies
 * before that point, for the line-by-line search to decide.
 */
function blankLineWithoutCr(data: Buffer, from: number, end: number): BlockEnd | undefined | null {
  if (from >= end) return undefined;
  if (data[from] === LF) return { blankLine: from, after: from + 1 };
  const at = data.indexOf(LF_LF, from);
  const complete = at !== -1 && at + 1 < end;
  const searched = complete ? at + 2 : end;
  if (data.subarray(from, searched).indexOf(CR) !== -1) return null;
  return complete ? { blankLine: at + 1, after: at + 2 } : undefined;
}

/**
 * Splits `Name: value` at the first colon. FreeSWITCH writes exactly one space after it; a
 * missing space is tolerated. A line with no colon, an empty name or a name with whitespace
 * is not a header line, which is how garbage is recognised.
 */
export function splitHeaderLine(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon);
  if (name.includes(' ') || name.includes('\t')) return undefined;
  const value = line.charCodeAt(colon + 1) === 0x20 ? line.slice(colon + 2) : line.slice(colon + 1);
  return [name, value];
}

/**
 * Where the colon of the header line [start, lfAt) is, or -1 when the line is not `Name: value`
 * by splitHeaderLine's rule (a colon after a non-empty name without space or tab). The same
 * verdict as splitting the line, read from the bytes, so a valid block costs no strings.
 */
export function headerColonAt(data: Uint8Array, start: number, lfAt: number): number {
  for (let j = start; j < lfAt; j++) {
    const c = data[j];
    if (c === 0x3a) return j > start ? j : -1;
    if (c === 0x20 || c === 0x09) return -1;
  }
  return -1;
}

/** The value of a header line whose colon is at `colon`, as splitHeaderLine gives it. */
export function headerValueAt(data: Buffer, colon: number, lfAt: number): string {
  const stop = lfAt > colon && data[lfAt - 1] === CR ? lfAt - 1 : lfAt;
  const from = colon + 1 < stop && data[colon + 1] === 0x20 ? colon + 2 : colon + 1;
  return data.toString('utf8', from, stop);
}

/**
 * A header name as UTF-8 bytes with its ASCII letters lower-cased. FreeSWITCH compares header
 * names with strcasecmp (switch_event_get_header), which folds ASCII letters only.
 */
export function foldedName(name: string): Uint8Array {
  let bytes = foldedNames.get(name);
  if (bytes === undefined) {
    bytes = Buffer.from(
      name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()),
      'utf8',
    );
    if (foldedNames.size < 256) foldedNames.set(name, bytes);
  }
  return bytes;
}
const foldedNames = new Map<string, Uint8Array>();

/** Whether the bytes at `start` are the folded name, ASCII letters in any case. */
export function nameIs(data: Uint8Array, start: number, folded: Uint8Array): boolean {
  for (let i = 0; i < folded.length; i++) {
    const c = data[start + i]!;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== folded[i]) return false;
  }
  return true;
}

/**
 * The first value in the lines [from, to) of a block already known to be header lines whose
 * name is `name` (ASCII letters in any case), or undefined.
 */
export function findHeaderIn(data: Buffer, from: number, to: number, name: string): string | undefined {
  const folded = foldedName(name);
  for (let p = from; p < to; ) {
    let nl = data.indexOf(LF, p);
    if (nl < 0 || nl > to) nl = to;
    const colon = p + folded.length;
    if (colon < nl && data[colon] === 0x3a && nameIs(data, p, folded)) return headerValueAt(data, colon, nl);
    p = nl + 1;
  }
  return undefined;
}

/** The text of the line [start, lfAt), without a trailing CR. */
export function lineAt(data: Uint8Array, start: number, lfAt: number): string {
  const stop = lfAt > start && data[lfAt - 1] === CR ? lfAt - 1 : lfAt;
  // A Buffer decodes its own range; wrapping each line in a new view cost more than the decoding.
  if (Buffer.isBuffer(data)) return data.toString('utf8', start, stop);
  return Buffer.from(data.buffer, data.byteOffset + start, stop - start).toString('utf8');
}

/** Lines of a block's text, CR stripped; the block text ends with the LF of its last line. */
export function blockLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}

/** The inner Content-Length is the last header line of a serialized event, if it has a body. */
export function innerContentLength(body: Uint8Array, blankLine: number): number | undefined {
  if (blankLine === 0) return undefined;
  const lastLf = blankLine - 1;
  const prev = lastLf > 0 ? body.lastIndexOf(LF, lastLf - 1) : -1;
  const line = lineAt(body, prev + 1, lastLf);
  const m = /^Content-Length: (\d{1,10})$/.exec(line);
  return m ? Number(m[1]) : undefined;
}
