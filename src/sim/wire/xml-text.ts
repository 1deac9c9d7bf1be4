// Character data as FreeSWITCH's XML printer writes it: src/switch_xml.c switch_xml_ampencode
// (~2555) with use_utf8_encoding on (USE_UTF_8_ENCODING, src/include/switch_xml.h:61). Only the
// element-text form (not attributes) is needed for events.

const AMP = 0x26;
const LT = 0x3c;
const GT = 0x3e;
const CR = 0x0d;
const BANG = 0x21;
// Bytes with their own case in FreeSWITCH's switch: copied as they are, without touching a
// multi-byte sequence in progress.
const PASS_THROUGH = new Set([0x0a, 0x09, 0x22]);

/** How many bytes a UTF-8 lead byte announces, read the way FreeSWITCH does (1 = not a lead byte). */
function leadLength(byte: number): number {
  let count = 1;
  while (count < 4 && (byte >> (7 - count)) & 1) count++;
  return count;
}

function leadBits(byte: number, length: number): number {
  if (length === 2) return byte & 0x1f;
  if (length === 3) return byte & 0x0f;
  return byte & 0x07;
}

/**
 * Escapes text for an element: & < > become entities, \r becomes &#xD;, each UTF-8 character
 * becomes &#x<HEX>; (upper-case). Quirks kept: "<!" switches escaping off for the rest of the text
 * (FreeSWITCH treats it as a comment or CDATA start); a stray continuation byte, or the byte that
 * breaks a multi-byte sequence, is dropped.
 */
export function xmlText(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const out: number[] = [];
  const push = (s: string): void => {
    for (let k = 0; k < s.length; k++) out.push(s.charCodeAt(k));
  };
  let pending = 0;
  let codePoint = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === LT && bytes[i + 1] === BANG) {
      for (let k = i; k < bytes.length; k++) out.push(bytes[k]!);
      break;
    }
    if (byte === AMP) push('&amp;');
    else if (byte === LT) push('&lt;');
    else if (byte === GT) push('&gt;');
    else if (byte === CR) push('&#xD;');
    else if (PASS_THROUGH.has(byte)) out.push(byte);
    else if (pending === 0 && byte & 0x80) {
      const length = leadLength(byte);
      codePoint = length === 1 ? 0 : leadBits(byte, length);
      pending = length - 1;
    } else if (pending > 0) {
      if (byte >> 6 !== 0b10) {
        pending = 0;
        continue;
      }
      codePoint = (codePoint << 6) | (byte & 0x3f);
      pending--;
      if (pending === 0) push(`&#x${codePoint.toString(16).toUpperCase()};`);
    } else {
      out.push(byte);
    }
  }
  return Buffer.from(out).toString('utf8');
}
