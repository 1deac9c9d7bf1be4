// text/event-json bodies: src/switch_event.c switch_event_serialize_json_obj (~1819) printed with
// cJSON_PrintUnformatted. Values are not url-encoded; array headers become JSON arrays; a body adds
// "Content-Length" (a string) and "_body". Duplicate header names stay duplicate keys, as cJSON
// appends them, so the text is built by hand instead of through an object.

import type { SimEvent } from '../contracts.js';
import { arrayItems } from './array-value.js';

/**
 * cJSON escapes '"', '\\', \b \f \n \r \t and other bytes below 0x20 as \u00xx (lower-case hex),
 * and copies everything else; JSON.stringify does the same for well-formed strings.
 */
function jsonString(text: string): string {
  return JSON.stringify(text);
}

function jsonMember(name: string, value: string): string | null {
  const items = arrayItems(value);
  if (items === null) return `${jsonString(name)}:${jsonString(value)}`;
  if (items.length === 0) return null;
  return `${jsonString(name)}:[${items.map(jsonString).join(',')}]`;
}

export function serializeJson(event: Pick<SimEvent, 'headers' | 'body'>): string {
  const members: string[] = [];
  for (const [name, value] of event.headers) {
    const member = jsonMember(name, value);
    if (member !== null) members.push(member);
  }
  // Unlike the plain form, an empty body is still a body here (cJSON tests the pointer).
  if (event.body !== undefined) {
    members.push(`"Content-Length":${jsonString(String(Buffer.byteLength(event.body, 'utf8')))}`);
    members.push(`"_body":${jsonString(event.body)}`);
  }
  return `{${members.join(',')}}`;
}
