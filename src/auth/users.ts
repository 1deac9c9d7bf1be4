// Users of the web pages and API: agents, supervisors, department users and admins.
// Input from outside (HTTP body, command line) is checked here, once, with errors that
// name the field; the table's CHECK constraints are the last line of defence.
import type { Statement } from 'better-sqlite3';
import { CtiError } from '../errors.js';
import { formatShanghai } from '../calendar/index.js';
import type { Db } from '../store/index.js';
import { audit } from './audit.js';
import { decoyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password.js';
import { describeRoles, DEPARTMENT_ROLES, isDepartmentRole, isRole, ROLES, type Role } from './roles.js';

/** What a request knows about who sent it. */
export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** department id from the routing config; set exactly for dept_handler and dept_head */
  department: string | null;
}

/** A user as admins see it. */
export interface User extends AuthUser {
  mobile: string | null;
  disabled: boolean;
  createdAt: Date;
  failedLogins: number;
  /** set while a lockout after wrong passwords lasts (it may lie in the past) */
  lockedUntil: Date | null;
}

/** Input for a new user; strings because it comes from outside and is checked here. */
export interface NewUser {
  username: string;
  password: string;
  role: string;
  department?: string | null;
  displayName?: string | null;
  mobile?: string | null;
}

/** A department user who can receive SMS reminders. */
export interface DepartmentContact {
  userId: number;
  displayName: string;
  role: Role;
  mobile: string;
}

export const LOCKOUT = { attempts: 5, minutes: 15 } as const;

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  department: string | null;
  mobile: string | null;
  password_hash: string;
  created_at: number;
  disabled: 0 | 1;
  failed_logins: number;
  locked_until: number | null;
}

// ASCII only: COLLATE NOCASE folds ASCII letters alone, so this keeps uniqueness honest.
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/;
// Mainland mobile numbers; reminders go out by SMS, so landlines are of no use here.
const MOBILE = /^1[3-9][0-9]{9}$/;
const MAX_PASSWORD_LENGTH = 256;
const MAX_DISPLAY_NAME_LENGTH = 64;

const badUser = (field: string, message: string) => new CtiError('AUTH_BAD_USER', `${field}: ${message}`, { field });

/** '' and whitespace count as "not given", as an empty form field or CLI option would. */
const optional = (value: string | null | undefined): string | null => value?.trim() || null;

function toAuthUser(row: UserRow): AuthUser {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, department: row.department };
}

function toUser(row: UserRow): User {
  return {
    ...toAuthUser(row),
    mobile: row.mobile,
    disabled: row.disabled === 1,
    createdAt: new Date(row.created_at),
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until),
  };
}

export function checkUsername(username: string): string {
  if (!USERNAME.test(username)) throw badUser('username', '用户名须为 2–32 位英文字母、数字或 . _ -，以字母或数字开头');
  return username;
}

export function checkPassword(password: string): string {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw badUser('password', `密码至少 ${MIN_PASSWORD_LENGTH} 位`);
  if (length > MAX_PASSWORD_LENGTH) throw badUser('password', `密码最多 ${MAX_PASSWORD_LENGTH} 位`);
  return password;
}

function checkRole(role: string): Role {
  if (!isRole(role)) throw badUser('role', `角色须为 ${describeRoles(ROLES)} 之一`);
  return role;
}

function checkDepartment(role: Role, department: string | null, departments: ReadonlySet<string>): string | null {
  if (!isDepartmentRole(role)) {
    if (department !== null) throw badUser('department', `角色 ${role} 不属于任何部门，不能指定部门`);
    return null;
  }
  if (department === null) throw badUser('department', `${describeRoles(DEPARTMENT_ROLES)} 必须指定部门`);
  if (!departments.has(department)) throw badUser('department', `未知部门 "${department}"（部门见 config/routing.yaml）`);
  return department;
}

function checkMobile(mobile: string | null): string | null {
  if (mobile !== null && !MOBILE.test(mobile)) throw badUser('mobile', `"${mobile}" 不是手机号码（11 位，以 1 开头）`);
  return mobile;
}

function checkDisplayName(displayName: string | null, username: string): string {
  const name = displayName ?? username;
  if ([...name].length > MAX_DISPLAY_NAME_LENGTH) throw badUser('display_name', `姓名最多 ${MAX_DISPLAY_NAME_LENGTH} 个字`);
  return name;
}

