// The three date headers of every event (switch_event_prep_for_delivery_detailed,
// src/switch_event.c ~1990): local "%Y-%m-%d %T", RFC 822 GMT, and µs since the epoch.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

// Both have a resolution of one second and every event carries both: the last second's text is
// kept, as a busy switch fires hundreds of events within it.
let localCache = { second: NaN, offset: NaN, text: '' };
let gmtCache = { second: NaN, text: '' };

/** Event-Date-Local for a switch whose clock is `utcOffsetMinutes` ahead of UTC (480 for China). */
export function localDate(us: number, utcOffsetMinutes: number): string {
  const second = Math.floor(us / 1_000_000);
  if (second === localCache.second && utcOffsetMinutes === localCache.offset) return localCache.text;
  const d = new Date(second * 1000 + utcOffsetMinutes * 60_000);
  const text =
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  localCache = { second, offset: utcOffsetMinutes, text };
  return text;
}

/** Event-Date-GMT as apr_rfc822_date writes it: "Thu, 06 Jun 2013 16:24:02 GMT". */
export function rfc822Date(us: number): string {
  const second = Math.floor(us / 1_000_000);
  if (second === gmtCache.second) return gmtCache.text;
  const d = new Date(second * 1000);
  const text =
    `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} GMT`;
  gmtCache = { second, text };
  return text;
}
