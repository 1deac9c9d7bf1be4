// The WAL checkpointer's thread (see wal-checkpointer.ts). A connection of its own to the same
// file copies committed pages from the WAL into the database and syncs it, at a fixed pace.
// PASSIVE never waits: a writer on the main thread goes on appending while pages are copied,
// and a page still read by an open snapshot is left for the next round.
// Plain JavaScript: under Node 20 a worker thread does not get the tsx loader that the main
// thread was started with (`node --import tsx`), so it could not load TypeScript.
// Messages: {kind:'ready'}, then per round {kind:'round', walPages, copiedPages, ms} or
// {kind:'failed', message}; it stops on the message 'stop' after a last round.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, everyMs } = workerData;
const port = parentPort;
const db = new Database(path, { fileMustExist: true });

function round() {
  const began = performance.now();
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    port.postMessage({ kind: 'round', walPages: r?.log ?? 0, copiedPages: r?.checkpointed ?? 0, ms: performance.now() - began });
  } catch (err) {
    port.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
}

const timer = setInterval(round, everyMs);
port.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  round();
  db.close();
  port.close();
});
port.postMessage({ kind: 'ready' });
