// One module writes each table (issue 20): the SQL that inserts, updates or deletes rows of a
// table appears in one source file. The tables written from two places today are listed with
// their files, exactly, so that fixing one makes this test ask for the list to shrink and a new
// second writer fails it (docs/architecture.md §3.4).
import t from 'tap';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectDir } from './support/config-dir.js';

/** Tables with more than one writer today, and who they are: none any more. */
const KNOWN_SHARED: Record<string, string[]> = {};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

t.test('each table is written by one module', async (t) => {
  const writers = new Map<string, Set<string>>();
  // migrations create and backfill tables: schema, not writes of the running system
  const files = sources(join(projectDir, 'src')).filter((f) => !/migrations?\.ts$/.test(f));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+([a-z_]+)\b/g)) {
      const table = m[1]!;
      if (!writers.has(table)) writers.set(table, new Set());
      writers.get(table)!.add(relative(projectDir, file));
    }
  }
  t.ok(writers.size >= 10, `${writers.size} tables written: ${[...writers.keys()].sort().join(', ')}`);
  t.same(
    writers.get('call_legs') && [...writers.get('call_legs')!],
    ['src/call/call-legs.ts'],
    'call_legs: its own module, for the call record and the transfer attempts',
  );
  const shared = Object.fromEntries([...writers].filter(([, fs]) => fs.size > 1).map(([table, fs]) => [table, [...fs].sort()]));
  t.same(shared, KNOWN_SHARED, 'tables with more than one writer are exactly the known ones');
});

t.test('route plugins reach tables through their modules, not SQL on the app', async (t) => {
  // the routes get a reader or a store in their options (fastify style); config-admin prepares
  // its one INSERT at registration, as the owner of config_reloads
  const allowed = new Set(['src/http/config-admin.ts']);
  const offenders = sources(join(projectDir, 'src'))
    .filter((f) => /\b(?:app|api|admin)\.db\s*\.prepare\(/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(projectDir, f))
    .filter((f) => !allowed.has(f));
  t.same(offenders, [], 'no plugin prepares SQL on the fastify instance');
});
