// The three date headers of every event (switch_event_prep_for_delivery_detailed,
// src/switch_event.c ~1990): local "%Y-%m-%d %T", RFC 822 GMT, and µs since the epoch.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Event-Date-Local for a switch whose clock is `utcOffsetMinutes` ahead of UTC (480 for China). */
export function localDate(us: number, utcOffsetMinutes: number): string {
  const d = new Date(Math.floor(us / 1000) + utcOffsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} `
    + `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** Event-Date-GMT as apr_rfc822_date writes it: "Thu, 06 Jun 2013 16:24:02 GMT". */
export function rfc822Date(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  return `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} `
    + `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} GMT`;
}
