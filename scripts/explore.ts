// npm run explore -- [--seed N | --seeds 1,2,3] [--fresh] [--calls M] [--keep c3,d17,f0]
//                    [--shrink-s 120] [--no-shrink] [--require-all-kinds] [--trace <call index>]
//                    [--from-events <file | ->]
//
// Random calls with every failure kind through the simulator and the controller under a virtual
// clock; the invariants (docs/explorer.md) are checked after each run. A failing seed prints the
// command that replays it, then shrinks its traffic and prints the smaller command too.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { explore, type RunResult } from './explorer/run.js';
import { checkAll } from './explorer/invariants.js';
import { coverageOf, missingKinds } from './explorer/coverage.js';
import { shrink } from './explorer/shrink.js';
import type { Violation } from './explorer/history.js';
import { trafficFromEvents } from './explorer/from-events.js';
import { loadShippedConfig } from './explorer/rig.js';
import type { Traffic } from './explorer/traffic.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    fresh: { type: 'boolean', default: false },
    calls: { type: 'string', default: '1000' },
    keep: { type: 'string' },
    'shrink-s': { type: 'string', default: '120' },
    'no-shrink': { type: 'boolean', default: false },
    'require-all-kinds': { type: 'boolean', default: false },
    trace: { type: 'string' },
    'from-events': { type: 'string' },
  },
});

const calls = positive('calls', values.calls);
const seeds = [...(values.seeds?.split(',') ?? []), ...(values.seed ? [values.seed] : [])].map((s) => positive('seed', s));
const eventsFile = values['from-events'];
const given = eventsFile ? await pastedTraffic(eventsFile) : undefined;
// a pasted call replays on seed 1 unless told otherwise: no fresh seed, so a replay is stable
if (given && seeds.length === 0) seeds.push(1);
if (values.fresh || seeds.length === 0) seeds.push(1 + Math.floor(Math.random() * 2_000_000_000));
const keep = values.keep ? new Set(values.keep.split(',')) : undefined;

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name}: expected a whole number, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
}

function replay(seed: number, kept?: readonly string[]): string {
  const what = eventsFile ? `--from-events ${eventsFile}` : `--calls ${calls}`;
  return `npm run explore -- --seed ${seed} ${what}${kept ? ` --keep ${kept.join(',')}` : ''}`;
}

/** A production call's events (a file, or - for a paste on stdin) as traffic to replay. */
async function pastedTraffic(file: string): Promise<Traffic> {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const { traffic, notes } = trafficFromEvents(text, (await loadShippedConfig()).routing);
  for (const n of notes) console.log(`  · ${n}`);
  if (traffic.items.length === 0) {
    console.error(`${file}: no caller's channel in these events, nothing to replay`);
    process.exit(2);
  }
  return traffic;
}

function report(v: Violation[], r: RunResult): void {
  for (const x of v.slice(0, 12)) {
    const call = x.callIndex === undefined ? '' : ` call c${x.callIndex}`;
    console.log(`  ✗ ${x.invariant}${call}: ${x.detail}`);
  }
  if (v.length > 12) console.log(`  … and ${v.length - 12} more`);
  void r;
}

