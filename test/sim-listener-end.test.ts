// What the simulated switch does when a call's outbound socket ends after `connect` (the
// controller died or restarted), as FreeSWITCH's source says:
// - mod_event_socket.c listener_run, `done:`: with socket_resume (or `resume`), a channel that is
//   not in CS_HIBERNATE and not being transferred, redirected or reset (CF_RESET) is set to
//   CS_RESET; then CF_CONTROLLED is cleared. This happens whether or not the socket app is still
//   running: the listener outlives the app.
// - switch_channel.c switch_channel_test_ready: false in CS_RESET, so every waiting loop leaves
//   (play_file, endless_playback, park, the bridge's audio_bridge_thread).
// - switch_ivr_bridge.c: the originator's loop ends with clean_exit (its own after-bridge
//   variables are skipped); the other leg is hung up, parked or transferred by its own variables
//   (audio_bridge_on_exchange_media) before the originator fires CHANNEL_UNBRIDGE.
// - mod_event_socket.c socket_function: after its park, the same test sets CS_EXECUTE, so the
//   extension's next action runs. A channel outside the socket app stays in CS_RESET: neither
//   switch_core_standard_on_reset nor sofia_on_reset moves it on.
// - audio_bridge_thread: exec_after_bridge_app replaces the extension at the end of a bridge;
//   in CS_EXECUTE it sets CF_RESET, which keeps the listener's end from resetting the channel,
//   keeps socket_function from setting CS_EXECUTE, and makes switch_core_standard_on_execute
//   start the new extension when the running app returns.
import t, { type Test } from 'tap';
import type { SimEvent } from '../src/sim/contracts.js';
import type { SocketConnector } from '../src/sim/engine/index.js';
import { rig, header, sleep, until, dialplanDir, completion, type Rig } from './support/sim-rig.js';

function sequence(events: SimEvent[]): string[] {
  return events.map((e) => {
    const detail =
      e.name === 'CHANNEL_STATE'
        ? header(e, 'Channel-State')
        : e.name === 'CHANNEL_HANGUP'
          ? header(e, 'Hangup-Cause')
          : e.name.startsWith('CHANNEL_EXECUTE')
            ? header(e, 'Application')
            : undefined;
    return detail ? `${e.name}(${detail})` : e.name;
  });
}

/** The routed extension as our dialplan has it: socket, then one more action (here a hangup with a telling cause). */
const EXTENSIONS = (resume: boolean) => `
  <extension name="t"><condition field="destination_number" expression="^12345$">
    ${resume ? '<action application="set" data="socket_resume=true"/>' : ''}
    <action application="socket" data="127.0.0.1:9 async full"/>
    <action application="hangup" data="CALL_REJECTED"/>
  </condition></extension>
  <extension name="elsewhere"><condition field="destination_number" expression="^elsewhere$">
    <action application="hangup" data="USER_BUSY"/>
  </condition></extension>`;

/** A caller whose controller sent `connect` and answered it; the socket app is parked. */
async function connectedCaller(t: Test, resume: boolean, promptS = 0.2) {
  const seen: string[] = [];
  const connector: SocketConnector = {
    async connect(ch) {
      seen.push(ch.uuid);
      return true;
    },
  };
  const r = rig(t, { connector, dialplan: dialplanDir(t, EXTENSIONS(resume)), defaultPromptS: promptS });
  const caller = r.engine.placeCall({ from: '13800138000', to: '12345' });
  await until(() => seen.length === 1);
  r.engine.socketConnected(caller.uuid);
  await until(() => caller.has('CF_PARK'));
  send(r, caller.uuid, 'answer', '', 'ans');
  await completion(r, caller.uuid, 'ans');
  return { r, caller };
}

function send(r: Rig, uuid: string, app: string, arg: string, id: string, extra: Array<[string, string]> = []): void {
  r.engine.sendmsg(uuid, [['call-command', 'execute'], ['execute-app-name', app], ['execute-app-arg', arg], ['Event-UUID', id], ...extra], undefined);
}

const after = (names: string[], from: string) => names.slice(names.indexOf(from));
const only = (names: string[], keep: string[]) => names.filter((n) => keep.some((k) => n.startsWith(k)));

