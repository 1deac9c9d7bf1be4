// The exact measures of docs/architecture.md §5 on hand-made rows, and the Erlang C hint.
import t from 'tap';
import { transferRate, classifyAttempt, percentile, type AttemptRow } from '../src/reports/transfer-rate.js';
import { serviceLevel, type QueuedCallRow } from '../src/reports/service-level.js';
import { erlangC, serviceLevelOf, seatsNeeded } from '../src/reports/erlang.js';
import { periodOf } from '../src/reports/figures.js';

const s = 1_000_000;
const t0 = 1_796_000_000 * s;
/** an instant long after every hand-made attempt: each outcome is known */
const later = t0 + 3600 * s;
const answeredAfter = (hotline: string, seconds: number): AttemptRow => ({
  hotline,
  created_us: t0,
  answered_us: t0 + seconds * s,
  ended_us: t0 + (seconds + 60) * s,
  result: 'answered',
});

t.test('20 attempts to 12315 answered after 1..20 s: 15 within 15 s, 75.0%', async (t) => {
  const rows = Array.from({ length: 20 }, (_, i) => answeredAfter('12315', i + 1));
  const r = transferRate('12315', rows, 15, later);
  t.match(r, { attempts: 20, cancelled: 0, counted: 20, answered: 20, answered_within_15s: 15, rate: 0.75 });
  t.equal(r.answer_p50_s, 10);
  t.equal(r.answer_p90_s, 18);
});

t.test('12329 all answered under 10 s: 100%', async (t) => {
  const rows = [2, 3.5, 9.999, 4, 7].map((d) => answeredAfter('12329', d));
  t.match(transferRate('12329', rows, 15, later), { counted: 5, answered_within_15s: 5, rate: 1 });
});

t.test('exactly 15.000000 s is within; 15.000001 s is not', async (t) => {
  t.equal(classifyAttempt({ hotline: 'x', created_us: t0, answered_us: t0 + 15 * s, ended_us: null, result: 'answered' }, 15 * s, later), 'within');
  t.equal(classifyAttempt({ hotline: 'x', created_us: t0, answered_us: t0 + 15 * s + 1, ended_us: null, result: 'answered' }, 15 * s, later), 'late');
});

t.test('cancelled before 15 s is left out; busy, unanswered, failed and late cancels count against', async (t) => {
  const rows: AttemptRow[] = [
    answeredAfter('12333', 5),
    { hotline: '12333', created_us: t0, answered_us: null, ended_us: t0 + 8 * s, result: 'cancelled' }, // caller hung up while it rang
    { hotline: '12333', created_us: t0, answered_us: null, ended_us: t0 + 20 * s, result: 'cancelled' }, // gave up after 20 s: not answered in time
    { hotline: '12333', created_us: t0, answered_us: null, ended_us: t0 + 1 * s, result: 'busy' },
    { hotline: '12333', created_us: t0, answered_us: null, ended_us: t0 + 30 * s, result: 'no_answer' },
    { hotline: '12333', created_us: t0, answered_us: null, ended_us: t0 + 0.2 * s, result: 'failed' },
    { hotline: '12333', created_us: t0, answered_us: null, ended_us: null, result: 'refused' }, // outside hours: no leg placed
  ];
  const r = transferRate('12333', rows, 15, later);
  t.match(r, { attempts: 6, cancelled: 1, counted: 5, answered_within_15s: 1, busy: 1, no_answer: 2, failed: 1, rate: 0.2 });
  t.equal(transferRate('x', [], 15, later).rate, null, 'nothing counted: no rate, not 0 and not 100%');
});

