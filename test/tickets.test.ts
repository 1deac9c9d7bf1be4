// Ticket lifecycle, clocks, lights, reminders, roles and privacy, through the HTTP API on
// real SQLite, with the clock under the test's control.
import t from 'tap';
import { ticketApp, type TicketApp } from './support/ticket-app.js';

const complaint = { type: 'complaint', caller: '13800138000', caller_name: '张先生', content: '超市出售过期食品', classification: '食品安全' };

async function fresh(t: { teardown(fn: () => unknown): void }): Promise<TicketApp> {
  const a = await ticketApp();
  t.teardown(() => a.close());
  return a;
}

async function dispatched(a: TicketApp, at: string, body: object = complaint, department = 'market-regulation') {
  a.at(at);
  const r = await a.call('agent', 'POST', '/api/tickets', { ...body, dispatch_to: department });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body;
}

t.test('the whole lifecycle, with clocks from the working calendar', async (t) => {
  const a = await fresh(t);
  a.at('2026-11-30T15:00:00+08:00'); // Monday
  const created = await a.call('agent', 'POST', '/api/tickets', { ...complaint, type: 'consultation' });
  t.equal(created.status, 201);
  t.match(created.body, { status: 'created', status_name: '已受理', type_name: '咨询', caller: '13800138000', version: 1, sign_due_at: null });
  const id = created.body.id;

  const d = await a.call('agent', 'POST', `/api/tickets/${id}/dispatch`, { version: 1, department: 'market-regulation' });
  t.equal(d.status, 200);
  t.match(d.body, {
    status: 'dispatched',
    department: 'market-regulation',
    department_name: '市市场监管局',
    dispatched_at: '2026-11-30T15:00:00+08:00',
    sign_due_at: '2026-12-01T15:00:00+08:00', // 1 working day
    resolve_due_at: '2026-12-03T15:00:00+08:00', // consultation: 3 working days
    light: 'green',
    version: 2,
  });

  a.at('2026-12-01T09:00:00+08:00');
  const signed = await a.call('market', 'POST', `/api/tickets/${id}/sign`, { version: 2 });
  t.match(signed.body, { status: 'signed', signed_at: '2026-12-01T09:00:00+08:00', lights: { sign: null, resolve: 'green' } });
  t.same(signed.body.allowed_actions, ['return', 'reply', 'request_extension']);
  const replied = await a.call('market', 'POST', `/api/tickets/${id}/reply`, { version: 3, text: '已责令超市下架并处罚' });
  t.match(replied.body, { status: 'replied', reply_text: '已责令超市下架并处罚', light: 'green', lights: { sign: null, resolve: null } });
  const closed = await a.call('agent', 'POST', `/api/tickets/${id}/close`, { version: 4 });
  t.equal(closed.body.status, 'closed');
  const visited = await a.call('agent', 'POST', `/api/tickets/${id}/follow-up`, { version: 5, satisfaction: 'satisfied' });
  t.match(visited.body, { status: 'visited', satisfaction: 'satisfied', version: 6 });

  const detail = await a.call('agent', 'GET', `/api/tickets/${id}`);
  t.same(
    detail.body.events.map((e: any) => [e.action, e.from_status, e.to_status]),
    [
      ['create', null, 'created'],
      ['dispatch', 'created', 'dispatched'],
      ['sign', 'dispatched', 'signed'],
      ['reply', 'signed', 'replied'],
      ['close', 'replied', 'closed'],
      ['follow_up', 'closed', 'visited'],
    ],
  );
  t.equal(detail.body.events[2].at, '2026-12-01T09:00:00+08:00');
  t.ok(
    detail.body.events.every((e: any) => typeof e.actor_id === 'number'),
    'every event names its actor',
  );
  t.throws(() => a.db.prepare('UPDATE ticket_events SET action = ? WHERE id = 1').run('x'), /append-only/);
});

t.test('complaints get 7 working days; holidays and make-up days count exactly', async (t) => {
  const a = await fresh(t);
  const x = await dispatched(a, '2026-09-30T15:00:00+08:00');
  t.equal(x.sign_due_at, '2026-10-08T15:00:00+08:00', 'National Day week skipped');
  t.equal(x.resolve_due_at, '2026-10-15T15:00:00+08:00', 'the make-up Saturday 10-10 counts');
  const y = await dispatched(a, '2026-02-13T16:00:00+08:00');
  t.equal(y.sign_due_at, '2026-02-14T16:00:00+08:00', 'make-up Saturday is a working day');
  const z = await dispatched(a, '2026-11-28T10:00:00+08:00'); // Saturday
  t.equal(z.sign_due_at, '2026-11-30T17:30:00+08:00', 'dispatched on Saturday: due at the end of the next working day');
});

