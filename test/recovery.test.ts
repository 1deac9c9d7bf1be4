// kill -9 the controller with calls in progress: FreeSWITCH (the simulator) carries them on
// through the dialplan's fallback; the restarted controller adopts every call without a
// duplicate record and follows them to their end.
import t from 'tap';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { switchboard } from './support/switchboard.js';
import { startServerProcess, waitFor } from './support/server-process.js';

t.test('kill -9 mid-call, calls continue in FreeSWITCH, restart adopts them once', async (t) => {
  const sb = await switchboard({
    agents: [
      { id: '1001', answerAfterS: 0.3, talkS: 25 },
      { id: '1002', answerAfterS: 0.3, talkS: 25 },
      { id: '1003', answerAfterS: 0.3, talkS: 25 },
    ],
    users: [{ name: 'op1001', role: 'agent' }],
  });
  t.teardown(() => sb.stop());
  await sb.server.login('op1001');
  await sb.server.post('/api/agents/1001/login');
  await sb.server.post('/api/agents/1001/ready');

  sb.sim.engine.placeCall({ from: '13800000051', to: '12345', hangupAfterS: 28 }); // answered by 1001
  await sb.until('the first call to be answered', '/api/calls', (b) => (b.items.some((c: any) => c.agent === '1001') ? true : undefined));
  sb.sim.engine.placeCall({ from: '13800000052', to: '12345', hangupAfterS: 28 }); // waits: nobody free
  await sb.until('the second call to wait', '/api/queues', (b) => (b.waiting === 1 ? true : undefined));

  const dataDir = (sb.server.logs.find((l) => l.msg === 'CTI server listening')!.database as string).replace(/\/cti\.sqlite$/, '');
  const eslPort = sb.server.logs.find((l) => l.msg === 'CTI server listening')!.eslPort as number;
  sb.server.child.kill('SIGKILL');
  await new Promise((r) => sb.server.child.once('exit', r));

  sb.sim.engine.placeCall({ from: '13800000053', to: '12369', hangupAfterS: 26 }); // arrives while the controller is down
  const channels = async () => JSON.parse(await sb.sim.engine.api('show', 'channels as json')).row_count as number;
  const bridgedInFallback = await waitFor('all three callers to be with an agent in FreeSWITCH', async () => {
    const calls = JSON.parse(await sb.sim.engine.api('show', 'calls as json'));
    return calls.row_count === 3 ? calls : undefined;
  }, 15_000);
  t.equal(bridgedInFallback.value.row_count, 3, 'the fallback answered the waiting call and the new one');

  const again = await startServerProcess(sb.config.dir, { dataDir, env: { FS_PORT: String(sb.sim.port), CTI_ESL_PORT: String(eslPort) } });
  t.teardown(() => again.stop());
  const adoption = await waitFor('the adoption', async () => again.logs.find((l) => l.msg?.toString().startsWith('calls in progress adopted')), 15_000);
  t.match(adoption.value, { adopted: 1, known: 2, closed: 0 }, 'the call from while it was down is new; the two it had are known');

  await waitFor('every call to end in FreeSWITCH', async () => ((await channels()) === 0 ? true : undefined), 40_000);
  const db = new Database(join(dataDir, 'cti.sqlite'), { readonly: true });
  t.teardown(() => db.close());
  await waitFor('the adopted records to be closed', async () => ((db.prepare('SELECT count(*) FROM calls WHERE ended_us IS NULL').pluck().get() as number) === 0 ? true : undefined), 10_000);
  const rows = db.prepare('SELECT caller, mode, origin_hotline, outcome FROM calls ORDER BY started_us').all();
  t.same(rows, [
    { caller: '13800000051', mode: 'main', origin_hotline: null, outcome: 'answered' },
    { caller: '13800000052', mode: 'main', origin_hotline: null, outcome: 'answered' },
    { caller: '13800000053', mode: 'direct', origin_hotline: '12369', outcome: 'answered' },
  ], 'one record per call, each closed');
  t.equal((await again.get('/healthz')).body.freeswitch, 'connected');
});
