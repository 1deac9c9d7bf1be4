// The real controller against the FreeSWITCH simulator over TCP: IVR lines, queue, agents,
// survey, abandon, direct and parallel numbers, 110 diversion.
import t from 'tap';
import { switchboard } from './support/switchboard.js';

t.test('12345, line 2 from the menu, an agent answers, the caller rates the call', async (t) => {
  const sb = await switchboard({ agents: [{ id: '1001', answerAfterS: 1, talkS: 2 }], users: [{ name: 'wang', role: 'agent' }] });
  t.teardown(() => sb.stop());
  await sb.server.login('wang');
  t.equal((await sb.server.post('/api/agents/1001/login')).status, 200);
  t.match((await sb.server.post('/api/agents/1001/ready')).body, { state: 'available' });

  sb.sim.engine.placeCall({
    from: '13800138000',
    to: '12345',
    dtmf: [
      { at_s: 0.8, digits: '2' },
      { at_s: 5.5, digits: '1' },
    ],
    hangupAfterS: 30,
  });
  // the agent opens a ticket from the call while it lasts: the survey score goes on it
  const taken = await sb.until('the call to be taken', '/api/calls', (b) => b.items[0], 5000);
  const ticket = await sb.server.post('/api/tickets', {
    channel: 'phone',
    type: 'consultation',
    caller: '13800138000',
    content: '咨询社保',
    call_id: taken.id,
  });
  t.equal(ticket.status, 201, JSON.stringify(ticket.body));
  const call = await sb.until('the call to end', '/api/calls', (b) => b.items.find((c: any) => c.ended_at !== null), 20_000);
  t.match(call, { caller: '13800138000', called: '12345', mode: 'main', line: '2', outcome: 'answered', agent: '1001', survey_score: 1 });
  t.ok(call.queue_wait_s >= 0 && call.queue_wait_s < 3, `queue wait ${call.queue_wait_s} s, from FreeSWITCH's timestamps`);
  const detail = (await sb.server.get(`/api/calls/${call.id}`)).body;
  t.match(detail.legs, [{ kind: 'agent', endpoint: 'user/1001' }]);
  t.ok(detail.legs[0].answered_at, 'agent leg answered');
  const agents = (await sb.server.get('/api/agents')).body.items;
  const seat = agents.find((a: any) => a.seat === '1001');
  t.ok(seat.state === 'wrap_up' || seat.state === 'available', `the agent is done with the call (${seat.state}; wrap-up is 1 s here)`);
  const left = JSON.parse((await sb.sim.engine.api('show', 'channels as json')) || '{}');
  t.equal(left.row_count ?? 0, 0, 'no channel left in the simulator');
  const events = (await sb.server.get(`/api/tickets/${ticket.body.id}`)).body.events;
  t.match(
    events.find((e: any) => e.action === 'call_survey'),
    { detail: { call_id: call.id, score: 1 } },
    'the score is noted on the ticket opened from the call',
  );
});