t.test(
  "music nested in the socket park: with socket_resume the listener's end resets the channel, the music and the park end, the next action runs",
  async (t) => {
    for (const music of ['endless_playback', 'playback loops=-1 event-lock'] as const) {
      const { r, caller } = await connectedCaller(t, true, 2);
      if (music === 'endless_playback') send(r, caller.uuid, 'endless_playback', 'moh.wav', 'm');
      else
        send(r, caller.uuid, 'playback', 'moh.wav', 'm', [
          ['loops', '-1'],
          ['event-lock', 'true'],
        ]);
      await until(() => r.of(caller.uuid).some((e) => e.name === 'PLAYBACK_START'));
      // past half a second: a quicker run would end the loops by itself (switch_ivr_parse_event)
      await sleep(600);
      r.engine.socketClosed(caller.uuid, false);
      await until(() => caller.hangupCause !== null, 3000);
      await caller.destroyed;
      const names = sequence(r.of(caller.uuid));
      t.equal(caller.hangupCause, 'CALL_REJECTED', `${music}: the action after socket ran`);
      t.same(
        only(after(names, 'PLAYBACK_START'), ['PLAYBACK', 'CHANNEL_EXECUTE', 'CHANNEL_UNPARK', 'CHANNEL_STATE']).slice(0, 6),
        [
          'PLAYBACK_START',
          'PLAYBACK_STOP',
          `CHANNEL_EXECUTE_COMPLETE(${music.split(' ')[0]})`,
          'CHANNEL_UNPARK',
          'CHANNEL_EXECUTE_COMPLETE(socket)',
          'CHANNEL_EXECUTE(hangup)',
        ],
        `${music}: one pass ends, no other starts`,
      );
      t.notOk(names.includes('CHANNEL_STATE(CS_RESET)'), `${music}: CS_RESET is never run: socket_function sets CS_EXECUTE first`);
    }
  },
);

t.test("without socket_resume the listener's end resets nothing: music nested in the park plays on", async (t) => {
  const { r, caller } = await connectedCaller(t, false);
  send(r, caller.uuid, 'endless_playback', 'moh.wav', 'm');
  await until(() => r.of(caller.uuid).some((e) => e.name === 'PLAYBACK_START'));
  r.engine.socketClosed(caller.uuid, false);
  await sleep(600);
  t.ok(caller.ready);
  t.equal(caller.application, 'endless_playback', 'still playing: switch_channel_ready is true, and nothing else ends it');
  t.ok(r.of(caller.uuid).filter((e) => e.name === 'PLAYBACK_START').length >= 2, 'the file started over');
  t.notOk(sequence(r.of(caller.uuid)).includes('CHANNEL_UNPARK'));
});

t.test('a caller in the bridge app: the reset ends the bridge; the agent leg goes by its own variables before the UNBRIDGE; the caller runs on', async (t) => {
  for (const agentVars of ['', 'park_after_bridge=true,']) {
    const { r, caller } = await connectedCaller(t, true);
    r.engine.agent('1005').register({ answerAfterS: 0.05 });
    send(r, caller.uuid, 'bridge', `{${agentVars}ignore_early_media=true}user/1005`, 'b');
    await until(() => r.of(caller.uuid).some((e) => e.name === 'CHANNEL_BRIDGE'));
    const agent = r.engine.agent('1005').calls()[0]!;
    r.engine.socketClosed(caller.uuid, false);
    await until(() => caller.hangupCause !== null, 3000);
    await caller.destroyed;
    t.equal(caller.hangupCause, 'CALL_REJECTED', `${agentVars || 'no variables'}: the caller went on to the action after socket`);
    const both = r.events
      .filter((e) => [caller.uuid, agent.uuid].includes(header(e, 'Unique-ID') ?? ''))
      .map((e) => `${header(e, 'Unique-ID') === agent.uuid ? 'agent ' : ''}${sequence([e])[0]}`)
      .filter((n) => ['agent CHANNEL_HANGUP(NORMAL_CLEARING)', 'agent CHANNEL_PARK', 'CHANNEL_UNBRIDGE', 'CHANNEL_EXECUTE_COMPLETE(bridge)'].includes(n));
    if (agentVars) {
      // CS_PARK is set before the UNBRIDGE; CHANNEL_PARK fires when the leg's own thread runs the state.
      t.same(
        both.filter((n) => n !== 'agent CHANNEL_PARK'),
        ['CHANNEL_UNBRIDGE', 'CHANNEL_EXECUTE_COMPLETE(bridge)'],
        'not hung up',
      );
      await until(() => agent.has('CF_PARK'));
      t.ok(agent.ready && agent.state === 'CS_PARK', 'the agent leg is parked by its park_after_bridge, and left so');
      await r.engine.api('uuid_kill', agent.uuid);
    } else {
      t.same(
        both,
        ['agent CHANNEL_HANGUP(NORMAL_CLEARING)', 'CHANNEL_UNBRIDGE', 'CHANNEL_EXECUTE_COMPLETE(bridge)'],
        'the agent leg hung up NORMAL_CLEARING, then the UNBRIDGE',
      );
      t.equal(caller.getVar('bridge_hangup_cause'), 'NORMAL_CLEARING');
    }
    const names = sequence(r.of(caller.uuid));
    t.same(
      after(names, 'CHANNEL_EXECUTE_COMPLETE(bridge)')
        .filter((n) => !n.startsWith('PRIVATE'))
        .slice(0, 4),
      ['CHANNEL_EXECUTE_COMPLETE(bridge)', 'CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE(socket)', 'CHANNEL_EXECUTE(hangup)'],
    );
  }
});

