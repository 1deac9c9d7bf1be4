// Issue 19: what a department head (部门负责人, dept_head) may do beyond a handler, route by
// route through the HTTP API on real SQLite. A head oversees their own department: 督办
// (supervise, with a note) its tickets while the department holds them, and sees its
// overdue (red) list and overview; never another department's tickets.
import t from 'tap';
import { ticketApp, type TicketApp } from './support/ticket-app.js';

const complaint = { type: 'complaint', caller: '13800138000', caller_name: '张先生', content: '超市出售过期食品', classification: '食品安全' };
const OTHER_DEPARTMENT = { error: 'CTI_TICKET_FORBIDDEN', message: '这是其他部门的工单 (the ticket belongs to another department)' };

async function fresh(t: { teardown(fn: () => unknown): void }): Promise<TicketApp> {
  const a = await ticketApp();
  t.teardown(() => a.close());
  return a;
}

async function dispatched(a: TicketApp, department = 'market-regulation', body: object = complaint) {
  const r = await a.call('agent', 'POST', '/api/tickets', { ...body, dispatch_to: department });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body as { id: number; version: number };
}

const supervisionSms = (a: TicketApp, ticketId: number) =>
  a.outbox
    .list({ limit: 100 })
    .filter((m) => m.kind === 'supervision' && m.ticketId === ticketId)
    .map((m) => ({ to: m.to, text: m.text }))
    .sort((x, y) => x.to.localeCompare(y.to));

const userId = (a: TicketApp, username: string) => a.db.prepare('SELECT id FROM users WHERE username = ?').pluck().get(username) as number;

