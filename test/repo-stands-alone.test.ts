// The repository stands alone: no tracked file cites a document or folder that lives outside it
// (a design note or protocol reference kept beside the project once was, and a fresh clone
// had neither). Every citation goes to docs/ or to a path inside the repository.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectDir } from './support/config-dir.js';

const OUTSIDE = [
  { what: 'a design note kept beside the project (docs/architecture.md holds the design)', pattern: /(?<![\w/])DESIGN\.md/ },
  { what: 'a folder beside the project', pattern: /\.\.\/\.\.\/shared\/|\.\.\/shared\/|\/work\/shared\b/ },
  { what: 'esl-protocol.md outside docs/', pattern: /(?<![\w/])(?<!docs\/)esl-protocol\.md/ },
];

t.test('no tracked text file refers to a document outside the repository', async (t) => {
  const files = execFileSync('git', ['ls-files'], { cwd: projectDir, encoding: 'utf8' })
    .split('\n')
    .filter(
      (f) =>
        /\.(ts|mjs|js|md|yaml|yml|xml|json|sh)$/.test(f) &&
        !f.startsWith('test/fixtures/') &&
        f !== 'test/repo-stands-alone.test.ts' &&
        f !== 'package-lock.json',
    );
  t.ok(files.length > 200, `${files.length} files read`);
  const found: string[] = [];
  for (const f of files) {
    const lines = readFileSync(join(projectDir, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const o of OUTSIDE) {
        // inside docs/, esl-protocol.md is a sibling: fine
        if (o.what.startsWith('esl-protocol') && f.startsWith('docs/')) continue;
        if (o.pattern.test(line)) found.push(`${f}:${i + 1} cites ${o.what}`);
      }
    });
  }
  t.same(found, [], 'every citation points inside the repository');
});
