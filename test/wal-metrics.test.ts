// Issue 19: the WAL grew to 503 MB unseen. The real server empties it once the database is
// quiet (server.yaml wal_truncate_idle_s) and shows its size in /metrics.
import t from 'tap';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyConfig } from './support/config-dir.js';
import { startServerProcess, waitFor } from './support/server-process.js';

const walMetric = (text: string) => Number(/^cti_sqlite_wal_bytes (\d+)$/m.exec(text)?.[1] ?? NaN);

t.test('after a burst of writes the WAL is long; after wal_truncate_idle_s without a write it is 0 bytes, and /metrics says so', async (t) => {
  const copy = copyConfig();
  copy.edit('server.yaml', /wal_truncate_idle_s: 30/, 'wal_truncate_idle_s: 2');
  const dataDir = mkdtempSync(join(tmpdir(), 'cti-wal-'));
  const server = await startServerProcess(copy.dir, { dataDir, users: [{ name: 'op', role: 'agent' }] });
  t.teardown(async () => {
    await server.stop();
    copy.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const wal = join(dataDir, 'cti.sqlite-wal');
  await server.login('op');
  const content = '路灯不亮，'.repeat(300);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 25; i++) {
        const r = await server.post('/api/tickets', { type: 'report', caller: '13800138000', content, dispatch_to: 'environment' });
        if (r.status !== 201) throw new Error(JSON.stringify(r.body));
      }
    }),
  );
  // unauthenticated from here: a logged-in request is a write (the session's last use)
  const metrics = async () => (await fetch(`${server.url}/metrics`)).text();
  const afterBurst = walMetric(await metrics());
  t.ok(afterBurst > 0, `after 200 tickets: cti_sqlite_wal_bytes ${afterBurst}`);
  t.equal(afterBurst, statSync(wal).size, 'the gauge is the file');

  const { ms } = await waitFor('the WAL to be emptied', async () => (walMetric(await metrics()) === 0 ? true : undefined), 15_000);
  t.equal(statSync(wal).size, 0, `0 bytes on disk, ${ms} ms after the burst (quiet time 2 s)`);
  t.ok(ms >= 1000, 'not before the database was quiet');
});
