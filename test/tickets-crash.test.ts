// Kill -9 the real server in the middle of a burst of ticket writes: every ticket the API
// acknowledged is there, none is half-written, and the store reopens cleanly.
import t from 'tap';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyConfig } from './support/config-dir.js';
import { startServerProcess, waitFor } from './support/server-process.js';

t.test('kill -9 during a burst of writes loses nothing committed and leaves nothing half-written', async (t) => {
  const copy = copyConfig();
  const dataDir = mkdtempSync(join(tmpdir(), 'cti-crash-'));
  t.teardown(() => {
    copy.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const server = await startServerProcess(copy.dir, { dataDir, users: [{ name: 'agent', role: 'agent' }] });
  await server.login('agent');

  const acknowledged: number[] = [];
  let killed = false;
  const worker = async (w: number) => {
    for (let i = 0; !killed; i++) {
      try {
        const r = await server.post('/api/tickets', {
          type: i % 2 ? 'complaint' : 'consultation',
          caller: `1380013${String(w).padStart(2, '0')}${String(i % 100).padStart(2, '0')}`,
          content: `第${w}-${i}号诉求：噪音扰民`,
          dispatch_to: 'environment',
        });
        if (r.status === 201) acknowledged.push(r.body.id);
      } catch {
        return; // the connection died with the server
      }
    }
  };
  const workers = Array.from({ length: 12 }, (_, w) => worker(w));
  await waitFor('300 acknowledged tickets', async () => (acknowledged.length >= 300 ? true : undefined), 30_000);
  server.child.kill('SIGKILL');
  killed = true;
  await Promise.all(workers);
  await server.stop();
  t.ok(acknowledged.length >= 300, `${acknowledged.length} tickets acknowledged before the kill`);

  const db = new Database(join(dataDir, 'cti.sqlite'));
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const present = new Set(db.prepare('SELECT id FROM tickets').pluck().all() as number[]);
  t.same(
    acknowledged.filter((id) => !present.has(id)),
    [],
    'every acknowledged ticket is stored',
  );
  const halfWritten = db
    .prepare(
      `SELECT t.id FROM tickets t
       WHERE t.status != 'dispatched' OR t.sign_due_ms IS NULL OR t.resolve_due_ms IS NULL OR t.version != 2
          OR (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = 'create') != 1
          OR (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = 'dispatch') != 1`,
    )
    .pluck()
    .all();
  t.same(halfWritten, [], 'no ticket without its create and dispatch events and deadlines');
  const orphans = db.prepare('SELECT count(*) FROM ticket_events WHERE ticket_id NOT IN (SELECT id FROM tickets)').pluck().get();
  t.equal(orphans, 0, 'no event without its ticket');
  t.ok(present.size >= acknowledged.length, `${present.size} stored (some may have committed without their reply reaching the client)`);
  db.close();

  const again = await startServerProcess(copy.dir, { dataDir, users: [{ name: 'boss', role: 'supervisor' }] });
  t.teardown(() => again.stop());
  await again.login('agent');
  t.match((await (await again.as('boss')).get('/api/health')).body, { db: 'ok' });
  const after = await again.post('/api/tickets', { type: 'help', caller: '13800138000', content: '重启后新建', dispatch_to: 'environment' });
  t.equal(after.status, 201, 'the reopened store takes new tickets');
  t.ok(after.body.id > Math.max(...present), 'ids continue after the last committed one');
});
