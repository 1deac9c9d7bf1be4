// Stats API, alerts and the monthly table over stored call records and transfer attempts.
import t, { type Test } from 'tap';
import { ticketApp, type TicketApp } from './support/ticket-app.js';
import { copyConfig } from './support/config-dir.js';
import { Figures, combinedCounts, seatsNeeded } from '../src/reports/index.js';

const s = 1_000_000;
const at = (iso: string) => Date.parse(iso) * 1000;

function seedCall(a: TicketApp, id: string) {
  a.db
    .prepare("INSERT INTO calls (id, caller, called, mode, started_us) VALUES (?, '13800138000', '12345', 'main', ?)")
    .run(id, at('2026-11-30T09:00:00+08:00'));
}

/** The app on a copy of the shipped config with one edit to routing.yaml, removed when the test ends. */
async function appWithRouting(t: Test, from: string, to: string): Promise<TicketApp> {
  const copy = copyConfig();
  copy.edit('routing.yaml', from, to);
  const a = await ticketApp(':memory:', copy.dir);
  t.teardown(async () => {
    await a.close();
    copy.remove();
  });
  return a;
}

function attempt(a: TicketApp, hotline: string, created: number, answerAfterS: number | null, result: string, endedAfterS = 60) {
  a.db
    .prepare('INSERT INTO transfer_attempts (call_id, hotline, kind, agent_id, created_us, answered_us, ended_us, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run('call-1', hotline, 'warm', '1001', created, answerAfterS === null ? null : created + answerAfterS * s, created + endedAfterS * s, result);
}

t.test('transfer answer rate: 20 attempts to 12315 answered after 1..20 s → 75.0%, alert and SMS to the head', async (t) => {
  const a = await appWithRouting(
    t,
    '{ id: market-regulation, name: 市市场监管局 }',
    '{ id: market-regulation, name: 市市场监管局, head_mobile: "13912345678" }',
  );
  seedCall(a, 'call-1');
  const base = at('2026-11-30T09:00:00+08:00');
  for (let i = 0; i < 20; i++) attempt(a, '12315', base + i * 120 * s, i + 1, 'answered');
  for (let i = 0; i < 6; i++) attempt(a, '12329', base + i * 120 * s, 2 + i, 'answered');
  a.at('2026-11-30T12:00:00+08:00');

  const r = await a.call('agent', 'GET', '/api/stats/transfer-answer-rate');
  t.equal(r.status, 200);
  t.equal(r.body.from, '2026-11-30T00:00:00+08:00', 'today by default');
  t.equal(r.body.items.length, 22, 'every parallel hotline is listed');
  t.match(
    r.body.items.find((i: any) => i.hotline === '12315'),
    { attempts: 20, cancelled: 0, counted: 20, answered_within_15s: 15, rate: 0.75, name: '消费者投诉举报热线' },
  );
  t.match(
    r.body.items.find((i: any) => i.hotline === '12329'),
    { counted: 6, answered_within_15s: 6, rate: 1 },
  );
  t.match(
    r.body.items.find((i: any) => i.hotline === '12333'),
    { attempts: 0, counted: 0, rate: null },
  );
  const one = await a.call(
    'agent',
    'GET',
    '/api/stats/transfer-answer-rate?hotline=12315&by=day&from=2026-11-29T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00',
  );
  t.same(
    one.body.items.map((i: any) => [i.period, i.rate]),
    [['2026-11-30', 0.75]],
  );
  const metrics = (await a.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.match(metrics, /^cti_transfer_answer_rate_24h\{hotline="12315"\} 0\.75$/m, 'the rate gauge, per hotline');
  t.match(metrics, /^cti_transfer_counted_24h\{hotline="12315"\} 20$/m, 'the count gauge, from the same reading');
  t.match(metrics, /^cti_transfer_counted_24h\{hotline="12329"\} 6$/m);
  t.notMatch(metrics, /^cti_transfer_answer_rate_24h\{hotline="12333"\}/m, 'no rate where nothing was counted');

  // the alerts run while those transfers are recent (within the 120 min quiet period)
  t.same(a.alerts.run(new Date('2026-11-30T10:00:00+08:00')), { opened: ['12315'], closed: [] });
  t.same(a.alerts.run(new Date('2026-11-30T10:01:00+08:00')), { opened: [], closed: [] }, 'an open alert is not opened again');
  const list = await a.call('boss', 'GET', '/api/alerts');
  t.match(list.body.items, [{ subject: '12315', kind: 'transfer_rate_below_target', detail: { rate: 0.75, counted: 20 } }]);
  const sms = a.outbox.list({ limit: 10 }).filter((m) => m.kind === 'alert');
  t.same(
    sms.map((m) => m.to),
    ['13912345678'],
  );
  t.match(sms[0]!.text, /消费者投诉举报热线（12315）近24小时转接15秒接通率为75\.0%（20次），低于95%/);

  // a day later the 24 h window holds only good answers: the alert closes
  for (let i = 0; i < 5; i++) attempt(a, '12315', at('2026-12-01T11:00:00+08:00') + i * s, 3, 'answered');
  t.same(a.alerts.run(new Date('2026-12-01T13:00:00+08:00')), { opened: [], closed: ['12315'] });
  t.same((await a.call('boss', 'GET', '/api/alerts')).body.items, []);
});

t.test('12345 service level over stored calls, per line, and the metrics', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const insert = a.db.prepare(
    'INSERT INTO calls (id, caller, called, mode, line, started_us, queue_entered_us, agent_answered_us, queue_left_us, ended_us, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const q0 = at('2026-11-30T10:00:00+08:00');
  const calls: Array<[string, number | null, string]> = [
    ['1', 3, 'answered'],
    ['1', 15, 'answered'],
    ['1', 16, 'answered'],
    ['2', 4, 'answered'],
    ['1', null, 'abandoned_queue'],
    ['9', 50, 'answered'],
  ];
  calls.forEach(([line, wait, outcome], i) => {
    const entered = q0 + i * 60 * s;
    insert.run(
      `c${i}`,
      '13800138000',
      '12345',
      'main',
      line,
      entered - 10 * s,
      entered,
      wait === null ? null : entered + wait * s,
      entered + (wait ?? 20) * s,
      entered + 200 * s,
      outcome,
    );
  });
  a.at('2026-11-30T12:00:00+08:00');
  const total = await a.call('boss', 'GET', '/api/stats/service-level');
  t.match(total.body, { offered: 6, answered: 5, answered_within_15s: 3, abandoned: 1, short_abandoned: 0, rate: 0.5 });
  const byLine = await a.call('boss', 'GET', '/api/stats/service-level?by=line');
  t.same(byLine.body.items.map((i: any) => [i.line, i.offered, i.answered_within_15s]).sort(), [
    ['1', 4, 2],
    ['2', 1, 1],
    ['9', 1, 0],
  ]);
  const line1 = await a.call('boss', 'GET', '/api/stats/service-level?line=1');
  t.match(line1.body, { offered: 4, rate: 0.5 });
  t.equal((await a.call('boss', 'GET', '/api/stats/service-level?from=2026-11-30T12:00:00%2B08:00&to=2026-11-30T11:00:00%2B08:00')).status, 400);
  const cap = await a.call('boss', 'GET', '/api/stats/capacity?from=2026-11-30T10:00:00%2B08:00&to=2026-11-30T11:00:00%2B08:00');
  t.match(cap.body, { calls_per_hour: 6, seats_configured: 12 });
  t.equal(typeof cap.body.seats_needed, 'number');
  const metrics = await a.app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /^cti_service_level_today 0\.5$/m);
  t.match(metrics.body, /^cti_queue_offered_today 6$/m);
  t.equal((await a.call('market', 'GET', '/api/stats/service-level')).status, 403, 'departments have no queue stats');
});

t.test('the capacity hint reads the last 60 minutes, not the day so far, and says what it rests on', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const insert = a.db.prepare(
    'INSERT INTO calls (id, caller, called, mode, line, started_us, queue_entered_us, agent_answered_us, queue_left_us, ended_us, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const call = (id: string, entered: string, answered: string | null, ended: string | null) =>
    insert.run(
      id,
      '13800138000',
      '12345',
      'main',
      '1',
      at(entered) - 5 * s,
      at(entered),
      answered && at(answered),
      answered && at(answered),
      ended && at(ended),
      answered ? 'answered' : null,
    );
  // the morning's calls are outside the window whatever their number
  for (let i = 0; i < 40; i++)
    call(`m${i}`, `2026-11-30T08:${String(i).padStart(2, '0')}:00+08:00`, `2026-11-30T08:${String(i).padStart(2, '0')}:05+08:00`, '2026-11-30T09:00:00+08:00');
  call('q2', '2026-11-30T09:58:00+08:00', '2026-11-30T10:00:30+08:00', '2026-11-30T10:04:30+08:00'); // answered in the window: 240 s talk
  call('q3', '2026-11-30T10:00:00+08:00', '2026-11-30T10:00:10+08:00', '2026-11-30T10:05:10+08:00'); // 300 s talk
  call('q4', '2026-11-30T10:30:00+08:00', '2026-11-30T10:30:05+08:00', null); // still talking
  call('q5', '2026-11-30T10:59:59+08:00', null, null); // still waiting
  call('q6', '2026-11-30T11:00:00+08:00', null, null); // the window ends before now
  a.at('2026-11-30T11:00:00+08:00');
  for (const id of ['w1', 'w2'])
    a.acd.enqueue({
      callId: id,
      queue: 'citizen',
      line: '1',
      priority: 5,
      enteredMs: Date.parse('2026-11-30T10:59:00+08:00'),
      caller: '13800138000',
      originHotline: null,
      department: null,
    });
  const cap = (await a.call('boss', 'GET', '/api/stats/capacity')).body;
  t.match(cap, {
    window: { from: '2026-11-30T10:00:00+08:00', to: '2026-11-30T11:00:00+08:00' },
    arrivals: 3,
    calls_per_hour: 3,
    answered: 3,
    talk_samples: 2,
    average_talk_s: 270,
    wrap_up_s: 15,
    average_handle_s: 285,
    waiting_now: 2,
    seats_configured: 12,
    seats_needed: seatsNeeded(3, 285, 15, 0.95),
    target: '95% / 15 s',
  });
  t.equal(
    cap.basis,
    '近60分钟（10:00–11:00）进入12345队列3通，折合每小时3.0通；坐席接听3通，平均通话270秒（2通已结束），加话后整理15秒，平均处理285秒；按Erlang C，95%来电15秒内接听需2名在岗坐席；当前排队2通。',
  );
  t.match(cap.definition, /近60分钟/);
});

t.test('the capacity window comes from routing.yaml', async (t) => {
  const a = await appWithRouting(t, 'capacity_window_min: 60', 'capacity_window_min: 30');
  a.db
    .prepare(
      "INSERT INTO calls (id, caller, called, mode, started_us, queue_entered_us) VALUES ('c1', '13800138000', '12345', 'main', ?, ?), ('c2', '13800138000', '12345', 'main', ?, ?)",
    )
    .run(at('2026-11-30T10:20:00+08:00'), at('2026-11-30T10:20:00+08:00'), at('2026-11-30T10:40:00+08:00'), at('2026-11-30T10:40:00+08:00'));
  a.at('2026-11-30T11:00:00+08:00');
  const cap = (await a.call('boss', 'GET', '/api/stats/capacity')).body;
  t.match(cap, { window: { from: '2026-11-30T10:30:00+08:00' }, arrivals: 1, calls_per_hour: 2, average_talk_s: null, average_handle_s: 195 });
  t.match(cap.basis, /近30分钟（10:30–11:00）进入12345队列1通，折合每小时2\.0通；坐席接听0通，其间无已结束的接听通话，通话时长按180秒估计/);
});

t.test('the monthly department table as CSV for the office', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  a.at('2026-11-02T09:00:00+08:00');
  const x = (await a.call('agent', 'POST', '/api/tickets', { type: 'complaint', caller: '13800138000', content: '投诉', dispatch_to: 'market-regulation' }))
    .body;
  await a.call('market', 'POST', `/api/tickets/${x.id}/sign`, { version: 2 });
  await a.call('market', 'POST', `/api/tickets/${x.id}/reply`, { version: 3, text: '已办' });
  await a.call('agent', 'POST', `/api/tickets/${x.id}/close`, { version: 4 });
  await a.call('agent', 'POST', `/api/tickets/${x.id}/follow-up`, { version: 5, satisfaction: 'satisfied' });
  await a.call('agent', 'POST', '/api/tickets', { type: 'complaint', caller: '13800138001', content: '投诉2', dispatch_to: 'market-regulation' });
  // transfers to the department's hotline: three in time, one late, one cancelled early, one in December
  seedCall(a, 'call-1');
  for (const [day, after, result] of [
    ['11-03', 3, 'answered'],
    ['11-10', 14, 'answered'],
    ['11-20', 15, 'answered'],
    ['11-21', 16, 'answered'],
    ['11-22', null, 'cancelled'],
    ['12-01', 2, 'answered'],
  ] as const) {
    attempt(a, '12315', at(`2026-${day}T10:00:00+08:00`), after, result, result === 'cancelled' ? 5 : 60);
  }
  a.at('2026-12-01T12:00:00+08:00');
  const json = await a.call('boss', 'GET', '/api/reports/monthly?month=2026-11&format=json');
  t.match(
    json.body.items.find((r: any) => r.department === 'market-regulation'),
    {
      dispatched: 2,
      signed_on_time: 1,
      sign_late: 1,
      sign_not_due: 0,
      sign_on_time_rate: 0.5,
      resolved_on_time: 1,
      resolve_late: 1,
      overdue_open: 1,
      satisfaction_rate: 1,
      transfers_counted: 4,
      transfers_within_15s: 3,
      transfer_rate: 0.75,
    },
  );
  const csv = await a.call('boss', 'GET', '/api/reports/monthly?month=2026-11');
  t.equal(csv.status, 200);
  t.ok(String(csv.body).startsWith('\uFEFF部门,派单数,按时签收,签收超时,签收未到期,签收及时率'), 'BOM and Chinese headings');
  t.match(String(csv.body), /市市场监管局,2,1,1,0,50\.0%,1,1,0,50\.0%,0,1,1,100\.0%,4,3,75\.0%\r\n/, 'the transfer columns too');
  t.match(
    String(csv.body),
    /\r\n\r\n统计区间：2026-11-01T00:00:00\+08:00 至 2026-12-01T00:00:00\+08:00（按派单时间、转接呼出时间）；统计时刻：2026-12-01T12:00:00\+08:00\r\n签收及时率 = /,
    'below the table: its window, the instant and each definition',
  );
  t.equal((await a.call('boss', 'GET', '/api/reports/monthly?month=2026-13')).body.field, 'querystring.month');
});

