// kill -9 the controller with calls in progress: FreeSWITCH (the simulator) carries them on
// through the dialplan's fallback; the restarted controller adopts every call without a
// duplicate record and follows them to their end. The end of each call's outbound socket sets
// the caller to CS_RESET (mod_event_socket.c listener_run, done:, with socket_resume=true):
// the talk with an agent is cut (the agent's leg is hung up, switch_ivr_bridge.c
// audio_bridge_on_exchange_media), the waiting caller leaves the queue's music, and both run on
// into the fallback, which answers them again by ringing every seat.
import t from 'tap';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { switchboard } from './support/switchboard.js';
import { startServerProcess, waitFor } from './support/server-process.js';

t.test('kill -9 mid-call: the talk is cut, every caller is answered again by the fallback, restart adopts them once', async (t) => {
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

  const talking = sb.sim.engine.placeCall({ from: '13800000051', to: '12345', hangupAfterS: 28 }); // answered by 1001
  await sb.until('the first call to be answered', '/api/calls', (b) => (b.items.some((c: any) => c.agent === '1001') ? true : undefined));
  const agentLeg = sb.sim.engine.agent('1001').calls()[0]!;
  sb.sim.engine.placeCall({ from: '13800000052', to: '12345', hangupAfterS: 28 }); // waits: nobody free
  await sb.until('the second call to wait', '/api/queues', (b) => (b.waiting === 1 ? true : undefined));

  const dataDir = (sb.server.logs.find((l) => l.msg === 'CTI server listening')!.database as string).replace(/\/cti\.sqlite$/, '');
  const eslPort = sb.server.logs.find((l) => l.msg === 'CTI server listening')!.eslPort as number;
  sb.server.child.kill('SIGKILL');
  await new Promise((r) => sb.server.child.once('exit', r));

  sb.sim.engine.placeCall({ from: '13800000053', to: '12369', hangupAfterS: 26 }); // arrives while the controller is down
  const channels = async () => JSON.parse(await sb.sim.engine.api('show', 'channels as json')).row_count as number;
  // `show calls` lists every channel that is no bridge callee; a row with a b-leg is a bridge
  const bridgedInFallback = await waitFor('the three callers to be with an agent in FreeSWITCH', async () => {
    const calls = JSON.parse(await sb.sim.engine.api('show', 'calls as json'));
    return (calls.rows ?? []).filter((r: any) => r.b_uuid).length === 3 ? calls : undefined;
  }, 15_000);
  t.same(bridgedInFallback.value.rows.filter((r: any) => r.b_uuid).map((r: any) => r.cid_num).sort(), ['13800000051', '13800000052', '13800000053'], 'every caller is answered again in the fallback');
  t.equal(agentLeg.hangupCause, 'NORMAL_CLEARING', 'the talk with 1001 was cut: the reset caller left the bridge and FreeSWITCH hung the agent\'s leg up');
  t.equal(talking.profile.destinationNumber, 'cti_fallback', 'the talking caller ran on into the fallback');
  // a fourth caller whom nobody answers in the fallback: only 1004 rings, for ever
  for (const seat of ['1001', '1002', '1003']) sb.sim.engine.agent(seat).unregister();
  sb.sim.engine.placeCall({ from: '13800000054', to: '12345', hangupAfterS: 14 });
  await waitFor('the fourth caller to ring 1004', async () => (sb.sim.engine.agent('1004').ringing().length === 1 ? true : undefined), 10_000);

  const again = await startServerProcess(sb.config.dir, { dataDir, env: { FS_PORT: String(sb.sim.port), CTI_ESL_PORT: String(eslPort) } });
  t.teardown(() => again.stop());
  const adoption = await waitFor('the adoption', async () => again.logs.find((l) => l.msg?.toString().startsWith('calls in progress adopted')), 15_000);
  t.match(adoption.value, { adopted: 2, known: 2, closed: 0 }, 'the two calls from while it was down are new; the two it had are known');
  await again.login('op1001');
  const seats = (await again.get('/api/agents')).body.items;
  t.match(seats.find((a: any) => a.seat === '1001'), { user: { username: 'op1001' } }, 'seat 1001 is still op1001\'s');
  const onBreak = await again.post('/api/agents/1001/break', { reason: '用餐' });
  t.equal(onBreak.status, 200, 'op1001 may still act on the seat after kill -9');

  await waitFor('every call to end in FreeSWITCH', async () => ((await channels()) === 0 ? true : undefined), 40_000);
  const db = new Database(join(dataDir, 'cti.sqlite'), { readonly: true });
  t.teardown(() => db.close());
  await waitFor('the adopted records to be closed', async () => ((db.prepare('SELECT count(*) FROM calls WHERE ended_us IS NULL').pluck().get() as number) === 0 ? true : undefined), 10_000);
  const rows = db.prepare('SELECT caller, mode, origin_hotline, outcome FROM calls ORDER BY started_us').all();
  t.same(rows, [
    { caller: '13800000051', mode: 'main', origin_hotline: null, outcome: 'answered' },
    { caller: '13800000052', mode: 'main', origin_hotline: null, outcome: 'answered' },
    { caller: '13800000053', mode: 'direct', origin_hotline: '12369', outcome: 'answered' },
    { caller: '13800000054', mode: 'main', origin_hotline: null, outcome: 'abandoned_queue' },
  ], 'one record per call, each closed; the caller nobody answered is not counted as answered');
  const legs = db.prepare("SELECT c.caller, l.endpoint, l.answered_us IS NOT NULL AS answered FROM call_legs l JOIN calls c ON c.id = l.call_id WHERE l.kind = 'agent' ORDER BY c.started_us, l.created_us").all();
  t.match(legs, [
    { caller: '13800000051', endpoint: 'user/1001', answered: 1 }, // cut by the reset
    { caller: '13800000051', endpoint: /^user\/100[123]$/, answered: 0 }, // whichever phone took it first in the fallback
    { caller: '13800000052', endpoint: /^user\/100[123]$/, answered: 0 },
    { caller: '13800000053', endpoint: /^user\/100[123]$/, answered: 0 },
  ], 'every talk has its agent leg on the record: the one cut by the reset from its answer, those the fallback made from the adoption (their answer time went to nobody)');
  t.equal(legs.length, 4);
  t.equal((await again.get('/healthz')).body.freeswitch, 'connected');
});
