// The music a caller hears while nobody talks to them (in the queue, on hold, during a consult),
// played so that it can be stopped before anything else runs on the caller's channel.
//
// Each pass is one `playback` of the file, sent with `event-lock: true`: while it plays,
// FreeSWITCH runs no other queued message (switch_core_session_dequeue_private_event returns
// nothing while CF_EVENT_LOCK is set), so nothing can start *inside* it. That matters for the
// agent's `bridge`: run inside a music app, the bridge would return into that app when the talk
// ends, and if the controller is gone by then, endless music would hold the caller for ever
// (mod_dptools.c endless_playback_function loops while the channel is ready). Run straight from
// the socket app's park, the bridge returns into the park, which ends once the listener is gone
// (switch_ivr_park loops only while CF_CONTROLLED), and the channel goes on in its dialplan.
//
// stop() ends the music with uuid_break (mod_commands.c break_function: a broadcast, which every
// sendmsg execute is, gets CF_STOP_BROADCAST and CF_BREAK, and play_file returns) and waits for
// the pass's CHANNEL_EXECUTE_COMPLETE. A pass that has not started yet loses the break
// (switch_core_session_exec clears CF_BREAK when an app starts), so the break is repeated until
// the pass has completed. The next pass is sent only when the last one completed and music is
// still wanted, so the caller hears a gap of one round trip between passes.
import type { EslEvent, OutboundCall } from '../esl/index.js';

const BREAK_AGAIN_MS = 250;

export class CallerMusic {
  private wanted = false;
  /** the pass queued or playing, settled by its CHANNEL_EXECUTE_COMPLETE */
  private pass: Promise<EslEvent> | null = null;

  constructor(
    private readonly call: OutboundCall,
    private readonly file: string,
    /** an api command for the caller's channel (uuid_break) */
    private readonly api: (command: string) => Promise<string>,
  ) {}

  get playing(): boolean {
    return this.wanted;
  }

  /** Starts the music, unless it is already on. */
  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    if (!this.pass) this.next();
  }

  /** Stops the music; resolves once nothing of it runs on the channel any more. */
  async stop(): Promise<void> {
    this.wanted = false;
    const pass = this.pass;
    if (!pass) return;
    let done = false;
    const settled = pass.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done && !this.gone) {
      await this.api(`uuid_break ${this.call.uuid}`).catch(() => undefined);
      await Promise.race([settled, new Promise((r) => setTimeout(r, BREAK_AGAIN_MS))]);
    }
  }

  private get gone(): boolean {
    return this.call.isHungUp || this.call.isClosed;
  }

  private next(): void {
    if (!this.wanted || this.gone) return;
    const pass = this.call.execute('playback', this.file, { lock: true });
    this.pass = pass;
    const after = () => {
      if (this.pass !== pass) return;
      this.pass = null;
      this.next();
    };
    pass.then(after, after);
  }
}
