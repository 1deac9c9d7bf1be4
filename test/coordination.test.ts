// An emergency platform asks 12345 to coordinate departments (应急联动): linked tickets of the
// highest priority, dispatched at once; bad platforms and departments are refused by field.
import t from 'tap';
import { ticketApp } from './support/ticket-app.js';

t.test('110 asks for the urban management and the water company: two linked tickets, dispatched', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  a.at('2026-11-30T10:00:00+08:00');
  const r = await a.call('boss', 'POST', '/api/emergency/coordination', {
    platform: '110',
    reference: 'JJ20261130-0042',
    departments: ['urban-management', 'water-supply'],
    content: '路口水管爆裂，积水影响通行，请城管与供水到场处置',
    location: '中山路与人民路交叉口',
    caller: '13800138000',
  });
  t.equal(r.status, 201);
  t.match(r.body, {
    platform: '110',
    reference: 'JJ20261130-0042',
    tickets: [
      { department: 'urban-management', status: 'dispatched' },
      { department: 'water-supply', status: 'dispatched' },
    ],
  });
  t.equal(r.body.tickets[0].sign_due_at, '2026-12-01T10:00:00+08:00', 'the sign clock runs: one working day');
  const ticket = (await a.call('boss', 'GET', `/api/tickets/${r.body.tickets[0].id}`)).body;
  t.match(ticket, {
    type: 'help',
    channel: 'emergency',
    priority: 3,
    origin_hotline: '110',
    department: 'urban-management',
    content: /^【报警求助热线（110）联动请求，事件编号 JJ20261130-0042】地点：中山路与人民路交叉口。路口水管爆裂/,
  });

  const notEmergency = await a.call('boss', 'POST', '/api/emergency/coordination', {
    platform: '12315',
    reference: 'x',
    departments: ['health'],
    content: 'x',
  });
  t.match(notEmergency, { status: 400, body: { error: 'CTI_TICKET_BAD_INPUT', message: /^platform: / } });
  const noDept = await a.call('boss', 'POST', '/api/emergency/coordination', { platform: '119', reference: 'x', departments: ['nowhere'], content: 'x' });
  t.match(noDept, { status: 400, body: { message: /^departments: 没有部门 nowhere/ } });
  const handler = await a.call('market', 'POST', '/api/emergency/coordination', { platform: '119', reference: 'x', departments: ['health'], content: 'x' });
  t.equal(handler.status, 403, 'a department handler cannot raise one');
});