const isUniqueViolation = (e: unknown) => (e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export class UserStore {
  readonly #insert: Statement;
  readonly #byId: Statement;
  readonly #byName: Statement;
  readonly #all: Statement;
  readonly #setDisabled: Statement;
  readonly #setPassword: Statement;
  readonly #countFailure: Statement;
  readonly #lock: Statement;
  readonly #clearFailures: Statement;
  readonly #dropSessions: Statement;
  readonly #contacts: Statement;
  /** per account, the last login attempt in line (see verify) */
  readonly #turns = new Map<number, Promise<void>>();
  #passwordChecks = 0;

  constructor(readonly db: Db) {
    this.#insert = db.prepare(
      `INSERT INTO users (username, display_name, role, department, mobile, password_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    );
    this.#byId = db.prepare('SELECT * FROM users WHERE id = ?');
    this.#byName = db.prepare('SELECT * FROM users WHERE username = ?');
    this.#all = db.prepare('SELECT * FROM users ORDER BY id');
    this.#setDisabled = db.prepare('UPDATE users SET disabled = ?, failed_logins = 0, locked_until = NULL WHERE id = ?');
    this.#setPassword = db.prepare('UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?');
    this.#countFailure = db.prepare('UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins').pluck();
    // the count restarts, so after the lock ends the user has the full number of tries again
    this.#lock = db.prepare('UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?');
    this.#clearFailures = db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?');
    this.#dropSessions = db.prepare('DELETE FROM sessions WHERE user_id = ?');
    this.#contacts = db.prepare(
      `SELECT id, display_name, role, mobile FROM users
       WHERE department = ? AND disabled = 0 AND mobile IS NOT NULL ORDER BY id`,
    );
    void decoyHash(); // made now, so the first unknown name costs one hash like any other
  }

  /** Creates a user; `departments` are the ids in the routing config in force. */
  async add(input: NewUser, departments: ReadonlySet<string>, now: Date = new Date()): Promise<User> {
    const username = checkUsername(input.username.trim());
    checkPassword(input.password);
    const role = checkRole(input.role);
    const department = checkDepartment(role, optional(input.department), departments);
    const mobile = checkMobile(optional(input.mobile));
    const displayName = checkDisplayName(optional(input.displayName), username);
    if (this.#byName.get(username)) throw duplicate(username); // before the slow hash
    const hash = await hashPassword(input.password);
    try {
      return toUser(this.#insert.get(username, displayName, role, department, mobile, hash, now.getTime()) as UserRow);
    } catch (e) {
      // another request took the name while we were hashing
      if (isUniqueViolation(e)) throw duplicate(username);
      throw e;
    }
  }

  /** Checks of a password against a stored user hash (decoys not counted); tests and metrics read it. */
  get passwordChecks(): number {
    return this.#passwordChecks;
  }

  /**
   * The user when the password is right and the account is usable, else null (unknown
   * name, wrong password, disabled). Throws AUTH_LOCKED while a lockout lasts, and on the
   * wrong password that starts one.
   *
   * Attempts on one account run one after another: the lock is checked after the previous
   * attempt has been counted, so a burst of wrong passwords sent at once gets at most
   * LOCKOUT.attempts of them evaluated, and the right one after them meets the lock. An
   * unknown name or a locked account still costs one hash (against a decoy), so the time
   * of the answer does not tell them from a wrong password.
   */
  async verify(username: string, password: string, now: Date): Promise<AuthUser | null> {
    const row = this.#byName.get(username) as UserRow | undefined;
    if (!row) {
      await verifyPassword(password, await decoyHash()); // same time as a known name
      return null;
    }
    const turn = this.#turnOf(row.id);
    let lockedUntil: number | null;
    try {
      await turn.ready;
      lockedUntil = this.#lockedUntil(row.id, now);
      if (lockedUntil === null) return await this.#check(row.id, password, now);
    } finally {
      turn.done();
    }
    // outside the turn: answering a locked account costs what a wrong password costs, without
    // holding up the attempts queued behind it
    await verifyPassword(password, await decoyHash());
    throw locked(lockedUntil);
  }

  /** Waits for the account's previous attempt; `done` lets the next one go. */
  #turnOf(id: number): { ready: Promise<void>; done: () => void } {
    const previous = this.#turns.get(id) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.#turns.set(id, mine);
    return {
      ready: previous,
      done: () => {
        if (this.#turns.get(id) === mine) this.#turns.delete(id);
        done();
      },
    };
  }

  /** The end of the account's lockout when one lasts at `now`, read fresh (an earlier attempt may have just set it). */
  #lockedUntil(id: number, now: Date): number | null {
    const row = this.#byId.get(id) as UserRow | undefined;
    return row && row.locked_until !== null && row.locked_until > now.getTime() ? row.locked_until : null;
  }

  async #check(id: number, password: string, now: Date): Promise<AuthUser | null> {
    const row = this.#byId.get(id) as UserRow | undefined;
    if (!row) {
      await verifyPassword(password, await decoyHash()); // deleted meanwhile: as an unknown name
      return null;
    }
    this.#passwordChecks++;
    const matches = await verifyPassword(password, row.password_hash);
    if (row.disabled === 1) return null;
    if (!matches) {
      this.#recordFailure(row.id, now);
      return null;
    }
    this.#clearFailures.run(row.id);
    return toAuthUser(row);
  }

  #recordFailure(id: number, now: Date): void {
    const lockedUntil = this.db.transaction(() => {
      const failures = this.#countFailure.get(id) as number;
      if (failures < LOCKOUT.attempts) return null;
      const until = now.getTime() + LOCKOUT.minutes * 60_000;
      this.#lock.run(until, id);
      audit(this.db, { userId: null, action: 'user.locked', subject: `user:${id}`, detail: { failed_logins: failures, locked_until: until } }, now);
      return until;
    })();
    if (lockedUntil !== null) throw locked(lockedUntil);
  }

  byId(id: number): User | null {
    const row = this.#byId.get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  byUsername(username: string): User | null {
    const row = this.#byName.get(username) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  list(): User[] {
    return (this.#all.all() as UserRow[]).map(toUser);
  }

  /** Disabling also ends the user's sessions; either way any lockout is lifted. */
  setDisabled(id: number, disabled: boolean): User {
    this.db.transaction(() => {
      if (this.#setDisabled.run(disabled ? 1 : 0, id).changes === 0) throw noSuchUser(id);
      if (disabled) this.#dropSessions.run(id);
    })();
    return this.byId(id)!;
  }

  /** A new password ends every session of the user (it may have been set because of a leak) and lifts a lockout. */
  async setPassword(id: number, password: string): Promise<User> {
    checkPassword(password);
    if (!this.byId(id)) throw noSuchUser(id);
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      if (this.#setPassword.run(hash, id).changes === 0) throw noSuchUser(id);
      this.#dropSessions.run(id);
    })();
    return this.byId(id)!;
  }

  /** Active users of a department with a mobile number, for SMS reminders. */
  mobilesOf(department: string): DepartmentContact[] {
    const rows = this.#contacts.all(department) as Array<{ id: number; display_name: string; role: Role; mobile: string }>;
    return rows.map((r) => ({ userId: r.id, displayName: r.display_name, role: r.role, mobile: r.mobile }));
  }

  /** Mobiles of the enabled admins: who is told of what only an admin can fix (next year's holidays). */
  adminMobiles(): string[] {
    const rows = this.db.prepare("SELECT mobile FROM users WHERE role = 'admin' AND disabled = 0 AND mobile IS NOT NULL ORDER BY id").all() as Array<{ mobile: string }>;
    return rows.map((r) => r.mobile);
  }
}

function duplicate(username: string): CtiError {
  return new CtiError('AUTH_DUPLICATE_USER', `username: 用户名 "${username}" 已存在（不区分大小写）`, { field: 'username' });
}

function noSuchUser(id: number): CtiError {
  return new CtiError('AUTH_NO_SUCH_USER', `没有编号为 ${id} 的用户`);
}

function locked(until: number): CtiError {
  const at = formatShanghai(new Date(until));
  return new CtiError('AUTH_LOCKED', `密码错误次数过多，账户已锁定至 ${at}`, { locked_until: at });
}
