// Checkpoints off the event loop. SQLite's own checkpoint runs inside the commit that takes the
// WAL past 1,000 pages, on the thread that committed: it copies those pages into the database
// and syncs the file, and on this machine's disk that held the controller's event loop for tens
// of milliseconds at a time under load (its loop-delay p99 at 250 calls/s: 16–23 ms, and 9–18 ms
// with this thread checkpointing instead). With a checkpointer running, the main connection no longer checkpoints
// by itself; if the thread fails, it does again, so the WAL never grows without bound.
// Its length is bounded, not its file: see the thread for the TRUNCATE once the database is
// quiet, and openDatabase for journal_size_limit when it never is.
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './database.js';

/** What the thread (wal-checkpoint-worker.mjs) is given, and what it reports. */
interface CheckpointWorkerData {
  path: string;
  everyMs: number;
  idleTruncateMs: number;
}
/** One round: pages in the WAL, pages copied into the database, how long it took (ms), and whether it emptied the WAL file. */
export interface CheckpointRound {
  walPages: number;
  copiedPages: number;
  ms: number;
  truncated: boolean;
}
type CheckpointMessage = { kind: 'ready' } | ({ kind: 'round' } & CheckpointRound) | { kind: 'failed'; message: string };

/** Quiet long enough that no burst is under way; short enough that a burst's WAL does not sit on disk for long. */
export const DEFAULT_IDLE_TRUNCATE_MS = 30_000;

/** Size of a database's WAL file in bytes (0 when there is none, as for ':memory:'). */
export function walBytes(path: string): number {
  if (path === ':memory:') return 0;
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

/** SQLite's default wal_autocheckpoint, put back if the thread fails. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export interface WalCheckpointerOptions {
  /** the database file the main connection has open, in WAL mode */
  path: string;
  /** pause between two checkpoints (default 1 s) */
  everyMs?: number;
  /** after this long without a commit the WAL file is truncated to 0 bytes (default 30 s) */
  idleTruncateMs?: number;
  log: Logger;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopping = false;
  private lastRound: CheckpointRound | undefined;
  private truncations = 0;

  /** Whether the thread took over (false if it could not start, or ended first). */
  readonly ready: Promise<boolean>;

  private constructor(
    private readonly db: Db,
    options: WalCheckpointerOptions,
  ) {
    let onReady!: (ok: boolean) => void;
    this.ready = new Promise<boolean>((resolve) => (onReady = resolve));
    const workerData: CheckpointWorkerData = {
      path: options.path,
      everyMs: options.everyMs ?? 1000,
      idleTruncateMs: options.idleTruncateMs ?? DEFAULT_IDLE_TRUNCATE_MS,
    };
    this.worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), { workerData });
    // the thread alone never keeps the process alive; close() stops it in order
    this.worker.unref();
    this.worker.on('message', (m: CheckpointMessage) => {
      if (m.kind === 'ready') {
        if (db.open) db.pragma('wal_autocheckpoint = 0');
        onReady(true);
      } else if (m.kind === 'round') {
        this.lastRound = { walPages: m.walPages, copiedPages: m.copiedPages, ms: m.ms, truncated: m.truncated };
        if (m.truncated) this.truncations++;
      } else {
        options.log.warn({ err: m.message }, 'WAL checkpoint failed; the next round tries again');
      }
    });
    this.worker.on('error', (err) => options.log.error({ err }, 'the WAL checkpoint thread failed'));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        if (!this.stopping) {
          options.log.error('the WAL checkpoint thread ended; the database checkpoints on the main thread again');
          this.fallBack();
        }
        onReady(false);
        resolve();
      }),
    );
  }

  /**
   * Starts the thread; the main connection stops checkpointing once the thread has the
   * database open (`ready`). Undefined for an in-memory database, which has no WAL.
   */
  static launch(db: Db, options: WalCheckpointerOptions): WalCheckpointer | undefined {
    return options.path === ':memory:' ? undefined : new WalCheckpointer(db, options);
  }

  /** The last round, once there was one. */
  get last(): CheckpointRound | undefined {
    return this.lastRound;
  }

  /** How many rounds emptied the WAL file since start. */
  get truncated(): number {
    return this.truncations;
  }

  /** A last checkpoint in the thread, then SQLite's own checkpoints again (closing the database does the final one). */
  async stop(): Promise<void> {
    if (this.stopping) return this.exited;
    this.stopping = true;
    this.worker.ref(); // held open until its last round is done
    this.worker.postMessage('stop');
    await this.exited;
    this.fallBack();
  }

  /** Ends the thread where it is, as a killed process's would end (no last round). */
  halt(): void {
    this.stopping = true;
    void this.worker.terminate();
  }

  private fallBack(): void {
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  }
}
