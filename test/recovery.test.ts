// kill -9 the controller with calls in progress: FreeSWITCH (the simulator) carries them on;
// the restarted controller adopts every call without a duplicate record and follows them to
// their end. The end of each call's outbound socket resets a caller whose socket_resume is true
// (mod_event_socket.c listener_run, done:): the waiting caller leaves the queue's music and runs
// on into the dialplan's fallback, which rings every seat. A caller talking with an agent has
// socket_resume off for the talk (src/call/talk-guard.ts), so nothing cuts the talk; when the
// agent hangs up, FreeSWITCH itself asks the survey (exec_after_bridge_app) and ends the call.
import t from 'tap';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { HEALTH_PROBE, switchboard } from './support/switchboard.js';
import { startServerProcess, waitFor } from './support/server-process.js';

t.test(
  'kill -9 mid-talk: the talk goes on, the waiting caller reaches the fallback, restart adopts both; after the talk the survey, then a clean end',
  async (t) => {
    const sb = await switchboard({
      agents: [
        { id: '1001', answerAfterS: 0.3, talkS: 25 },
        { id: '1002', answerAfterS: 0.3, talkS: 25 },
        { id: '1003', answerAfterS: 0.3, talkS: 25 },
        { id: '1004' }, // rings, never answers
      ],
      users: [{ name: 'op1001', role: 'agent' }],
    });
    t.teardown(() => sb.stop());
    await sb.server.login('op1001');
    await sb.server.post('/api/agents/1001/login');
    await sb.server.post('/api/agents/1001/ready');

    const talking = sb.sim.engine.placeCall({ from: '13800000051', to: '12345', hangupAfterS: 90 }); // answered by 1001
    await sb.until('the first call to be answered', '/api/calls', (b) => (b.items.some((c: any) => c.agent === '1001') ? true : undefined));
    const agentLeg = sb.sim.engine.agent('1001').calls()[0]!;
    sb.sim.engine.agent('1001').register({ busy: 1 }); // a softphone in a call answers others 486 Busy
    const waiting = sb.sim.engine.placeCall({ from: '13800000052', to: '12345', hangupAfterS: 28 }); // waits: nobody free
    await sb.until('the second call to wait', '/api/queues', (b) => (b.waiting === 1 ? true : undefined));
    await waitFor(
      'the waiting caller to hear the queue music',
      async () => (['playback', 'endless_playback'].includes(waiting.application) ? true : undefined),
      5000,
    );

    const dataDir = (sb.server.logs.find((l) => l.msg === 'CTI server listening')!.database as string).replace(/\/cti\.sqlite$/, '');
    const eslPort = sb.server.logs.find((l) => l.msg === 'CTI server listening')!.eslPort as number;
    sb.server.child.kill('SIGKILL');
    await new Promise((r) => sb.server.child.once('exit', r));

    sb.sim.engine.placeCall({ from: '13800000053', to: '12369', hangupAfterS: 26 }); // arrives while the controller is down
    const channels = async () => JSON.parse(await sb.sim.engine.api('show', 'channels as json')).row_count as number;
    // `show calls` lists every channel that is no bridge callee; a row with a b-leg is a bridge
    const bridged = await waitFor(
      'the waiting caller and the new one to be answered in the fallback, next to the talk',
      async () => {
        const calls = JSON.parse(await sb.sim.engine.api('show', 'calls as json'));
        return (calls.rows ?? []).filter((r: any) => r.b_uuid).length === 3 ? calls : undefined;
      },
      15_000,
    );
    const rows = bridged.value.rows.filter((r: any) => r.b_uuid);
    t.same(rows.map((r: any) => r.cid_num).sort(), ['13800000051', '13800000052', '13800000053'], 'three callers are with an agent');
    t.equal(rows.find((r: any) => r.cid_num === '13800000051').b_uuid, agentLeg.uuid, 'the talk goes on: the same agent leg as before the kill');
    t.ok(agentLeg.ready && talking.bridge?.peer === agentLeg, 'caller and agent are still bridged');
    t.equal(talking.profile.destinationNumber, '12345', 'the talking caller never went to the fallback');
    t.equal(waiting.profile.destinationNumber, 'cti_fallback', 'the waiting caller ran on into the fallback');
    // a fourth caller whom nobody answers in the fallback: only 1004 rings, for ever
    for (const seat of ['1001', '1002', '1003']) sb.sim.engine.agent(seat).unregister();
    sb.sim.engine.placeCall({ from: '13800000054', to: '12345', hangupAfterS: 14 });
    await waitFor('the fourth caller to ring 1004', async () => (sb.sim.engine.agent('1004').ringing().length === 1 ? true : undefined), 10_000);

    const again = await startServerProcess(sb.config.dir, { dataDir, env: { FS_PORT: String(sb.sim.port), CTI_ESL_PORT: String(eslPort) } });
    t.teardown(() => again.stop());
    const adoption = await waitFor('the adoption', async () => again.logs.find((l) => l.msg?.toString().startsWith('calls in progress adopted')), 15_000);
    t.match(
      adoption.value,
      { adopted: 2, known: 2, closed: 0 },
      'the two calls from while it was down are new; the talk and the waiting caller it had are known',
    );
    await again.login('op1001');
    const seats = (await again.get('/api/agents')).body.items;
    t.match(
      seats.find((a: any) => a.seat === '1001'),
      { state: 'on_call', call_id: talking.uuid, user: { username: 'op1001' } },
      "seat 1001 is still op1001's, and on the talk that went on",
    );
    t.ok(agentLeg.ready, 'the talk outlived the restart too');

    // The agent hangs up (talkS): FreeSWITCH asks the survey itself, the caller presses 2, the call ends.
    await waitFor(
      'the agent to hang up and the caller to be asked the survey',
      async () => (!agentLeg.ready && talking.application === 'play_and_get_digits' ? true : undefined),
      30_000,
    );
    t.equal(agentLeg.hangupCause, 'NORMAL_CLEARING');
    await waitFor(
      'seat 1001 to be off the call',
      async () => ((await again.get('/api/agents')).body.items.find((a: any) => a.seat === '1001')?.state !== 'on_call' ? true : undefined),
      5000,
    );
    t.ok(talking.ready, 'the caller is still there, in the survey');
    talking.queueDtmf('2');
    await talking.destroyed;
    t.equal(talking.hangupCause, 'NORMAL_CLEARING', 'a clean end: "the last dialplan instruction"');
    const apps = talking.appLog.map((a) => a.app);
    t.same(apps.slice(apps.lastIndexOf('bridge')), ['bridge', 'play_and_get_digits'], 'after the talk the survey');
    t.notOk(apps.includes('transfer'), 'and never the fallback');

    await waitFor('every call to end in FreeSWITCH', async () => ((await channels()) === 0 ? true : undefined), 40_000);
    const db = new Database(join(dataDir, 'cti.sqlite'), { readonly: true });
    t.teardown(() => db.close());
    await waitFor(
      'the adopted records to be closed',
      async () => ((db.prepare('SELECT count(*) FROM calls WHERE ended_us IS NULL').pluck().get() as number) === 0 ? true : undefined),
      10_000,
    );
    const records = db.prepare('SELECT caller, mode, origin_hotline, outcome, agent_id, survey_score FROM calls ORDER BY started_us').all();
    t.match(
      records,
      [
        { caller: '13800000051', mode: 'main', origin_hotline: null, outcome: 'answered', agent_id: '1001', survey_score: 2 },
        { caller: '13800000052', mode: 'main', origin_hotline: null, outcome: 'answered', survey_score: null },
        { caller: '13800000053', mode: 'direct', origin_hotline: '12369', outcome: 'answered', survey_score: null },
        { caller: '13800000054', mode: 'main', origin_hotline: null, outcome: 'abandoned_queue', survey_score: null },
      ],
      'one record per call, each closed; the talk that outlived the controller keeps its agent and its survey',
    );
    t.equal(records.length, 4);
    const legs = db
      .prepare(
        "SELECT c.caller, l.id, l.endpoint, l.answered_us IS NOT NULL AS answered FROM call_legs l JOIN calls c ON c.id = l.call_id WHERE l.kind = 'agent' ORDER BY c.started_us",
      )
      .all();
    t.match(
      legs,
      [
        { caller: '13800000051', id: agentLeg.uuid, endpoint: 'user/1001', answered: 1 }, // on the record from its answer, once
        // whichever free phone took it first in the fallback; its answer read from its leg's end
        { caller: '13800000052', endpoint: /^user\/100[23]$/, answered: 1 },
        { caller: '13800000053', endpoint: /^user\/100[23]$/, answered: 1 },
      ],
      'every talk has its agent leg on the record: the one that outlived the controller from its answer, those the fallback made from the adoption, with their answer times',
    );
    t.equal(legs.length, 3);
    t.equal((await (await again.as(HEALTH_PROBE)).get('/api/health')).body.freeswitch, 'connected');
  },
);