t.test('the reads by time range use indexes, so a scrape or a report grows with the range, not the archive', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const plan = (sql: string) => (a.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
  const queued = 'SELECT line, queue_entered_us, agent_answered_us, queue_left_us, outcome FROM calls WHERE queue_entered_us >= 1 AND queue_entered_us < 2';
  t.match(plan(queued), /USING (COVERING )?INDEX calls_by_queue_entry/, 'service levels: calls that entered the queue in the range');
  t.match(plan(`${queued} AND line = '1'`), /USING (COVERING )?INDEX calls_by_queue_entry/, 'and for one line');
  t.match(
    plan("SELECT hotline FROM transfer_attempts WHERE created_us >= 1 AND created_us < 2 AND kind IN ('warm', 'blind', 'three_way')"),
    /USING (COVERING )?INDEX transfer_attempts_by_created/,
    'transfer rates of every hotline',
  );
  t.match(
    plan('SELECT id, outcome, queue_entered_us FROM calls WHERE ended_us IS NULL AND hangup_cause IS NULL'),
    /USING INDEX calls_open/,
    'the open calls read at a restart',
  );
  t.match(
    plan(
      'SELECT count(ended_us) FROM calls WHERE queue_entered_us >= 1 - 86400000000 AND queue_entered_us < 2 AND agent_answered_us >= 1 AND agent_answered_us < 2',
    ),
    /USING INDEX calls_by_queue_entry/,
    "the capacity hint's answered calls",
  );
  t.match(
    plan('SELECT department_id, count(*) FROM tickets WHERE dispatched_ms >= 1 AND dispatched_ms < 2 AND department_id IS NOT NULL GROUP BY department_id'),
    /USING INDEX tickets_by_dispatch/,
    "the monthly table's month of tickets",
  );
});

