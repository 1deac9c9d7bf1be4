// Header-value encoding of text/event-plain, as FreeSWITCH does it.
//
// FreeSWITCH: src/switch_utils.c switch_url_encode_opt (~3494), called through switch_url_encode
// with double_encode = false by switch_event_serialize (src/switch_event.c ~1583). The unsafe set
// is SWITCH_URL_UNSAFE in src/include/switch_utils.h:47.

/** Bytes FreeSWITCH always escapes, besides control bytes and bytes above 0x7E. */
export const URL_UNSAFE = '\r\n #%&+:;<=>?@[\\]^`{|}"';

const UNSAFE_BYTES = new Set(Array.from(URL_UNSAFE, (c) => c.charCodeAt(0)));
// Only upper-case hex digits count as an existing escape (FreeSWITCH looks them up in "0123456789ABCDEF").
const UPPER_HEX = new Set(Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0)));
const HEX_DIGITS = '0123456789ABCDEF';
const PERCENT = 0x25;
/** Printable ASCII outside the unsafe set: most values (ids, numbers, states) are only that. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the class names the control bytes it excludes
const NOTHING_TO_ESCAPE = /^[^\x00-\x20\x7f-\uffff#%&+:;<=>?@[\\\]^`{|}"]*$/;

function needsEscape(byte: number): boolean {
  return byte < 0x20 || byte > 0x7e || UNSAFE_BYTES.has(byte);
}

/**
 * True when bytes[i] is '%' followed by two upper-case hex digits. FreeSWITCH keeps such a
 * triple as it is, so a value that already contains "%41" reaches the client as "%41" and decodes
 * to "A": lossy, and reproduced on purpose. It also needs two more bytes before the end.
 */
function isKeptEscape(bytes: Uint8Array, i: number): boolean {
  if (bytes[i] !== PERCENT || bytes.length - 1 - i <= 1) return false;
  return UPPER_HEX.has(bytes[i + 1]!) && UPPER_HEX.has(bytes[i + 2]!);
}

/**
 * Encodes a header value byte by byte (UTF-8), like switch_url_encode. An empty value stays empty;
 * the serialiser writes `_undef_` for it. Passing a string that already holds %XX escapes is the
 * way to make the simulator send bytes that are not valid UTF-8 (e.g. "%FF"), as a SIP caller name
 * can make a real FreeSWITCH do.
 */
export function urlEncode(value: string): string {
  if (NOTHING_TO_ESCAPE.test(value)) return value;
  const known = encodedValues.get(value);
  if (known !== undefined) return known;
  const encoded = encodeBytes(value);
  if (value.length <= CACHED_VALUE_LENGTH) {
    if (encodedValues.size >= CACHED_VALUES) encodedValues.clear();
    encodedValues.set(value, encoded);
  }
  return encoded;
}

/**
 * Encoded forms of short values that needed escapes. A call's events repeat the same channel
 * names, dates, addresses and variables dozens of times; each is encoded byte by byte once.
 * Bounded: cleared when full, and long values are not kept.
 */
const encodedValues = new Map<string, string>();
const CACHED_VALUES = 20_000;
const CACHED_VALUE_LENGTH = 256;

function encodeBytes(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (!isKeptEscape(bytes, i) && needsEscape(byte)) {
      out += `%${HEX_DIGITS[byte >> 4]}${HEX_DIGITS[byte & 0x0f]}`;
    } else {
      out += String.fromCharCode(byte);
    }
  }
  return out;
}
