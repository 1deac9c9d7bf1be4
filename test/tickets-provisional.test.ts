// Deadlines past the holiday data: computed by the weekday rule and flagged provisional (暂定),
// never refused; recomputed with their lights and reminders when the year is added; the admin
// sees the gap, the YAML to add and a check of it. The 2027 holidays used here are made up for
// the test (1 and 4 January) and are not the State Council's schedule.
import t, { type Test } from 'tap';
import { ticketApp, type TicketApp } from './support/ticket-app.js';
import { copyConfig } from './support/config-dir.js';
import { noticeCalendarGap } from '../src/tickets/index.js';

const MADE_UP_2027 = 'years:\n  "2027":\n    holidays: ["2027-01-01", "2027-01-04"]   # TEST DATA, not the real 2027 schedule\n    makeup_workdays: []';

async function appOnCopy(t: Test): Promise<{ a: TicketApp; copy: ReturnType<typeof copyConfig> }> {
  const copy = copyConfig();
  const a = await ticketApp(':memory:', copy.dir);
  t.teardown(async () => {
    await a.close();
    copy.remove();
  });
  return { a, copy };
}

const complaint = { type: 'complaint', caller: '13800138000', content: '噪音扰民', dispatch_to: 'market-regulation' };

t.test('a complaint dispatched on 24 December 2026 gets a provisional 2027 deadline, recomputed when 2027 is added', async (t) => {
  const { a, copy } = await appOnCopy(t);
  a.at('2026-12-24T10:00:00+08:00');
  const created = await a.call('agent', 'POST', '/api/tickets', complaint);
  t.equal(created.status, 201, 'dispatch is never refused for a year without data');
  t.match(created.body, {
    status: 'dispatched',
    sign_due_at: '2026-12-25T10:00:00+08:00',
    resolve_due_at: '2027-01-04T10:00:00+08:00', // Dec 25, 28–31, then Fri Jan 1 and Mon Jan 4 by the weekday rule
    deadline_provisional: true,
  });
  const signed = await a.call('market', 'POST', `/api/tickets/${created.body.id}/sign`, { version: created.body.version });
  t.equal(signed.status, 200);
  const consult = await a.call('agent', 'POST', '/api/tickets', { ...complaint, type: 'consultation' });
  t.match(consult.body, { resolve_due_at: '2026-12-29T10:00:00+08:00', deadline_provisional: false }, 'a clock ending within 2026 is exact');

  // the yellow light and its SMS come from the provisional deadline
  a.at('2027-01-04T09:30:00+08:00');
  t.same(
    a.tickets.sweep.run(new Date('2027-01-04T09:30:00+08:00')),
    { yellow: 1, red: 2 },
    'the complaint yellow, both clocks of the unsigned consultation red',
  );
  const yellowBefore = a.outbox.list({ limit: 50 }).filter((m) => m.kind === 'yellow' && m.ticketId === created.body.id);
  t.ok(yellowBefore.length > 0 && yellowBefore.every((m) => m.text.includes('01月04日10:00')));

  copy.edit('calendar.yaml', 'years: {}', MADE_UP_2027);
  const status = await a.app.config.reload();
  t.equal(status.state, 'ok');
  const after = await a.call('agent', 'GET', `/api/tickets/${created.body.id}`);
  t.match(
    after.body,
    { resolve_due_at: '2027-01-06T10:00:00+08:00', sign_due_at: '2026-12-25T10:00:00+08:00', deadline_provisional: false, light: 'green' },
    'Jan 1 and 4 are off now: Jan 5 and 6 instead; 8.5 working hours left is green again',
  );
  t.equal(after.body.version, signed.body.version, 'a recomputation is no action on the ticket: no version conflict for a clerk');
  const event = after.body.events.find((e: any) => e.action === 'recompute_deadlines');
  t.ok(event, 'the recomputation is in the ticket history');
  t.match(event.detail, { reason: 'calendar', provisional: { before: true, after: false } });
  t.equal(
    (await a.call('agent', 'GET', `/api/tickets/${consult.body.id}`)).body.events.filter((e: any) => e.action === 'recompute_deadlines').length,
    0,
    'exact deadlines are left alone',
  );

  // the reminders follow the new deadline: yellow again when it comes near, with its time
  a.at('2027-01-05T11:00:00+08:00');
  a.tickets.sweep.run(new Date('2027-01-05T11:00:00+08:00'));
  const yellowAfter = a.outbox.list({ limit: 50 }).filter((m) => m.kind === 'yellow' && m.ticketId === created.body.id && m.text.includes('01月06日10:00'));
  t.ok(yellowAfter.length > 0, 'a yellow reminder for the recomputed deadline');
  const again = a.tickets.recomputeProvisional(new Date('2027-01-05T11:00:00+08:00'));
  t.same(again, { checked: 0, changed: 0, stillProvisional: 0 }, 'nothing provisional is left');
});