t.test("a head 督办 their own department's ticket: 200, and the 督办 SMS goes out as for a supervisor", async (t) => {
  const a = await fresh(t);
  a.at('2026-11-30T10:00:00+08:00');
  const byHead = await dispatched(a);
  const byBoss = await dispatched(a);

  const seen = await a.call('markethead', 'GET', `/api/tickets/${byHead.id}`);
  t.equal(seen.status, 200);
  t.same(seen.body.allowed_actions, ['sign', 'return', 'supervise'], 'the head sees 督办 among what they may do');

  const noNote = await a.call('markethead', 'POST', `/api/tickets/${byHead.id}/supervise`, { version: 2 });
  t.strictSame([noNote.status, noNote.body.field], [400, 'body.note'], 'a 督办 needs a note');

  const s = await a.call('markethead', 'POST', `/api/tickets/${byHead.id}/supervise`, { version: 2, note: '请本周内办结' });
  t.equal(s.status, 200);
  t.match(s.body, { status: 'dispatched', priority: 1, version: 3 });
  const boss = await a.call('boss', 'POST', `/api/tickets/${byBoss.id}/supervise`, { version: 2, note: '请本周内办结' });
  t.equal(boss.status, 200);

  const headSms = supervisionSms(a, byHead.id);
  const bossSms = supervisionSms(a, byBoss.id);
  t.same(
    headSms.map((m) => m.to),
    ['13900000001', '13900000002', '13900000009'],
    'the handlers and the head, as for a supervisor',
  );
  t.same(
    headSms.map((m) => m.to),
    bossSms.map((m) => m.to),
  );
  t.same(
    headSms.map((m) => m.text.replace(`#${byHead.id}`, '#N')),
    bossSms.map((m) => m.text.replace(`#${byBoss.id}`, '#N')),
    'the same text',
  );
  t.match(headSms[0]!.text, /^【12345】工单#\d+被督办：请本周内办结。请加快办理，/);

  const events = (await a.call('boss', 'GET', `/api/tickets/${byHead.id}`)).body.events;
  t.match(
    events.at(-1),
    { action: 'supervise', actor_id: userId(a, 'markethead'), detail: { note: '请本周内办结', priority: { before: 0, after: 1 } } },
    'on the record, by the head',
  );

  // while the department works on it (签收 → 办理中) the head may press again
  await a.call('market', 'POST', `/api/tickets/${byHead.id}/sign`, { version: 3 });
  const again = await a.call('markethead', 'POST', `/api/tickets/${byHead.id}/supervise`, { version: 4, note: '群众再次来电' });
  t.match([again.status, again.body.priority], [200, 2]);
});

t.test("a head on another department's ticket: 403, nothing sent, nothing written", async (t) => {
  const a = await fresh(t);
  a.at('2026-11-30T10:00:00+08:00');
  const other = await dispatched(a, 'housing-fund');

  const read = await a.call('markethead', 'GET', `/api/tickets/${other.id}`);
  t.strictSame([read.status, read.body], [403, OTHER_DEPARTMENT]);
  const supervise = await a.call('markethead', 'POST', `/api/tickets/${other.id}/supervise`, { version: 2, note: '越权督办' });
  t.strictSame([supervise.status, supervise.body], [403, OTHER_DEPARTMENT]);
  const acts = { sign: { version: 2 }, return: { version: 2, reason: '不属于本部门' }, extension: { version: 2, days: 1, reason: '需核查' } };
  for (const [path, body] of Object.entries(acts)) {
    const r = await a.call('markethead', 'POST', `/api/tickets/${other.id}/${path}`, body);
    t.strictSame([r.status, r.body], [403, OTHER_DEPARTMENT], `${path} of another department's ticket`);
  }
  const caller = await a.call('markethead', 'GET', `/api/tickets/${other.id}/caller`);
  t.strictSame([caller.status, caller.body], [403, OTHER_DEPARTMENT]);
  const attachment = await a.call('markethead', 'GET', `/api/tickets/${other.id}/attachments/1`);
  t.equal(attachment.status, 403);

  t.same(supervisionSms(a, other.id), [], 'no 督办 SMS');
  const row = a.db.prepare('SELECT priority, version FROM tickets WHERE id = ?').get(other.id);
  t.same(row, { priority: 0, version: 2 }, 'the ticket is untouched');
  t.equal(a.db.prepare("SELECT count(*) FROM ticket_events WHERE action = 'supervise'").pluck().get(), 0);
});

t.test('a handler cannot 督办: 403 naming the roles that may', async (t) => {
  const a = await fresh(t);
  a.at('2026-11-30T10:00:00+08:00');
  const x = await dispatched(a);
  const seen = await a.call('market', 'GET', `/api/tickets/${x.id}`);
  t.same(seen.body.allowed_actions, ['sign', 'return'], 'no 督办 for a handler');

  const handler = await a.call('market', 'POST', `/api/tickets/${x.id}/supervise`, { version: 2, note: '自己督办自己' });
  t.strictSame(
    [handler.status, handler.body],
    [
      403,
      {
        error: 'CTI_TICKET_FORBIDDEN',
        message: '督办需要角色 supervisor / dept_head (needs role supervisor or dept_head)',
        detail: { needed: ['supervisor', 'dept_head'] },
      },
    ],
  );
  const agent = await a.call('agent', 'POST', `/api/tickets/${x.id}/supervise`, { version: 2, note: '坐席督办' });
  t.strictSame([agent.status, agent.body.error, agent.body.detail], [403, 'CTI_TICKET_FORBIDDEN', { needed: ['supervisor', 'dept_head'] }]);
  t.same(supervisionSms(a, x.id), []);
});

t.test('a head 督办 only while the department holds the ticket (派单, 办理中)', async (t) => {
  const a = await fresh(t);
  a.at('2026-11-30T10:00:00+08:00');
  const returned = await dispatched(a);
  await a.call('market', 'POST', `/api/tickets/${returned.id}/return`, { version: 2, reason: '不属于本部门职责' });
  const r = await a.call('markethead', 'POST', `/api/tickets/${returned.id}/supervise`, { version: 3, note: '督办' });
  t.equal(r.status, 409, 'a returned ticket is back with the centre');
  t.match(r.body, { error: 'CTI_TICKET_ILLEGAL_TRANSITION', detail: { current_state: 'returned', allowed_actions: [] } });
  t.match(r.body.message, /已退单.*不能督办/);
  t.equal((await a.call('boss', 'POST', `/api/tickets/${returned.id}/supervise`, { version: 3, note: '督办' })).status, 200, 'a supervisor still may');

  const replied = await dispatched(a);
  await a.call('market', 'POST', `/api/tickets/${replied.id}/sign`, { version: 2 });
  await a.call('market', 'POST', `/api/tickets/${replied.id}/reply`, { version: 3, text: '已处理' });
  const late = await a.call('markethead', 'POST', `/api/tickets/${replied.id}/supervise`, { version: 4, note: '督办' });
  t.match([late.status, late.body.detail], [409, { current_state: 'replied', allowed_actions: [] }], 'answered: nothing left to press for');
});

t.test("the head's overview: their department's overdue (red) list and counts, no other's", async (t) => {
  const a = await fresh(t);
  a.at('2026-11-30T10:00:00+08:00');
  const own = await dispatched(a);
  const other = await dispatched(a, 'housing-fund');
  a.at('2026-12-02T10:00:00+08:00'); // past both sign deadlines: red
  t.equal((await a.call('boss', 'GET', '/api/tickets?light=red')).body.items.length, 2, 'both are red for the centre');

  const red = await a.call('markethead', 'GET', '/api/tickets?status=dispatched,signed&light=red&limit=200');
  t.strictSame([red.status, red.body.items.map((i: { id: number }) => i.id)], [200, [own.id]]);
  const asked = await a.call('markethead', 'GET', '/api/tickets?light=red&department=housing-fund');
  t.same(
    asked.body.items.map((i: { id: number }) => i.id),
    [own.id],
    'asking for another department still gives their own',
  );
  t.match(red.body.items[0], { caller: '138****8000', caller_masked: true }, 'callers masked for the head too');

  const summary = await a.call('markethead', 'GET', '/api/tickets/summary');
  t.equal(summary.status, 200);
  t.match(summary.body, { open_by_light: { red: 1, yellow: 0, green: 0 } });
  t.not(other.id, own.id);
});
