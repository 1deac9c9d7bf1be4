// Keeps the last good config in force while config/ changes under it. A reload is all or
// nothing (loadConfig checks the whole folder), so a half-applied config cannot happen.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import { loadConfig } from './load.js';
import { formatIssue, type ConfigIssue } from './issues.js';
import type { CtiConfig } from './model.js';

export interface ConfigStatus {
  state: 'ok' | 'error';
  /** how many good configs have been put in force, the first one included */
  generation: number;
  digest: string;
  loadedAt: string;
  lastAttemptAt: string;
  /** the problems of the last attempt when it failed; the config in force is older */
  issues: ConfigIssue[];
}

type Listener = (config: CtiConfig) => void;

const SETTLE_MS = 150; // editors write a file in several steps; reload once they are done

export class ConfigWatcher {
  private config: CtiConfig;
  private statusValue: ConfigStatus;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly listeners: Listener[] = [];
  private readonly attemptListeners: Array<(status: ConfigStatus) => void> = [];
  private readonly onHup = () => void this.reload();

  constructor(
    initial: CtiConfig,
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.config = initial;
    const now = new Date().toISOString();
    this.statusValue = { state: 'ok', generation: 1, digest: initial.digest, loadedAt: now, lastAttemptAt: now, issues: [] };
  }

  get current(): CtiConfig {
    return this.config;
  }

  get status(): ConfigStatus {
    return this.statusValue;
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Called after every reload attempt, accepted or rejected (for the audit table). */
  onAttempt(listener: (status: ConfigStatus) => void): void {
    this.attemptListeners.push(listener);
  }

  start(): void {
    this.watcher = watch(this.config.dir, () => this.schedule());
    this.watcher.on('error', (err) => this.log.error({ err }, 'config watcher failed; SIGHUP still reloads'));
    process.on('SIGHUP', this.onHup);
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
    process.off('SIGHUP', this.onHup);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), SETTLE_MS);
  }

  /** Reloads now; concurrent calls coalesce into one more run after the current one. */
  async reload(): Promise<ConfigStatus> {
    if (this.running) {
      this.again = true;
      await this.running;
      return this.statusValue;
    }
    this.running = this.attempt().then(() => {
      for (const l of this.attemptListeners) l(this.statusValue);
    });
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    if (this.again) {
      this.again = false;
      return this.reload();
    }
    return this.statusValue;
  }

  private async attempt(): Promise<void> {
    const now = new Date().toISOString();
    const result = await loadConfig(this.config.dir, this.env);
    if (!result.ok) {
      this.statusValue = { ...this.statusValue, state: 'error', lastAttemptAt: now, issues: result.issues };
      this.log.error({ issues: result.issues.map(formatIssue) }, 'config rejected; the last good config stays in force');
      return;
    }
    const changed = result.config.digest !== this.config.digest;
    this.statusValue = {
      state: 'ok',
      generation: this.statusValue.generation + (changed ? 1 : 0),
      digest: result.config.digest,
      loadedAt: changed ? now : this.statusValue.loadedAt,
      lastAttemptAt: now,
      issues: [],
    };
    if (!changed) return;
    this.config = result.config;
    this.log.info({ digest: result.config.digest, generation: this.statusValue.generation }, 'config reloaded');
    // An area that fails to take the new config must not stop the others, nor the process.
    for (const l of this.listeners) {
      try {
        l(result.config);
      } catch (err) {
        this.log.error({ err }, 'a config change listener failed; the other areas took the new config');
      }
    }
  }
}
