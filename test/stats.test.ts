// Stats API, alerts and the monthly table over stored call records and transfer attempts.
import t from 'tap';
import { ticketApp, type TicketApp } from './support/ticket-app.js';
import { copyConfig } from './support/config-dir.js';

const s = 1_000_000;
const at = (iso: string) => Date.parse(iso) * 1000;

function seedCall(a: TicketApp, id: string) {
  a.db.prepare("INSERT INTO calls (id, caller, called, mode, started_us) VALUES (?, '13800138000', '12345', 'main', ?)").run(id, at('2026-11-30T09:00:00+08:00'));
}

function attempt(a: TicketApp, hotline: string, created: number, answerAfterS: number | null, result: string, endedAfterS = 60) {
  a.db
    .prepare('INSERT INTO transfer_attempts (call_id, hotline, kind, agent_id, created_us, answered_us, ended_us, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run('call-1', hotline, 'warm', '1001', created, answerAfterS === null ? null : created + answerAfterS * s, created + endedAfterS * s, result);
}

t.test('transfer answer rate: 20 attempts to 12315 answered after 1..20 s → 75.0%, alert and SMS to the head', async (t) => {
  const copy = copyConfig();
  copy.edit('routing.yaml', '{ id: market-regulation, name: 市市场监管局 }', '{ id: market-regulation, name: 市市场监管局, head_mobile: "13912345678" }');
  const a = await ticketApp(':memory:', copy.dir);
  t.teardown(async () => {
    await a.close();
    copy.remove();
  });
  seedCall(a, 'call-1');
  const base = at('2026-11-30T09:00:00+08:00');
  for (let i = 0; i < 20; i++) attempt(a, '12315', base + i * 120 * s, i + 1, 'answered');
  for (let i = 0; i < 6; i++) attempt(a, '12329', base + i * 120 * s, 2 + i, 'answered');
  a.at('2026-11-30T12:00:00+08:00');

  const r = await a.call('agent', 'GET', '/api/stats/transfer-answer-rate');
  t.equal(r.status, 200);
  t.equal(r.body.from, '2026-11-30T00:00:00+08:00', 'today by default');
  t.equal(r.body.items.length, 22, 'every parallel hotline is listed');
  t.match(r.body.items.find((i: any) => i.hotline === '12315'), { attempts: 20, cancelled: 0, counted: 20, answered_within_15s: 15, rate: 0.75, name: '消费者投诉举报热线' });
  t.match(r.body.items.find((i: any) => i.hotline === '12329'), { counted: 6, answered_within_15s: 6, rate: 1 });
  t.match(r.body.items.find((i: any) => i.hotline === '12333'), { attempts: 0, counted: 0, rate: null });
  const one = await a.call('agent', 'GET', '/api/stats/transfer-answer-rate?hotline=12315&by=day&from=2026-11-29T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00');
  t.same(one.body.items.map((i: any) => [i.period, i.rate]), [['2026-11-30', 0.75]]);

  t.same(a.alerts.run(new Date('2026-11-30T12:00:00+08:00')), { opened: ['12315'], closed: [] });
  t.same(a.alerts.run(new Date('2026-11-30T12:01:00+08:00')), { opened: [], closed: [] }, 'an open alert is not opened again');
  const list = await a.call('boss', 'GET', '/api/alerts');
  t.match(list.body.items, [{ subject: '12315', kind: 'transfer_rate_below_target', detail: { rate: 0.75, counted: 20 } }]);
  const sms = a.outbox.list({ limit: 10 }).filter((m) => m.kind === 'alert');
  t.same(sms.map((m) => m.to), ['13912345678']);
  t.match(sms[0]!.text, /消费者投诉举报热线（12315）近24小时转接15秒接通率为75\.0%（20次），低于95%/);

  // a day later the 24 h window holds only good answers: the alert closes
  for (let i = 0; i < 5; i++) attempt(a, '12315', at('2026-12-01T11:00:00+08:00') + i * s, 3, 'answered');
  t.same(a.alerts.run(new Date('2026-12-01T13:00:00+08:00')), { opened: [], closed: ['12315'] });
  t.same((await a.call('boss', 'GET', '/api/alerts')).body.items, []);
});

t.test('12345 service level over stored calls, per line, and the metrics', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const insert = a.db.prepare('INSERT INTO calls (id, caller, called, mode, line, started_us, queue_entered_us, agent_answered_us, queue_left_us, ended_us, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const q0 = at('2026-11-30T10:00:00+08:00');
  const calls: Array<[string, number | null, string]> = [['1', 3, 'answered'], ['1', 15, 'answered'], ['1', 16, 'answered'], ['2', 4, 'answered'], ['1', null, 'abandoned_queue'], ['9', 50, 'answered']];
  calls.forEach(([line, wait, outcome], i) => {
    const entered = q0 + i * 60 * s;
    insert.run(`c${i}`, '13800138000', '12345', 'main', line, entered - 10 * s, entered, wait === null ? null : entered + wait * s, entered + (wait ?? 20) * s, entered + 200 * s, outcome);
  });
  a.at('2026-11-30T12:00:00+08:00');
  const total = await a.call('boss', 'GET', '/api/stats/service-level');
  t.match(total.body, { offered: 6, answered: 5, answered_within_15s: 3, abandoned: 1, short_abandoned: 0, rate: 0.5 });
  const byLine = await a.call('boss', 'GET', '/api/stats/service-level?by=line');
  t.same(byLine.body.items.map((i: any) => [i.line, i.offered, i.answered_within_15s]).sort(), [['1', 4, 2], ['2', 1, 1], ['9', 1, 0]]);
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

t.test('the monthly department table as CSV for the office', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  a.at('2026-11-02T09:00:00+08:00');
  const x = (await a.call('agent', 'POST', '/api/tickets', { type: 'complaint', caller: '13800138000', content: '投诉', dispatch_to: 'market-regulation' })).body;
  await a.call('market', 'POST', `/api/tickets/${x.id}/sign`, { version: 2 });
  await a.call('market', 'POST', `/api/tickets/${x.id}/reply`, { version: 3, text: '已办' });
  await a.call('agent', 'POST', `/api/tickets/${x.id}/close`, { version: 4 });
  await a.call('agent', 'POST', `/api/tickets/${x.id}/follow-up`, { version: 5, satisfaction: 'satisfied' });
  await a.call('agent', 'POST', '/api/tickets', { type: 'complaint', caller: '13800138001', content: '投诉2', dispatch_to: 'market-regulation' });
  a.at('2026-12-01T09:00:00+08:00');
  const json = await a.call('boss', 'GET', '/api/reports/monthly?month=2026-11&format=json');
  t.match(json.body.items.find((r: any) => r.department === 'market-regulation'), { dispatched: 2, signed_on_time: 1, sign_on_time_rate: 0.5, resolved_on_time: 1, overdue_open: 1, satisfaction_rate: 1 });
  const csv = await a.call('boss', 'GET', '/api/reports/monthly?month=2026-11');
  t.equal(csv.status, 200);
  t.ok(String(csv.body).startsWith('\uFEFF部门,派单数,按时签收,签收及时率'), 'BOM and Chinese headings');
  t.match(String(csv.body), /市市场监管局,2,1,50\.0%,1,50\.0%,1,1,100\.0%,0,0,\r\n/);
  t.equal((await a.call('boss', 'GET', '/api/reports/monthly?month=2026-13')).body.field, 'querystring.month');
});
