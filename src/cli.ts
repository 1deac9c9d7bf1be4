// `npx cti <command>`: the operator's and admin's command line (docs/architecture.md §4).
// Each command returns an exit code; output goes to stdout, problems to stderr.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatIssue, loadConfig, workingCalendarOf, type CtiConfig } from './config/index.js';
import { CtiError } from './errors.js';
import { formatShanghai, parseInstant, shanghaiDateOf } from './calendar/index.js';

type Command = (args: string[]) => Promise<number>;

const usage = `usage: cti <command>

  validate-config [dir]                 check config/ (or dir); exit 0 when valid
  gen-dialplan [--out dir] [--check]    render dialplan/ from routing.yaml; --check only reports drift
  calendar [--strict] is-workday <YYYY-MM-DD>   print true or false
  calendar [--strict] due <ISO-start> <days>    print the deadline of a clock of <days> working days
                                        (past the holiday data: the weekday rule, a warning on
                                        stderr, exit 0; --strict: exit 1)
  user add <name> --role <role> [--department <id>] [--display-name <n>] [--mobile <no>] | user list   (password on stdin; see cti user help)
  fs-sim [--esl-port 8021] [--controller host:port] [--scenario file]   run the FreeSWITCH simulator
  sim [--esl-port P] [--controller host:port] <scenario.yaml>         run a scenario against the controller, print a JSON summary

Config folder: CTI_CONFIG or ./config.`;

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

const configDir = (arg?: string) => resolve(arg ?? process.env.CTI_CONFIG ?? 'config');

async function loadOrReport(dir: string): Promise<CtiConfig | null> {
  const r = await loadConfig(dir);
  if (r.ok) return r.config;
  for (const issue of r.issues) err(formatIssue(issue));
  err(`${r.issues.length} problem${r.issues.length === 1 ? '' : 's'} in ${dir}`);
  return null;
}

const validateConfig: Command = async (args) => {
  const dir = configDir(args[0]);
  const config = await loadOrReport(dir);
  if (!config) return 1;
  const h = config.routing.hotlines;
  out(
    `${dir}: valid (${h.length} hotlines: ${['direct', 'parallel', 'emergency', 'linkage'].map((m) => `${h.filter((x) => x.mode === m).length} ${m}`).join(', ')})`,
  );
  return 0;
};

const genDialplan: Command = async (args) => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, check: { type: 'boolean' } } });
  const config = await loadOrReport(configDir());
  if (!config) return 1;
  const { renderDialplan, writeDialplan, checkDialplanDrift } = await import('./dialplan/index.js');
  const files = renderDialplan(config.routing, { socket: config.server.eslListener });
  const dir = resolve(values.out ?? 'dialplan');
  if (values.check) {
    const drift = checkDialplanDrift(dir, files);
    for (const d of drift) err(`out of date: ${d}`);
    if (drift.length === 0) out(`${dir}: up to date`);
    return drift.length === 0 ? 0 : 1;
  }
  writeDialplan(dir, files);
  for (const name of files.keys()) out(`wrote ${resolve(dir, name)}`);
  return 0;
};

// Outside the holiday data the answer follows the weekday rule, as the server's does; it is
// printed all the same with a warning on stderr, and --strict turns that into exit 1.
const calendar: Command = async (args) => {
  const { values, positionals } = parseArgs({ args, options: { strict: { type: 'boolean' } }, allowPositionals: true });
  const [sub, ...rest] = positionals;
  const config = await loadOrReport(configDir());
  if (!config) return 1;
  const cal = workingCalendarOf(config);
  const guessed = (firstGuessedDay: string) => {
    if (values.strict) throw cal.noDataFor(firstGuessedDay);
    err(
      `warning: provisional (暂定): ${firstGuessedDay.slice(0, 4)} has no holiday data, so Monday to Friday count as working days; add the year to config/calendar.yaml (--strict makes this an error)`,
    );
  };
  if (sub === 'is-workday' && rest.length === 1) {
    const day = cal.describeDay(rest[0]!);
    if (day.source === 'weekday-rule') guessed(day.date);
    out(String(day.workday));
    return 0;
  }
  if (sub === 'due' && rest.length === 2) {
    const days = Number(rest[1]);
    if (!Number.isFinite(days) || days < 0) throw new CtiError('CALENDAR_BAD_INPUT', `"${rest[1]}" is not a number of working days (0 or more)`);
    const start = parseInstant(rest[0]!);
    const end = cal.clockEndDays(start, days);
    if (end.provisional) guessed(firstMissingDay(cal, start));
    out(formatShanghai(end.at));
    return 0;
  }
  err('usage: cti calendar [--strict] is-workday <YYYY-MM-DD> | cti calendar [--strict] due <ISO-start> <working-days>');
  return 2;
};

/** The first day from `start` on whose year has no data: the day the warning names. */
function firstMissingDay(cal: ReturnType<typeof workingCalendarOf>, start: Date): string {
  const first = shanghaiDateOf(start);
  let year = Number(first.slice(0, 4));
  if (!cal.covers(year)) return first;
  while (cal.covers(year)) year++;
  return `${year}-01-01`;
}

const user: Command = async (args) => {
  const config = await loadOrReport(configDir());
  if (!config) return 1;
  const { userCommand } = await import('./auth/command.js');
  const [{ openDatabase }, { schema }] = await Promise.all([import('./store/index.js'), import('./schema.js')]);
  return userCommand(args, config, (path) => openDatabase(path, schema));
};

const fsSim: Command = async (args) => (await import('./sim/index.js')).fsSimCommand(args);
const sim: Command = async (args) => (await import('./sim/index.js')).simCommand(args);

const commands: Record<string, Command> = {
  'validate-config': validateConfig,
  'gen-dialplan': genDialplan,
  calendar,
  user,
  'fs-sim': fsSim,
  sim,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    err(usage);
    return name === undefined || name === '--help' || name === 'help' ? 0 : 2;
  }
  try {
    return await command(args);
  } catch (e) {
    if (e instanceof CtiError) {
      err(`${e.code}: ${e.message}`);
      return 1;
    }
    if (String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      err(`${(e as Error).message}\n\n${usage}`);
      return 2;
    }
    throw e;
  }
}
