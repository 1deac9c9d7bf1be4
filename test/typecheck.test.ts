// The type checker over the server, scripts and tests (tsconfig.json) and over the web pages'
// JSDoc (tsconfig.web.json), as part of `npm test`: run here, beside the other test files, rather
// than before them, so that its ten seconds of CPU overlap their waiting.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import t from 'tap';
import { projectDir } from './support/config-dir.js';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

for (const project of ['tsconfig.json', 'tsconfig.web.json']) {
  t.test(`tsc --noEmit -p ${project}: no type error`, async (t) => {
    const out = await run(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', project], { cwd: projectDir, maxBuffer: 16 << 20 }).then(
      (r) => ({ code: 0, text: r.stdout }),
      (err: { code?: number; stdout?: string }) => ({ code: err.code ?? 1, text: err.stdout ?? String(err) }),
    );
    t.equal(out.code, 0, out.code === 0 ? 'clean' : `type errors:\n${out.text}`);
  });
}