t.test('lights at the instant of the request: green, yellow within 2 working hours, red when overdue', async (t) => {
  const a = await fresh(t);
  const x = await dispatched(a, '2026-09-30T15:00:00+08:00'); // sign due 2026-10-08 15:00
  const light = async (at: string) => {
    a.at(at);
    return (await a.call('agent', 'GET', `/api/tickets/${x.id}`)).body.lights.sign;
  };
  t.equal(await light('2026-10-05T12:00:00+08:00'), 'green', 'holiday: no working time passes');
  t.equal(await light('2026-10-08T10:59:00+08:00'), 'green', '2 h 1 min left');
  t.equal(await light('2026-10-08T11:00:00+08:00'), 'yellow', 'exactly 2 working hours left (1 h before lunch, 1 h after)');
  t.equal(await light('2026-10-08T12:30:00+08:00'), 'yellow', 'lunch break');
  t.equal(await light('2026-10-08T15:00:00+08:00'), 'yellow', 'at the deadline itself');
  t.equal(await light('2026-10-08T15:00:01+08:00'), 'red', 'past the deadline');
  const reds = await a.call('agent', 'GET', '/api/tickets?light=red');
  t.same(
    reds.body.items.map((i: any) => i.id),
    [x.id],
    'the list filter uses the same rule',
  );
  const summary = await a.call('agent', 'GET', '/api/tickets/summary');
  t.same(summary.body.open_by_light, { green: 0, yellow: 0, red: 1 });
});

