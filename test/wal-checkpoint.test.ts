// The WAL checkpointer: a thread of its own checkpoints, so commits on the main thread never do.
import t from 'tap';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase, WalCheckpointer, walBytes } from '../src/store/index.js';
import { schema } from '../src/schema.js';

const PAGE = 4096;
const walPages = (path: string) => Math.ceil(statSync(`${path}-wal`).size / PAGE);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitUntil(done: () => boolean, timeoutMs: number): Promise<{ ms: number }> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(10);
  }
  return { ms: Date.now() - start };
}

/** ~3,000 pages in 30 commits of 100 rows of 4 KB, with pauses a round can fall into. */
async function writeMuch(db: ReturnType<typeof openDatabase>, pauseMs: number): Promise<void> {
  db.exec('CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO blobs (data) VALUES (?)');
  const batch = db.transaction(() => {
    for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(PAGE - 100, i));
  });
  for (let i = 0; i < 30; i++) {
    batch();
    await sleep(pauseMs);
  }
}

t.test('checkpoints in its thread; the main connection stops checkpointing, and starts again after stop()', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cti-wal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cti.sqlite');
  const db = openDatabase(path, schema);
  t.teardown(() => db.open && db.close());
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000, "SQLite's own checkpoints before");
  const checkpointer = WalCheckpointer.launch(db, { path, everyMs: 20, log: pino({ level: 'silent' }) });
  t.equal(await checkpointer?.ready, true, 'started');
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, 'none on the main connection while it runs');

  await writeMuch(db, 30);
  await sleep(100);
  const last = checkpointer!.last;
  t.ok(last && last.copiedPages > 0, `a round copied pages (${JSON.stringify(last)})`);
  // Without checkpoints the WAL holds every page written (some 3,000); a checkpoint that completed
  // lets the next writer start the WAL over, so it stays near one commit's worth.
  const pages = walPages(path);
  t.ok(pages < 1000, `the WAL stays small: ${pages} pages after some 3,000 written`);
  t.equal(db.prepare('SELECT count(*) FROM blobs').pluck().get(), 3000, 'every row is there');

  await checkpointer!.stop();
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000, "SQLite's own checkpoints again");
});

t.test('without it the same writes leave the WAL long (the check above can fail)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cti-wal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cti.sqlite');
  const db = openDatabase(path, schema);
  t.teardown(() => db.close());
  db.pragma('wal_autocheckpoint = 0');
  await writeMuch(db, 0);
  t.ok(walPages(path) >= 3000, `${walPages(path)} pages`);
});

t.test('a burst leaves the WAL file long; once the database is quiet it is truncated to 0 bytes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cti-wal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cti.sqlite');
  const db = openDatabase(path, schema);
  t.teardown(() => db.open && db.close());
  const checkpointer = WalCheckpointer.launch(db, { path, everyMs: 20, idleTruncateMs: 300, log: pino({ level: 'silent' }) })!;
  t.equal(await checkpointer.ready, true);

  // commits every few ms: never quiet for 300 ms, so never truncated mid-burst
  await writeMuch(db, 5);
  const afterBurst = walBytes(path);
  t.ok(afterBurst > 100 * PAGE, `the burst left ${afterBurst} bytes of WAL (PASSIVE copies pages, it never shrinks the file)`);
  t.equal(checkpointer.truncated, 0, 'not truncated while writes went on');

  const { ms } = await waitUntil(() => walBytes(path) === 0, 3000);
  t.ok(ms >= 200, `truncated to 0 bytes ${ms} ms after the last write (quiet time 300 ms)`);
  t.equal(statSync(`${path}-wal`).size, 0, 'the file is there, empty');
  await waitUntil(() => checkpointer.truncated === 1, 1000); // the round's message may trail the file
  t.equal(db.prepare('SELECT count(*) FROM blobs').pluck().get(), 3000, 'every row is in the database');

  // a write after it starts the WAL again, and the next quiet spell empties it again
  db.prepare('INSERT INTO blobs (data) VALUES (?)').run(Buffer.alloc(10));
  t.ok(walBytes(path) > 0, 'written again');
  await waitUntil(() => walBytes(path) === 0, 3000);
  await checkpointer.stop();
});

t.test('an in-memory database has no WAL and no thread', async (t) => {
  const db = openDatabase(':memory:', schema);
  t.teardown(() => db.close());
  t.equal(walBytes(':memory:'), 0);
  t.equal(WalCheckpointer.launch(db, { path: ':memory:', log: pino({ level: 'silent' }) }), undefined);
});
