// Event bodies → EslEvent, for the three formats FreeSWITCH writes (docs/esl-protocol.md §1.2–1.4).
// Decoding never throws: a value that is not valid percent-encoding or UTF-8 (a SIP
// User-Agent, a caller name) is kept as received and noted in `warnings`; this is modesl's
// crash (#59, pitfall 3 in docs/esl-protocol.md §7) turned into a log line.
import { EslEvent, type HeaderValue, type UndecodedHeaders } from './event.js';
import { blockLines, findBlockEnd, headerColonAt, headerValueAt, innerContentLength, splitHeaderLine } from './header-block.js';

/** FreeSWITCH serializes an empty header value as `_undef_` (switch_event.c, serialize). */
const UNDEF = '_undef_';
/** Multi-valued headers are serialized as `ARRAY::v1|:v2` (switch_event.c). */
const ARRAY_PREFIX = 'ARRAY::';

/** decodeURIComponent that returns undefined instead of throwing on `%ZZ` or invalid UTF-8. */
export function percentDecode(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** One event-plain (or CHANNEL_DATA) value: `_undef_`, percent-decoding, ARRAY::. */
export function decodeValue(name: string, raw: string, warnings: string[]): HeaderValue {
  if (raw === UNDEF) return '';
  const decoded = percentDecode(raw);
  if (decoded === undefined) warnings.push(`${name}: not valid percent-encoding or UTF-8, kept as received`);
  return splitArray(decoded ?? raw);
}

function splitArray(value: string): HeaderValue {
  return value.startsWith(ARRAY_PREFIX) ? value.slice(ARRAY_PREFIX.length).split('|:') : value;
}

/**
 * The unframed CHANNEL_DATA block (§3.2): url-encoded header lines, already checked by the frame
 * parser. Left undecoded when clean (see cleanBlock), like an event-plain body's headers.
 */
export function eventFromHeaderBlock(block: Buffer): EslEvent {
  if (cleanBlock(block)) return new EslEvent(new PlainHeaderBlock(block, false), undefined, 'plain');
  const warnings: string[] = [];
  return new EslEvent(decodeLines(block.toString('utf8'), false, warnings), undefined, 'plain', warnings);
}

/** `text/event-plain`: header lines, a blank line, then the inner body if Content-Length says so. */
export function decodePlainEvent(body: Buffer): EslEvent | string {
  const block = findBlockEnd(body, 0, body.length);
  if (!block) return 'text/event-plain body has no blank line after its headers';
  const inner = innerContentLength(body, block.blankLine);
  const text = inner === undefined ? undefined : body.toString('utf8', block.after, block.after + inner);
  // A copy of the header bytes: the body may share the connection's read buffer.
  const bytes = Buffer.from(body.subarray(0, block.blankLine));
  if (cleanBlock(bytes)) return withName(new EslEvent(new PlainHeaderBlock(bytes, inner !== undefined), text, 'plain'));
  const warnings: string[] = [];
  const entries = decodeLines(bytes.toString('utf8'), inner !== undefined, warnings);
  return withName(new EslEvent(entries, text, 'plain', warnings));
}

function decodeLines(headerText: string, innerLength: boolean, warnings: string[]): Array<readonly [string, HeaderValue]> {
  const lines = blockLines(headerText);
  if (innerLength) lines.pop(); // the inner Content-Length is framing, not a header
  const entries: Array<readonly [string, HeaderValue]> = [];
  for (const line of lines) {
    const pair = splitHeaderLine(line);
    if (!pair) {
      warnings.push(`ignored a line that is not "Name: value": ${JSON.stringify(line.slice(0, 80))}`);
      continue;
    }
    entries.push([pair[0], decodeValue(pair[0], pair[1], warnings)]);
  }
  return entries;
}

const isHexDigit = (c: number | undefined) => c !== undefined && ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));

/**
 * Whether the block can only decode without a warning: no CR, every line "Name: value", and all
 * of it valid percent-encoding, which holds for the block exactly when it holds for each value,
 * since an escape never spans the line feed between two headers. It reads the bytes, so that a
 * clean block, most of them, never becomes a string at all (a channel event is some 10 KB, and
 * hundreds arrive a second); a block with escapes above %7F (UTF-8 to check) is run through
 * decodeURIComponent once.
 */
function cleanBlock(block: Buffer): boolean {
  if (block.indexOf(0x0d) !== -1) return false;
  let highEscape = false;
  for (let i = block.indexOf(0x25); i !== -1; i = block.indexOf(0x25, i + 1)) {
    const high = block[i + 1];
    if (!isHexDigit(high) || !isHexDigit(block[i + 2])) return false;
    if (high! >= 0x38) highEscape = true; // 8, 9, A–F: a byte above 0x7F
  }
  // the last line feed ends the last header; every line before it must be "Name:"
  const end = block.length > 0 && block[block.length - 1] === 0x0a ? block.length - 1 : block.length;
  for (let lineStart = 0; end > 0; ) {
    const lf = block.indexOf(0x0a, lineStart);
    const lineEnd = lf === -1 || lf >= end ? end : lf;
    if (headerColonAt(block, lineStart, lineEnd) < 0) return false;
    if (lineEnd === end) break;
    lineStart = lf + 1;
  }
  return !highEscape || percentDecode(block.toString('utf8')) !== undefined;
}

