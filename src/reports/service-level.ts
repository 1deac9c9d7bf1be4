// The 12345 queue's service level (GB/T 33358; docs/architecture.md §5, exact): offered = calls that
// entered the agent queue; answered within 15 s = an agent answered at most 15 s after the
// call entered it; rate = answered within 15 s ÷ offered. Calls abandoned in the queue within
// short_abandon_s are left out of both (strictly less than: the default 0 leaves out none). A call
// that ended while no controller was up, with no agent answer on record, is left out too: what
// became of it is unknown.
import { ENDED_UNSEEN } from '../call/call-records.js';
import { percentile } from './transfer-rate.js';

export interface QueuedCallRow {
  line: string | null;
  queue_entered_us: number;
  agent_answered_us: number | null;
  queue_left_us: number | null;
  outcome: string | null;
  hangup_cause: string | null;
}

/** A service level without the waits: what the wallboard and /metrics show. */
export type ServiceLevelCounts = Omit<ServiceLevel, 'average_wait_s' | 'p90_wait_s'>;

export interface ServiceLevel {
  offered: number;
  answered: number;
  answered_within_15s: number;
  abandoned: number;
  short_abandoned: number;
  /** still waiting and not yet past the target: undecided, left out until they are */
  pending: number;
  /** ended while no controller was up, no agent answer on record: unknown, left out */
  unknown: number;
  /** answered_within_15s ÷ offered; null when nothing was offered */
  rate: number | null;
  answer_rate: number | null;
  abandon_rate: number | null;
  average_wait_s: number | null;
  p90_wait_s: number | null;
}

/**
 * `nowUs` matters only for calls still waiting: one that has waited at most the target may
 * still be answered in time (at exactly 15.000000 s is within), so it is reported as pending
 * and left out of the rate; past the target it can only be late (docs/figures.md#service-level).
 */
export function serviceLevel(rows: readonly QueuedCallRow[], targetS: number, shortAbandonS: number, nowUs = Number.POSITIVE_INFINITY): ServiceLevel {
  const targetUs = targetS * 1_000_000;
  const out: ServiceLevel = {
    offered: 0,
    answered: 0,
    answered_within_15s: 0,
    abandoned: 0,
    short_abandoned: 0,
    pending: 0,
    unknown: 0,
    rate: null,
    answer_rate: null,
    abandon_rate: null,
    average_wait_s: null,
    p90_wait_s: null,
  };
  const waits: number[] = [];
  for (const c of rows) {
    if (c.agent_answered_us !== null) {
      out.offered++;
      out.answered++;
      const wait = c.agent_answered_us - c.queue_entered_us;
      if (wait <= targetUs) out.answered_within_15s++;
      waits.push(wait / 1_000_000);
      continue;
    }
    if (c.hangup_cause === ENDED_UNSEEN) {
      out.unknown++;
      continue;
    }
    if (c.queue_left_us === null && c.outcome === null && nowUs - c.queue_entered_us <= targetUs) {
      out.pending++;
      continue;
    }
    const waited = c.queue_left_us === null ? null : c.queue_left_us - c.queue_entered_us;
    if (c.outcome === 'abandoned_queue' && waited !== null && waited < shortAbandonS * 1_000_000) {
      out.short_abandoned++;
      continue;
    }
    out.offered++;
    if (c.outcome === 'abandoned_queue') out.abandoned++;
    if (waited !== null) waits.push(waited / 1_000_000);
  }
  if (out.offered > 0) {
    out.rate = out.answered_within_15s / out.offered;
    out.answer_rate = out.answered / out.offered;
    out.abandon_rate = out.abandoned / out.offered;
  }
  out.average_wait_s = waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : null;
  out.p90_wait_s = percentile(waits, 0.9);
  return out;
}
