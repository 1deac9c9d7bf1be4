// bgapi results, matched by Job-UUID. The client picks the id and sends it as a `Job-UUID`
// header, which FreeSWITCH honours (mod_event_socket.c ~2375, docs/esl-protocol.md §2.1), so the
// waiter exists before the command is written and no BACKGROUND_JOB can arrive unclaimed.
// Results come back in any order (an originate that rings for 30 s finishes after a quick
// uuid_kill sent later), which is why order cannot be used here.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { CtiError } from '../errors.js';
import { apiOutput, expectOk, type Command } from './command.js';
import type { EslEvent } from './event.js';
import type { Reply } from './message.js';

interface JobWaiter {
  command: string;
  resolve: (body: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface BgapiOptions {
  /** how long to wait for the BACKGROUND_JOB (default: the owner's jobTimeoutMs) */
  timeoutMs?: number;
  /** resolve with `-ERR …` output instead of rejecting with ESL_COMMAND_FAILED */
  allowErr?: boolean;
}

export class JobWaiters {
  private readonly waiting = new Map<string, JobWaiter>();

  /** Registers a job before its command is sent; the promise settles with the job's body. */
  expect(jobUuid: string, command: string, timeoutMs: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(jobUuid);
        reject(new CtiError('ESL_TIMEOUT', `no BACKGROUND_JOB for "${command}" within ${timeoutMs} ms`, { command, jobUuid }));
      }, timeoutMs);
      this.waiting.set(jobUuid, { command, resolve, reject, timer });
    });
  }

  /** Takes a BACKGROUND_JOB; false when no waiter knew its Job-UUID. */
  complete(event: EslEvent): boolean {
    const id = event.jobUuid;
    const w = id === undefined ? undefined : this.waiting.get(id);
    if (!w || id === undefined) return false;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    w.resolve(event.body ?? '');
    return true;
  }

  /** FreeSWITCH chose another id (it ignored ours): follow it. */
  rekey(from: string, to: string): void {
    const w = this.waiting.get(from);
    if (!w || from === to) return;
    this.waiting.delete(from);
    this.waiting.set(to, w);
  }

  cancel(jobUuid: string, err: Error): void {
    const w = this.waiting.get(jobUuid);
    if (!w) return;
    this.waiting.delete(jobUuid);
    clearTimeout(w.timer);
    w.reject(err);
  }

  /** The reason is made into an Error only when a job is waiting. */
  failAll(reason: () => Error): void {
    if (this.waiting.size === 0) return;
    const err = reason();
    for (const id of [...this.waiting.keys()]) this.cancel(id, err);
  }

  get size(): number {
    return this.waiting.size;
  }
}

/**
 * `bgapi <command>` with our own Job-UUID: resolves with the BACKGROUND_JOB body. The
 * immediate reply is `+OK Job-UUID: <id>`; its id is checked against ours.
 */
export async function runBgapi(
  send: (cmd: Command) => Promise<Reply>,
  jobs: JobWaiters,
  command: string,
  timeoutMs: number,
  options: BgapiOptions,
  log: Logger,
): Promise<string> {
  const jobUuid = randomUUID();
  const result = jobs.expect(jobUuid, command, options.timeoutMs ?? timeoutMs);
  result.catch(() => undefined); // observed below; this only avoids an unhandled rejection meanwhile
  try {
    const text = expectOk(await send({ line: `bgapi ${command}`, headers: [['Job-UUID', jobUuid]] }), `bgapi ${command}`);
    const given = /Job-UUID: (\S+)/.exec(text)?.[1];
    if (given !== undefined && given !== jobUuid) {
      log.warn({ sent: jobUuid, given }, 'FreeSWITCH ignored our Job-UUID; following the one it chose');
      jobs.rekey(jobUuid, given);
    }
  } catch (err) {
    jobs.cancel(jobUuid, err as Error);
  }
  return apiOutput(command, await result, options.allowErr ?? false);
}
