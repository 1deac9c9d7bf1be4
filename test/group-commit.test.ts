// Group commit: concurrent writes share one transaction; a failing write is rolled back alone.
import t from 'tap';
import { openDatabase, GroupCommit } from '../src/store/index.js';
import { schema } from '../src/schema.js';

t.test('writes queued together commit together; a failing one is rolled back alone', async (t) => {
  const db = openDatabase(':memory:', schema);
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
  const results = await Promise.allSettled([
    add('a'),
    add('b'),
    add('a'),
    add('c'),
    writes.run(() =>
      db.transaction(() => {
        insert.run('d');
        insert.run('b');
      })(),
    ),
  ]);
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected'],
  );
  t.same(db.prepare('SELECT text FROM notes ORDER BY id').pluck().all(), ['a', 'b', 'c'], 'the duplicate and the half of the nested transaction are gone');
  t.ok(seenInTransaction.every(Boolean), 'every write ran inside the batch transaction');
  t.equal(db.inTransaction, false, 'nothing left open');
});

t.test('a write is answered only after its batch committed', async (t) => {
  const db = openDatabase(':memory:', schema);
  t.teardown(() => db.close());
  db.exec('CREATE TABLE n (v INTEGER)');
  const writes = new GroupCommit(db);
  const committed = await writes.run(() => db.prepare('INSERT INTO n VALUES (1)').run().changes);
  t.equal(committed, 1);
  t.equal(db.inTransaction, false);
  t.equal(db.prepare('SELECT count(*) FROM n').pluck().get(), 1);
});

t.test('more writes than one batch holds are all committed, in order', async (t) => {
  const db = openDatabase(':memory:', schema);
  t.teardown(() => db.close());
  db.exec('CREATE TABLE n (v INTEGER)');
  const writes = new GroupCommit(db);
  await Promise.all(Array.from({ length: 1000 }, (_, i) => writes.run(() => db.prepare('INSERT INTO n VALUES (?)').run(i))));
  const values = db.prepare('SELECT v FROM n ORDER BY rowid').pluck().all() as number[];
  t.equal(values.length, 1000);
  t.same(
    values,
    [...values].sort((a, b) => a - b),
  );
});

t.test('flushNow commits every queued write at once, for a reader that must see them', async (t) => {
  const db = openDatabase(':memory:', schema);
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

t.test('single statements: a failing one is undone by SQLite alone, and its error goes to its handler', async (t) => {
  const db = openDatabase(':memory:', schema);
  t.teardown(() => db.close());
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)');
  const writes = new GroupCommit(db);
  const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
  // a multi-row statement that fails on its second row: SQLite must undo its first row too
  const insertTwo = db.prepare('INSERT INTO notes (text) VALUES (?), (?)');
  const errors: string[] = [];
  const onError = (err: unknown) => errors.push((err as Error).message);
  writes.runStatement(() => insert.run('a'), onError);
  writes.runStatement(() => insertTwo.run('x', 'a'), onError);
  writes.runStatement(() => insert.run('b'), onError);
  const several = writes.run(() => {
    insert.run('c');
    insert.run('b');
  });
  writes.runStatement(() => insert.run('d'), onError);
  await several.then(
    () => t.fail('the savepointed write should fail'),
    (err: Error) => t.match(err.message, /UNIQUE/),
  );
  t.same(db.prepare('SELECT text FROM notes ORDER BY id').pluck().all(), ['a', 'b', 'd'], 'the failed statement left no row, not even its first');
  t.equal(errors.length, 1, 'one failure, handed to its handler');
  t.match(errors[0], /UNIQUE/);
  t.equal(db.inTransaction, false);
});

t.test('a statement whose error ends the transaction fails the whole batch', async (t) => {
  const db = openDatabase(':memory:', schema);
  t.teardown(() => db.close());
  db.exec('CREATE TABLE n (v INTEGER)');
  const writes = new GroupCommit(db);
  const errors: unknown[] = [];
  const earlier = writes.run(() => db.prepare('INSERT INTO n VALUES (1)').run());
  // ON CONFLICT ROLLBACK style: RAISE(ROLLBACK) ends the transaction, as a full disk would
  db.exec("CREATE TRIGGER stop BEFORE INSERT ON n WHEN new.v = 2 BEGIN SELECT RAISE(ROLLBACK, 'transaction ended'); END");
  writes.runStatement(
    () => db.prepare('INSERT INTO n VALUES (2)').run(),
    (err) => errors.push(err),
  );
  writes.runStatement(
    () => db.prepare('INSERT INTO n VALUES (3)').run(),
    (err) => errors.push(err),
  );
  await earlier.then(
    () => t.fail('the earlier write went with the transaction'),
    (err: Error) => t.match(err.message, /transaction ended/),
  );
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(errors.length, 2, 'every write of the batch is told it failed');
  t.equal(db.prepare('SELECT count(*) FROM n').pluck().get(), 0, 'and none of them is in the table');
  t.equal(db.inTransaction, false);
});

t.test('one group commit per database', async (t) => {
  const a = openDatabase(':memory:', schema);
  const b = openDatabase(':memory:', schema);
  t.teardown(() => (a.close(), b.close()));
  t.equal(GroupCommit.of(a), GroupCommit.of(a));
  t.not(GroupCommit.of(a), GroupCommit.of(b));
});
