// Delays between reconnection attempts: exponential, capped, with full jitter (a random delay
// between a small floor and the current ceiling), so a restarted FreeSWITCH is not met by
// every controller at the same instant, and a refusing one is not hammered (modesl #43 shows
// the storm a naive reconnect loop makes).

export interface BackoffOptions {
  /** ceiling of the first delay (default 500 ms) */
  initialMs?: number;
  /** the ceiling never grows past this (default 30 s) */
  maxMs?: number;
  /** no delay is shorter than this, so a run of tiny random draws cannot spin (default 50 ms) */
  minMs?: number;
  /** a connection that lived this long restarts the sequence from initialMs (default 10 s) */
  resetAfterMs?: number;
}

export class ReconnectBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly minMs: number;
  readonly resetAfterMs: number;
  private attempt = 0;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.minMs = Math.min(options.minMs ?? 50, this.initialMs);
    this.resetAfterMs = options.resetAfterMs ?? 10_000;
  }

  /** The ceiling for the next delay: initial · 2^attempt, capped. */
  get ceilingMs(): number {
    return Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
  }

  /** The next delay, and one step up the ladder. */
  next(): number {
    const ceiling = this.ceilingMs;
    this.attempt += 1;
    return Math.round(this.minMs + this.random() * (ceiling - this.minMs));
  }

  /** A refusal that retrying soon cannot fix (wrong password, ACL): go straight to the cap. */
  penalise(): void {
    this.attempt = Math.max(this.attempt, Math.ceil(Math.log2(this.maxMs / this.initialMs)));
  }

  reset(): void {
    this.attempt = 0;
  }
}
