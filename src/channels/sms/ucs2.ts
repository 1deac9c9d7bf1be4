// Chinese text goes out as UCS2 (data_coding 8): 140 octets = 70 UTF-16 code units per SMS.
// Longer texts are split into parts of 67 units, each behind a 6-octet concatenation UDH
// (IEI 0x00, 8-bit reference), which handsets reassemble. We chose UDH over the
// message_payload TLV because every SMSC and handset passes UDH parts through as they are,
// while message_payload support is optional in SMPP 3.4 and many gateways refuse it.

/** What the smpp package's short_message filter takes: it encodes `message` per data_coding and puts `udh` in front (setting the UDHI bit in esm_class). */
export interface SmsPart {
  message: string;
  udh?: Buffer;
}

export const UCS2_SINGLE_UNITS = 70;
export const UCS2_PART_UNITS = 67;

/** Splits text into submit_sm payloads; `reference` ties the parts of one message together (0–255). */
export function ucs2Parts(text: string, reference: number): SmsPart[] {
  if (text.length <= UCS2_SINGLE_UNITS) return [{ message: text }];
  const chunks = chunkUtf16(text, UCS2_PART_UNITS);
  if (chunks.length > 255) throw new RangeError(`text needs ${chunks.length} parts; at most 255`);
  return chunks.map((message, i) => ({ message, udh: Buffer.from([0x05, 0x00, 0x03, reference & 0xff, chunks.length, i + 1]) }));
}

/** Chunks of at most `units` UTF-16 code units, never cutting a surrogate pair (an emoji would arrive as two broken halves). */
function chunkUtf16(text: string, units: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + units, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