t.test('the sweep records each light change once and queues one reminder each, across restarts', async (t) => {
  const a = await fresh(t);
  const x = await dispatched(a, '2026-11-30T09:00:00+08:00'); // sign due 12-01 09:00; resolve (7 d) 12-09 09:00
  const dispatchSms = a.outbox.list({ limit: 50 }).filter((m) => m.kind === 'dispatch');
  t.same(dispatchSms.map((m) => m.to).sort(), ['13900000001', '13900000002'], 'dispatch SMS to the department handlers');
  t.match(dispatchSms[0]!.text, /新工单#\d+（投诉），请于12月01日09:00前签收/);

  t.same(a.tickets.sweep.run(new Date('2026-11-30T15:59:00+08:00')), { yellow: 0, red: 0 }, '2 h 1 min left (1 h 31 min today, 30 min tomorrow)');
  t.same(a.tickets.sweep.run(new Date('2026-11-30T16:00:00+08:00')), { yellow: 1, red: 0 }, 'exactly 2 working hours left');
  t.same(a.tickets.sweep.run(new Date('2026-12-01T08:00:00+08:00')), { yellow: 0, red: 0 }, 'already yellow');
  t.same(a.tickets.sweep.run(new Date('2026-12-01T09:00:01+08:00')), { yellow: 0, red: 1 });
  t.same(a.tickets.sweep.run(new Date('2026-12-01T09:01:00+08:00')), { yellow: 0, red: 0 });

  const changes = a.db.prepare('SELECT clock, light, at_ms FROM ticket_light_changes WHERE ticket_id = ? ORDER BY id').all(x.id);
  t.same(
    changes.map((c: any) => `${c.clock}:${c.light}`),
    ['sign:yellow', 'sign:red'],
  );
  const reminders = () => a.outbox.list({ limit: 50 }).filter((m) => m.kind === 'yellow' || m.kind === 'red');
  t.same(
    reminders()
      .map((m) => `${m.kind}:${m.to}`)
      .sort(),
    ['red:13900000001', 'red:13900000002', 'red:13900000009', 'yellow:13900000001', 'yellow:13900000002'],
  );

  // a restart: a new area over the same database, and the light column cleared as if lost
  a.db.prepare("UPDATE tickets SET light_sign = 'green'").run();
  const { createTicketArea } = await import('../src/tickets/index.js');
  const { ConfigWatcher } = await import('../src/config/index.js');
  const { UserStore } = await import('../src/auth/index.js');
  const pino = (await import('pino')).default;
  const again = createTicketArea({
    db: a.db,
    config: new ConfigWatcher(a.config, pino({ level: 'silent' }), {}),
    users: new UserStore(a.db),
    sms: a.outbox,
    attachmentsDir: '/tmp',
    now: () => new Date(),
  });
  t.same(again.sweep.run(new Date('2026-12-01T09:02:00+08:00')), { yellow: 0, red: 1 }, 'the light is set again');
  t.equal(reminders().length, 5, 'but no reminder is queued twice');
  t.equal((a.db.prepare('SELECT count(*) AS n FROM ticket_light_changes').get() as any).n, 2, 'nor a change recorded twice');
});

t.test('illegal transitions get 409 with the state and the allowed actions; roles get 403', async (t) => {
  const a = await fresh(t);
  const created = (await a.call('agent', 'POST', '/api/tickets', complaint)).body;
  const early = await a.call('market', 'POST', `/api/tickets/${created.id}/sign`, { version: 1 });
  t.equal(early.status, 403, 'a department cannot see an undispatched ticket');
  const x = await dispatched(a, '2026-11-30T10:00:00+08:00');
  const wrong = await a.call('agent', 'POST', `/api/tickets/${x.id}/close`, { version: 2 });
  t.equal(wrong.status, 409);
  t.match(wrong.body, { error: 'CTI_TICKET_ILLEGAL_TRANSITION', detail: { current_state: 'dispatched', allowed_actions: [] } });
  t.match(wrong.body.message, /已派单.*不能办结/);
  const byBoss = await a.call('boss', 'POST', `/api/tickets/${x.id}/reply`, { version: 2, text: 'x' });
  t.equal(byBoss.status, 403);
  t.match(byBoss.body, { error: 'CTI_TICKET_FORBIDDEN', detail: { needed: ['dept_handler', 'dept_head'] } });
  const handlerDispatch = await a.call('market', 'POST', '/api/tickets', complaint);
  t.equal(handlerDispatch.status, 403, 'departments do not register tickets');
  const stateForBoss = await a.call('boss', 'POST', `/api/tickets/${x.id}/follow-up`, { version: 2, satisfaction: 'satisfied' });
  t.same(stateForBoss.body.detail, { current_state: 'dispatched', allowed_actions: ['supervise'] });
});

t.test('two clerks sign at once: one wins, the other gets 409, nothing half-written', async (t) => {
  const a = await fresh(t);
  const x = await dispatched(a, '2026-11-30T10:00:00+08:00');
  const [r1, r2] = await Promise.all([
    a.call('market', 'POST', `/api/tickets/${x.id}/sign`, { version: 2 }),
    a.call('market2', 'POST', `/api/tickets/${x.id}/sign`, { version: 2 }),
  ]);
  t.same([r1.status, r2.status].sort(), [200, 409]);
  const loser = r1.status === 409 ? r1 : r2;
  t.match(loser.body, { error: 'CTI_TICKET_VERSION_CONFLICT', detail: { current_version: 3 } });
  const events = (await a.call('agent', 'GET', `/api/tickets/${x.id}`)).body.events;
  t.equal(events.filter((e: any) => e.action === 'sign').length, 1);
  const stale = await a.call('market', 'POST', `/api/tickets/${x.id}/return`, { version: 2, reason: '不属于本部门职责' });
  t.equal(stale.status, 409, 'a stale version is refused even when the action is allowed');
});

t.test('return, re-dispatch and arbitration restart the clocks in a new cycle', async (t) => {
  const a = await fresh(t);
  const x = await dispatched(a, '2026-11-30T10:00:00+08:00');
  a.at('2026-11-30T11:00:00+08:00');
  const noReason = await a.call('market', 'POST', `/api/tickets/${x.id}/return`, { version: 2 });
  t.equal(noReason.status, 400);
  t.equal(noReason.body.field, 'body.reason');
  const returned = await a.call('market', 'POST', `/api/tickets/${x.id}/return`, { version: 2, reason: '应由公积金中心办理' });
  t.match(returned.body, { status: 'returned', light: 'green', lights: { sign: null, resolve: null } });
  t.same(returned.body.allowed_actions, []);
  a.at('2026-11-30T14:00:00+08:00');
  const again = await a.call('agent', 'POST', `/api/tickets/${x.id}/dispatch`, { version: 3, department: 'housing-fund' });
  t.match(
    again.body,
    { status: 'dispatched', department: 'housing-fund', sign_due_at: '2026-12-01T12:00:00+08:00' },
    '3.5 h today + 3.5 h tomorrow ends at noon, not 14:00',
  );
  t.equal((await a.call('market', 'GET', `/api/tickets/${x.id}`)).status, 403, 'the old department no longer sees it');
  const back = await a.call('fund', 'POST', `/api/tickets/${x.id}/return`, { version: 4, reason: '不属于本部门' });
  t.equal(back.status, 200);
  const ruled = await a.call('boss', 'POST', `/api/tickets/${x.id}/arbitrate`, { version: 5, ruling: '经仲裁，由公积金中心办理' });
  t.match(ruled.body, { status: 'dispatched', department: 'housing-fund' });
  const cycle = a.db.prepare('SELECT cycle FROM tickets WHERE id = ?').pluck().get(x.id);
  t.equal(cycle, 3);
  const unknownDept = await a.call('agent', 'POST', '/api/tickets', { ...complaint, dispatch_to: 'nowhere' });
  t.equal(unknownDept.status, 400);
  t.match(unknownDept.body, { error: 'CTI_TICKET_BAD_INPUT', detail: { field: 'department' } });
  t.equal(a.db.prepare('SELECT count(*) FROM tickets').pluck().get() as number, 1, 'the refused create left nothing behind');
});

t.test('extension: request, approve (resolve clock longer), deny', async (t) => {
  const a = await fresh(t);
  const x = await dispatched(a, '2026-11-30T10:00:00+08:00'); // resolve due 12-09 10:00
  t.equal(x.resolve_due_at, '2026-12-09T10:00:00+08:00');
  await a.call('market', 'POST', `/api/tickets/${x.id}/sign`, { version: 2 });
  const req = await a.call('market', 'POST', `/api/tickets/${x.id}/extension`, { version: 3, days: 2, reason: '需现场核查' });
  t.equal(req.status, 200);
  const twice = await a.call('market', 'POST', `/api/tickets/${x.id}/extension`, { version: 4, days: 1, reason: '再延' });
  t.equal(twice.status, 409, 'one pending request at a time');
  const requestId = (await a.call('boss', 'GET', `/api/tickets/${x.id}`)).body.extension_requests[0].id;
  const byHandler = await a.call('market', 'POST', `/api/tickets/${x.id}/extension/decision`, { version: 4, request_id: requestId, approve: true });
  t.equal(byHandler.status, 403, 'a department cannot approve its own extension');
  const ok = await a.call('boss', 'POST', `/api/tickets/${x.id}/extension/decision`, { version: 4, request_id: requestId, approve: true });
  t.match(ok.body, { extension_days: 2, resolve_due_at: '2026-12-11T10:00:00+08:00' });
  await a.call('market', 'POST', `/api/tickets/${x.id}/extension`, { version: 5, days: 3, reason: '还需协调' });
  const second = (await a.call('boss', 'GET', `/api/tickets/${x.id}`)).body.extension_requests[1].id;
  const no = await a.call('boss', 'POST', `/api/tickets/${x.id}/extension/decision`, { version: 6, request_id: second, approve: false, note: '不予延期' });
  t.match(no.body, { extension_days: 2, resolve_due_at: '2026-12-11T10:00:00+08:00' });
  const statuses = (await a.call('boss', 'GET', `/api/tickets/${x.id}`)).body.extension_requests.map((r: any) => r.status);
  t.same(statuses, ['approved', 'denied']);
});

t.test('supervision raises priority and tells the department head; reopen after a dissatisfied follow-up', async (t) => {
  const a = await fresh(t);
  const x = await dispatched(a, '2026-11-30T10:00:00+08:00');
  const s = await a.call('boss', 'POST', `/api/tickets/${x.id}/supervise`, { version: 2, note: '群众多次来电' });
  t.match(s.body, { priority: 1, status: 'dispatched' });
  const sms = a.outbox.list({ limit: 50 }).filter((m) => m.kind === 'supervision');
  t.same(sms.map((m) => m.to).sort(), ['13900000001', '13900000002', '13900000009']);
  t.match(sms[0]!.text, /被督办：群众多次来电/);
  await a.call('market', 'POST', `/api/tickets/${x.id}/sign`, { version: 3 });
  await a.call('market', 'POST', `/api/tickets/${x.id}/reply`, { version: 4, text: '已处理' });
  await a.call('agent', 'POST', `/api/tickets/${x.id}/close`, { version: 5 });
  await a.call('agent', 'POST', `/api/tickets/${x.id}/follow-up`, { version: 6, satisfaction: 'dissatisfied' });
  a.at('2026-12-02T10:00:00+08:00');
  const reopened = await a.call('boss', 'POST', `/api/tickets/${x.id}/reopen`, { version: 7, reason: '群众不满意，重办' });
  t.match(reopened.body, { status: 'dispatched', satisfaction: null, reply_text: null, sign_due_at: '2026-12-03T10:00:00+08:00' });
});

t.test('departments see only their tickets, callers masked, confidential callers hidden, full reads audited', async (t) => {
  const a = await fresh(t);
  const open = await dispatched(a, '2026-11-30T10:00:00+08:00');
  const secret = await dispatched(a, '2026-11-30T10:05:00+08:00', { ...complaint, confidential: true });
  const other = await dispatched(a, '2026-11-30T10:10:00+08:00', complaint, 'housing-fund');

  const list = await a.call('market', 'GET', '/api/tickets?department=housing-fund');
  t.same(list.body.items.map((i: any) => i.id).sort(), [open.id, secret.id].sort(), 'the department filter is forced to their own');
  const mine = list.body.items.find((i: any) => i.id === open.id);
  t.match(mine, { caller: '138****8000', caller_masked: true, caller_name: null });
  t.equal(list.body.items.find((i: any) => i.id === secret.id).caller, null);
  t.equal((await a.call('market', 'GET', `/api/tickets/${other.id}`)).status, 403);
  t.equal((await a.call('market', 'POST', `/api/tickets/${other.id}/sign`, { version: 2 })).status, 403);
  t.equal((await a.call('agent', 'GET', `/api/tickets/${open.id}`)).body.caller, '13800138000', 'agents see the number');

  const full = await a.call('market', 'GET', `/api/tickets/${open.id}/caller`);
  t.same(full.body, { caller: '13800138000', caller_name: '张先生' });
  t.equal((await a.call('market', 'GET', `/api/tickets/${secret.id}/caller`)).status, 403);
  const audit = a.db.prepare("SELECT user_id, action, subject FROM audit_log WHERE action = 'ticket.caller_read'").all();
  const marketId = a.db.prepare("SELECT id FROM users WHERE username = 'market'").pluck().get();
  t.same(audit, [{ user_id: marketId, action: 'ticket.caller_read', subject: `ticket:${open.id}` }]);
  t.equal((await a.call('market', 'GET', '/api/callers/13800138000/history')).status, 403, 'no caller history for departments');
});

t.test('bad input names the field; no token is 401; public intake needs none', async (t) => {
  const a = await fresh(t);
  const bad = await a.call('agent', 'POST', '/api/tickets', { ...complaint, caller: 'abc' });
  t.same([bad.status, bad.body.error, bad.body.field], [400, 'CTI_BAD_REQUEST', 'body.caller']);
  const { content: _c, ...noContent } = complaint;
  t.equal((await a.call('agent', 'POST', '/api/tickets', noContent)).body.field, 'body.content');
  t.equal((await a.call('agent', 'POST', '/api/tickets', { ...complaint, type: 'gossip' })).body.field, 'body.type');
  t.equal((await a.call('agent', 'GET', '/api/tickets?light=purple')).body.field, 'querystring.light');
  t.equal((await a.call('agent', 'GET', '/api/tickets/999')).status, 404);
  t.equal((await a.call(null, 'GET', '/api/tickets')).status, 401);
  const intake = await a.call(null, 'POST', '/api/intake', { channel: 'wechat', caller: '13700001111', content: '路灯不亮' });
  t.equal(intake.status, 201);
  const seen = await a.call('agent', 'GET', `/api/tickets/${intake.body.id}`);
  t.match(seen.body, { channel: 'wechat', status: 'created', type: 'consultation', content: '路灯不亮' });
});

t.test('caller history for the screen pop: earlier calls and tickets, newest first', async (t) => {
  const a = await fresh(t);
  const insert = a.db.prepare('INSERT INTO calls (id, caller, called, mode, line, started_us, ended_us, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  insert.run(
    'c1',
    '13800138000',
    '12345',
    'main',
    '1',
    Date.parse('2026-11-01T09:00:00+08:00') * 1000,
    Date.parse('2026-11-01T09:05:00+08:00') * 1000,
    'answered',
  );
  insert.run('c2', '13800138000', '12315', 'parallel', null, Date.parse('2026-11-20T09:00:00+08:00') * 1000, null, 'abandoned_queue');
  insert.run('c3', '13900000000', '12345', 'main', '2', Date.parse('2026-11-21T09:00:00+08:00') * 1000, null, 'answered');
  await dispatched(a, '2026-11-30T10:00:00+08:00');
  const h = await a.call('agent', 'GET', '/api/callers/13800138000/history');
  t.same(
    h.body.calls.map((c: any) => c.id),
    ['c2', 'c1'],
  );
  t.match(h.body.calls[1], { started_at: '2026-11-01T09:00:00+08:00', ended_at: '2026-11-01T09:05:00+08:00', line: '1', outcome: 'answered' });
  t.equal(h.body.tickets.length, 1);
});

t.test('attachments: photos stored by hash and read back', async (t) => {
  const a = await fresh(t);
  const x = await dispatched(a, '2026-11-30T10:00:00+08:00');
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const up = await a.call('market', 'POST', `/api/tickets/${x.id}/attachments`, {
    filename: '现场照片.png',
    mime: 'image/png',
    content_base64: png.toString('base64'),
  });
  t.equal(up.status, 201);
  t.equal(up.body.sha256, (await import('node:crypto')).createHash('sha256').update(png).digest('hex'));
  const r = await a.app.inject({
    method: 'GET',
    url: `/api/tickets/${x.id}/attachments/${up.body.id}`,
    headers: {
      authorization: `Bearer ${(await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent', password: 'correct horse 12345' } })).json().token}`,
    },
  });
  t.equal(r.statusCode, 200);
  t.same(r.rawPayload, png);
  t.equal(r.headers['content-type'], 'image/png');
  t.equal(
    (await a.call('fund', 'POST', `/api/tickets/${x.id}/attachments`, { filename: 'x.png', mime: 'image/png', content_base64: png.toString('base64') })).status,
    403,
  );
});

t.test('without an SMS gateway, reminders are recorded as unsent and admins see them', async (t) => {
  const a = await fresh(t);
  const { OutboxWorker, UnconfiguredDriver } = await import('../src/channels/sms/index.js');
  const pino = (await import('pino')).default;
  const x = await dispatched(a, '2026-11-30T10:00:00+08:00');
  const worker = new OutboxWorker({
    outbox: a.outbox,
    driver: new UnconfiguredDriver(),
    log: pino({ level: 'silent' }),
    clock: () => new Date('2026-11-30T10:00:01+08:00'),
  });
  await worker.runOnce();
  const page = await a.call('admin', 'GET', '/api/admin/sms-outbox');
  t.equal(page.status, 200);
  const mine = page.body.items.filter((m: any) => m.ticket_id === x.id);
  t.same(
    mine.map((m: any) => [m.kind, m.status]),
    [
      ['dispatch', 'unsent'],
      ['dispatch', 'unsent'],
    ],
  );
  t.match(mine[0].last_error, /未配置短信网关/);
  t.equal((await a.call('agent', 'GET', '/api/admin/sms-outbox')).status, 403, 'only admins');
});

t.test('a list offset past what SQLite takes is a 400 naming the field, not a 500', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const huge = await a.call('agent', 'GET', '/api/tickets?offset=99999999999999999999');
  t.equal(huge.status, 400);
  t.match(huge.body, { error: 'CTI_BAD_REQUEST', field: 'querystring.offset' });
  t.equal((await a.call('agent', 'GET', '/api/tickets?offset=1000000000')).status, 200, 'the largest allowed');
});

