// Commands to FreeSWITCH and the matching of their replies.
//
// Matching by order is exact, not a guess: mod_event_socket reads one command, runs it and
// writes its single reply (command/reply, or api/response for `api`) before it reads the next
// one (listener_run → read_packet → parse_command, docs/esl-protocol.md §2), and it writes events
// only between commands. So the n-th reply answers the n-th command sent on that socket.
// modesl's trouble (§7 pitfall 4) came from raw sends that bypass its queues; here every
// command goes through ReplyQueue, and a reply that times out keeps its place in the queue
// so the late reply is swallowed instead of being handed to the next command.
import { CtiError } from '../errors.js';
import { replyText, type Reply } from './message.js';

export type CommandHeaders = ReadonlyArray<readonly [string, string]>;

export interface Command {
  /** first line, e.g. `api status` or `sendmsg` */
  line: string;
  headers?: CommandHeaders;
  /** sent with a Content-Length header (sendmsg arguments with newlines) */
  body?: string;
}

/**
 * The wire form (§1.6): the command line, header lines, a blank line, then the body. A
 * newline inside the line or a header would start another command, so it is refused; the
 * api arguments often carry numbers a caller typed.
 */
export function serializeCommand(cmd: Command): string {
  const parts = [cmd.line];
  for (const [name, value] of cmd.headers ?? []) parts.push(`${name}: ${value}`);
  for (const part of parts) {
    if (/[\r\n]/.test(part))
      throw new CtiError('ESL_COMMAND_FAILED', `refused to send a command containing a line break: ${JSON.stringify(part.slice(0, 80))}`);
  }
  if (cmd.body === undefined) return `${parts.join('\n')}\n\n`;
  return `${parts.join('\n')}\nContent-Length: ${Buffer.byteLength(cmd.body)}\n\n${cmd.body}`;
}

interface Waiting {
  wire: string;
  label: string;
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** timed out after it was written: its reply is still owed and will be dropped */
  abandoned: boolean;
}

/**
 * Commands waiting to be written and commands waiting for their reply. `maxInFlight` 1
 * serialises (one command/reply at a time, as the outbound session wants); more pipelines,
 * which the FIFO rule above makes safe.
 */
export class ReplyQueue {
  private readonly queued: Waiting[] = [];
  private readonly inFlight: Waiting[] = [];
  /** why the connection closed; an Error is made only when a command is there to fail */
  private closedBecause: (() => Error) | undefined;

  constructor(
    private readonly write: (wire: string) => void,
    private readonly maxInFlight: number,
  ) {}

  send(cmd: Command, timeoutMs: number): Promise<Reply> {
    if (this.closedBecause) return Promise.reject(this.closedBecause());
    const wire = serializeCommand(cmd);
    return new Promise<Reply>((resolve, reject) => {
      const w: Waiting = { wire, label: commandLabel(cmd.line), resolve, reject, timer: undefined, abandoned: false };
      w.timer = setTimeout(() => this.expire(w, timeoutMs), timeoutMs);
      this.queued.push(w);
      this.pump();
    });
  }

  /** Hands a reply to the oldest command written; false when no command was waiting for one. */
  settle(reply: Reply): boolean {
    const w = this.inFlight.shift();
    if (!w) return false;
    if (!w.abandoned) {
      clearTimeout(w.timer);
      w.resolve(reply);
    }
    this.pump();
    return true;
  }

  /** A reply was lost in a malformed frame: the oldest command will never get its own. */
  failOldest(err: Error): void {
    const w = this.inFlight.shift();
    if (w && !w.abandoned) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.pump();
  }

  /** The connection is gone: every command fails, and later sends fail at once. */
  close(reason: () => Error): void {
    this.closedBecause ??= reason;
    const waiting = [...this.inFlight, ...this.queued];
    // Every session closes, most with nothing pending: an Error (and its stack) only if one is rejected.
    const err = waiting.length > 0 ? this.closedBecause() : undefined;
    for (const w of waiting) {
      clearTimeout(w.timer);
      if (!w.abandoned) w.reject(err!);
    }
    this.inFlight.length = 0;
    this.queued.length = 0;
  }

  get pending(): number {
    return this.queued.length + this.inFlight.length;
  }

  private pump(): void {
    while (this.queued.length > 0 && this.inFlight.length < this.maxInFlight && !this.closedBecause) {
      const w = this.queued.shift()!;
      this.inFlight.push(w);
      this.write(w.wire);
    }
  }

  private expire(w: Waiting, timeoutMs: number): void {
    const err = new CtiError('ESL_TIMEOUT', `FreeSWITCH did not answer "${w.label}" within ${timeoutMs} ms`, { command: w.label });
    const i = this.queued.indexOf(w);
    if (i >= 0) this.queued.splice(i, 1);
    else w.abandoned = true;
    w.reject(err);
  }
}

/** The command without secrets, for errors and logs (`auth <password>` → `auth`). */
export function commandLabel(line: string): string {
  return /^(auth|userauth)\b/i.test(line) ? line.split(' ')[0]! : line.slice(0, 120);
}

/** Reply-Text must start with +OK (§2.1); anything else is the command's failure. */
export function expectOk(reply: Reply, what: string): string {
  const text = replyText(reply);
  if (!text.startsWith('+OK')) throw new CtiError('ESL_COMMAND_FAILED', `${what}: ${text.trim() || '(empty reply)'}`, { command: what, reply: text });
  return text;
}

/** api/bgapi output: `-ERR …` and `-USAGE: …` are failures (mod_commands, §8). */
export function apiOutput(command: string, output: string, allowErr: boolean): string {
  if (!allowErr && /^-(ERR|USAGE)/.test(output)) {
    const first = output.split('\n')[0]!.trim();
    throw new CtiError('ESL_COMMAND_FAILED', `${commandLabel(command)}: ${first}`, { command: commandLabel(command), reply: output });
  }
  return output;
}

export interface ApiOptions {
  /** how long to wait for the api/response (default: the owner's commandTimeoutMs) */
  timeoutMs?: number;
  /** resolve with `-ERR …` output instead of rejecting with ESL_COMMAND_FAILED */
  allowErr?: boolean;
}

/**
 * `api <command>`: the api/response body. FreeSWITCH runs it inline on the connection's
 * thread (§2.1), so nothing else arrives on that socket until it returns: use bgapi for
 * anything slow, originate above all.
 */
export async function runApi(send: (cmd: Command, timeoutMs?: number) => Promise<Reply>, command: string, options: ApiOptions): Promise<string> {
  const reply = await send({ line: `api ${command}` }, options.timeoutMs);
  return apiOutput(command, replyText(reply), options.allowErr ?? false);
}

/**
 * The `event` command for a list such as `['CHANNEL_ANSWER', 'CUSTOM conference::maintenance']`.
 * Every word after CUSTOM is read as a subclass (mod_event_socket.c, `event`), so CUSTOM and
 * its subclasses go last. BACKGROUND_JOB is always added: bgapi results arrive only as that
 * event (§2.1, §7 pitfall 5).
 */
export function eventCommand(format: string, events: readonly string[]): string {
  const names = new Set<string>();
  const subclasses = new Set<string>();
  let custom = false;
  for (const entry of events) {
    let inCustom = false;
    for (const word of entry.trim().split(/\s+/).filter(Boolean)) {
      if (word === 'CUSTOM') inCustom = custom = true;
      else if (inCustom) subclasses.add(word);
      else names.add(word);
    }
  }
  names.add('BACKGROUND_JOB');
  const tail = custom ? ['CUSTOM', ...subclasses] : [];
  return ['event', format, ...names, ...tail].join(' ');
}
