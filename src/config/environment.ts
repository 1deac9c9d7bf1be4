// Environment variables override server.yaml (docs/architecture.md §4). A bad value is reported like
// a file error, under the file name "environment", so it is never silently ignored.
import type { ConfigIssue } from './issues.js';
import type { ServerFile } from './schema.js';

type Setter = (s: ServerFile, raw: string) => string | undefined;

const port =
  (apply: (s: ServerFile, n: number) => void): Setter =>
  (s, raw) => {
    const n = Number(raw);
    if (!/^[0-9]+$/.test(raw) || n > 65535) return `"${raw}" is not a port number (0-65535)`;
    apply(s, n);
    return undefined;
  };
const text =
  (apply: (s: ServerFile, v: string) => void): Setter =>
  (s, raw) => {
    if (raw === '') return 'is set but empty';
    apply(s, raw);
    return undefined;
  };

const overrides: Record<string, Setter> = {
  CTI_HTTP_HOST: text((s, v) => (s.http.host = v)),
  CTI_HTTP_PORT: port((s, n) => (s.http.port = n)),
  CTI_ESL_PORT: port((s, n) => (s.esl_listener.port = n)),
  FS_HOST: text((s, v) => (s.freeswitch.host = v)),
  FS_PORT: port((s, n) => (s.freeswitch.port = n)),
  FS_PASSWORD: text((s, v) => (s.freeswitch.password = v)),
  CTI_DB: text((s, v) => (s.database = v)),
  CTI_LOG_LEVEL: (s, raw) => {
    const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
    const level = levels.find((l) => l === raw);
    if (!level) return `"${raw}" is not one of ${levels.join(', ')}`;
    s.log_level = level;
    return undefined;
  },
};

export const ENV_OVERRIDES = Object.keys(overrides);

export function applyEnvironment(file: ServerFile, env: NodeJS.ProcessEnv): { value: ServerFile } | { issues: ConfigIssue[] } {
  const value = structuredClone(file);
  const issues: ConfigIssue[] = [];
  for (const [name, set] of Object.entries(overrides)) {
    const raw = env[name];
    if (raw === undefined) continue;
    const problem = set(value, raw);
    if (problem) issues.push({ file: 'environment', line: 0, column: 0, path: name, message: problem });
  }
  return issues.length > 0 ? { issues } : { value };
}
