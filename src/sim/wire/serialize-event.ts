import type { SimEvent } from '../contracts.js';
import { serializeJson } from './event-json.js';
import { serializePlain } from './event-plain.js';
import { serializeXml } from './event-xml.js';
import type { EventFormat } from './frames.js';

/** The body of a text/event-<format> frame, as a listener in that format receives it (MES ~1425). */
export function serializeEvent(format: EventFormat, event: Pick<SimEvent, 'headers' | 'body'>): string {
  if (format === 'json') return serializeJson(event);
  if (format === 'xml') return serializeXml(event);
  return serializePlain(event);
}
