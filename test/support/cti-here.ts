// The `cti` command run by main() in this process, its output captured: a process per command
// costs about 2 s (node and tsx starting). Each test file that uses it still runs bin/cti.js
// itself at least once, so the command as an operator starts it stays tested.
import { Readable } from 'node:stream';
import { main } from '../../src/cli.js';

export interface CtiRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `input` is what the command reads on stdin (a password), as a pipe gives it. */
export async function ctiHere(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<CtiRun> {
  const savedEnv = { ...process.env };
  const written = { stdout: '', stderr: '' };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  const capture = (to: 'stdout' | 'stderr') => ((chunk: string | Uint8Array) => ((written[to] += String(chunk)), true)) as typeof process.stdout.write;
  Object.assign(process.env, env);
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  if (input !== undefined) Object.defineProperty(process, 'stdin', { value: Readable.from([input]), configurable: true });
  try {
    const code = await main(args);
    return { code, stdout: written.stdout, stderr: written.stderr };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    Object.defineProperty(process, 'stdin', stdin);
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
}