t.test("the caller's survey score is noted on the tickets opened from that call, by the ticket desk", async (t) => {
  const a = await fresh(t);
  a.db.prepare("INSERT INTO calls (id, caller, called, mode, line, started_us) VALUES ('surveyed', '13800138000', '12345', 'main', '1', 1)").run();
  const opened = await a.call('agent', 'POST', '/api/tickets', {
    channel: 'phone',
    type: 'complaint',
    caller: '13800138000',
    content: '噪音扰民',
    call_id: 'surveyed',
  });
  t.equal(opened.status, 201, JSON.stringify(opened.body));
  const other = await a.call('agent', 'POST', '/api/tickets', { channel: 'phone', type: 'complaint', caller: '13800138000', content: '另一件事' });
  t.equal(await a.tickets.desk.noteCallSurvey('surveyed', 3), 1, 'one ticket was opened from the call');
  const events = (id: number) => a.tickets.desk.rows.events(id).map((e) => ({ action: e.action, actor_id: e.actor_id, detail: JSON.parse(String(e.detail)) }));
  t.same(events(opened.body.id).at(-1), { action: 'call_survey', actor_id: null, detail: { call_id: 'surveyed', score: 3 } });
  t.notOk(
    events(other.body.id).some((e) => e.action === 'call_survey'),
    'a ticket of no call gets nothing',
  );
  t.equal(await a.tickets.desk.noteCallSurvey('no-such-call', 2), 0, 'a call with no ticket: nothing to note');
});
