// text/event-plain bodies: src/switch_event.c switch_event_serialize (~1528).

import type { SimEvent } from '../contracts.js';
import { arrayItems, flatArrayValue } from './array-value.js';
import { urlEncode } from './url-encode.js';

/**
 * One "Name: value" line: the value url-encoded (an empty result is written as `_undef_`), or,
 * unencoded (`uuid_dump … plain`), in brackets as switch_event_serialize writes it.
 */
function plainLine(name: string, value: string, encode: boolean): string {
  const text = encode ? urlEncode(value) : `[${value}]`;
  return `${name}: ${text === '' ? '_undef_' : text}\n`;
}

/** The lines of the event's headers; array headers print their flat "ARRAY::a|:b" text. */
export function plainHeaderLines(event: Pick<SimEvent, 'headers'>, encode = true): string {
  let out = '';
  for (const [name, value] of event.headers) {
    const items = arrayItems(value);
    if (items === null) out += plainLine(name, value, encode);
    else if (items.length > 0) out += plainLine(name, flatArrayValue(items), encode);
  }
  return out;
}

/**
 * The serialized event: header lines, then either "Content-Length: n\n\n<body>" (n in bytes) or a
 * single "\n". An empty body counts as no body, as in FreeSWITCH (it tests strlen(body)).
 */
export function serializePlain(event: Pick<SimEvent, 'headers' | 'body'>, encode = true): string {
  const lines = plainHeaderLines(event, encode);
  const body = event.body ?? '';
  if (body === '') return `${lines}\n`;
  return `${lines}Content-Length: ${Buffer.byteLength(body, 'utf8')}\n\n${body}`;
}
