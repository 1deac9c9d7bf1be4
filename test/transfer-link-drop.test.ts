// The inbound ESL link drops as a department answers a transfer. FreeSWITCH finishes the
// originate (a bgapi job runs on its own thread) and sends its result to a listener that is gone;
// the answered leg waits parked. Once the link is back the controller asks the switch
// (uuid_dump: a live leg's answer time is only in its channel data) and goes on as if it had
// heard the answer: the department is not counted as a miss, and nobody is left on a parked line.
import t from 'tap';
import type { Test } from 'tap';
import { virtualSwitchboard } from './support/virtual-switchboard.js';
import { talkingCall } from './support/switchboard.js';
import { answeredTimeIn } from '../src/transfer/attempt.js';

async function dropAsTheDepartmentAnswers(t: Test, kind: 'warm' | 'blind') {
  const sb = await virtualSwitchboard({
    agents: [{ id: '1007', answerAfterS: 0.3 }],
    hotlines: { '12315': { answerAfterS: 1, talkS: 40 } },
    users: [{ name: 'op1007', role: 'agent' }],
  });
  t.teardown(() => sb.stop());
  await sb.server.login('op1007');
  await sb.server.post('/api/agents/1007/login');
  await sb.server.post('/api/agents/1007/ready');
  const talk = await talkingCall(sb, '1007', '13979106563');
  let answeredUs: number | undefined;
  sb.sim.engine.tap((e) => {
    const h = (n: string) => e.headers.find(([k]) => k === n)?.[1];
    if (answeredUs === undefined && e.name === 'CHANNEL_ANSWER' && h('variable_cti_transfer')) {
      answeredUs = Number(h('Event-Date-Timestamp'));
      sb.dropEslLink();
    }
  });
  const asked = await sb.server.post(`/api/calls/${talk.id}/transfer`, { hotline: '12315', kind });
  t.equal(asked.status, 202, 'the transfer starts');
  return { sb, ...talk, answeredAt: () => answeredUs };
}

t.test('warm: the agent is put through to the department that answered while the link was down', async (t) => {
  const { sb, id, answeredAt } = await dropAsTheDepartmentAnswers(t, 'warm');
  const talk = await sb.until('the consult', `/api/calls/${id}/transfer`, (b) => (b.phase === 'consulting' ? b : undefined), 10_000);
  t.match(talk.attempt, { hotline: '12315', state: 'consulting', result: 'answered' }, 'answered, not failed');
  t.equal(Date.parse(talk.attempt.answered_at) * 1000, Math.floor(answeredAt()! / 1000) * 1000, "the switch's answer time");
  const dept = sb.sim.engine.channels.find((c) => c.name.includes('12315'))!;
  t.equal(dept.bridge?.peer.name.includes('1007'), true, 'the agent talks with the department: nobody on a parked line');
  const rate = (await sb.server.get('/api/stats/transfer-answer-rate?hotline=12315')).body.items[0];
  t.match(rate, { counted: 1, answered_within_15s: 1 }, 'counted as answered within 15 s');
});

t.test('blind: the caller is put through to the department that answered while the link was down', async (t) => {
  const { sb, id, caller } = await dropAsTheDepartmentAnswers(t, 'blind');
  await sb.until('the handover', `/api/calls/${id}/transfer`, (b) => (b.phase === 'handed_over' ? b : undefined), 10_000);
  t.ok(caller.bridge?.peer.name.includes('12315'), 'the caller talks with the department');
  const call = (await sb.server.get(`/api/calls/${id}`)).body;
  t.match(call.transfer_attempts, [{ hotline: '12315', result: 'answered' }]);
});

t.test("the dump's answer time: a number, 0 while unanswered, null when unreadable", async (t) => {
  t.equal(answeredTimeIn('{"Unique-ID":"x","Caller-Channel-Answered-Time":"1796781601300000"}'), 1796781601300000);
  t.equal(answeredTimeIn('{"Caller-Channel-Answered-Time":"0"}'), 0, 'ringing');
  t.equal(answeredTimeIn('{"Unique-ID":"x"}'), null, 'no such header');
  t.equal(answeredTimeIn('{"Caller-Channel-Answered-Time":"-5"}'), null);
  t.equal(answeredTimeIn('{"Caller-Channel-Answered-'), null, 'cut short');
});