t.test('a leg still ringing is not counted until 15 s have passed; past 15 s it is a miss at once', async (t) => {
  const ringing: AttemptRow = { hotline: '95598', created_us: t0, answered_us: null, ended_us: null, result: null };
  t.equal(classifyAttempt(ringing, 15 * s, t0), 'ringing', 'just created');
  t.equal(classifyAttempt(ringing, 15 * s, t0 + 15 * s), 'ringing', 'exactly 15.000000 s: it could still be answered within');
  t.equal(classifyAttempt(ringing, 15 * s, t0 + 15 * s + 1), 'late', '15.000001 s: it can only be late now');
  t.same(
    transferRate('95598', [ringing], 15, t0 + 12 * s),
    {
      hotline: '95598',
      attempts: 1,
      cancelled: 0,
      ringing: 1,
      ringing_longest_s: 12,
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
    },
    'ringing: reported apart with its time, no rate',
  );
  t.match(
    transferRate('95598', [ringing], 15, t0 + 15 * s + 1),
    { ringing: 0, ringing_longest_s: null, counted: 1, no_answer: 1, answered_within_15s: 0, rate: 0, last_counted_us: t0 },
    'past the target: unanswered',
  );
  const two = [ringing, { ...ringing, created_us: t0 + 4 * s }];
  t.match(transferRate('95598', two, 15, t0 + 10 * s), { ringing: 2, ringing_longest_s: 10 }, 'the oldest ringing leg gives the time shown');
});

t.test('every way attempt-store leaves a row is classified by the same rule', async (t) => {
  // placed(): the leg rings, nothing known yet
  const placed: AttemptRow = { hotline: '12315', created_us: t0, answered_us: null, ended_us: null, result: null };
  // unplaced(): no channel was ever created; the failure is written a moment later
  const unplaced: AttemptRow = { ...placed, created_us: t0 + 5 * s };
  t.equal(classifyAttempt(unplaced, 15 * s, t0 + 5 * s + 1000), 'ringing', 'until its result is written');
  t.equal(classifyAttempt({ ...unplaced, result: 'failed' }, 15 * s, t0 + 5 * s + 2000), 'late', 'then a miss (unreachable), without an end time');
  // answered() then the process died: the answer time decides
  t.equal(classifyAttempt({ ...placed, answered_us: t0 + 3 * s, result: 'answered' }, 15 * s, later), 'within', 'answered, never ended (crash)');
  t.equal(classifyAttempt({ ...placed, answered_us: t0 + 3 * s }, 15 * s, later), 'within', 'an answer time alone is enough');
  // placed() then the process died: no answer will ever come
  t.equal(classifyAttempt(placed, 15 * s, later), 'late', 'a crashed ringing row is a miss once 15 s have passed');
  // ended() with no result (never written by attempt-store, but a row ended unanswered is a known outcome)
  t.equal(classifyAttempt({ ...placed, ended_us: t0 + 2 * s }, 15 * s, t0 + 3 * s), 'late', 'ended unanswered: not ringing, even under 15 s');
  // ended() of a leg we hung up ourselves: cancelled before 15 s only when its end was seen
  t.equal(classifyAttempt({ ...placed, ended_us: t0 + 14 * s, result: 'cancelled' }, 15 * s, t0 + 14 * s), 'cancelled');
  t.equal(classifyAttempt({ ...placed, ended_us: t0 + 15 * s, result: 'cancelled' }, 15 * s, t0 + 15 * s), 'late', 'given up at exactly 15 s: not before 15 s');
  t.equal(classifyAttempt({ ...placed, result: 'cancelled' }, 15 * s, t0 + 1 * s), 'late', 'cancelled with no end time seen: not known to be early');
});

t.test('12345 service level: offered, within 15 s, abandoned, short abandons', async (t) => {
  const q = (wait: number, answered: boolean, line = '1'): QueuedCallRow => ({
    line,
    queue_entered_us: t0,
    agent_answered_us: answered ? t0 + wait * s : null,
    queue_left_us: t0 + wait * s,
    outcome: answered ? 'answered' : 'abandoned_queue',
    hangup_cause: 'NORMAL_CLEARING',
  });
  const rows = [q(3, true), q(15, true), q(16, true), q(40, true), q(2, false), q(30, false)];
  t.match(serviceLevel(rows, 15, 0), { offered: 6, answered: 4, answered_within_15s: 2, abandoned: 2, short_abandoned: 0, rate: 2 / 6 });
  t.match(
    serviceLevel(rows, 15, 5),
    { offered: 5, answered_within_15s: 2, abandoned: 1, short_abandoned: 1, rate: 2 / 5 },
    'abandoned within 5 s left out of both',
  );
  t.match(serviceLevel(rows, 15, 0), { average_wait_s: (3 + 15 + 16 + 40 + 2 + 30) / 6, p90_wait_s: 40 });
  t.equal(serviceLevel([], 15, 0).rate, null);
});

