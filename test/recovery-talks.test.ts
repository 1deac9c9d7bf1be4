// kill -9 the controller in each phase of a call that involves a person, and see what FreeSWITCH
// (the simulator) does on its own: a talk with a department or an agent goes on and ends cleanly,
// a ring goes on, and a caller left alone on hold goes to the dialplan's fallback
// (src/call/talk-guard.ts; test/recovery.test.ts has the restart and the adoption). The server
// runs in this process on the virtual clock (support/virtual-switchboard.ts), and its kill is
// what a killed process leaves: its timers gone, its connections closed under the switch;
// test/recovery.test.ts kills a real process with SIGKILL.
import t, { type Test } from 'tap';
import type { Channel } from '../src/sim/engine/index.js';
import { talkingCall } from './support/switchboard.js';
import { virtualSwitchboard, type VirtualSwitchboard } from './support/virtual-switchboard.js';

const staff = ['1001', '1002'].map((s) => ({ name: `op${s}`, role: 'agent' }));

async function ready(t: Test, sb: VirtualSwitchboard, seat: string) {
  await sb.server.login(`op${seat}`);
  t.equal((await sb.server.post(`/api/agents/${seat}/login`)).status, 200, `seat ${seat} taken`);
  t.equal((await sb.server.post(`/api/agents/${seat}/ready`)).status, 200, `seat ${seat} ready`);
}

const callerOf = (sb: VirtualSwitchboard, from: string) => sb.sim.engine.channels.find((c) => c.name.startsWith(`sofia/external/${from}@`));
const appsAfterLastBridge = (ch: Channel) => {
  const apps = ch.appLog.map((a) => a.app);
  return apps.slice(apps.lastIndexOf('bridge'));
};

t.test("a department's talk outlives the controller; when the department hangs up, FreeSWITCH ends the call", async (t) => {
  const sb = await virtualSwitchboard({ hotlines: { '95598': { answerAfterS: 0.3, talkS: 4 } } });
  t.teardown(() => sb.stop());
  sb.sim.engine.placeCall({ from: '13800000401', to: '95598', hangupAfterS: 60 });
  const caller = (
    await sb.waitFor(
      'the department to answer',
      async () => {
        const ch = callerOf(sb, '13800000401');
        return ch?.bridge?.peer.answered ? ch : undefined;
      },
      15_000,
    )
  ).value;
  const department = caller.bridge!.peer;
  sb.kill();
  await sb.sleep(500);
  t.equal(caller.bridge?.peer, department, 'still bridged to the same department leg');
  await sb.run(caller.destroyed);
  t.equal(department.hangupCause, 'NORMAL_CLEARING', 'the department hung up');
  t.equal(caller.hangupCause, 'NORMAL_CLEARING');
  t.same(appsAfterLastBridge(caller), ['bridge', 'hangup'], 'the call ended as the talk guard said (exec_after_bridge_app)');
  t.equal(caller.profile.destinationNumber, '95598', 'never the fallback');
  t.same(
    sb.sim.engine.channels.map((c) => c.name),
    [],
    'no leg left',
  );
});

t.test('the controller dies while an agent rings: the ring goes on, the answer is a talk, the survey ends it', async (t) => {
  const sb = await virtualSwitchboard({ agents: [{ id: '1001' }], users: staff });
  t.teardown(() => sb.stop());
  await ready(t, sb, '1001');
  sb.sim.engine.placeCall({ from: '13800000402', to: '12369', hangupAfterS: 60 }); // a direct number: no menu
  const ring = await sb.run(sb.sim.engine.agent('1001').waitForRing(15_000));
  const caller = callerOf(sb, '13800000402')!;
  sb.kill();
  await sb.sleep(500);
  t.ok(ring.ready, "the agent's phone still rings");
  t.ok(sb.sim.engine.agent('1001').answer());
  await sb.waitFor('caller and agent to talk', async () => (caller.bridge?.peer === ring ? true : undefined), 5000);
  sb.sim.engine.agent('1001').hangup();
  await sb.waitFor('the survey', async () => (caller.application === 'play_and_get_digits' ? true : undefined), 5000);
  caller.queueDtmf('3');
  await sb.run(caller.destroyed);
  t.equal(caller.hangupCause, 'NORMAL_CLEARING');
  t.same(appsAfterLastBridge(caller), ['bridge', 'play_and_get_digits']);
  t.equal(caller.getVar('cti_survey'), '3');
  t.equal(caller.profile.destinationNumber, '12369', 'never the fallback');
});

t.test('the controller dies while the agent holds the caller: the caller, alone, goes to the fallback and is answered', async (t) => {
  const sb = await virtualSwitchboard({ agents: [{ id: '1001', answerAfterS: 0.3 }, { id: '1002' }], users: staff });
  t.teardown(() => sb.stop());
  await ready(t, sb, '1001');
  const { id, caller, agentLeg } = await talkingCall(sb, '1001', '13800000403');
  t.match((await sb.server.post(`/api/calls/${id}/hold`)).body, { phase: 'held' });
  await sb.waitFor(
    'the caller on our music, the agent parked',
    async () => (caller.application === 'playback' && agentLeg.state === 'CS_PARK' ? true : undefined),
    5000,
  );
  sb.sim.engine.agent('1001').unregister(); // the fallback must not ring the held agent's phone
  sb.sim.engine.agent('1002').register({ answerAfterS: 0.3 });
  sb.kill();
  await sb.waitFor('the fallback to answer the caller', async () => (caller.bridge?.peer.sim.agent === '1002' ? true : undefined), 10_000);
  t.equal(caller.profile.destinationNumber, 'cti_fallback', "socket_resume was back on: the listener's end reset the caller, who ran on into the fallback");
  t.ok(agentLeg.ready && agentLeg.state === 'CS_PARK', "the held agent's leg stays parked: nobody is left to bridge it");
  await sb.run(sb.sim.engine.api('uuid_kill', agentLeg.uuid));
  await sb.run(sb.sim.engine.api('uuid_kill', caller.uuid));
});
