// Loads config/ as one unit: all three files pass, or nothing is returned but the issues.
// That is what makes hot reload safe: a half-valid folder never becomes the config in force.
import { createHash } from 'node:crypto';
import { dirname, join, relative, resolve } from 'node:path';
import type { TSchema } from 'typebox';
import type { ConfigIssue } from './issues.js';
import type { CtiConfig } from './model.js';
import { CalendarSchema, RoutingSchema, ServerSchema, type CalendarFile, type RoutingFile, type ServerFile } from './schema.js';
import { calendarRules, routingRules } from './rules.js';
import { checkSchema, parseYaml, readYaml, type ParsedFile } from './source.js';
import { buildCalendar, buildRouting, buildServer } from './build.js';
import { applyEnvironment } from './environment.js';
import { serverRules } from './server-rules.js';

export type LoadResult = { ok: true; config: CtiConfig } | { ok: false; issues: ConfigIssue[] };

export const CONFIG_FILES = ['routing.yaml', 'server.yaml', 'calendar.yaml'] as const;

export async function loadConfig(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadResult> {
  const root = resolve(dir);
  // Paths as the admin typed them when under the working folder, absolute otherwise.
  const shown = (name: string) => {
    const rel = relative(process.cwd(), join(root, name));
    return rel.startsWith('..') ? join(root, name) : rel;
  };
  const [routing, server, calendar] = await Promise.all([
    checkedFile(join(root, 'routing.yaml'), shown('routing.yaml'), RoutingSchema, (v, f) => routingRules(v as RoutingFile, f.source)),
    checkedFile(join(root, 'server.yaml'), shown('server.yaml'), ServerSchema, () => []),
    checkedFile(join(root, 'calendar.yaml'), shown('calendar.yaml'), CalendarSchema, (v, f) => calendarRules(v as CalendarFile, f.source)),
  ]);
  const issues = [routing, server, calendar].flatMap((r) => ('issues' in r ? r.issues : []));
  if ('issues' in routing || 'issues' in server || 'issues' in calendar) return { ok: false, issues };

  const env_ = applyEnvironment(server.value as ServerFile, env);
  if ('issues' in env_) return { ok: false, issues: env_.issues };
  const unsafe = serverRules(env_.value, server.file.source, env);
  if (unsafe.length > 0) return { ok: false, issues: unsafe };

  const digest = createHash('sha256');
  for (const f of [routing, server, calendar]) digest.update(f.file.bytes);
  return {
    ok: true,
    config: {
      dir: root,
      routing: buildRouting(routing.value as RoutingFile),
      server: buildServer(env_.value, dirname(root)),
      calendar: buildCalendar(calendar.value as CalendarFile),
      digest: digest.digest('hex').slice(0, 16),
    },
  };
}

type Checked = { value: unknown; file: ParsedFile } | { issues: ConfigIssue[] };

async function checkedFile(path: string, shownName: string, schema: TSchema, rules: (value: unknown, file: ParsedFile) => ConfigIssue[]): Promise<Checked> {
  const file = await readYaml(path, shownName);
  if (Array.isArray(file)) return { issues: file };
  const shape = checkSchema(schema, file);
  if (shape.length > 0) return { issues: shape };
  const more = rules(file.value, file);
  return more.length > 0 ? { issues: more } : { value: file.value, file };
}

export type CalendarCheck = { ok: true; overrides: CtiConfig['calendar'] } | { ok: false; issues: ConfigIssue[] };

/**
 * Checks calendar.yaml text an admin pasted (the admin page's 校验), with the same schema and
 * rules as the file itself, so that what passes here passes the reload. A pasted `years:` block
 * alone is accepted: the missing `dates` is taken as empty.
 */
export function checkCalendarText(text: string, shownName = 'calendar.yaml'): CalendarCheck {
  const file = parseYaml(Buffer.from(text, 'utf8'), shownName);
  if (Array.isArray(file)) return { ok: false, issues: file };
  if (file.value === null || file.value === undefined) file.value = {};
  if (typeof file.value === 'object' && !Array.isArray(file.value)) {
    const value = file.value as Record<string, unknown>;
    value.years ??= {};
    value.dates ??= [];
  }
  const shape = checkSchema(CalendarSchema, file);
  if (shape.length > 0) return { ok: false, issues: shape };
  const more = calendarRules(file.value as CalendarFile, file.source);
  if (more.length > 0) return { ok: false, issues: more };
  return { ok: true, overrides: buildCalendar(file.value as CalendarFile) };
}
