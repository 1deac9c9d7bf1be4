// Text form of instants at the API edge. Output always carries +08:00 so people in the call
// centre read local time; input must carry an offset because a bare local time is ambiguous
// between the caller's, the server's and Shanghai's clocks.
import { CtiError } from '../errors.js';
import { DAY_MS, SHANGHAI_OFFSET_MS, epochMsOf, parseDay } from './shanghai-time.js';

/** ISO 8601 in Shanghai time, e.g. 2026-10-08T15:00:00+08:00 (milliseconds only when not zero). */
export function formatShanghai(instant: Date): string {
  const shifted = new Date(epochMsOf(instant) + SHANGHAI_OFFSET_MS).toISOString();
  const withoutZone = shifted.endsWith('.000Z') ? shifted.slice(0, -5) : shifted.slice(0, -1);
  return `${withoutZone}+08:00`;
}

const INSTANT_PATTERN = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** ISO 8601 with Z or ±HH:MM; seconds and fractions optional. */
export function parseInstant(text: string): Date {
  const match = typeof text === 'string' ? INSTANT_PATTERN.exec(text) : null;
  const ms = match ? instantFromParts(match) : null;
  if (ms === null) {
    throw new CtiError('CALENDAR_BAD_INPUT', `not a valid instant: ${JSON.stringify(text)}; expected ISO 8601 with an offset, e.g. 2026-09-30T15:00:00+08:00`, {
      instant: text,
    });
  }
  return new Date(ms);
}

function instantFromParts(match: RegExpExecArray): number | null {
  const [, date = '', hh = '', mm = '', ss = '0', fraction = '', zulu, sign, offH = '0', offM = '0'] = match;
  const [hours, minutes, seconds] = [Number(hh), Number(mm), Number(ss)];
  if (hours > 23 || minutes > 59 || seconds > 59 || Number(offH) > 23 || Number(offM) > 59) return null;
  let day: number;
  try {
    day = parseDay(date);
  } catch {
    return null;
  }
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const offsetMs = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM)) * 60_000;
  // day * DAY_MS is the date's midnight read as UTC; the offset then moves it to the real instant.
  const wallMs = day * DAY_MS + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
  return wallMs - offsetMs;
}
