// Opening hours within one day, as offsets from Shanghai midnight.
import { CtiError } from '../errors.js';

export interface Period {
  /** 'HH:MM' */
  start: string;
  /** 'HH:MM'; may be '24:00' */
  end: string;
}

/** A period as milliseconds after Shanghai midnight; start inclusive, end exclusive. */
export interface PeriodMs {
  readonly startMs: number;
  readonly endMs: number;
}

/** The 12345 centre's default hours: 08:30–12:00 and 14:00–17:30 (7 h a day). */
export const DEFAULT_WORKING_PERIODS: readonly Period[] = Object.freeze([
  { start: '08:30', end: '12:00' },
  { start: '14:00', end: '17:30' },
]);

const CLOCK_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

function clockToMs(clock: string, isEnd: boolean): number | null {
  if (isEnd && clock === '24:00') return 24 * 3_600_000;
  const match = typeof clock === 'string' ? CLOCK_PATTERN.exec(clock) : null;
  return match ? (Number(match[1]) * 60 + Number(match[2])) * 60_000 : null;
}

function badPeriods(periods: unknown, why: string): CtiError {
  return new CtiError('CALENDAR_BAD_INPUT', `working periods ${JSON.stringify(periods)}: ${why}`, { periods });
}

/** Validates 'HH:MM' periods that must be sorted and must not overlap (touching is allowed). */
export function parsePeriods(periods: readonly Period[]): PeriodMs[] {
  if (!Array.isArray(periods)) throw badPeriods(periods, 'expected a list of { start, end }');
  const parsed: PeriodMs[] = [];
  for (const period of periods) {
    const startMs = clockToMs(period?.start, false);
    const endMs = clockToMs(period?.end, true);
    if (startMs === null || endMs === null) throw badPeriods(periods, 'times must be HH:MM (end may be 24:00)');
    if (startMs >= endMs) throw badPeriods(periods, `${period.start}–${period.end} does not end after it starts`);
    const previous = parsed[parsed.length - 1];
    if (previous && startMs < previous.endMs) throw badPeriods(periods, 'periods must be sorted and must not overlap');
    parsed.push({ startMs, endMs });
  }
  return parsed;
}

export function totalLengthMs(periods: readonly PeriodMs[]): number {
  return periods.reduce((sum, period) => sum + period.endMs - period.startMs, 0);
}
