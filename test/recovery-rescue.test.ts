// A caller parked outside the socket app when the controller dies (here: held again after a
// resumed talk, so the caller sits in the park uuid_bridge left behind) is reset by the
// listener's end and stays in CS_RESET, hearing nothing: neither FreeSWITCH nor the dialplan
// moves it. The restarted controller finds such callers in `show channels` and sends them to
// the dialplan's fallback, and ends the agent's leg it had parked for the hold. The first two run
// the server in this process on the virtual clock (support/virtual-switchboard.ts): a kill is
// what a killed process leaves, a restart a new server on the same database (test/recovery.test.ts
// does both with real processes). The graceful stop is a real process's answer to SIGTERM.
import t, { type Test } from 'tap';
import { switchboard, talkingCall } from './support/switchboard.js';
import { waitFor } from './support/server-process.js';
import { virtualSwitchboard, type VirtualSwitchboard } from './support/virtual-switchboard.js';

const staff = ['1001', '1002'].map((s) => ({ name: `op${s}`, role: 'agent' }));

async function ready(t: Test, sb: VirtualSwitchboard, seat: string) {
  await sb.server.login(`op${seat}`);
  t.equal((await sb.server.post(`/api/agents/${seat}/login`)).status, 200, `seat ${seat} taken`);
  t.equal((await sb.server.post(`/api/agents/${seat}/ready`)).status, 200, `seat ${seat} ready`);
}

t.test('held again after a resume, the controller dies: the caller waits in silence until the restarted controller sends it to the fallback', async (t) => {
  const sb = await virtualSwitchboard({ agents: [{ id: '1001', answerAfterS: 0.3 }, { id: '1002' }], users: staff });
  t.teardown(() => sb.stop());
  await ready(t, sb, '1001');
  const { id, caller, agentLeg } = await talkingCall(sb, '1001', '13800000501');
  t.match((await sb.server.post(`/api/calls/${id}/hold`)).body, { phase: 'held' });
  t.match((await sb.server.post(`/api/calls/${id}/resume`)).body, { phase: 'talking' });
  await sb.waitFor('caller and agent bridged again', async () => (caller.bridge?.peer === agentLeg ? true : undefined), 5000);
  t.match((await sb.server.post(`/api/calls/${id}/hold`)).body, { phase: 'held' });
  await sb.waitFor(
    'the caller on our music, the agent parked',
    async () => (caller.application === 'playback' && agentLeg.state === 'CS_PARK' ? true : undefined),
    5000,
  );
  sb.sim.engine.agent('1001').unregister();
  sb.sim.engine.agent('1002').register({ answerAfterS: 0.3 });

  sb.kill();
  await sb.sleep(1500);
  t.equal(caller.state, 'CS_RESET', "the caller was reset by the listener's end…");
  t.ok(caller.ready && !caller.bridge && caller.profile.destinationNumber === '12369', '…and nothing moved it: it waits alone, in silence');

  const again = await sb.restart();
  const adoption = await sb.waitFor('the adoption', async () => again.logs.find((l) => l.msg?.toString().startsWith('calls in progress adopted')), 15_000);
  t.match(adoption.value, { rescued: 1, legsEnded: 1 }, 'one caller sent on, one parked leg ended');
  await sb.waitFor('the fallback to answer the caller', async () => (caller.bridge?.peer.sim.agent === '1002' ? true : undefined), 10_000);
  t.equal(caller.profile.destinationNumber, 'cti_fallback', 'sent to the fallback, which rang the seats');
  await sb.waitFor('the parked agent leg to end', async () => (!agentLeg.ready ? true : undefined), 5000);
  await again.login('op1002');
  t.match((await again.get(`/api/calls/${id}`)).body, { id, agent: '1001' }, 'the call keeps its record');
  await sb.run(sb.sim.engine.api('uuid_kill', caller.uuid));
  const call = await sb.waitFor(
    'the call record to close',
    async () => {
      const c = (await again.get(`/api/calls/${id}`)).body;
      return c.ended_at ? c : undefined;
    },
    10_000,
  );
  t.equal(call.value.outcome, 'answered');
});

t.test('a caller only waiting for a new controller in the socket app is left alone', async (t) => {
  // the socket app with nobody listening: FreeSWITCH's outbound connect fails, the dialplan runs
  // on; here the controller is simply up, and a call it controls must not be moved by adoption
  const sb = await virtualSwitchboard({ agents: [{ id: '1001', answerAfterS: 0.3 }], users: [{ name: 'boss', role: 'supervisor' }] });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  sb.sim.engine.placeCall({ from: '13800000502', to: '12345', hangupAfterS: 40 });
  await sb.until('the caller to wait', '/api/queues', (b) => (b.waiting === 1 ? true : undefined));
  const caller = sb.sim.engine.channels.find((c) => c.name.startsWith('sofia/external/13800000502@'))!;
  // the inbound link drops and comes back: adoption runs again with the call still controlled
  const before = sb.server.logs.filter((l) => l.msg?.toString().startsWith('calls in progress adopted')).length;
  for (const session of sb.sim.server.sessions) session.shutdown();
  const adoption = await sb.waitFor(
    'adoption after the reconnect',
    async () => sb.server.logs.filter((l) => l.msg?.toString().startsWith('calls in progress adopted'))[before],
    15_000,
  );
  t.match(adoption.value, { rescued: 0, legsEnded: 0 });
  t.equal(caller.profile.destinationNumber, '12345', 'still in our queue');
  t.match((await sb.server.get('/api/queues')).body, { waiting: 1 });
});

t.test('a graceful stop with a caller waiting: the server exits at once and leaves the caller to the fallback, no outcome guessed', async (t) => {
  // before: the queue step waited out its timer (acd.max_wait_s, 180 s) before the server exited
  const sb = await switchboard({ agents: [{ id: '1001', answerAfterS: 0.3 }], users: [{ name: 'boss', role: 'supervisor' }] });
  t.teardown(() => sb.stop());
  await sb.server.login('boss');
  const caller = sb.sim.engine.placeCall({ from: '13800000503', to: '12345', hangupAfterS: 40 });
  await sb.until('the caller to wait', '/api/queues', (b) => (b.waiting === 1 ? true : undefined));
  const started = Date.now();
  await sb.server.stop();
  const took = Date.now() - started;
  t.ok(took < 10_000, `the server exited ${took} ms after SIGTERM`);
  await waitFor('the fallback to answer the caller', async () => (caller.bridge?.peer.sim.agent === '1001' ? true : undefined), 10_000);
  t.equal(caller.profile.destinationNumber, 'cti_fallback');
  const about = sb.server.logs.filter((l) => l.call === caller.uuid).map((l) => l.msg);
  t.ok(about.includes('call left to FreeSWITCH when its session ended'), 'the flow let go of the call');
  t.notOk(about.includes('call ended'), 'and recorded no end and no outcome: not an abandon');
  await sb.sim.engine.api('uuid_kill', caller.uuid);
});
