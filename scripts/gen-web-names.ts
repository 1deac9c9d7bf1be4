// Writes web/lib/names.js, the pages' copy of the server's name tables (src/http/page-names.ts
// says why a generated file). `--check` writes nothing and exits 1 when the file is stale.
// Run after changing a name on the server or the IVR lines in config/routing.yaml:
//   node --import tsx scripts/gen-web-names.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { renderNamesModule } from '../src/http/page-names.js';

const project = resolve(import.meta.dirname, '..');
const target = join(project, 'web', 'lib', 'names.js');

// an empty environment: the shipped config as committed, whatever this shell exports
const loaded = await loadConfig(join(project, 'config'), {});
if (!loaded.ok) {
  console.error(`config/ does not load: ${JSON.stringify(loaded.issues)}`);
  process.exit(1);
}
const text = renderNamesModule(loaded.config.routing);
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('web/lib/names.js is stale: run `node --import tsx scripts/gen-web-names.ts`');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