t.test('an extension keeps the flag right, and a deadline still past the data stays provisional', async (t) => {
  const { a, copy } = await appOnCopy(t);
  a.at('2026-12-21T10:00:00+08:00');
  const created = await a.call('agent', 'POST', '/api/tickets', complaint);
  t.match(created.body, { resolve_due_at: '2026-12-30T10:00:00+08:00', deadline_provisional: false });
  const signed = await a.call('market', 'POST', `/api/tickets/${created.body.id}/sign`, { version: created.body.version });
  const asked = await a.call('market', 'POST', `/api/tickets/${created.body.id}/extension`, { version: signed.body.version, days: 5, reason: '需现场核查' });
  t.equal(asked.status, 200);
  const request = (await a.call('boss', 'GET', `/api/tickets/${created.body.id}`)).body.extension_requests[0];
  const decided = await a.call('boss', 'POST', `/api/tickets/${created.body.id}/extension/decision`, {
    version: asked.body.version,
    request_id: request.id,
    approve: true,
  });
  t.match(decided.body, { resolve_due_at: '2027-01-06T10:00:00+08:00', deadline_provisional: true }, '7 + 5 working days reach into 2027');
  copy.edit('calendar.yaml', 'years: {}', 'years:\n  "2028":\n    holidays: []\n    makeup_workdays: []   # TEST DATA');
  await a.app.config.reload();
  t.match((await a.call('boss', 'GET', `/api/tickets/${created.body.id}`)).body, { deadline_provisional: true }, 'data for another year changes nothing');
  t.same(a.tickets.recomputeProvisional(new Date()), { checked: 1, changed: 0, stillProvisional: 1 });
});

