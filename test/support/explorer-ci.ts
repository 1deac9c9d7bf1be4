// The explorer's CI run (docs/explorer.md), in two halves that tap runs side by side: the fixed
// seeds split between them, the fresh seed in the second. Together at least 2,000 random calls
// with every failure kind, through the simulator and the real controller in one process under a
// virtual clock; every invariant must hold and every failure kind must occur in each half.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Test } from 'tap';
import { projectDir } from './config-dir.js';

const run = promisify(execFile);

/** The halves' fixed seeds; each half produces every failure kind on its own (checked by its run). */
export const CI_HALVES = { first: [11, 23], second: [37, 41] } as const;
export const CALLS_PER_SEED = 420;

export async function explore(args: string[]): Promise<{ code: number; out: string }> {
  try {
    // a larger young generation: the run allocates many short-lived event objects
    const { stdout, stderr } = await run(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', 'scripts/explore.ts', ...args], {
      cwd: projectDir,
      maxBuffer: 16 << 20,
    });
    return { code: 0, out: lines(stdout + stderr) };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: lines(`${e.stdout ?? ''}${e.stderr ?? ''}`) };
  }
}

/**
 * The shrinker's progress line ends in a carriage return: inside a TAP comment it ended the
 * comment for tap's parser, which then lost the assertions that followed, and a failing run
 * passed with "no tests found". Every carriage return becomes a line break.
 */
const lines = (text: string): string => text.replace(/\r\n?/g, '\n');

/** One half: its fixed seeds (and a fresh one), every kind required, every invariant held. */
export async function ciHalf(t: Test, fixed: readonly number[], fresh: boolean): Promise<void> {
  const args = ['--seeds', fixed.join(','), '--calls', String(CALLS_PER_SEED), '--require-all-kinds', '--shrink-s', '30'];
  const { code, out } = await explore(fresh ? [...args, '--fresh'] : args);
  // the log carries each seed, the fresh one among them, so any failure here can be replayed
  t.comment(
    out
      .split('\n')
      .filter((l) => l.startsWith('seed ') || l.includes('replay') || l.includes('✗') || l.startsWith('all:'))
      .join('\n'),
  );
  if (code !== 0) t.comment(out);
  t.equal(code, 0, 'the explorer found no failure (its output is above when it did)');
  const seeds = [...out.matchAll(/^seed (\d+): (\d+) calls/gm)].map((m) => [Number(m[1]), Number(m[2])] as const);
  t.equal(seeds.length, fixed.length + (fresh ? 1 : 0), fresh ? 'the fixed seeds and one fresh seed ran' : 'the fixed seeds ran');
  t.same(
    seeds.slice(0, fixed.length).map(([s]) => s),
    fixed,
  );
  t.ok(
    seeds.every(([, c]) => c === CALLS_PER_SEED),
    `${CALLS_PER_SEED} calls placed by each seed`,
  );
  t.equal((out.match(/every invariant held/g) ?? []).length, seeds.length, 'every seed held every invariant');
}
