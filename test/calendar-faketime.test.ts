// The real server (`npm start`) with its clock at 24 December 2026 under libfaketime, before any
// 2027 holiday data exists: a complaint is dispatched with a provisional 2027 deadline, and
// adding 2027 to calendar.yaml while it runs recomputes the deadline. The 2027 holidays below
// are made up for the test (1 and 4 January), not the State Council's schedule.
import t from 'tap';
import { copyConfig } from './support/config-dir.js';
import { startServerProcess, waitFor } from './support/server-process.js';
import { WorkingCalendar, formatShanghai, parseInstant } from '../src/calendar/index.js';

const MADE_UP_2027 = 'years:\n  "2027":\n    holidays: ["2027-01-01", "2027-01-04"]   # TEST DATA, not the real 2027 schedule\n    makeup_workdays: []';

t.test('on 24 December 2026 a complaint is dispatched with a provisional 2027 deadline, exact once 2027 is added', async (t) => {
  const copy = copyConfig();
  const server = await startServerProcess(copy.dir, {
    clockStartsAt: '2026-12-24T10:00:00+08:00',
    users: [
      { name: 'op', role: 'agent' },
      { name: 'root', role: 'admin', mobile: '13900000100' },
    ],
  });
  t.teardown(async () => {
    await server.stop();
    copy.remove();
  });

  const health = await (await server.as('root')).get('/api/health');
  t.match(health.body.calendar, { missing_year: 2027, provisional_now: true }, 'the server runs on the faked clock');
  t.match(health.body.warnings, [/no holiday data for 2027/]);

  await server.login('op');
  const created = await server.post('/api/tickets', { type: 'complaint', caller: '13800138000', content: '噪音扰民', dispatch_to: 'market-regulation' });
  t.equal(created.status, 201, 'dispatched, not 500 CTI_CALENDAR_NO_DATA');
  t.match(created.body, { status: 'dispatched', deadline_provisional: true, resolve_due_at: /^2027-01-/ });
  const dispatched = parseInstant(created.body.dispatched_at);
  t.ok(Math.abs(dispatched.getTime() - Date.parse('2026-12-24T10:00:00+08:00')) < 60_000, `dispatched at ${created.body.dispatched_at}`);
  const byWeekdays = new WorkingCalendar().clockEndDays(dispatched, 7);
  t.same({ due: created.body.resolve_due_at, provisional: true }, { due: formatShanghai(byWeekdays.at), provisional: byWeekdays.provisional });

  await server.login('root');
  t.match((await server.get('/api/admin/calendar')).body, { provisional_tickets: 1, coverage: { missing_year: 2027 } });
  const sms = (await server.get('/api/admin/sms-outbox?limit=50')).body.items.filter((m: any) => m.to_number === '13900000100');
  t.equal(sms.length, 1, 'the admin was told once, at start');
  t.match(sms[0].text, /尚无2027年节假日数据/);

  copy.edit('calendar.yaml', 'years: {}', MADE_UP_2027);
  await server.login('op');
  const { value: after } = await waitFor(
    'the recomputed deadline',
    async () => {
      const r = await server.get(`/api/tickets/${created.body.id}`);
      return r.body.deadline_provisional === false ? r.body : undefined;
    },
    10_000,
  );
  const exact = new WorkingCalendar({
    overrides: { years: { '2027': { holidays: ['2027-01-01', '2027-01-04'], makeupWorkdays: [] } }, dates: [] },
  }).clockEndDays(dispatched, 7);
  t.same(
    { due: after.resolve_due_at, provisional: after.deadline_provisional },
    { due: formatShanghai(exact.at), provisional: false },
    'recomputed on the added year',
  );
  t.not(after.resolve_due_at, created.body.resolve_due_at, 'the made-up holidays moved it');
  t.ok(after.events.some((e: any) => e.action === 'recompute_deadlines'));
  // the log line may trail the API answer on the server's stdout
  const logged = await waitFor(
    'the recomputation in the log',
    async () => server.logs.find((l) => l.msg === 'provisional ticket deadlines recomputed on the calendar in force'),
    5000,
  );
  t.match(logged.value, { checked: 1, changed: 1, stillProvisional: 0 }, 'and the server says so in its log');
});
