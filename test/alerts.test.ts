// The transfer answer-rate alert over the real app and SQLite (docs/figures.md#alerts): it opens
// on enough counted attempts below 95%, closes at 95% + margin or after a quiet period, does not
// flap on a rate hovering around 95%, and texts the department head at most once an hour.
import t, { type Test } from 'tap';
import { ticketApp, type TicketApp } from './support/ticket-app.js';
import { copyConfig } from './support/config-dir.js';

const s = 1_000_000;
const MIN = 60 * s;
const us = (iso: string) => Date.parse(iso) * 1000;
const T0 = us('2026-11-30T08:00:00+08:00');
const HEAD = '13912345678';

/** The app on a copy of the shipped config, 市市场监管局 with a head's mobile, and routing edits. */
async function app(t: Test, edits: Array<[string, string]> = []): Promise<TicketApp> {
  const copy = copyConfig();
  copy.edit('routing.yaml', '{ id: market-regulation, name: 市市场监管局 }', `{ id: market-regulation, name: 市市场监管局, head_mobile: "${HEAD}" }`);
  for (const [from, to] of edits) copy.edit('routing.yaml', from, to);
  const a = await ticketApp(':memory:', copy.dir);
  t.teardown(async () => {
    await a.close();
    copy.remove();
  });
  a.db.prepare("INSERT INTO calls (id, caller, called, mode, started_us) VALUES ('call-1', '13800138000', '12345', 'main', ?)").run(T0);
  return a;
}

/** One transfer placed at `createdUs`: answered after `answerS` seconds, or not answered (null). */
function attempt(a: TicketApp, hotline: string, createdUs: number, answerS: number | null): void {
  a.db
    .prepare('INSERT INTO transfer_attempts (call_id, hotline, kind, agent_id, created_us, answered_us, ended_us, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(
      'call-1',
      hotline,
      'warm',
      '1001',
      createdUs,
      answerS === null ? null : createdUs + answerS * s,
      createdUs + 30 * s,
      answerS === null ? 'no_answer' : 'answered',
    );
}

const runAt = (a: TicketApp, atUs: number) => a.alerts.run(new Date(atUs / 1000));
const alertsOf = (a: TicketApp, hotline: string) => a.alerts.ofHotline(hotline).map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
const smsTo = (a: TicketApp, to: string) => a.outbox.list({ limit: 100 }).filter((m) => m.kind === 'alert' && m.to === to);

t.test('a stream hovering around 95% opens the alert once and does not flap', async (t) => {
  const a = await app(t);
  let within = 0;
  let counted = 0;
  let crossings = 0;
  let wasBelow = false;
  for (let i = 0; i < 300; i++) {
    // a miss whenever the rate is at or above 95%, else an answer within 15 s: the rate hugs 95%
    const miss = counted >= 20 && within / counted >= 0.95;
    attempt(a, '12315', T0 + i * MIN, miss ? null : 3);
    counted++;
    if (!miss) within++;
    const below = within / counted < 0.95;
    if (below !== wasBelow) crossings++;
    wasBelow = below;
    runAt(a, T0 + i * MIN + 40 * s);
  }
  t.ok(crossings > 20, `the rate crossed 95% ${crossings} times (each crossing down opened an alert before)`);
  const rows = alertsOf(a, '12315');
  t.equal(rows.length, 1, 'one alert');
  t.equal(rows[0]!.closed_ms, null, 'still open: the rate never reached 97%');
  t.equal(smsTo(a, HEAD).length, 1, 'one text to the head');
});

t.test('fewer than min_counted counted attempts never open an alert; ringing legs are not counted', async (t) => {
  const a = await app(t);
  for (let i = 0; i < 4; i++) attempt(a, '12329', T0 + i * MIN, null);
  const now = T0 + 10 * MIN;
  for (let i = 0; i < 3; i++) {
    a.db
      .prepare("INSERT INTO transfer_attempts (call_id, hotline, kind, agent_id, created_us) VALUES ('call-1', '12329', 'warm', '1001', ?)")
      .run(now - (i + 1) * s);
  }
  t.same(runAt(a, now), { opened: [], closed: [] }, '4 misses (0%) and 3 legs ringing: 4 counted, fewer than 5');
  attempt(a, '12329', T0 + 5 * MIN, null);
  t.same(runAt(a, now), { opened: ['12329'], closed: [] }, 'the fifth counted miss opens it');
  t.match(
    alertsOf(a, '12329')[0]!.detail,
    { rate: 0, counted: 5, ringing: 3, window: { to: '2026-11-30T08:10:00+08:00' } },
    'the reading it opened on, with its window',
  );
});

t.test('min_counted comes from routing.yaml', async (t) => {
  const a = await app(t, [['min_counted: 5', 'min_counted: 2']]);
  attempt(a, '12329', T0, null);
  t.same(runAt(a, T0 + MIN), { opened: [], closed: [] }, 'one counted attempt');
  attempt(a, '12329', T0 + MIN, null);
  t.same(runAt(a, T0 + 2 * MIN), { opened: ['12329'], closed: [] }, 'two');
});

