// FreeSWITCH refuses a command the agent's action depends on: the agent is told, the caller
// never waits in silence, and the talk's state says what is true. Produced with the simulator
// by ending the agent's leg at the instant the controller starts to act (a race a busy centre
// meets: the agent's phone drops while they press 恢复通话).
import t from 'tap';
import { virtualSwitchboard as switchboard } from './support/virtual-switchboard.js';
import { talkingCall } from './support/switchboard.js';

const staff = [
  { name: 'op1001', role: 'agent' },
  { name: 'boss', role: 'supervisor' },
];

t.test("resume refused because the agent's leg just ended: the agent gets an error, the caller goes back to the queue with music", async (t) => {
  const sb = await switchboard({ agents: [{ id: '1001', answerAfterS: 0.3 }], users: staff });
  t.teardown(() => sb.stop());
  await sb.server.login('op1001');
  t.equal((await sb.server.post('/api/agents/1001/login')).status, 200);
  t.equal((await sb.server.post('/api/agents/1001/ready')).status, 200);
  const { id, caller, agentLeg } = await talkingCall(sb, '1001', '13800000601');
  t.match((await sb.server.post(`/api/calls/${id}/hold`)).body, { phase: 'held' });
  await sb.waitFor('the caller on our music', async () => (caller.application === 'playback' ? true : undefined), 5000);
  // the resume first stops the caller's music: at that instant the agent's phone drops
  let armed = true;
  sb.sim.engine.tap((e) => {
    const h = (n: string) => e.headers.find(([k]) => k === n)?.[1];
    if (armed && e.name === 'PLAYBACK_STOP' && h('Unique-ID') === id) {
      armed = false;
      sb.sim.engine.agent('1001').hangup('NORMAL_CLEARING', agentLeg.uuid);
    }
  });
  const resumed = await sb.server.post(`/api/calls/${id}/resume`);
  t.equal(armed, false, "the agent's leg ended as the resume began");
  t.equal(resumed.status, 502, `the agent is told the resume failed (${JSON.stringify(resumed.body)})`);
  t.match(resumed.body, { error: 'CTI_ESL_COMMAND_FAILED', message: '无法恢复通话：坐席话机已挂断，来电已回到队列等候' });
  // told, then queued again: the seat is in wrap-up for 1 s meanwhile, so the wait is seen
  await sb.server.login('boss');
  const queued = await sb.until('the caller in the queue again', '/api/queues', (b) => (b.waiting === 1 ? b : undefined), 5000);
  t.match(queued.calls, [{ call_id: id, position: 1 }], 'waiting again, first in line');
  t.ok(caller.ready && ['playback', 'endless_playback'].includes(caller.application ?? ''), `hearing something (${caller.application})`);
  t.notOk(caller.bridge, 'bridged to nobody');
});
