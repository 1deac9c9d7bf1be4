// Reading a scenario file: YAML syntax, then the schema, then the rules that span fields; every
// problem comes back with file, line, column and field path, as config problems do.
import { readFile } from 'node:fs/promises';
import type { ConfigIssue } from '../../config/issues.js';
import { checkSchema, parseYaml, type ParsedFile } from '../../config/source.js';
import { DEFAULT_TRUNKS } from '../engine/citizens.js';
import { ScenarioSchema, type ScenarioDelay, type ScenarioFile } from './schema.js';

export type ScenarioLoad = { ok: true; scenario: ScenarioFile } | { ok: false; issues: ConfigIssue[] };

export async function loadScenario(path: string, displayName = path): Promise<ScenarioLoad> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    return { ok: false, issues: [{ file: displayName, line: 1, column: 1, path: '', message: reason }] };
  }
  return parseScenario(bytes, displayName);
}

export function parseScenario(bytes: Buffer | string, displayName: string): ScenarioLoad {
  const parsed = parseYaml(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), displayName);
  if (Array.isArray(parsed)) return { ok: false, issues: parsed };
  const shape = checkSchema(ScenarioSchema, parsed);
  if (shape.length > 0) return { ok: false, issues: shape };
  const scenario = parsed.value as ScenarioFile;
  const rules = checkRules(scenario, parsed);
  return rules.length > 0 ? { ok: false, issues: rules } : { ok: true, scenario };
}

function checkRules(s: ScenarioFile, file: ParsedFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (path: Array<string | number>, message: string) => issues.push(file.source.issue(path, message));
  if (!s.calls?.length && !s.traffic) at([], 'nothing to run: give "calls", "traffic", or both');
  const seen = new Set<string>();
  s.agents?.forEach((a, i) => {
    if (seen.has(a.id)) at(['agents', i, 'id'], `agent "${a.id}" is listed twice`);
    seen.add(a.id);
    checkDelay(a.answer_after_s, ['agents', i, 'answer_after_s'], at);
    checkDelay(a.talk_s, ['agents', i, 'talk_s'], at);
  });
  s.calls?.forEach((c, i) => {
    // own keys only: `in` also finds `constructor` and `toString` on every object
    if (c.gateway !== undefined && !Object.hasOwn(DEFAULT_TRUNKS, c.gateway)) {
      at(['calls', i, 'gateway'], `no trunk "${c.gateway}" sends calls to the simulator (known: ${Object.keys(DEFAULT_TRUNKS).join(', ')})`);
    }
  });
  for (const [number, h] of Object.entries(s.hotlines ?? {})) {
    checkDelay(h.answer_after_s, ['hotlines', number, 'answer_after_s'], at);
    checkDelay(h.talk_s, ['hotlines', number, 'talk_s'], at);
    if ((h.busy ?? 0) + (h.unreachable ?? 0) > 1) at(['hotlines', number], 'busy + unreachable is more than 1');
  }
  if (s.traffic) {
    if (!Object.values(s.traffic.mix).some((w) => w > 0)) at(['traffic', 'mix'], 'every weight is 0: no call could be drawn');
    checkDelay(s.traffic.hangup_after_s, ['traffic', 'hangup_after_s'], at);
    checkDelay(s.traffic.patience_s, ['traffic', 'patience_s'], at);
  }
  return issues;
}

function checkDelay(d: ScenarioDelay | undefined, path: Array<string | number>, at: (p: Array<string | number>, m: string) => void): void {
  if (d !== undefined && typeof d === 'object' && !Array.isArray(d) && d.min > d.max) {
    at([...path, 'min'], `min ${d.min} is above max ${d.max}`);
  }
}