t.test('the admin sees the gap, the YAML to add and an example, and can check pasted YAML', async (t) => {
  const { a } = await appOnCopy(t);
  a.at('2026-12-07T10:00:00+08:00');
  const c = await a.call('admin', 'GET', '/api/admin/calendar');
  t.equal(c.status, 200);
  t.match(c.body, {
    this_year: 2026,
    this_year_covered: true,
    next_year_covered: false,
    provisional_tickets: 0,
    coverage: {
      missing_year: 2027,
      data_until: '2026-12-31',
      provisional_from: '2027-01-01',
      deadlines_provisional_after: '2026-12-23T08:30:00+08:00', // the longest clock, 7 working days, then ends on Dec 31 17:30
      provisional_now: false,
      warn_from: '2026-11-23T08:30:00+08:00',
    },
  });
  t.match(c.body.coverage.action, /2027/);
  t.match(c.body.template_yaml, /"2027":\n/);
  t.match(c.body.example_yaml, /"2026":\n {4}holidays:\n {6}# 元旦\n {6}- "2026-01-01"/);
  t.match(c.body.example_yaml, /makeup_workdays:\n {6}# 元旦\n {6}- "2026-01-04"/);

  const good = await a.call('admin', 'POST', '/api/admin/calendar/check', { yaml: MADE_UP_2027 });
  t.match(good.body, {
    ok: true,
    issues: [],
    years: [{ year: 2027, holidays_listed: 2, weekdays_off: ['2027-01-01（周五）', '2027-01-04（周一）'], makeup_workdays: [], replaces: null }],
  });
  t.same(good.body.years[0].warnings, [], 'January dates: nothing looks wrong');
  const noSpring = await a.call('admin', 'POST', '/api/admin/calendar/check', {
    yaml: 'years:\n  "2027":\n    holidays: ["2027-10-01"]\n    makeup_workdays: []',
  });
  t.match(noSpring.body.years[0].warnings, [/1、2 月/], 'a year without a Spring Festival looks wrong');
  const example = await a.call('admin', 'POST', '/api/admin/calendar/check', { yaml: c.body.example_yaml });
  t.match(
    example.body,
    {
      ok: true,
      years: [
        {
          year: 2026,
          replaces: 'chinese-days',
          makeup_workdays: ['2026-01-04（周日）', '2026-02-14（周六）', '2026-02-28（周六）', '2026-05-09（周六）', '2026-09-20（周日）', '2026-10-10（周六）'],
        },
      ],
    },
    'the example passes its own check',
  );

  const bad = await a.call('admin', 'POST', '/api/admin/calendar/check', {
    yaml: 'years:\n  "2027":\n    holidays: ["2027-02-30"]\n    makeup_workdays: ["2027-01-05"]\n',
  });
  t.match(bad.body, {
    ok: false,
    issues: [
      { line: 3, path: 'years.2027.holidays[0]', message: /not a date/ },
      { line: 4, path: 'years.2027.makeup_workdays[0]', message: /weekday/ },
    ],
  });
  const broken = await a.call('admin', 'POST', '/api/admin/calendar/check', { yaml: 'years:\n  "2027": [\n' });
  t.match(broken.body, { ok: false, issues: [{ message: /YAML syntax/ }] });
  t.equal((await a.call('agent', 'POST', '/api/admin/calendar/check', { yaml: '' })).status, 403, 'admins only');
  t.match((await a.call('admin', 'POST', '/api/admin/calendar/check', {})).body, { error: 'CTI_BAD_REQUEST', field: 'body.yaml' });
});

t.test('/api/health names the gap from 30 days before deadlines reach it', async (t) => {
  const { a } = await appOnCopy(t);
  a.at('2026-11-23T08:29:59+08:00');
  const early = await a.call('admin', 'GET', '/api/health');
  t.match(early.body, { calendar: { missing_year: 2027, provisional_now: false }, warnings: [] });
  a.at('2026-11-23T08:30:00+08:00');
  const due = await a.call('admin', 'GET', '/api/health');
  t.match(due.body.warnings, [/calendar: no holiday data for 2027 .*dispatched after 2026-12-23T08:30:00\+08:00/]);
  a.at('2026-12-24T10:00:00+08:00');
  t.match((await a.call('admin', 'GET', '/api/health')).body, { calendar: { provisional_now: true }, warnings: [/are provisional now/] });
  t.same((await a.call(null, 'GET', '/healthz')).body, { status: 'degraded' }, 'the public answer names none of it');
});

t.test('the admins are told by SMS once, from 30 days before deadlines reach the gap', async (t) => {
  const { a } = await appOnCopy(t);
  const notice = (iso: string) =>
    noticeCalendarGap({ coverage: () => a.tickets.coverage(new Date(iso)), sms: a.outbox, adminMobiles: () => ['13900000100'] }, new Date(iso));
  t.same(notice('2026-11-23T08:29:59+08:00'), { due: false, queued: 0 });
  t.same(notice('2026-11-23T08:30:00+08:00'), { due: true, queued: 1 });
  t.same(notice('2026-12-01T10:00:00+08:00'), { due: true, queued: 0 }, 'once per year and admin');
  const sms = a.outbox.list({ limit: 10 }).filter((m) => m.to === '13900000100');
  t.equal(sms.length, 1);
  t.match(sms[0]!.text, /尚无2027年节假日数据：2026-12-23 08:30后派发的工单时限将按周一至周五暂定计算/);
});