let failed = false;
/** the failure kinds over all seeds of this run (--require-all-kinds asks for every one) */
const allKinds: Record<string, number> = {};
let totalCalls = 0;
let totalRealMs = 0;
for (const seed of seeds) {
  const trace = values.trace === undefined ? [] : [Number(values.trace)];
  const r = await explore({ seed, calls, trace, ...(keep ? { keep } : {}), ...(given ? { given } : {}) });
  const violations = checkAll(r.history);
  const placed = r.history.callers.length;
  totalCalls += placed;
  totalRealMs += r.realMs;
  const rate = placed / (r.realMs / 1000);
  console.log(
    `seed ${seed}: ${placed} calls, ${(r.virtualMs / 3_600_000).toFixed(1)} h simulated in ${(r.realMs / 1000).toFixed(1)} s (${rate.toFixed(0)} simulated calls per second of real time; ${(r.virtualMs / r.realMs).toFixed(0)}× real time)`,
  );
  // the same seed gives the same history, byte for byte: what a replay relies on
  console.log(`  history ${createHash('sha256').update(JSON.stringify(r.history)).digest('hex').slice(0, 16)}`);
  const coverage = coverageOf(r.history, r.traffic);
  for (const [k, n] of Object.entries(coverage)) allKinds[k] = (allKinds[k] ?? 0) + n;
  console.log(
    `  kinds: ${Object.entries(coverage)
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ')}`,
  );
  if (values.trace !== undefined) printTrace(r, Number(values.trace));
  if (violations.length === 0) {
    console.log('  every invariant held');
    continue;
  }
  failed = true;
  const first = Math.min(...violations.map((v) => v.callIndex ?? Infinity));
  const after = Number.isFinite(first) ? `; first broken call c${first}, the ${first + 1}th placed` : '';
  console.log(`  ${violations.length} violation(s)${after}; replay: ${replay(seed, keep ? [...keep] : undefined)}`);
  report(violations, r);
  if (values['no-shrink']) continue;
  const target = violations[0]!.invariant;
  const shrunk = await shrink({
    items: r.traffic.items.map((i) => i.id),
    budgetMs: positive('shrink-s', values['shrink-s']) * 1000,
    fails: async (k) => checkAll((await explore({ seed, calls, keep: k, ...(given ? { given } : {}) })).history).some((v: Violation) => v.invariant === target),
    progress: (n) => process.stdout.write(`  shrinking ${target}: ${n} items still fail\r`),
  });
  console.log(
    `\n  shrunk to ${shrunk.kept.length} of ${r.traffic.items.length} items in ${shrunk.runs} runs${shrunk.partial ? ' (budget spent; smaller may exist)' : ''}: ${replay(seed, shrunk.kept)}`,
  );
}
const missing = missingKinds(allKinds);
if (values['require-all-kinds'] && missing.length > 0) {
  failed = true;
  console.log(`✗ failure kinds no seed of this run produced: ${missing.join(', ')}`);
}
if (seeds.length > 1 || totalCalls > 0) {
  console.log(
    `all: ${totalCalls} calls in ${(totalRealMs / 1000).toFixed(1)} s, ${(totalCalls / (totalRealMs / 1000)).toFixed(0)} simulated calls per second of real time`,
  );
}
process.exit(failed ? 1 : 0);

/** One call's story: the switch's legs and the controller's record, for a replay under study. */
function printTrace(r: RunResult, index: number): void {
  const h = r.history;
  const caller = h.callers.find((c) => c.index === index);
  if (!caller) {
    console.log(`  no call c${index} in this run`);
    return;
  }
  const t0 = caller.placedAt;
  const s = (ms: number | undefined) => (ms === undefined ? '—' : `${((ms - t0) / 1000).toFixed(1)} s`);
  console.log(
    `  call c${index} ${caller.uuid}: placed, hung up ${s(caller.hungUpAt)} (${caller.hangupCause ?? '?'}), ${caller.callerLeft ? 'by the caller' : 'by the switch'}${caller.fallback ? ', went to the fallback' : ''}`,
  );
  for (const l of h.legs.filter((x) => x.callerUuid === caller.uuid)) {
    console.log(`    leg ${l.name}: created ${s(l.createdAt)}, answered ${s(l.answeredAt)}, ended ${s(l.hungUpAt)} ${l.hangupCause ?? ''}`);
  }
  console.log(`    record: ${JSON.stringify(h.records.find((x) => x.id === caller.uuid) ?? null)}`);
  const apps = caller.apps ?? [];
  // the start (routing) and the end (what happened last) tell most; the middle is hold music
  const shown = apps.length > 30 ? [...apps.slice(0, 8), `… ${apps.length - 23} more …`, ...apps.slice(-15)] : apps;
  console.log(`    apps: ${shown.join(' → ')}`);
  for (const a of h.attempts.filter((x) => x.call_id === caller.uuid)) console.log(`    transfer: ${JSON.stringify(a)}`);
}