/** `\n<Name>:` as bytes, for the names the controller reads over and over. */
function lineStartNeedle(key: string): Buffer {
  let needle = needles.get(key);
  if (needle === undefined) {
    needle = Buffer.from(`\n${key}`, 'utf8');
    if (needles.size < 512) needles.set(key, needle);
  }
  return needle;
}
const needles = new Map<string, Buffer>();

/**
 * A clean block (see cleanBlock), decoded a header at a time on request. It keeps the bytes, not
 * the text: a value cut from one big string shares it (V8 slices), so a Unique-ID kept in a map
 * would keep the whole event alive; read from the bytes, each value is a string of its own, and
 * the block itself lies outside the heap the garbage collector copies.
 */
class PlainHeaderBlock implements UndecodedHeaders {
  constructor(
    private readonly block: Buffer,
    private readonly innerLength: boolean,
  ) {}

  find(name: string): HeaderValue | undefined {
    const key = `${name}:`;
    let start = 0;
    if (!this.startsWith(key)) {
      const at = this.block.indexOf(lineStartNeedle(key));
      if (at === -1) return undefined;
      start = at + 1;
    }
    const lf = this.block.indexOf(0x0a, start);
    const end = lf === -1 ? this.block.length : lf;
    // the inner Content-Length, on the last line, is framing, not a header
    if (this.innerLength && name === 'Content-Length' && end >= this.block.length - 1) return undefined;
    return decodeValue(name, headerValueAt(this.block, start + key.length - 1, end), []);
  }

  decodeAll(): Array<readonly [string, HeaderValue]> {
    return decodeLines(this.block.toString('utf8'), this.innerLength, []);
  }

  /** Header names are ASCII. */
  private startsWith(key: string): boolean {
    if (this.block.length < key.length) return false;
    for (let i = 0; i < key.length; i++) if (this.block[i] !== key.charCodeAt(i)) return false;
    return true;
  }
}

/** `text/event-json`: values are not url-encoded; arrays are JSON arrays; the body is `_body`. */
export function decodeJsonEvent(body: Buffer): EslEvent | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return `text/event-json body is not valid JSON: ${(err as Error).message}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'text/event-json body is not a JSON object';
  const obj = parsed as Record<string, unknown>;
  const hasBody = Object.hasOwn(obj, '_body');
  const entries: Array<readonly [string, HeaderValue]> = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === '_body' || (k === 'Content-Length' && hasBody)) continue;
    // switch_event_serialize_json writes a string, or an array of strings for an array header;
    // anything deeper is not an event, and String() of a deeply nested array overflows the stack
    if (Array.isArray(v) ? !v.every(isScalar) : !isScalar(v))
      return `text/event-json header ${JSON.stringify(k.slice(0, 60))} is neither a string nor an array of strings`;
    entries.push([k, Array.isArray(v) ? v.map(String) : String(v)]);
  }
  const text = hasBody ? String(obj._body) : undefined;
  return withName(new EslEvent(entries, text, 'json'));
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

const XML_HEADERS = /<headers>([\s\S]*?)<\/headers>/;
const XML_ELEMENT = /<([^\s<>/]+)(?:\s*\/>|>([^<]*)<\/\1>)/g;
const XML_BODY = /<body>([\s\S]*?)<\/body>/;

/**
 * `text/event-xml` (switch_event_xmlize): `<event><headers><Name>url-encoded</Name>…</headers>
 * <Content-Length>n</Content-Length><body>…</body></event>`. An array header is one element
 * per value, so a repeated name becomes an array here.
 */
export function decodeXmlEvent(body: Buffer): EslEvent | string {
  const xml = body.toString('utf8');
  const headers = XML_HEADERS.exec(xml);
  if (!headers) return 'text/event-xml body has no <headers> element';
  const warnings: string[] = [];
  const byName = new Map<string, string[]>();
  for (const m of headers[1]!.matchAll(XML_ELEMENT)) {
    const raw = xmlUnescape(m[2] ?? '');
    const value = percentDecode(raw);
    if (value === undefined) warnings.push(`${m[1]}: not valid percent-encoding or UTF-8, kept as received`);
    const list = byName.get(m[1]!) ?? [];
    list.push(value ?? raw);
    byName.set(m[1]!, list);
  }
  const entries = [...byName].map(([k, v]) => [k, v.length === 1 ? v[0]! : v] as const);
  const bodyMatch = XML_BODY.exec(xml);
  return withName(new EslEvent(entries, bodyMatch ? xmlUnescape(bodyMatch[1]!) : undefined, 'xml', warnings));
}

function xmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default: {
        const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code <= 0x10ffff ? String.fromCodePoint(code) : `&${e};`;
      }
    }
  });
}

function withName(event: EslEvent): EslEvent | string {
  return event.name === '' ? 'event without Event-Name' : event;
}
