// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
// crosses 1,000 pages of WAL, on the thread that commits: measured under the call bench at
// 300 calls/s, about one commit in 400 took 5–30 ms instead of the usual 0.02 ms, and each stalled every
// call on the controller for that long. Here a worker thread with a connection of its own
// checkpoints (PASSIVE: it never blocks the writer) every `intervalMs`, and the main connection's
// automatic checkpoint is raised to a safety net that a working checkpointer never lets it reach.
// Durability is unchanged: a commit is in the WAL either way, and a crash of the process loses
// nothing that was committed (synchronous=NORMAL, see database.ts).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './database.js';

/** Pages of WAL after which the main connection still checkpoints itself (about 40 MB). */
const SAFETY_NET_PAGES = 10_000;

// Plain CommonJS so that the worker needs no TypeScript loader; better-sqlite3 is handed in by path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, row });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err && err.message || err) });
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** checkpoints the worker ran */
  readonly runs: number;
  stop(): Promise<void>;
}

/** For a file database in WAL mode; `:memory:` has no WAL and gets a checkpointer that does nothing. */
export function startWalCheckpointer(db: Db, path: string, log: Logger, intervalMs = 1000): WalCheckpointer {
  if (path === ':memory:') return { runs: 0, stop: async () => undefined };
  db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
  worker.unref();
  const state = { runs: 0, failures: 0 };
  worker.on('message', (m: { ok: boolean; error?: string }) => {
    if (m.ok) state.runs++;
    // one line per run of failures, not one per second
    else if (state.failures++ === 0) log.warn({ error: m.error }, 'WAL checkpoint failed; retrying every interval (past about 40 MB of WAL the committing connection checkpoints itself)');
    if (m.ok) state.failures = 0;
  });
  let exited = false;
  worker.on('error', (err) => {
    log.error({ err }, 'WAL checkpoint worker died; SQLite checkpoints on commit instead');
    db.pragma('wal_autocheckpoint = 1000');
  });
  const gone = new Promise<void>((resolve) => worker.once('exit', () => {
    exited = true;
    resolve();
  }));
  let stopped: Promise<void> | undefined;
  return {
    get runs() {
      return state.runs;
    },
    stop() {
      if (!exited) {
        // held until it has closed its connection: unref'd, the process could end first
        worker.ref();
        worker.postMessage('stop');
      }
      stopped ??= gone;
      return stopped;
    },
  };
}
