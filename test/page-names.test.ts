// The pages' names come from the server (src/http/page-names.ts, rendered into web/lib/names.js):
// the generated file must match what the server would write now, and the pages must name every
// code the API sends.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { renderNamesModule } from '../src/http/page-names.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

type NameTable = Readonly<Record<string, string>>;
interface FormatModule {
  nameOf: (table: NameTable, code: string | number | null | undefined) => string;
  [table: string]: unknown;
}

// the page's own module, as the browser runs it (plain JS; a variable keeps tsc from resolving it)
const formatPath = join(ROOT, 'web', 'lib', 'format.js');
const format = (await import(formatPath)) as FormatModule;
const table = (name: string) => format[name] as NameTable;

t.test('web/lib/names.js is what the server would generate now', async (t) => {
  const loaded = await loadConfig(join(ROOT, 'config'), {});
  if (!loaded.ok) throw new Error(`shipped config does not load: ${JSON.stringify(loaded.issues)}`);
  t.equal(
    readFileSync(join(ROOT, 'web', 'lib', 'names.js'), 'utf8'),
    renderNamesModule(loaded.config.routing),
    'run `node --import tsx scripts/gen-web-names.ts` and commit web/lib/names.js when this fails',
  );
});

t.test('the desktop names every transfer kind an attempt can carry', async (t) => {
  // emergency numbers are always handed over as kind "emergency", linkage hotlines as "linkage"
  // (src/transfer/rules.ts planTransfer); the pages' old copy lacked both and showed the code
  for (const kind of ['warm', 'blind', 'three_way', 'emergency', 'linkage']) {
    t.not(format.nameOf(table('TRANSFER_KINDS'), kind), kind, kind);
  }
});

t.test('nameOf: a name, else the code, else a dash; a call still going has no outcome', async (t) => {
  t.equal(format.nameOf(table('STATUS_NAMES'), 'signed'), '已签收（办理中）');
  t.equal(format.nameOf(table('STATUS_NAMES'), 'no_such_status'), 'no_such_status');
  t.equal(format.nameOf(table('STATUS_NAMES'), null), '—');
  t.equal(format.nameOf(table('OUTCOME_NAMES'), null), '进行中');
  t.equal(format.nameOf(table('LINE_NAMES'), '9'), '9 线 · 政务服务监管专席');
});
