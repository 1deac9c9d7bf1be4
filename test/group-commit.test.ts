// Group commit: concurrent writes share one transaction; a failing write is rolled back alone.
import t from 'tap';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase, GroupCommit, startWalCheckpointer } from '../src/store/index.js';

t.test('writes queued together commit together; a failing one is rolled back alone', async (t) => {
  const db = openDatabase(':memory:');
  t.teardown(() => db.close());
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)');
  const writes = new GroupCommit(db);
  const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
  const seenInTransaction: boolean[] = [];
  const add = (text: string) =>
    writes.run(() => {
      seenInTransaction.push(db.inTransaction);
      return Number(insert.run(text).lastInsertRowid);
    });
  const results = await Promise.allSettled([add('a'), add('b'), add('a'), add('c'), writes.run(() => db.transaction(() => { insert.run('d'); insert.run('b'); })())]);
  t.same(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
  t.same(db.prepare('SELECT text FROM notes ORDER BY id').pluck().all(), ['a', 'b', 'c'], 'the duplicate and the half of the nested transaction are gone');
  t.ok(seenInTransaction.every(Boolean), 'every write ran inside the batch transaction');
  t.equal(db.inTransaction, false, 'nothing left open');
});

t.test('a write is answered only after its batch committed', async (t) => {
  const db = openDatabase(':memory:');
  t.teardown(() => db.close());
  db.exec('CREATE TABLE n (v INTEGER)');
  const writes = new GroupCommit(db);
  const committed = await writes.run(() => db.prepare('INSERT INTO n VALUES (1)').run().changes);
  t.equal(committed, 1);
  t.equal(db.inTransaction, false);
  t.equal(db.prepare('SELECT count(*) FROM n').pluck().get(), 1);
});

t.test('more writes than one batch holds are all committed, in order', async (t) => {
  const db = openDatabase(':memory:');
  t.teardown(() => db.close());
  db.exec('CREATE TABLE n (v INTEGER)');
  const writes = new GroupCommit(db);
  await Promise.all(Array.from({ length: 1000 }, (_, i) => writes.run(() => db.prepare('INSERT INTO n VALUES (?)').run(i))));
  const values = db.prepare('SELECT v FROM n ORDER BY rowid').pluck().all() as number[];
  t.equal(values.length, 1000);
  t.same(values, [...values].sort((a, b) => a - b));
});

t.test('flushNow commits every queued write at once, for a reader that must see them', async (t) => {
  const db = openDatabase(':memory:');
  t.teardown(() => db.close());
  db.exec('CREATE TABLE n (v INTEGER)');
  const writes = new GroupCommit(db);
  const done = Array.from({ length: 600 }, (_, i) => writes.run(() => db.prepare('INSERT INTO n VALUES (?)').run(i)));
  t.equal(db.prepare('SELECT count(*) FROM n').pluck().get(), 0, 'queued, not yet written');
  writes.flushNow();
  t.equal(db.prepare('SELECT count(*) FROM n').pluck().get(), 600, 'all of them, past one batch, before the turn ends');
  t.equal(db.inTransaction, false);
  await Promise.all(done);
  t.equal(db.prepare('SELECT count(*) FROM n').pluck().get(), 600, 'the scheduled flush finds nothing left to write twice');
});

t.test('WAL checkpoints run in a worker thread; the committing connection keeps only a far safety net', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cti-wal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cti.sqlite');
  const db = openDatabase(path);
  t.teardown(() => db.close());
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000, "SQLite's default before");
  const warnings: unknown[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const checkpoints = startWalCheckpointer(db, path, log, 100);
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 10_000, 'raised to the safety net');
  db.exec('CREATE TABLE blobs (v BLOB)');
  const insert = db.prepare('INSERT INTO blobs VALUES (randomblob(4000))');
  db.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run();
  })();
  const before = statSync(path).size;
  t.ok(statSync(`${path}-wal`).size > 2_000_000, 'the rows are in the WAL');
  t.ok(before < 1_000_000, `the database file itself is still small (${before} bytes): the committing connection did not checkpoint`);
  const until = Date.now() + 5000;
  while (statSync(path).size < 2_000_000 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  t.ok(statSync(path).size > 2_000_000, 'the worker copied the WAL into the database file');
  t.ok(checkpoints.runs >= 1, `${checkpoints.runs} checkpoints ran`);
  await checkpoints.stop();
  await checkpoints.stop();
  t.same(warnings, [], 'no checkpoint failed');
  t.equal(db.prepare('SELECT count(*) FROM blobs').pluck().get(), 500, 'every row still there');
  const memory = startWalCheckpointer(openDatabase(':memory:'), ':memory:', log);
  t.equal(memory.runs, 0, 'an in-memory database has no WAL and no worker');
});