t.test('an open alert closes only at target + margin (97%), not at 95% or 96%', async (t) => {
  const a = await app(t);
  for (let i = 0; i < 5; i++) attempt(a, '12315', T0 + i * MIN, i === 0 ? null : 3);
  t.same(runAt(a, T0 + 5 * MIN), { opened: ['12315'], closed: [] }, '4 of 5: 80%');
  for (let k = 1; k <= 29; k++) {
    attempt(a, '12315', T0 + (5 + k) * MIN, 3);
    const rate = (4 + k) / (5 + k);
    const changed = runAt(a, T0 + (5 + k) * MIN + 40 * s);
    if (k < 29 && changed.closed.length > 0) t.fail(`closed at ${(rate * 100).toFixed(2)}%`);
    if (k === 15) t.equal(rate, 0.95, 'at exactly 95% it stays open');
    if (k === 20) t.equal(rate, 0.96, 'at 96% it stays open');
    if (k === 29) t.same(changed, { opened: [], closed: ['12315'] }, `closed at ${(rate * 100).toFixed(2)}%`);
  }
  const [row] = alertsOf(a, '12315');
  t.match(row!.detail.closed, { reason: 'recovered', counted: 34, answered_within_15s: 33 }, 'the reason and the reading it closed on');
});

t.test('a quiet period with no counted attempt closes it; only a new attempt opens it again', async (t) => {
  const a = await app(t);
  for (let i = 0; i < 5; i++) attempt(a, '12315', T0 + i * MIN, null);
  const last = T0 + 4 * MIN;
  t.same(runAt(a, T0 + 5 * MIN), { opened: ['12315'], closed: [] });
  t.same(runAt(a, last + 120 * MIN - 1000), { opened: [], closed: [] }, 'just under 120 minutes since the last counted attempt');
  t.same(runAt(a, last + 120 * MIN), { opened: [], closed: ['12315'] }, '120 minutes: closed');
  t.equal(alertsOf(a, '12315')[0]!.detail.closed.reason, 'quiet');
  t.same(runAt(a, last + 150 * MIN), { opened: [], closed: [] }, 'the same misses still in the 24 h window do not reopen it');
  attempt(a, '12315', last + 160 * MIN, 3);
  t.same(runAt(a, last + 161 * MIN), { opened: ['12315'], closed: [] }, 'a new attempt while the rate is below 95% does (1 of 6)');
  t.equal(alertsOf(a, '12315').length, 2, 'each opening is one row');
});

t.test('misses older than the quiet period open nothing: the alert would close at once', async (t) => {
  const a = await app(t);
  for (let i = 0; i < 5; i++) attempt(a, '12315', T0 + i * MIN, null);
  t.same(runAt(a, T0 + 4 * MIN + 120 * MIN), { opened: [], closed: [] }, 'first run 120 minutes after the last miss (say, after a restart)');
  t.same(runAt(a, T0 + 4 * MIN + 120 * MIN - 1000), { opened: ['12315'], closed: [] }, 'a second earlier it would have opened');
});

t.test('the head gets at most one text per hotline per hour, however often the alert opens', async (t) => {
  // a short quiet period, so the alert can close and open several times within the hour
  const a = await app(t, [['quiet_close_min: 120', 'quiet_close_min: 10']]);
  for (let i = 0; i < 5; i++) attempt(a, '12315', T0 + i * s, null);
  t.same(runAt(a, T0 + MIN), { opened: ['12315'], closed: [] }, '08:01 opened: text');
  let opens = 1;
  // every 20 minutes: a quiet close, then a new miss reopens it
  for (const m of [20, 40, 59]) {
    t.same(runAt(a, T0 + (m - 5) * MIN), { opened: [], closed: ['12315'] }, 'quiet close');
    attempt(a, '12315', T0 + m * MIN, null);
    t.same(runAt(a, T0 + m * MIN + 40 * s), { opened: ['12315'], closed: [] }, `reopened at 08:${m}:40`);
    opens++;
  }
  t.equal(smsTo(a, HEAD).length, 1, 'four openings within the hour, one text');
  t.same(runAt(a, T0 + 75 * MIN), { opened: [], closed: ['12315'] });
  attempt(a, '12315', T0 + 80 * MIN, null);
  t.same(runAt(a, T0 + 80 * MIN + 40 * s), { opened: ['12315'], closed: [] }, '09:20:40, over an hour after the text');
  opens++;
  t.equal(smsTo(a, HEAD).length, 2, 'a second text');
  t.equal(alertsOf(a, '12315').filter((r) => r.detail.sms_ms !== undefined).length, 2, 'each text is on the alert that sent it');
  t.equal(alertsOf(a, '12315').length, opens, 'every opening recorded once');

  for (let i = 0; i < 5; i++) attempt(a, '12365', T0 + 80 * MIN + i * s, null);
  t.same(runAt(a, T0 + 81 * MIN), { opened: ['12365'], closed: [] }, 'another hotline of the same department');
  const texts = smsTo(a, HEAD).map((m) => m.text);
  t.equal(texts.length, 3, 'has its own text in the same hour');
  t.match(
    texts.find((x) => x.includes('12365')),
    /质监举报投诉中心（12365）近24小时转接15秒接通率为0\.0%（5次），低于95%/,
  );
});

t.test('running twice at the same instant changes nothing', async (t) => {
  const a = await app(t);
  for (let i = 0; i < 5; i++) attempt(a, '12315', T0 + i * s, null);
  t.same(runAt(a, T0 + MIN), { opened: ['12315'], closed: [] });
  t.same(runAt(a, T0 + MIN), { opened: [], closed: [] });
  t.equal(alertsOf(a, '12315').length, 1);
});