t.test('a caller whose bridge still rings: the reset cancels the originate (ORIGINATOR_CANCEL), and the caller runs on', async (t) => {
  const { r, caller } = await connectedCaller(t, true);
  r.engine.agent('1005').register(); // rings until told
  send(r, caller.uuid, 'bridge', '{ignore_early_media=true,originate_timeout=30}user/1005', 'b');
  const ring = await r.engine.agent('1005').waitForRing();
  r.engine.socketClosed(caller.uuid, false);
  await until(() => caller.hangupCause !== null, 3000);
  await caller.destroyed;
  t.equal(ring.hangupCause, 'ORIGINATOR_CANCEL', 'switch_ivr_originate stops waiting once the caller is not ready');
  const done = r.of(caller.uuid).find((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && header(e, 'Application') === 'bridge');
  t.equal(header(done, 'variable_originate_disposition'), 'ORIGINATOR_CANCEL');
  t.equal(caller.hangupCause, 'CALL_REJECTED', 'ORIGINATOR_CANCEL continues the caller (handle_cause), who runs on to the action after socket');
});

t.test('a uuid_bridge originator (CS_SOFT_EXECUTE) is reset the same way and resumes its extension', async (t) => {
  const { r, caller } = await connectedCaller(t, true);
  r.engine.agent('1006').register({ answerAfterS: 0 });
  const agent = (await r.engine.api('originate', '{ignore_early_media=true}user/1006 &park()')).slice(4, -1);
  await until(() => r.of(agent).some((e) => e.name === 'CHANNEL_PARK'));
  t.equal(await r.engine.api('uuid_bridge', `${caller.uuid} ${agent}`), `+OK ${agent}\n`);
  await until(() => caller.bridge !== null && caller.state === 'CS_SOFT_EXECUTE');
  r.engine.socketClosed(caller.uuid, false);
  await until(() => caller.hangupCause !== null, 3000);
  t.equal(caller.hangupCause, 'CALL_REJECTED', 'uuid_bridge_on_soft_execute sets CS_EXECUTE: the extension goes on');
  await until(() => r.engine.channel(agent) === undefined);
  t.same(
    sequence(r.of(agent)).filter((n) => n.startsWith('CHANNEL_HANGUP(')),
    ['CHANNEL_HANGUP(NORMAL_CLEARING)'],
  );
});

t.test('a caller parked outside the socket app (park_after_bridge) when the listener ends: CS_RESET, and nothing moves it on', async (t) => {
  const { r, caller } = await connectedCaller(t, true);
  r.engine.agent('1006').register({ answerAfterS: 0 });
  const agent = (await r.engine.api('originate', '{ignore_early_media=true}user/1006 &park()')).slice(4, -1);
  await until(() => r.of(agent).some((e) => e.name === 'CHANNEL_PARK'));
  await r.engine.api('uuid_setvar', `${caller.uuid} park_after_bridge true`);
  await r.engine.api('uuid_bridge', `${caller.uuid} ${agent}`);
  await until(() => caller.bridge !== null);
  r.engine.agent('1006').hangup();
  await until(() => caller.state === 'CS_PARK' && caller.runningState === 'CS_PARK' && caller.has('CF_PARK'));
  r.engine.socketClosed(caller.uuid, false);
  await until(() => caller.runningState === 'CS_RESET');
  await sleep(400);
  t.ok(caller.ready, 'still up');
  t.equal(caller.state, 'CS_RESET', 'standard_on_reset and sofia_on_reset do not move it');
  const names = sequence(r.of(caller.uuid));
  t.same(
    after(names, 'CHANNEL_STATE(CS_PARK)').filter((n) => !n.startsWith('CHANNEL_CALLSTATE')),
    ['CHANNEL_STATE(CS_PARK)', 'CHANNEL_PARK', 'CHANNEL_UNPARK', 'CHANNEL_STATE(CS_RESET)'],
  );
  t.equal(await r.engine.api('uuid_transfer', `${caller.uuid} elsewhere XML public`), '+OK\n');
  await caller.destroyed;
  t.equal(caller.hangupCause, 'USER_BUSY', 'a transfer still takes it somewhere');
});

t.test(
  "exec_after_bridge_app: the extension is replaced when the bridge ends; with CF_RESET the listener's end resets nothing and the new extension runs after the socket app",
  async (t) => {
    for (const controller of ['dies mid-talk', 'lives on'] as const) {
      const { r, caller } = await connectedCaller(t, true);
      r.engine.agent('1005').register({ answerAfterS: 0.05 });
      const guard = controller === 'dies mid-talk' ? 'socket_resume=false;' : '';
      await r.engine.api('uuid_setvar_multi', `${caller.uuid} ${guard}exec_after_bridge_app=hangup;exec_after_bridge_arg=USER_BUSY`);
      send(r, caller.uuid, 'bridge', '{ignore_early_media=true}user/1005', 'b');
      await until(() => r.of(caller.uuid).some((e) => e.name === 'CHANNEL_BRIDGE'));
      if (controller === 'dies mid-talk') {
        r.engine.socketClosed(caller.uuid, false);
        await sleep(300);
        t.ok(caller.bridge, 'without socket_resume the talk goes on after the listener ended');
      }
      r.engine.agent('1005').hangup();
      await completion(r, caller.uuid, 'b');
      if (controller === 'lives on') {
        t.ok(caller.has('CF_RESET'), 'CF_RESET: the bridge app ran in CS_EXECUTE');
        send(r, caller.uuid, 'playback', 'after.wav', 'p');
        await completion(r, caller.uuid, 'p');
        t.ok(caller.ready && caller.has('CF_PARK'), "still in the socket app's park, and commands run there");
        r.engine.socketClosed(caller.uuid, false);
      }
      await caller.destroyed;
      t.equal(caller.hangupCause, 'USER_BUSY', `${controller}: the replaced extension ran, not the dialplan's next action`);
      const names = sequence(r.of(caller.uuid)).filter((n) => !n.startsWith('PRIVATE') && !n.startsWith('PLAYBACK'));
      t.same(after(names, 'CHANNEL_UNPARK').slice(0, 3), ['CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE(socket)', 'CHANNEL_EXECUTE(hangup)']);
      t.notOk(names.includes('CHANNEL_STATE(CS_RESET)'));
    }
  },
);

t.test(
  'park_after_bridge on a channel already in CS_PARK: CF_TRANSFER with no new state, so the park returns and the channel sleeps not ready (switch_ivr_park_session)',
  async (t) => {
    const r = rig(t, {
      dialplan: dialplanDir(
        t,
        `
  <extension name="t"><condition field="destination_number" expression="^12345$">
    <action application="answer"/>
    <action application="park"/>
  </condition></extension>`,
      ),
    });
    const caller = r.engine.placeCall({ from: '13800138000', to: '12345' });
    await until(() => caller.has('CF_PARK'));
    t.equal(await r.engine.api('uuid_park', caller.uuid), '+OK\n');
    await until(() => caller.runningState === 'CS_PARK' && caller.has('CF_PARK'));
    r.engine.agent('1005').register({ answerAfterS: 0.05 });
    await r.engine.api('uuid_setvar', `${caller.uuid} park_after_bridge true`);
    send(r, caller.uuid, 'bridge', '{ignore_early_media=true}user/1005', 'b');
    await until(() => caller.bridge !== null);
    const parks = () => r.of(caller.uuid).filter((e) => e.name === 'CHANNEL_PARK').length;
    const before = parks();
    r.engine.agent('1005').hangup();
    await completion(r, caller.uuid, 'b');
    await until(() => !caller.has('CF_PARK'));
    await sleep(200);
    t.equal(parks(), before, 'no second CHANNEL_PARK');
    t.ok(caller.ready && caller.state === 'CS_PARK' && caller.has('CF_TRANSFER'), 'still up in CS_PARK, with CF_TRANSFER');
    send(r, caller.uuid, 'playback', 'survey.wav', 'p');
    const done = await completion(r, caller.uuid, 'p');
    t.equal(header(done, 'Application-Response'), 'FILE PLAYED', 'a queued app still runs, and returns at once');
    t.ok(Number(caller.getVar('playback_ms') ?? '0') < 100, 'nothing was played');
  },
);
