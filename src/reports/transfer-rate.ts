// The seed's measure for the 22 parallel hotlines (defined in
// docs/figures.md#transfer-answer-rate): of the consult or blind legs placed to a hotline, the
// share answered within 15 s, from FreeSWITCH's own timestamps. Legs we cancelled ourselves
// (agent or caller gave up) before 15 s without an answer are reported but left out; busy,
// rejected, unreachable and unanswered legs count as not answered in time. A leg whose outcome
// is not known yet is "ringing" and left out until it is, or until the target has passed
// without an answer. Pure: rows in, figures out.

export interface AttemptRow {
  hotline: string;
  created_us: number;
  answered_us: number | null;
  ended_us: number | null;
  result: 'answered' | 'busy' | 'no_answer' | 'failed' | 'cancelled' | 'refused' | null;
}

/** A transfer rate without the answer-time percentiles: what the wallboard, /metrics and the alerts use. */
export type TransferCounts = Omit<TransferRate, 'answer_p50_s' | 'answer_p90_s'>;

export interface TransferRate {
  hotline: string;
  /** legs placed: counted + cancelled + ringing */
  attempts: number;
  cancelled: number;
  /** outcome not known yet and at most the target since the leg was created: not in `counted` */
  ringing: number;
  /** seconds since the oldest ringing leg was created; null when none rings */
  ringing_longest_s: number | null;
  counted: number;
  answered: number;
  answered_within_15s: number;
  busy: number;
  /** unanswered, including legs past the target whose outcome is not known yet */
  no_answer: number;
  failed: number;
  /** answered_within_15s ÷ counted; null when nothing counted */
  rate: number | null;
  /** FreeSWITCH creation time (µs) of the newest counted leg; what the alerts' quiet period reads */
  last_counted_us: number | null;
  /** answer time percentiles of answered legs, seconds */
  answer_p50_s: number | null;
  answer_p90_s: number | null;
}

export type AttemptClass = 'not_attempt' | 'ringing' | 'cancelled' | 'within' | 'late';

/**
 * Outcomes of one attempt under the definition, at the instant `nowUs`. A refusal (outside
 * hours) placed no leg: no attempt. A leg with no answer, no end and no result is still ringing
 * (or its process died with it): it could still be answered in time while `now − created` is at
 * most the target, so it waits; past the target it can only be late, so it is a miss at once.
 */
export function classifyAttempt(a: AttemptRow, targetUs: number, nowUs: number): AttemptClass {
  if (a.result === 'refused') return 'not_attempt';
  if (a.answered_us !== null) return a.answered_us - a.created_us <= targetUs ? 'within' : 'late';
  if (a.ended_us === null && a.result === null && nowUs - a.created_us <= targetUs) return 'ringing';
  const givenUpEarly = a.result === 'cancelled' && a.ended_us !== null && a.ended_us - a.created_us < targetUs;
  return givenUpEarly ? 'cancelled' : 'late';
}

export function transferRate(hotline: string, rows: readonly AttemptRow[], targetS: number, nowUs: number): TransferRate {
  const targetUs = targetS * 1_000_000;
  const out: TransferRate = {
    hotline,
    attempts: 0,
    cancelled: 0,
    ringing: 0,
    ringing_longest_s: null,
    counted: 0,
    answered: 0,
    answered_within_15s: 0,
    busy: 0,
    no_answer: 0,
    failed: 0,
    rate: null,
    last_counted_us: null,
    answer_p50_s: null,
    answer_p90_s: null,
  };
  const answerTimes: number[] = [];
  for (const a of rows) {
    const kind = classifyAttempt(a, targetUs, nowUs);
    if (kind === 'not_attempt') continue;
    out.attempts++;
    if (kind === 'cancelled') out.cancelled++;
    else if (kind === 'ringing') countRinging(out, (nowUs - a.created_us) / 1_000_000);
    else countOutcome(out, a, kind, answerTimes);
  }
  out.rate = out.counted === 0 ? null : out.answered_within_15s / out.counted;
  out.answer_p50_s = percentile(answerTimes, 0.5);
  out.answer_p90_s = percentile(answerTimes, 0.9);
  return out;
}

function countRinging(out: TransferRate, elapsedS: number): void {
  out.ringing++;
  out.ringing_longest_s = Math.max(out.ringing_longest_s ?? elapsedS, elapsedS);
}

function countOutcome(out: TransferRate, a: AttemptRow, kind: 'within' | 'late', answerTimes: number[]): void {
  out.counted++;
  out.last_counted_us = Math.max(out.last_counted_us ?? a.created_us, a.created_us);
  if (kind === 'within') out.answered_within_15s++;
  if (a.answered_us !== null) {
    out.answered++;
    answerTimes.push((a.answered_us - a.created_us) / 1_000_000);
  } else if (a.result === 'busy') out.busy++;
  else if (a.result === 'failed') out.failed++;
  else out.no_answer++;
}

/** Nearest-rank percentile (the value at rank ⌈q·n⌉), so every reported figure is a measured one. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
