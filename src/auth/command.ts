// `cti user …`: how the first admin (and anyone, when the web page is not at hand) is
// created. Passwords come from stdin, never from arguments, which `ps` and shell history
// would show to others.
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { CtiConfig } from '../config/index.js';
import type { Db } from '../store/index.js';
import { audit } from './audit.js';
import { UserStore, type User } from './users.js';
import { userJson } from './user-json.js';

export const userUsage = `usage:
  cti user add <name> --role <role> [--department <id>] [--display-name <name>] [--mobile <no>]
  cti user list
  cti user password <name>
  cti user disable <name> | cti user enable <name>
  cti user unlock <name>   (lifts every lock after wrong passwords, from all addresses)
The password is the first line of stdin (typed without echo on a terminal).
Roles: agent, supervisor, dept_handler, dept_head (these two need --department), admin.`;

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

type Subcommand = (users: UserStore, args: string[], config: CtiConfig) => Promise<number>;

/** `open` gives the database with its schema: the composition root (cli.ts) knows every area's migrations. */
export async function userCommand(args: string[], config: CtiConfig, open: (path: string) => Db): Promise<number> {
  const [name, ...rest] = args;
  if (name === 'help' || name === '--help') {
    out(userUsage);
    return 0;
  }
  const sub = name ? subcommands[name] : undefined;
  if (!sub) return usageError();
  const db = open(config.server.database);
  try {
    return await sub(new UserStore(db), rest, config);
  } finally {
    db.close();
  }
}

const add: Subcommand = async (users, args, config) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, department: { type: 'string' }, 'display-name': { type: 'string' }, mobile: { type: 'string' } },
  });
  if (positionals.length !== 1 || values.role === undefined) return usageError();
  const password = await readPassword();
  const input = {
    username: positionals[0]!,
    password,
    role: values.role,
    department: values.department,
    displayName: values['display-name'],
    mobile: values.mobile,
  };
  const now = new Date();
  const user = await users.add(input, new Set(config.routing.departments.keys()), now);
  recordCli(users.db, 'user.add', user, now);
  out(JSON.stringify(userJson(user, now)));
  return 0;
};

const list: Subcommand = async (users, args) => {
  if (args.length > 0) return usageError();
  const now = new Date();
  out(['id', 'username', 'display_name', 'role', 'department', 'mobile', 'state'].join('\t'));
  for (const u of users.list()) {
    out([u.id, u.username, u.displayName, u.role, u.department ?? '-', u.mobile ?? '-', stateOf(u, now)].join('\t'));
  }
  return 0;
};

const password: Subcommand = async (users, args) => {
  if (args.length !== 1) return usageError();
  const user = users.byUsername(args[0]!);
  if (!user) return noSuchUser(args[0]!);
  const updated = await users.setPassword(user.id, await readPassword());
  recordCli(users.db, 'user.password', updated, new Date());
  out(`password of ${updated.username} changed; their sessions have ended`);
  return 0;
};

const disableOrEnable =
  (disabled: boolean): Subcommand =>
  async (users, args) => {
    if (args.length !== 1) return usageError();
    const user = users.byUsername(args[0]!);
    if (!user) return noSuchUser(args[0]!);
    const updated = users.setDisabled(user.id, disabled);
    recordCli(users.db, disabled ? 'user.disable' : 'user.enable', updated, new Date());
    out(`${updated.username} ${disabled ? 'disabled' : 'enabled'}`);
    return 0;
  };

// The way back in when the only admin is locked for every address and nobody is left to
// press 解除锁定 on the admin page.
const unlock: Subcommand = async (users, args) => {
  if (args.length !== 1) return usageError();
  const user = users.byUsername(args[0]!);
  if (!user) return noSuchUser(args[0]!);
  const now = new Date();
  const lifted = users.unlock(user.id, null, now);
  const detail = { via: 'cli', os_user: osUser(), address: null, lifted: lifted.map((l) => ({ address: l.address, locked_until: l.lockedUntil.getTime() })) };
  audit(users.db, { userId: null, action: 'user.unlock', subject: `user:${user.id}`, detail }, now);
  out(`${user.username} unlocked (${lifted.length} lock${lifted.length === 1 ? '' : 's'} lifted)`);
  return 0;
};

const subcommands: Record<string, Subcommand> = { add, list, password, disable: disableOrEnable(true), enable: disableOrEnable(false), unlock };

function stateOf(user: User, now: Date): string {
  if (user.disabled) return 'disabled';
  if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) return 'locked';
  return 'active';
}

function usageError(): number {
  err(userUsage);
  return 2;
}

function noSuchUser(name: string): number {
  err(`no user "${name}"`);
  return 1;
}

/** The audit trail names the operating-system account, as no CTI user is logged in here. */
function recordCli(db: Db, action: string, user: User, now: Date): void {
  audit(db, { userId: null, action, subject: `user:${user.id}`, detail: { via: 'cli', os_user: osUser() } }, now);
}

function osUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null; // containers may run under a uid with no passwd entry
  }
}

/** First line of stdin; on a terminal, prompted for and typed without echo. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) return readHidden('password: ');
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let typed = '';
    const finish = (action: () => void) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      action();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(typed));
        if (ch === '\u0003') return finish(() => process.exit(130)); // Ctrl-C: raw mode swallowed SIGINT
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
