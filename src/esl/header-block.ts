// Reading `Name: value` blocks, the one shape both the outer frame and an event-plain body
// share (esl-protocol.md §1.1, §1.2). Byte offsets, because Content-Length counts bytes.

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
  let p = from;
  while (p < end) {
    const nl = data.indexOf(LF, p);
    if (nl < 0 || nl >= end) return undefined;
    if (nl === p || (nl === p + 1 && data[p] === CR)) return { blankLine: p, after: nl + 1 };
    p = nl + 1;
  }
  return undefined;
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

/** The text of the line [start, lfAt), without a trailing CR. */
export function lineAt(data: Uint8Array, start: number, lfAt: number): string {
  const stop = lfAt > start && data[lfAt - 1] === CR ? lfAt - 1 : lfAt;
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

/** Case-insensitive lookup of the first header with this name, as switch_event_get_header does. */
export function firstHeader(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [n, v] of headers) if (n.length === wanted.length && n.toLowerCase() === wanted) return v;
  return undefined;
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
