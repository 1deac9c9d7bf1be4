// @ts-check
// How values read on every page: times in Asia/Shanghai whatever the browser's zone, and the
// Chinese names of the codes the API returns.
const ZONE = 'Asia/Shanghai';
const timeFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dayFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: ZONE, year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' });

/** @param {string | number | Date | null | undefined} iso */
export const formatTime = (iso) => (iso ? timeFormat.format(new Date(iso)) : '—');
/** @param {string | number | Date | null | undefined} iso */
export const formatDateTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : '—');
export const formatDay = (date = new Date()) => dayFormat.format(date);

/** @param {number} seconds */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} 秒`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} 分 ${s % 60} 秒` : `${m} 分`;
}

/** @param {number | null | undefined} rate */
export const formatRate = (rate) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

// The names themselves are the server's (web/lib/names.js is generated from it); re-exported here
// so every page reads codes and their names from one module.
export {
  LINE_NAMES,
  MODE_NAMES,
  OUTCOME_NAMES,
  TICKET_TYPES,
  STATUS_NAMES,
  LIGHT_NAMES,
  TRANSFER_KINDS,
  TRANSFER_STATES,
  TRANSFER_RESULTS,
  ROLE_NAMES,
  AGENT_STATE_NAMES,
  SMS_STATUS_NAMES,
  SMS_KIND_NAMES,
} from './names.js';

/**
 * A code's name, the code itself when the table has none, '—' for no code. Property keys are
 * strings, so a null outcome finds OUTCOME_NAMES' "null" (a call still going).
 * @param {Readonly<Record<string, string>>} table
 * @param {string | number | null | undefined} code
 * @returns {string}
 */
export const nameOf = (table, code) => table[String(code)] ?? (code === null || code === undefined ? '—' : String(code));

/** A text node's worth of HTML, for the few places that build markup from data. */
/** @param {unknown} text */
export function escapeHtml(text) {
  /** @type {Record<string, string>} */
  const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return String(text ?? '').replace(/[&<>"']/g, (c) => entities[c] ?? c);
}