t.test('the counts SQLite makes for the wallboard and /metrics equal serviceLevel() on the same rows', async (t) => {
  const a = await appWithRouting(t, 'short_abandon_s: 0', 'short_abandon_s: 5');
  const insert = a.db.prepare(
    'INSERT INTO calls (id, caller, called, mode, line, started_us, queue_entered_us, agent_answered_us, queue_left_us, outcome, hangup_cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const day = at('2026-11-30T00:00:00+08:00');
  const nowUs = at('2026-11-30T15:00:00+08:00');
  let seed = 12345;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed >>> 16) % n;
  };
  // every branch: answered in and past the target (15.000000 s exactly included), still waiting
  // under and over the target, short and long abandons, call-backs, no outcome yet, ended while
  // no controller was up (with and without an agent answer on record)
  for (let i = 0; i < 800; i++) {
    const entered = i < 790 ? day + rand(15 * 3600) * s + rand(1000) : nowUs - rand(20) * s;
    const kind = rand(6);
    const cause = rand(8) === 0 ? 'ENDED_WHILE_CONTROLLER_DOWN' : null;
    const wait = [rand(30) * s, 15 * s, 15 * s + 1][rand(3)]!;
    const answered = kind <= 1 ? entered + wait : null;
    const left = kind === 0 || kind === 1 ? answered : kind === 2 || kind === 3 ? entered + rand(12) * s : null;
    const outcome = kind <= 1 ? 'answered' : kind === 2 ? 'abandoned_queue' : kind === 3 ? 'callback' : kind === 4 ? null : 'abandoned_queue';
    insert.run(`q${i}`, '13800138000', '12345', 'main', '1', entered - s, entered, answered, left, outcome, cause);
  }
  a.at('2026-11-30T15:00:00+08:00');
  const figures = new Figures(
    a.db,
    () => a.config.routing,
    () => new Date(nowUs / 1000),
  );
  const range = { fromMs: day / 1000, toMs: nowUs / 1000 };
  const withoutWaits = ({ average_wait_s: _a, p90_wait_s: _p, line: _l, ...rest }: ReturnType<Figures['serviceLevels']>[number]) => rest;
  const [total] = figures.queueCounts(range);
  t.same(total, withoutWaits(figures.serviceLevels(range)[0]!), 'the day');
  t.ok(
    total!.pending > 0 && total!.short_abandoned > 0 && total!.abandoned > 0 && total!.answered_within_15s > 0 && total!.unknown > 0,
    'every branch was taken',
  );
  const byHour = (rows: Array<{ period: string }>) => [...rows].sort((x, y) => x.period.localeCompare(y.period));
  t.same(byHour(figures.queueCounts(range, 'hour')), byHour(figures.serviceLevels(range, { by: 'hour' }).map(withoutWaits)), 'each hour');
  const { period: _p, ...wholeDay } = total!;
  t.same(combinedCounts(figures.queueCounts(range, 'hour')), wholeDay, 'the hours add up to the day (as the wallboard shows it)');
  t.same(
    figures.queueCounts({ fromMs: day / 1000 - 86_400_000, toMs: day / 1000 }),
    [
      {
        period: 'total',
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
      },
    ],
    'a day with no calls',
  );
});

