// Dial strings as switch_ivr_originate reads them:
//   {a=1,b=2}            variables for every leg (values may be 'quoted' to hold commas)
//   [c=3]endpoint        variables for one leg
//   leg1,leg2            legs rung at the same time (the first to answer wins, the rest LOSE_RACE)
//   group1|group2        groups tried one after the other when the previous one failed
// Only the forms our controller and dialplan use are read; enterprise originate (:_:) and
// the ^^ separator change are not.

export interface DialLeg {
  endpoint: string;
  vars: Map<string, string>;
}

export interface DialString {
  /** the {...} variables, applied to every leg */
  globals: Map<string, string>;
  /** sequential groups of parallel legs */
  groups: DialLeg[][];
}

export function parseDialString(text: string): DialString {
  let rest = text.trim();
  const globals = new Map<string, string>();
  while (rest.startsWith('{')) {
    const end = closing(rest, 0, '{', '}');
    for (const [k, v] of parseVars(rest.slice(1, end))) globals.set(k, v);
    rest = rest.slice(end + 1).trim();
  }
  const groups = splitTopLevel(rest, '|')
    .map((group) =>
      splitTopLevel(group, ',')
        .map(parseLeg)
        .filter((leg) => leg.endpoint !== ''),
    )
    .filter((group) => group.length > 0);
  return { globals, groups };
}

function parseLeg(text: string): DialLeg {
  let rest = text.trim();
  const vars = new Map<string, string>();
  while (rest.startsWith('[') || rest.startsWith('{')) {
    const open = rest[0] as '[' | '{';
    const end = closing(rest, 0, open, open === '[' ? ']' : '}');
    for (const [k, v] of parseVars(rest.slice(1, end))) vars.set(k, v);
    rest = rest.slice(end + 1).trim();
  }
  return { endpoint: rest, vars };
}

/** Index of the bracket closing the one at `start`; the end of the text when unbalanced. */
function closing(text: string, start: number, open: string, close: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    if (quoted) continue;
    if (c === open) depth++;
    if (c === close && --depth === 0) return i;
  }
  return text.length;
}

/** Splits on `sep` outside brackets and quotes. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && (c === '[' || c === '{' || c === '<')) depth++;
    else if (!quoted && (c === ']' || c === '}' || c === '>')) depth--;
    else if (!quoted && depth === 0 && c === sep) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

/** `a=1,b='x,y'` → pairs; single quotes around a value are removed. */
export function parseVars(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const item of splitTopLevel(text, ',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const name = item.slice(0, eq).trim();
    let value = item.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
    pairs.push([name, value]);
  }
  return pairs;
}

/** The variables one leg gets: the globals, then its own (which win). */
export function legVars(dial: DialString, leg: DialLeg): Map<string, string> {
  return new Map([...dial.globals, ...leg.vars]);
}

/** A positive whole number from a variable, as atoi(...) > 0 tests it; otherwise undefined. */
export function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
