// Putting a rendered dialplan on disk and telling whether a folder still matches one.
// Only files that carry GENERATED_MARKER count as ours: a folder may be FreeSWITCH's own
// conf/dialplan/, whose hand-written files are never reported or touched.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { GENERATED_MARKER } from './render.js';

export type DriftProblem = 'missing' | 'differs' | 'extra';

export interface DriftEntry {
  /** path relative to the dialplan folder, with `/` separators */
  path: string;
  problem: DriftProblem;
}

/** Each file that is missing, differs from the rendering, or is a generated file the rendering no longer has. */
export function diffDialplan(dir: string, files: Map<string, string>): DriftEntry[] {
  const entries: DriftEntry[] = [];
  for (const [path, text] of files) {
    const onDisk = readIfExists(join(dir, checkedPath(path)));
    if (onDisk === null) entries.push({ path, problem: 'missing' });
    else if (onDisk !== text) entries.push({ path, problem: 'differs' });
  }
  for (const path of generatedFiles(dir)) {
    if (!files.has(path)) entries.push({ path, problem: 'extra' });
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Paths (relative, `/`-separated) of files that differ, are missing, or are stale generated files; empty when in step. */
export function checkDialplanDrift(dir: string, files: Map<string, string>): string[] {
  return diffDialplan(dir, files).map((e) => e.path);
}

/**
 * Writes the rendering into dir and removes stale generated files. Unchanged files are left
 * alone (FreeSWITCH and git see no change); each file is replaced by rename, so `reloadxml`
 * never reads half a file.
 */
export function writeDialplan(dir: string, files: Map<string, string>): { written: string[]; removed: string[] } {
  const drift = diffDialplan(dir, files);
  const written: string[] = [];
  const removed: string[] = [];
  for (const { path, problem } of drift) {
    const target = join(dir, checkedPath(path));
    if (problem === 'extra') {
      rmSync(target);
      removed.push(path);
    } else {
      replaceFile(target, files.get(path)!);
      written.push(path);
    }
  }
  return { written, removed };
}

function replaceFile(target: string, text: string): void {
  mkdirSync(dirname(target), { recursive: true });
  // The temporary name does not end in .xml, so FreeSWITCH's public/*.xml glob never includes it.
  const temporary = `${target}.tmp-${process.pid}`;
  writeFileSync(temporary, text, 'utf8');
  renameSync(temporary, target);
}

/** A rendering names files inside the folder; anything else is a programming error. */
function checkedPath(path: string): string {
  const local = normalize(path);
  if (isAbsolute(local) || local === '..' || local.startsWith(`..${sep}`)) {
    throw new RangeError(`dialplan file path must stay inside the dialplan folder: ${path}`);
  }
  return local;
}

function readIfExists(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** .xml files under dir (recursively) that start with our generated header, as `/`-separated relative paths. */
function generatedFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return xmlFiles(dir)
    .filter((file) => readFileSync(file, 'utf8').slice(0, 200).includes(GENERATED_MARKER))
    .map((file) => relative(dir, file).split(sep).join('/'));
}

function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return xmlFiles(path);
    return entry.isFile() && entry.name.endsWith('.xml') ? [path] : [];
  });
}