t.test('a call waiting exactly 15 s is pending in the SQL counts too; 15.000001 s is a miss', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const nowUs = at('2026-11-30T15:00:00+08:00');
  const insert = a.db.prepare(
    "INSERT INTO calls (id, caller, called, mode, line, started_us, queue_entered_us) VALUES (?, '13800138000', '12345', 'main', '1', ?, ?)",
  );
  insert.run('exact', nowUs - 20 * s, nowUs - 15 * s);
  insert.run('past', nowUs - 20 * s, nowUs - 15 * s - 1);
  const figures = new Figures(
    a.db,
    () => a.config.routing,
    () => new Date(nowUs / 1000),
  );
  const range = { fromMs: nowUs / 1000 - 60_000, toMs: nowUs / 1000 };
  t.match(figures.queueCounts(range)[0], { offered: 1, pending: 1, answered_within_15s: 0, rate: 0 });
  t.match(figures.serviceLevels(range)[0], { offered: 1, pending: 1, rate: 0 });
});

t.test('the transfer counts SQLite makes for the wallboard, /metrics and the alerts equal transferRates on the same rows', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  seedCall(a, 'call-1');
  const insert = a.db.prepare(
    'INSERT INTO transfer_attempts (call_id, hotline, kind, agent_id, created_us, answered_us, ended_us, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let seed = 2026;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed >>> 16) % n;
  };
  const base = at('2026-11-30T08:00:00+08:00');
  const results = ['answered', 'busy', 'no_answer', 'failed', 'cancelled', 'refused', null] as const;
  // hotlines outside the plan's parallel list too, and kinds the rate leaves out
  const hotlines = ['12315', '12329', '12333', '96110'];
  for (let i = 0; i < 600; i++) {
    const created = base + rand(4 * 3600) * s;
    const result = results[rand(results.length)]!;
    const after = [rand(30) * s, 15 * s, 15 * s + 1][rand(3)]!;
    const answered = result === 'answered' || (result === 'cancelled' && rand(4) === 0) ? created + after : null;
    const ended = rand(8) === 0 ? null : created + (answered === null ? after : after + 60 * s);
    insert.run('call-1', hotlines[rand(hotlines.length)], ['warm', 'blind', 'three_way', 'emergency'][rand(4)], '1001', created, answered, ended, result);
  }
  // legs still ringing at the moment of reading, the 15 s line exactly on both sides: 12348 rings
  // 15.000000 s (ringing) and 15.000001 s (a miss); 12349 is answered after exactly 15.000000 s
  // (within) and 15.000001 s (late); 12358 has legs ringing 2 s and 9 s
  const nowUs = at('2026-11-30T11:30:00+08:00');
  const ringingRow = (hotline: string, agoUs: number) => insert.run('call-1', hotline, 'warm', '1001', nowUs - agoUs, null, null, null);
  ringingRow('12348', 15 * s);
  ringingRow('12348', 15 * s + 1);
  insert.run('call-1', '12349', 'blind', '1001', nowUs - 60 * s, nowUs - 45 * s, null, 'answered');
  insert.run('call-1', '12349', 'blind', '1001', nowUs - 60 * s, nowUs - 45 * s + 1, null, 'answered');
  ringingRow('12358', 2 * s);
  ringingRow('12358', 9 * s);
  for (let i = 0; i < 40; i++) ringingRow(hotlines[rand(hotlines.length)]!, rand(30) * s + rand(1000));
  const range = { fromMs: at('2026-11-30T09:00:00+08:00') / 1000, toMs: nowUs / 1000 };
  const figures = new Figures(
    a.db,
    () => a.config.routing,
    () => new Date(nowUs / 1000),
  );
  const byHotline = <T extends { hotline: string }>(rows: T[]) => [...rows].sort((x, y) => x.hotline.localeCompare(y.hotline));
  const expected = figures.transferRates(range).map(({ answer_p50_s: _a, answer_p90_s: _b, period: _p, ...rest }) => rest);
  const counted = figures.transferCounts(range);
  t.same(byHotline(counted), byHotline(expected), 'every hotline, every count');
  const sum = (k: 'cancelled' | 'busy' | 'failed' | 'no_answer' | 'answered' | 'answered_within_15s' | 'attempts' | 'ringing') =>
    counted.reduce((n, r) => n + r[k], 0);
  t.ok(
    sum('cancelled') > 0 &&
      sum('busy') > 0 &&
      sum('failed') > 0 &&
      sum('no_answer') > 0 &&
      sum('answered_within_15s') > 0 &&
      sum('answered') > sum('answered_within_15s'),
    `every branch was taken (${JSON.stringify(counted.find((r) => r.hotline === '12315'))})`,
  );
  t.ok(
    counted.some((r) => r.hotline === '96110' && r.attempts > 0),
    'a hotline outside the parallel list is still counted, as transferRates counts it',
  );
  t.ok(sum('ringing') > 2, 'legs ringing under the target were left out');
  const one = (hotline: string) => counted.find((r) => r.hotline === hotline);
  t.match(
    one('12348'),
    { attempts: 2, ringing: 1, ringing_longest_s: 15, counted: 1, no_answer: 1, rate: 0 },
    'ringing exactly 15 s: ringing; 15.000001 s: a miss',
  );
  t.match(
    one('12349'),
    { attempts: 2, counted: 2, answered: 2, answered_within_15s: 1, rate: 0.5 },
    'answered after exactly 15.000000 s: within; 15.000001 s: late',
  );
  t.match(one('12358'), { attempts: 2, ringing: 2, ringing_longest_s: 9, counted: 0, rate: null, last_counted_us: null }, 'two legs ringing: no rate yet');
});
