// A config problem, pinned to file, line, column and the field path an admin can find.
import { type LineCounter, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';

export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** field path as an admin reads it: parallel[3].transfer.gateway */
  path: string;
  message: string;
}

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((out, seg) => {
    if (typeof seg === 'number') return `${out}[${seg}]`;
    return out === '' ? seg : `${out}.${seg}`;
  }, '');
}

export function formatIssue(i: ConfigIssue): string {
  const where = `${i.file}:${i.line}:${i.column}`;
  return i.path ? `${where} ${i.path}: ${i.message}` : `${where} ${i.message}`;
}

/** Finds where a field path sits in a parsed YAML file, for messages that point at it. */
export class SourceMap {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  issue(path: readonly PathSegment[], message: string): ConfigIssue {
    const { line, column } = this.position(path);
    return { file: this.file, line, column, path: formatPath(path), message };
  }

  /** The deepest node that exists on the path; a missing key points at its parent map. */
  position(path: readonly PathSegment[]): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const seg of path) {
      const next = child(node, seg);
      if (next === undefined) break;
      node = next.value;
      offset = rangeStart(next.value) ?? next.keyOffset ?? offset;
    }
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** Position of a map key itself (for unknown fields). */
  keyPosition(path: readonly PathSegment[], key: string): { line: number; column: number } {
    const parent = this.nodeAt(path);
    const pair = isMap(parent) ? parent.items.find((p) => scalarValue(p.key) === key) : undefined;
    const offset = rangeStart(pair?.key) ?? rangeStart(parent) ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private nodeAt(path: readonly PathSegment[]): unknown {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      const next = child(node, seg);
      if (next === undefined) return undefined;
      node = next.value;
    }
    return node;
  }
}

function child(node: unknown, seg: PathSegment): { value: unknown; keyOffset?: number } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => String(scalarValue(p.key)) === String(seg));
    if (!pair) return undefined;
    return { value: pair.value ?? pair.key, keyOffset: rangeStart(pair.key) };
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

function scalarValue(n: unknown): unknown {
  return isScalar(n) ? n.value : n;
}

function rangeStart(n: unknown): number | undefined {
  const range = (n as Node | undefined)?.range;
  return range ? range[0] : undefined;
}
