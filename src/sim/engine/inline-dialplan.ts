// The `inline` dialplan (mod_dptools.c inline_dialplan_hunt): the destination is the extension
// itself, "app:arg,app:arg", or with "m:<c>:" first a separator <c> of one's choosing, so a
// bridge dial string with commas in its {} can be one of the applications. The new extension
// takes the RDNIS as its destination number and clears the RDNIS.
// Difference: FreeSWITCH splits with switch_separate_string, which also honours quotes and
// backslash escapes; we split on the bare separator only.
import type { Channel } from './channel.js';
import type { DialplanApp } from './core.js';

export function inlineExtension(target: string): DialplanApp[] {
  let text = target;
  let separator = ',';
  if (text[0] === 'm' && text[1] === ':' && text[3] === ':') {
    separator = text[2]!;
    text = text.slice(4);
  }
  if (!text) return [];
  return text.split(separator).map((item) => {
    const colon = item.indexOf(':');
    const application = (colon < 0 ? item : item.slice(0, colon)).replace(/^ +/, '');
    return { application, data: colon < 0 ? '' : item.slice(colon + 1) };
  });
}

/** Hunts the inline dialplan for a channel routed with dialplan "inline"; null when it names nothing. */
export function huntInline(ch: Channel): { extension: string; apps: DialplanApp[] } | null {
  const apps = inlineExtension(ch.profile.destinationNumber);
  if (apps.length === 0) return null;
  ch.profile.destinationNumber = ch.profile.rdnis;
  ch.profile.rdnis = '';
  return { extension: 'inline', apps };
}
