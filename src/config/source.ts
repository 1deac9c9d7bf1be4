// Reading one YAML file into a plain value plus a SourceMap, and checking it against its
// schema. Every failure becomes a ConfigIssue with file, line, column and field path.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { SourceMap, type ConfigIssue, type PathSegment } from './issues.js';

export interface ParsedFile {
  value: unknown;
  source: SourceMap;
  bytes: Buffer;
}

export async function readYaml(path: string, displayName: string): Promise<ParsedFile | ConfigIssue[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    return [{ file: displayName, line: 1, column: 1, path: '', message: reason }];
  }
  return parseYaml(bytes, displayName);
}

export function parseYaml(bytes: Buffer, displayName: string): ParsedFile | ConfigIssue[] {
  const lines = new LineCounter();
  const doc = parseDocument(bytes.toString('utf8'), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      return { file: displayName, line, column: col, path: '', message: `YAML syntax: ${firstLine(e.message)}` };
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // yaml refuses an alias that expands past maxAliasCount (a "billion laughs" file): a bad
    // file like any other, so the config in force stays, never an exception out of the loader
    return [{ file: displayName, line: 1, column: 1, path: '', message: `YAML: too many aliases to expand (${(err as Error).message})` }];
  }
  return { value, source: new SourceMap(displayName, doc, lines), bytes };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** Schema check; errors are folded to one plain message per field. */
export function checkSchema(schema: TSchema, file: ParsedFile): ConfigIssue[] {
  const byPath = new Map<string, SchemaError[]>();
  for (const e of Value.Errors(schema, file.value) as Iterable<SchemaError>) {
    if (e.keyword === 'boolean') continue; // echo of additionalProperties: false
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const issues: ConfigIssue[] = unmatchedKeys(schema, file.value, []).map(({ path, key, patterns }) =>
    keyIssue(file, path, key, `unknown field "${key}" (names must match ${patterns.join(' or ')})`),
  );
  for (const [pointer, errors] of byPath) {
    const path = pointerToPath(pointer);
    for (const { message, key } of describe(schema, errors, valueAt(file.value, path))) {
      issues.push(key === undefined ? file.source.issue(path, message) : keyIssue(file, path, key, message));
    }
  }
  return issues;
}

/**
 * Keys of a record (an object schema with patternProperties only) that match none of its
 * patterns. JSON Schema lets such keys through unchecked, values and all, so `years: { a: 1 }`
 * passed and the rules then read `1` as a year's data; every object here is closed, records too.
 */
function unmatchedKeys(schema: unknown, value: unknown, path: PathSegment[]): Array<{ path: PathSegment[]; key: string; patterns: string[] }> {
  if (schema === null || typeof schema !== 'object' || value === null || typeof value !== 'object') return [];
  const s = schema as { items?: unknown; properties?: Record<string, unknown>; patternProperties?: Record<string, unknown>; additionalProperties?: unknown };
  if (Array.isArray(value)) return s.items ? value.flatMap((v, i) => unmatchedKeys(s.items, v, [...path, i])) : [];
  const found: Array<{ path: PathSegment[]; key: string; patterns: string[] }> = [];
  const patterns = Object.keys(s.patternProperties ?? {});
  for (const [key, v] of Object.entries(value)) {
    const own = s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : undefined;
    const pattern = patterns.find((p) => new RegExp(p).test(key));
    if (own !== undefined) found.push(...unmatchedKeys(own, v, [...path, key]));
    else if (pattern !== undefined) found.push(...unmatchedKeys(s.patternProperties![pattern], v, [...path, key]));
    else if (patterns.length > 0 && s.additionalProperties === undefined) found.push({ path, key, patterns });
  }
  return found;
}

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

function keyIssue(file: ParsedFile, path: PathSegment[], key: string, message: string): ConfigIssue {
  const { line, column } = file.source.keyPosition(path, key);
  const at = file.source.issue([...path, key], message);
  return { ...at, line, column };
}

function describe(schema: TSchema, errors: SchemaError[], actual: unknown): Array<{ message: string; key?: string }> {
  const consts = errors.filter((e) => e.keyword === 'const').map((e) => e.params.allowedValue);
  if (consts.length > 0) {
    const allowed = consts.map((c) => JSON.stringify(c)).join(', ');
    return [{ message: `${show(actual)} is not allowed; use ${consts.length > 1 ? 'one of ' : ''}${allowed}` }];
  }
  const out: Array<{ message: string; key?: string }> = [];
  for (const e of errors) {
    if (e.keyword === 'anyOf') continue;
    if (e.keyword === 'additionalProperties') {
      const allowed = Object.keys((schemaAt(schema, e.schemaPath)?.properties as object) ?? {});
      for (const key of e.params.additionalProperties as string[]) {
        out.push({ key, message: `unknown field "${key}"${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}` });
      }
    } else if (e.keyword === 'required') {
      for (const key of e.params.requiredProperties as string[]) out.push({ message: `missing field "${key}"` });
    } else if (e.keyword === 'pattern') {
      const description = schemaAt(schema, e.schemaPath)?.description;
      out.push({ message: `${show(actual)} is not in the form ${description ?? String(e.params.pattern)}` });
    } else if (e.keyword === 'type') {
      out.push({ message: `must be ${article(String(e.params.type))}, not ${show(actual)}` });
    } else {
      out.push({ message: `${show(actual)}: ${e.message}` });
    }
  }
  return out;
}

function article(type: string): string {
  return type === 'array' || type === 'object' || type === 'integer' ? `an ${type === 'object' ? 'mapping' : type === 'array' ? 'list' : type}` : `a ${type}`;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'empty';
  if (typeof v === 'object') return Array.isArray(v) ? 'a list' : 'a mapping';
  return JSON.stringify(v);
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
}

/** Numeric segments index arrays; YAML maps with numeric-looking keys stay keyed by string. */
function valueAt(root: unknown, path: PathSegment[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

function schemaAt(schema: TSchema, schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = schema;
  for (const seg of pointerToPath(schemaPath.replace(/^#/, ''))) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(seg)];
  }
  return node as Record<string, unknown> | undefined;
}