t.test('a queued call that ended while no controller was up is unknown: out of the rate, unless an agent answer is on record', async (t) => {
  const unseen = (answered: boolean): QueuedCallRow => ({
    line: '1',
    queue_entered_us: t0,
    agent_answered_us: answered ? t0 + 5 * s : null,
    queue_left_us: null,
    outcome: answered ? 'answered' : 'abandoned_queue',
    hangup_cause: 'ENDED_WHILE_CONTROLLER_DOWN',
  });
  const answered = { ...unseen(true), hangup_cause: 'NORMAL_CLEARING' };
  // adoption closes such a record as abandoned_queue for want of anything better; it is not a miss
  t.match(serviceLevel([answered, unseen(false)], 15, 0), { offered: 1, answered_within_15s: 1, abandoned: 0, unknown: 1, rate: 1 });
  t.match(serviceLevel([unseen(true)], 15, 0), { offered: 1, answered_within_15s: 1, unknown: 0 }, 'an answer heard before the controller died counts');
  t.match(serviceLevel([unseen(false)], 15, 0), { offered: 0, unknown: 1, rate: null });
});

t.test('nearest-rank percentiles', async (t) => {
  t.equal(percentile([5, 1, 3], 0.5), 3);
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
  t.equal(percentile([], 0.9), null);
});

t.test('Erlang C', async (t) => {
  t.equal(Number(erlangC(3, 2).toFixed(4)), 0.4444, 'C(3 seats, 2 Erlang) = 4/9');
  t.equal(erlangC(2, 2), 1, 'no more seats than traffic: everyone waits');
  const need = seatsNeeded(120, 240, 15, 0.95)!;
  t.ok(
    serviceLevelOf(need, 120, 240, 15) >= 0.95 && serviceLevelOf(need - 1, 120, 240, 15) < 0.95,
    `${need} seats is the fewest for 95% within 15 s at 120 calls/h, 4 min talk`,
  );
  t.equal(need, 14, '8 Erlang: 13 seats give 94.4%, 14 give 97.3%');
  t.equal(seatsNeeded(0, 240, 15, 0.95), 0);
});

t.test('a call still waiting under 15 s is pending, not a miss; past 15 s it is a miss', async (t) => {
  const waiting = { line: '1', queue_entered_us: t0, agent_answered_us: null, queue_left_us: null, outcome: null, hangup_cause: null };
  t.match(serviceLevel([waiting], 15, 0, t0 + 10 * s), { offered: 0, pending: 1, rate: null });
  t.match(serviceLevel([waiting], 15, 0, t0 + 16 * s), { offered: 1, pending: 0, answered_within_15s: 0, rate: 0 });
  t.match(serviceLevel([waiting], 15, 0, t0 + 15 * s), { offered: 0, pending: 1 }, 'waiting exactly 15.000000 s: it could still be answered within');
  t.match(serviceLevel([waiting], 15, 0, t0 + 15 * s + 1), { offered: 1, pending: 0, rate: 0 }, '15.000001 s: a miss');
});

t.test('periods are Shanghai days, hours and weeks (Monday first), the same on every reading', async (t) => {
  const us = (iso: string) => Date.parse(iso) * 1000;
  const sunday = us('2026-11-29T23:59:59.999+08:00') + 999;
  const monday = us('2026-11-30T00:00:00+08:00');
  for (const round of ['first', 'again (from the labels already made)']) {
    t.same(
      [periodOf(sunday, 'day'), periodOf(sunday, 'hour'), periodOf(sunday, 'week')],
      ['2026-11-29', '2026-11-29T23:00', '2026-11-23'],
      `the last µs of Sunday, ${round}`,
    );
    t.same(
      [periodOf(monday, 'day'), periodOf(monday, 'hour'), periodOf(monday, 'week')],
      ['2026-11-30', '2026-11-30T00:00', '2026-11-30'],
      `the first µs of Monday, ${round}`,
    );
    t.equal(periodOf(us('2026-12-06T23:30:00+08:00'), 'week'), '2026-11-30', `the Sunday after is in the same week, ${round}`);
    t.equal(periodOf(monday, 'total'), 'total');
  }
});
