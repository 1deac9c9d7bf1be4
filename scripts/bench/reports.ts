// Reads by time range over a large archive of call records: what one /metrics scrape and one
// wallboard refresh read, the reports API's day and month, and the open calls read at a
// restart. Each is timed through the real code (src/reports Figures, the call records), with the
// indexes and again after dropping them, with the ratio. No goals are asserted (docs/architecture.md §6).
// Run: npm run bench -- reports [--days 100] [--per-day 20000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase, type Db } from '../../src/store/index.js';
import { schema } from '../../src/schema.js';
import { Figures } from '../../src/reports/index.js';
import { CallRecords } from '../../src/call/call-records.js';

const line = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const DAY_US = 86_400_000_000;

/** Median of `runs` timings of `fn`, ms. */
function timed(runs: number, fn: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

/** `days` of calls, `perDay` a day, half of them through the queue, one in ten transferred. */
function fill(db: Db, days: number, perDay: number, endUs: number): void {
  const call = db.prepare(`INSERT INTO calls (id, caller, called, mode, line, started_us, queue_entered_us, agent_answered_us, queue_left_us, ended_us, outcome)
    VALUES (?, ?, '12345', 'main', '1', ?, ?, ?, ?, ?, ?)`);
  const attempt = db.prepare(`INSERT INTO transfer_attempts (call_id, hotline, kind, agent_id, created_us, answered_us, ended_us, result)
    VALUES (?, ?, 'warm', '1001', ?, ?, ?, 'answered')`);
  const hotlines = ['12315', '12329', '12333', '12369'];
  const total = days * perDay;
  const stepUs = Math.floor((days * DAY_US) / total);
  const startUs = endUs - days * DAY_US;
  for (let from = 0; from < total; from += 100_000) {
    db.transaction(() => {
      for (let i = from; i < Math.min(total, from + 100_000); i++) {
        const started = startUs + i * stepUs;
        const queued = i % 2 === 0 ? started + 20_000_000 : null;
        const answered = queued === null ? null : queued + (i % 30) * 1_000_000;
        // the last few calls are still going, as at a restart
        const open = i >= total - 20;
        call.run(
          `c${i}`,
          `13${String(i % 1_000_000).padStart(9, '0')}`,
          started,
          queued,
          answered,
          answered,
          open ? null : started + 200_000_000,
          open ? null : 'answered',
        );
        if (i % 10 === 0) attempt.run(`c${i}`, hotlines[i % hotlines.length]!, started + 60_000_000, started + 65_000_000, started + 300_000_000);
      }
    })();
  }
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { days: { type: 'string' }, 'per-day': { type: 'string' } } });
  const days = Number(values.days ?? 100);
  const perDay = Number(values['per-day'] ?? 20_000);
  const loaded = await loadConfig('config', {});
  if (!loaded.ok) throw new Error('config/ is not valid; run npx cti validate-config');
  const plan = loaded.config.routing;
  const dir = mkdtempSync(join(tmpdir(), 'cti-bench-reports-'));
  try {
    const db = openDatabase(join(dir, 'cti.sqlite'), schema);
    const nowMs = Date.parse('2026-11-30T16:00:00+08:00');
    const t0 = performance.now();
    fill(db, days, perDay, nowMs * 1000);
    db.pragma('wal_checkpoint(TRUNCATE)');
    line(`reports benchmark — ${new Date().toISOString()}, node ${process.version}`);
    line(
      `  archive: ${fmt(days * perDay)} calls over ${days} days (${fmt(perDay)} a day, half queued), ${fmt((days * perDay) / 10)} transfer attempts; setup ${fmt((performance.now() - t0) / 1000, 1)} s`,
    );
    const figures = new Figures(
      db,
      () => plan,
      () => new Date(nowMs),
    );
    const records = new CallRecords(db, pino({ level: 'silent' }));
    const todayMs = Date.parse('2026-11-30T00:00:00+08:00');
    const month = { fromMs: Date.parse('2026-11-01T00:00:00+08:00'), toMs: nowMs };
    const today = { fromMs: todayMs, toMs: nowMs };
    const day24h = { fromMs: nowMs - 86_400_000, toMs: nowMs };
    const cases: Array<[string, () => unknown]> = [
      ["one /metrics scrape (24 h transfer rates, today's queue counts)", () => [figures.transferCounts(day24h), figures.queueCounts(today)]],
      ["one wallboard refresh (24 h transfer rates, today's counts by hour)", () => [figures.transferCounts(day24h), figures.queueCounts(today, 'hour')]],
      ["today's service level with waits (reports API)", () => figures.serviceLevels(today)],
      ['transfer rates of the month, by day (reports API)', () => figures.transferRates(month, { by: 'day' })],
      ['open calls, read when the controller restarts', () => records.openCalls()],
    ];
    const indexed = cases.map(([, fn]) => timed(9, fn));
    const counts = timed(9, () => figures.queueCounts(today));
    const rows = timed(9, () => figures.serviceLevels(today));
    // the same code on the same rows without the indexes: what every read scanned before
    db.exec('DROP INDEX calls_by_queue_entry; DROP INDEX transfer_attempts_by_created; DROP INDEX calls_open');
    const scanned = cases.map(([, fn]) => timed(3, fn));
    line(`  ${'read (the real code)'.padEnd(66)} ${'indexed'.padStart(10)} ${'no index'.padStart(10)}  ratio`);
    line(
      `  today's queue counts: counted by SQLite ${fmt(counts, 2)} ms, the day's rows carried into JavaScript ${fmt(rows, 2)} ms (${fmt(rows / counts, 1)}×)`,
    );
    cases.forEach(([label], k) =>
      line(
        `  ${label.padEnd(66)} ${`${fmt(indexed[k]!, 2)} ms`.padStart(10)} ${`${fmt(scanned[k]!, 1)} ms`.padStart(10)}  ${fmt(scanned[k]! / indexed[k]!, 0)}×`,
      ),
    );
    line("  goal: a scrape and a wallboard refresh well under 20 ms (the budget of a call's first command), whatever the archive holds");
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
