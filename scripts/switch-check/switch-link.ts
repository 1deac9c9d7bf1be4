// The check's own view of the switch: an inbound Event Socket connection made with modesl (a
// client nobody on our team wrote), the events it sees kept in order, and waits on them. The
// switch is a real FreeSWITCH or the simulator; nothing here knows which.
import esl from 'modesl';

/** modesl's event and connection, as far as the check and the summary use them (modesl ships no types). */
export interface EslEvent {
  getHeader(name: string): string | null | undefined;
  getBody(): string;
}
export interface EslConnection {
  on(event: string, fn: (e: EslEvent) => void): void;
  events(format: string, names: string, cb: () => void): void;
  bgapi(command: string, args: string, cb: (e: EslEvent) => void): void;
  disconnect(): void;
}
export const { Connection } = esl as unknown as { Connection: new (h: string, p: number, pw: string, ready: () => void) => EslConnection };

/** One event as seen, with the time it arrived here. */
export interface SeenEvent {
  name: string;
  /** Unique-ID (the channel), when the event has one */
  uuid: string;
  at: number;
  get(header: string): string | undefined;
  /** variable_<name> */
  v(name: string): string | undefined;
}

const SUBSCRIBED = [
  'CHANNEL_CREATE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_EXECUTE',
  'CHANNEL_PARK',
  'CHANNEL_HOLD',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_DESTROY',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'RECORD_START',
  'RECORD_STOP',
];

export class SwitchLink {
  readonly events: SeenEvent[] = [];
  private waiters = new Set<() => void>();

  private constructor(private readonly conn: EslConnection) {}

  static async connect(host: string, port: number, password: string): Promise<SwitchLink> {
    const conn = await new Promise<EslConnection>((resolve, reject) => {
      const c: EslConnection = new Connection(host, port, password, () => resolve(c));
      c.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
      c.on('esl::event::auth::fail', () => reject(new Error(`FreeSWITCH at ${host}:${port} refused the password`)));
    });
    const link = new SwitchLink(conn);
    for (const name of [...SUBSCRIBED, 'CUSTOM']) conn.on(`esl::event::${name}::*`, (e) => link.seen(e));
    // json: modesl url-decodes plain events without a guard (docs/esl-protocol.md §7, pitfall 3).
    await new Promise<void>((resolve) => conn.events('json', `${SUBSCRIBED.join(' ')} CUSTOM conference::maintenance`, resolve));
    return link;
  }

  private seen(e: EslEvent): void {
    const get = (h: string) => e.getHeader(h) ?? undefined;
    this.events.push({ name: get('Event-Name') ?? '?', uuid: get('Unique-ID') ?? '', at: Date.now(), get, v: (n) => get(`variable_${n}`) });
    for (const wake of this.waiters) wake();
  }

  /** An API command through bgapi (so that a long one, like originate, blocks nothing); its text. */
  api(command: string, args: string): Promise<string> {
    return new Promise((resolve) => this.conn.bgapi(command, args, (e) => resolve(e.getBody() ?? '')));
  }

  /** The position to look for events from (events seen before it are ignored). */
  mark(): number {
    return this.events.length;
  }

  /** The first event from `from` on that matches, waiting for it up to `timeoutMs`. */
  async waitFor(what: string, match: (e: SeenEvent) => boolean, timeoutMs: number, from = 0): Promise<SeenEvent> {
    const end = Date.now() + timeoutMs;
    let i = from;
    for (;;) {
      for (; i < this.events.length; i++) if (match(this.events[i]!)) return this.events[i]!;
      const left = end - Date.now();
      if (left <= 0) throw new CheckFailed(`no ${what} within ${(timeoutMs / 1000).toFixed(0)} s`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Events from `from` on that match, as seen so far. */
  find(match: (e: SeenEvent) => boolean, from = 0): SeenEvent[] {
    return this.events.slice(from).filter(match);
  }

  close(): void {
    this.conn.disconnect();
  }
}

/** A scenario's expectation that did not hold; its message is the FAIL line's reason. */
export class CheckFailed extends Error {}

/** Whether a CHANNEL_BRIDGE joins these two channels (either side). */
export function bridges(e: SeenEvent, x: string, y: string): boolean {
  if (e.name !== 'CHANNEL_BRIDGE') return false;
  const a = e.get('Bridge-A-Unique-ID');
  const b = e.get('Bridge-B-Unique-ID');
  return (a === x && b === y) || (a === y && b === x);
}
