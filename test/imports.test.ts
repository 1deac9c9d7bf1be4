// The areas of src/ depend on each other in one direction (docs/architecture.md §3): no import
// circle between folders, store/ imports no area, and the shared leaves (errors.ts, logging.ts,
// api-schema.ts) import nothing of ours. Type-only imports count: a circle of types is still a circle a reader
// has to hold in their head. The composition roots (main.ts, cli.ts, schema.ts) may import any area.
import t from 'tap';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { projectDir } from './support/config-dir.js';

const src = join(projectDir, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** A folder of src/ by its name; a file at the top by its name without `.ts`. */
const areaOf = (file: string) => {
  const parts = relative(src, file).split('/');
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
};

/** area → the areas it imports, with one file that does so for each (for the message). */
function folderGraph(files: string[]): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\b[^'";]*?from\s+'(\.{1,2}\/[^']+)'/gms)) {
      const target = resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'));
      const [from, to] = [areaOf(file), areaOf(target)];
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, relative(projectDir, file));
    }
  }
  return graph;
}

/** Every circle, as the path that closes it (a → b → … → a), found by a walk from each area. */
function circles(graph: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  for (const start of graph.keys()) {
    const path: string[] = [];
    const seen = new Set<string>();
    const walk = (at: string): boolean => {
      path.push(at);
      for (const next of graph.get(at)?.keys() ?? []) {
        if (next === start) return found.push([...path, start]) > 0;
        if (!seen.has(next)) {
          seen.add(next);
          if (walk(next)) return true;
        }
      }
      path.pop();
      return false;
    };
    walk(start);
  }
  return found;
}

const graph = folderGraph(sources(src));

t.test('the check sees the imports it is meant to see', async (t) => {
  t.ok(graph.get('main')?.has('http'), 'main.ts imports http/');
  t.ok(graph.get('call')?.has('transfer'), 'call/ imports transfer/');
  const made = new Map([
    ['a', new Map([['b', 'a.ts']])],
    ['b', new Map([['c', 'b.ts']])],
    ['c', new Map([['a', 'c.ts']])],
  ]);
  t.same(circles(made)[0], ['a', 'b', 'c', 'a'], 'a made circle is found');
});

t.test('no import circle between the folders of src/', async (t) => {
  const found = circles(graph).map((c) => c.map((a, i) => (i + 1 < c.length ? `${a} (${graph.get(a)!.get(c[i + 1]!)})` : a)).join(' → '));
  t.same(found, [], 'no circles');
});

t.test('store/ and the shared leaves import no area', async (t) => {
  for (const leaf of ['store', 'errors', 'logging', 'api-schema']) t.same([...(graph.get(leaf)?.entries() ?? [])], [], `${leaf} imports nothing of ours`);
});
