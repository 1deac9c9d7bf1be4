// A copy of the shipped config/ in a temp folder, optionally with one file edited, so a
// test can break exactly one thing and see what the loader says about it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectDir = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const shippedConfig = join(projectDir, 'config');

export interface ConfigCopy {
  dir: string;
  edit(file: string, from: string | RegExp, to: string): void;
  write(file: string, text: string): void;
  read(file: string): string;
  /** 1-based line of the first occurrence of `text` in the file */
  lineOf(file: string, text: string): number;
  remove(): void;
}

export function copyConfig(): ConfigCopy {
  const root = mkdtempSync(join(tmpdir(), 'cti-config-'));
  const dir = join(root, 'config');
  cpSync(shippedConfig, dir, { recursive: true });
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    dir,
    read,
    write: (file, text) => writeFileSync(join(dir, file), text),
    edit(file, from, to) {
      const before = read(file);
      const after = before.replace(from, to);
      if (after === before) throw new Error(`edit of ${file} changed nothing: ${String(from)}`);
      writeFileSync(join(dir, file), after);
    },
    lineOf(file, text) {
      const idx = read(file)
        .split('\n')
        .findIndex((l) => l.includes(text));
      if (idx < 0) throw new Error(`${text} not in ${file}`);
      return idx + 1;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
