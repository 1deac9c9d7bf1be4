// The WAL checkpointer's thread (see wal-checkpointer.ts). A connection of its own to the same
// file copies committed pages from the WAL into the database and syncs it, at a fixed pace.
// PASSIVE never waits: a writer on the main thread goes on appending while pages are copied,
// and a page still read by an open snapshot is left for the next round.
// PASSIVE never makes the WAL file smaller, though: SQLite writes over it from the start once
// it is all copied, and a burst leaves it at its largest (503 MB in issue 19). So once nothing
// was committed for `idleTruncateMs` and the WAL is all copied, one TRUNCATE empties the file.
// Plain JavaScript: under Node 20 a worker thread does not get the tsx loader that the main
// thread was started with (`node --import tsx`), so it could not load TypeScript.
// Messages: {kind:'ready'}, then per round {kind:'round', walPages, copiedPages, ms, truncated}
// or {kind:'failed', message}; it stops on the message 'stop' after a last round.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, everyMs, idleTruncateMs } = workerData;
const port = parentPort;
// No busy wait on this connection: TRUNCATE holds the write lock while it waits for readers,
// and a write on the main thread meanwhile would block the event loop for as long. Busy, it
// gives up at once and the next quiet round tries again.
const db = new Database(path, { fileMustExist: true, timeout: 0 });

// data_version changes when another connection commits: how the thread tells a quiet database
let lastVersion = db.pragma('data_version', { simple: true });
let quietSince = performance.now();

const walBytes = () => {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
};

function round() {
  const began = performance.now();
  try {
    const version = db.pragma('data_version', { simple: true });
    if (version !== lastVersion) {
      lastVersion = version;
      quietSince = began;
    }
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    let truncated = false;
    const allCopied = r && r.busy === 0 && r.log === r.checkpointed;
    if (allCopied && began - quietSince >= idleTruncateMs && walBytes() > 0) {
      const [t] = db.pragma('wal_checkpoint(TRUNCATE)');
      truncated = t?.busy === 0;
    }
    port.postMessage({ kind: 'round', walPages: r?.log ?? 0, copiedPages: r?.checkpointed ?? 0, ms: performance.now() - began, truncated });
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
