// The seed's measure for the 22 parallel hotlines (DESIGN.md §5, exact): of the consult or
// blind legs placed to a hotline, the share answered within 15 s, from FreeSWITCH's own
// timestamps. Legs we cancelled ourselves (agent or caller gave up) before 15 s without an
// answer are reported but left out; busy, rejected, unreachable and unanswered legs count as
// not answered in time. Pure: rows in, figures out.

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
  attempts: number;
  cancelled: number;
  counted: number;
  answered: number;
  answered_within_15s: number;
  busy: number;
  no_answer: number;
  failed: number;
  /** answered_within_15s ÷ counted; null when nothing counted */
  rate: number | null;
  /** answer time percentiles of answered legs, seconds */
  answer_p50_s: number | null;
  answer_p90_s: number | null;
}

/** Outcomes of one attempt under the definition. A refusal (outside hours) placed no leg: no attempt. */
export function classifyAttempt(a: AttemptRow, targetUs: number): 'not_attempt' | 'cancelled' | 'within' | 'late' {
  if (a.result === 'refused') return 'not_attempt';
  if (a.answered_us !== null) return a.answered_us - a.created_us <= targetUs ? 'within' : 'late';
  const givenUpEarly = a.result === 'cancelled' && a.ended_us !== null && a.ended_us - a.created_us < targetUs;
  return givenUpEarly ? 'cancelled' : 'late';
}

export function transferRate(hotline: string, rows: readonly AttemptRow[], targetS: number): TransferRate {
  const targetUs = targetS * 1_000_000;
  const out: TransferRate = { hotline, attempts: 0, cancelled: 0, counted: 0, answered: 0, answered_within_15s: 0, busy: 0, no_answer: 0, failed: 0, rate: null, answer_p50_s: null, answer_p90_s: null };
  const answerTimes: number[] = [];
  for (const a of rows) {
    const kind = classifyAttempt(a, targetUs);
    if (kind === 'not_attempt') continue;
    out.attempts++;
    if (kind === 'cancelled') {
      out.cancelled++;
      continue;
    }
    out.counted++;
    if (kind === 'within') out.answered_within_15s++;
    if (a.answered_us !== null) {
      out.answered++;
      answerTimes.push((a.answered_us - a.created_us) / 1_000_000);
    } else if (a.result === 'busy') out.busy++;
    else if (a.result === 'failed') out.failed++;
    else out.no_answer++;
  }
  out.rate = out.counted === 0 ? null : out.answered_within_15s / out.counted;
  out.answer_p50_s = percentile(answerTimes, 0.5);
  out.answer_p90_s = percentile(answerTimes, 0.9);
  return out;
}

/** Nearest-rank percentile (the value at rank ⌈q·n⌉), so every reported figure is a measured one. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
