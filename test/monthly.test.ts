// The monthly department table's on-time rates (docs/figures.md#on-time-rates) over the real
// ticket API and SQLite: a clock counts as on time or late only once it has ended; a ticket
// still within its deadline is "not yet due"; everything is judged at the injected clock.
import t from 'tap';
import ExcelJS from 'exceljs';
import { PASSWORD, ticketApp, type TicketApp } from './support/ticket-app.js';

const ms = (iso: string) => Date.parse(iso);

/** A complaint dispatched to 市市场监管局 at `iso`; returns its id. */
async function dispatchAt(a: TicketApp, iso: string): Promise<number> {
  a.at(iso);
  const r = await a.call('agent', 'POST', '/api/tickets', { type: 'complaint', caller: '13800138000', content: '投诉', dispatch_to: 'market-regulation' });
  if (r.status !== 201 && r.status !== 200) throw new Error(`create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as number;
}

async function act(a: TicketApp, iso: string, id: number, action: 'sign' | 'reply' | 'return', body: Record<string, unknown> = {}): Promise<void> {
  a.at(iso);
  const version = (a.db.prepare('SELECT version FROM tickets WHERE id = ?').get(id) as { version: number }).version;
  const r = await a.call('market', 'POST', `/api/tickets/${id}/${action}`, { version, ...body });
  if (r.status !== 200) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
}

const dues = (a: TicketApp, id: number) =>
  a.db.prepare('SELECT sign_due_ms, resolve_due_ms FROM tickets WHERE id = ?').get(id) as { sign_due_ms: number; resolve_due_ms: number };

async function market(a: TicketApp, month: string, iso: string) {
  a.at(iso);
  const r = await a.call('boss', 'GET', `/api/reports/monthly?month=${month}&format=json`);
  return { report: r.body, row: r.body.items.find((i: any) => i.department === 'market-regulation') };
}

t.test('in the middle of the month, tickets still within their deadlines are not yet due, not late', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  await dispatchAt(a, '2026-11-16T09:00:00+08:00');
  await dispatchAt(a, '2026-11-16T09:30:00+08:00');
  const { row, report } = await market(a, '2026-11', '2026-11-16T10:00:00+08:00');
  t.match(
    row,
    {
      dispatched: 2,
      signed_on_time: 0,
      sign_late: 0,
      sign_not_due: 2,
      sign_on_time_rate: null,
      resolve_not_due: 2,
      resolve_on_time_rate: null,
      overdue_open: 0,
    },
    'no rate yet: nothing has ended (the wall clock is weeks later)',
  );
  t.match(
    report,
    { window: { from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' }, as_of: '2026-11-16T10:00:00+08:00' },
    'the window and the instant judged at',
  );
  t.match(report.definitions.sign_on_time_rate, /未到期/);
  const later = await market(a, '2026-11', '2026-12-07T10:00:00+08:00');
  t.match(
    later.row,
    { sign_late: 2, sign_not_due: 0, sign_on_time_rate: 0, resolve_late: 2, resolve_on_time_rate: 0, overdue_open: 2 },
    'judged at a later instant: both deadlines passed unsigned',
  );
});

t.test('a sign deadline at the end of the morning (12:00): signed at 12:00:00.000 is on time', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  // Monday 14:00 + one working day (7 h: 14:00-17:30, then 08:30-12:00) = Tuesday 12:00
  const exact = await dispatchAt(a, '2026-11-16T14:00:00+08:00');
  const unsigned = await dispatchAt(a, '2026-11-16T14:00:00+08:00');
  const lunch = await dispatchAt(a, '2026-11-16T14:00:00+08:00');
  t.equal(dues(a, exact).sign_due_ms, ms('2026-11-17T12:00:00+08:00'), 'due at 12:00');
  await act(a, '2026-11-17T12:00:00.000+08:00', exact, 'sign');
  const atNoon = await market(a, '2026-11', '2026-11-17T12:00:00.000+08:00');
  t.match(atNoon.row, { signed_on_time: 1, sign_late: 0, sign_not_due: 2, sign_on_time_rate: 1 }, 'at 12:00:00.000 the unsigned ones are still not due');
  const justAfter = await market(a, '2026-11', '2026-11-17T12:00:00.001+08:00');
  t.match(
    justAfter.row,
    { signed_on_time: 1, sign_late: 2, sign_not_due: 0, sign_on_time_rate: 1 / 3 },
    'a millisecond later they are late, lunch break or not',
  );
  await act(a, '2026-11-17T13:00:00+08:00', lunch, 'sign');
  const after = await market(a, '2026-11', '2026-11-17T13:00:00+08:00');
  t.match(after.row, { signed_on_time: 1, sign_late: 2, sign_not_due: 0 }, 'signed during the lunch break, after 12:00: late');
  t.ok(unsigned > 0);
});

t.test('the resolve clock: a reply exactly at its deadline is on time, one after it late', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const onTime = await dispatchAt(a, '2026-11-02T09:00:00+08:00');
  const late = await dispatchAt(a, '2026-11-02T09:00:00+08:00');
  const due = dues(a, onTime).resolve_due_ms;
  for (const id of [onTime, late]) await act(a, '2026-11-02T10:00:00+08:00', id, 'sign');
  await act(a, new Date(due).toISOString(), onTime, 'reply', { text: '已办理' });
  await act(a, new Date(due + 1).toISOString(), late, 'reply', { text: '已办理' });
  const { row } = await market(a, '2026-11', '2026-11-30T12:00:00+08:00');
  t.match(row, { resolved_on_time: 1, resolve_late: 1, resolve_not_due: 0, resolve_on_time_rate: 0.5, signed_on_time: 2, sign_on_time_rate: 1 });
});

t.test('a return stops the clocks: within the deadline neither on time nor late; after it, late', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const early = await dispatchAt(a, '2026-11-16T09:00:00+08:00');
  const tooLate = await dispatchAt(a, '2026-11-16T09:00:00+08:00');
  await act(a, '2026-11-16T11:00:00+08:00', early, 'return', { reason: '不属于本部门职责' });
  await act(a, '2026-11-18T11:00:00+08:00', tooLate, 'return', { reason: '不属于本部门职责' });
  const { row } = await market(a, '2026-11', '2026-11-30T12:00:00+08:00');
  t.match(
    row,
    {
      dispatched: 2,
      returned: 2,
      signed_on_time: 0,
      sign_late: 1,
      sign_not_due: 0,
      sign_on_time_rate: 0,
      resolve_late: 0,
      resolve_not_due: 0,
      resolve_on_time_rate: null,
      overdue_open: 0,
    },
    'returned a day after its sign deadline: late to sign; its resolve clock stopped in time',
  );
});

t.test('month boundary: dispatched at 23:59:59.999 on the 30th is November; at 00:00 on the 1st, December', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  await dispatchAt(a, '2026-11-30T23:59:59.999+08:00');
  await dispatchAt(a, '2026-12-01T00:00:00.000+08:00');
  t.equal((await market(a, '2026-11', '2026-12-01T09:00:00+08:00')).row.dispatched, 1, 'November');
  t.equal((await market(a, '2026-12', '2026-12-01T09:00:00+08:00')).row.dispatched, 1, 'December');
});

t.test("the table's transfer columns read the same rule: a leg still ringing is not counted", async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const now = ms('2026-11-16T10:00:00+08:00');
  a.db.prepare("INSERT INTO calls (id, caller, called, mode, started_us) VALUES ('call-1', '13800138000', '12345', 'main', ?)").run(now * 1000 - 60_000_000);
  const insert = a.db.prepare(
    "INSERT INTO transfer_attempts (call_id, hotline, kind, agent_id, created_us, answered_us, ended_us, result) VALUES ('call-1', '12315', 'warm', '1001', ?, ?, ?, ?)",
  );
  insert.run(now * 1000 - 40_000_000, now * 1000 - 35_000_000, now * 1000 - 1_000_000, 'answered');
  insert.run(now * 1000 - 5_000_000, null, null, null);
  const { row } = await market(a, '2026-11', '2026-11-16T10:00:00+08:00');
  t.match(row, { transfers_counted: 1, transfers_within_15s: 1, transfers_ringing: 1, transfer_rate: 1 });
});

t.test('the .xlsx has the new columns, and its window and definitions on a second sheet', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  a.at('2026-12-01T09:00:00+08:00');
  const token = (await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'boss', password: PASSWORD } })).json().token;
  // read as bytes: the helper's a.call() would decode the ZIP as text
  const r = await a.app.inject({ method: 'GET', url: '/api/reports/monthly?month=2026-11&format=xlsx', headers: { authorization: `Bearer ${token}` } });
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(r.rawPayload as unknown as ExcelJS.Buffer);
  t.same(
    book.worksheets.map((s) => s.name),
    ['2026-11 部门月报', '统计口径'],
    'the table first, then the notes',
  );
  const headings = (book.worksheets[0]!.getRow(1).values as unknown[]).join(',');
  t.match(headings, /签收超时,签收未到期,签收及时率,按时办结,办结超时,办结未到期,办结及时率,退单/);
  const notes = book.getWorksheet('统计口径')!.getColumn(1).values.join('\n');
  t.match(notes, /统计区间：2026-11-01T00:00:00\+08:00 至 2026-12-01T00:00:00\+08:00/);
  t.match(notes, /签收及时率 = 按时签收 ÷（按时签收 \+ 签收超时）/);
  t.match(notes, /15秒接通率 = 15秒内接通 ÷ 计入/);
});
