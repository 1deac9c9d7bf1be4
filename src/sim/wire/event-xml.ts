// text/event-xml bodies: src/switch_event.c switch_event_xmlize (~1892) printed by
// src/switch_xml.c switch_xml_toxml (switch_xml_toxml_r ~2664). Header values are url-encoded
// (add_xml_header), each item of an array header is its own element, and a non-empty body adds
// <Content-Length> and <body> after <headers>. The indentation and line breaks below are the ones
// switch_xml_toxml_r produces for this three-level tree.

import type { SimEvent } from '../contracts.js';
import { arrayItems } from './array-value.js';
import { urlEncode } from './url-encode.js';
import { xmlText } from './xml-text.js';

const INDENT = '  ';

function headerElements(name: string, value: string): string[] {
  const items = arrayItems(value) ?? [value];
  return items.map((item) => `${INDENT}${INDENT}<${name}>${urlEncode(item)}</${name}>\n`);
}

/** toxml indents a closing tag only when the text before it ends with a line break. */
function bodyElement(body: string): string {
  const text = xmlText(body);
  const close = text.endsWith('\n') ? INDENT : '';
  return `${INDENT}<body>${text}${close}</body>\n`;
}

export function serializeXml(event: Pick<SimEvent, 'headers' | 'body'>): string {
  let out = `<event>\n${INDENT}<headers>\n`;
  for (const [name, value] of event.headers) out += headerElements(name, value).join('');
  out += `${INDENT}</headers>\n`;
  const body = event.body ?? '';
  if (body !== '') {
    const length = urlEncode(String(Buffer.byteLength(body, 'utf8')));
    out += `${INDENT}<Content-Length>${length}</Content-Length>\n${bodyElement(body)}`;
  }
  return `${out}</event>\n`;
}
