// Users of the web pages and API: agents, supervisors, department users and admins.
// Input from outside (HTTP body, command line) is checked here, once, with errors that
// name the field; the table's CHECK constraints are the last line of defence.
import type { Statement } from 'better-sqlite3';
import { CtiError } from '../errors.js';
import { formatShanghai } from '../calendar/index.js';
import type { Db } from '../store/index.js';
import { audit } from './audit.js';
import { SessionStore } from './sessions.js';
import { decoyHash, hashPassword, MIN_PASSWORD_LENGTH, PASSWORD_COST, verifyPassword, type ScryptCost } from './password.js';
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
  /** wrong passwords, from any address, since the last right one */
  failedLogins: number;
  /**
   * the end of the latest lock on the account, from one address or from all (it may lie in
   * the past: an address's last lock is kept a while for the back-off)
   */
  lockedUntil: Date | null;
}

/** A lock that lasts now, as admins see it. */
export interface Lockout {
  userId: number;
  username: string;
  displayName: string;
  /** the client address locked out; null when the account is locked for every address */
  address: string | null;
  lockedUntil: Date;
  /** locks in a row from this address (the back-off's step); null for the account-wide lock */
  locks: number | null;
}

/** Input for a new user; strings because it comes from outside and is checked here. */
/** What an admin may change of a user (absent: unchanged; null clears department or mobile). */
export interface UserChanges {
  displayName?: string;
  role?: string;
  department?: string | null;
  mobile?: string | null;
}

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

/**
 * Wrong passwords are counted per (account, client address): a stranger who guesses locks
 * only their own address out, not the account's owner elsewhere. Repeated locks from one
 * address last longer each time. Many failures from many addresses (distributed guessing)
 * lock the account for everyone, which admins see and can lift.
 */
export const LOCKOUT = {
  /** wrong passwords in a row from one address that lock the account from that address */
  attempts: 5,
  /** the first lock from an address; each further lock in a row lasts twice as long… */
  minutes: 15,
  /** …up to this */
  maxMinutes: 240,
  /** an address whose last lock ended this long ago starts again at `minutes` */
  forgetAfterHours: 24,
  /** wrong passwords from any addresses within `windowMinutes` that lock the account for everyone */
  ceiling: 50,
  windowMinutes: 15,
  /** how long that account-wide lock lasts (an admin can lift it sooner) */
  ceilingMinutes: 15,
} as const;

/** How long the n-th lock in a row from one address lasts, in minutes. */
export function lockMinutes(n: number): number {
  return Math.min(LOCKOUT.maxMinutes, LOCKOUT.minutes * 2 ** Math.max(0, n - 1));
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** the key of attempts whose caller gave no address (calls inside the process, tests) */
const NO_ADDRESS = '';

/** The lock a login attempt meets: its address's, or the account's for every address. */
interface ActiveLock {
  until: number;
  everywhere: boolean;
}

interface AddressRow {
  failures: number;
  locked_until: number | null;
  locks: number;
}

interface LockoutRow {
  user_id: number;
  username: string;
  display_name: string;
  address: string | null;
  locked_until: number;
  locks: number | null;
}

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
  /** the account-wide lock (the ceiling) */
  locked_until: number | null;
  /** the latest lock from any one address (a subquery; absent from RETURNING *) */
  address_locked_until?: number | null;
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

function latest(a: number | null, b: number | null): Date | null {
  if (a === null) return b === null ? null : new Date(b);
  return new Date(b === null ? a : Math.max(a, b));
}

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
    lockedUntil: latest(row.locked_until, row.address_locked_until ?? null),
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
  if (characterClasses(password) < 3) throw badUser('password', '密码须包含大写字母、小写字母、数字、其他字符（如 - 或空格）中的至少三种');
  return password;
}

/**
 * Of lower case, upper case, digits and anything else: how many a password uses. Three of the
 * four is what a 等保 2.0 level-3 assessment expects of a password (复杂度), with length 8.
 */
export function characterClasses(password: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((r) => r.test(password)).length;
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
  readonly #edit: Statement;
  readonly #countFailure: Statement;
  readonly #lockAccount: Statement;
  readonly #succeeded: Statement;
  readonly #addressOf: Statement;
  readonly #saveAddress: Statement;
  readonly #forgetAddress: Statement;
  readonly #forgetAddresses: Statement;
  readonly #tidyAddresses: Statement;
  readonly #windowAddresses: Statement;
  readonly #latestAddressLock: Statement;
  readonly #clearAccount: Statement;
  readonly #lockouts: Statement;
  /** the sessions table's one writer: disabling a user or a new password ends their sessions */
  readonly #sessions: SessionStore;
  readonly #contacts: Statement;
  /** per account, the last login attempt in line (see verify) */
  readonly #turns = new Map<number, Promise<void>>();
  #passwordChecks = 0;

  /**
   * `passwordCost`: the scrypt cost new hashes are made with; the default everywhere but tests.
   * Verification reads the cost from each stored hash, so a login takes the same path either way.
   */
  constructor(
    readonly db: Db,
    private readonly passwordCost: ScryptCost = PASSWORD_COST,
  ) {
    this.#insert = db.prepare(
      `INSERT INTO users (username, display_name, role, department, mobile, password_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    );
    const withLocks = 'SELECT u.*, (SELECT max(l.locked_until) FROM login_lockouts l WHERE l.user_id = u.id) AS address_locked_until FROM users u';
    this.#byId = db.prepare(`${withLocks} WHERE u.id = ?`);
    this.#byName = db.prepare(`${withLocks} WHERE u.username = ?`);
    this.#all = db.prepare(`${withLocks} ORDER BY u.id`);
    const cleared = 'failed_logins = 0, locked_until = NULL, window_failures = 0, window_start = NULL';
    this.#setDisabled = db.prepare(`UPDATE users SET disabled = ?, ${cleared} WHERE id = ?`);
    this.#setPassword = db.prepare(`UPDATE users SET password_hash = ?, ${cleared} WHERE id = ?`);
    this.#clearAccount = db.prepare(`UPDATE users SET ${cleared} WHERE id = ?`);
    this.#edit = db.prepare('UPDATE users SET display_name = @displayName, role = @role, department = @department, mobile = @mobile WHERE id = @id');
    // the ceiling's window is fixed from its first failure; one that has run out starts again
    this.#countFailure = db.prepare(
      `UPDATE users SET failed_logins = failed_logins + 1,
         window_failures = CASE WHEN window_start IS NULL OR window_start <= :windowFrom THEN 1 ELSE window_failures + 1 END,
         window_start = CASE WHEN window_start IS NULL OR window_start <= :windowFrom THEN :now ELSE window_start END
       WHERE id = :id RETURNING window_failures, window_start`,
    );
    this.#lockAccount = db.prepare('UPDATE users SET locked_until = ?, window_failures = 0, window_start = NULL WHERE id = ?');
    // a right password clears this address's count and back-off, not a stranger's elsewhere;
    // the ceiling's window stays, so the owner logging in does not reset the bound on guessing.
    // An account-wide lock cannot last here (the attempt met none), so an ended one is cleared.
    this.#succeeded = db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?');
    this.#addressOf = db.prepare('SELECT failures, locked_until, locks FROM login_lockouts WHERE user_id = ? AND address = ?');
    this.#saveAddress = db.prepare(
      `INSERT INTO login_lockouts (user_id, address, failures, locked_until, locks, last_failure_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, address) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
         locks = excluded.locks, last_failure_at = excluded.last_failure_at`,
    );
    this.#forgetAddress = db.prepare('DELETE FROM login_lockouts WHERE user_id = ? AND address = ?');
    this.#forgetAddresses = db.prepare('DELETE FROM login_lockouts WHERE user_id = ?');
    // rows of addresses quiet for a day, whose last lock (if any) ended a day ago: nothing left to remember
    this.#tidyAddresses = db.prepare('DELETE FROM login_lockouts WHERE user_id = ? AND last_failure_at <= ? AND (locked_until IS NULL OR locked_until <= ?)');
    this.#windowAddresses = db.prepare('SELECT address FROM login_lockouts WHERE user_id = ? AND last_failure_at >= ? ORDER BY address').pluck();
    this.#latestAddressLock = db.prepare('SELECT max(locked_until) FROM login_lockouts WHERE user_id = ? AND locked_until > ?').pluck();
    this.#lockouts = db.prepare(
      `SELECT * FROM (
         SELECT u.id AS user_id, u.username, u.display_name, NULL AS address, u.locked_until, NULL AS locks
         FROM users u WHERE u.locked_until > :now
         UNION ALL
         SELECT u.id, u.username, u.display_name, l.address, l.locked_until, l.locks
         FROM login_lockouts l JOIN users u ON u.id = l.user_id WHERE l.locked_until > :now
       ) WHERE :user IS NULL OR user_id = :user
       ORDER BY user_id, address IS NOT NULL, address`,
    );
    this.#sessions = new SessionStore(db);
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
    const hash = await hashPassword(input.password, this.passwordCost);
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
   * name, wrong password, disabled). Throws AUTH_LOCKED while a lock lasts for this
   * address or for every address, and on the wrong password that starts one.
   *
   * `address` is the client's (request.ip). Failures and locks are kept per (account,
   * address), so a stranger's wrong passwords lock only the stranger out. A caller that
   * gives no address is held to every lock on the account, as it cannot say which is not
   * its own.
   *
   * Attempts on one account run one after another, whatever their address: the lock is
   * checked after the previous attempt has been counted, so a burst of wrong passwords sent
   * at once gets at most LOCKOUT.attempts of them evaluated, and the right one after them
   * meets the lock. An unknown name or a locked account still costs one hash (against a
   * decoy), so the time of the answer does not tell them from a wrong password.
   */
  async verify(username: string, password: string, now: Date, address?: string): Promise<AuthUser | null> {
    const row = this.#byName.get(username) as UserRow | undefined;
    if (!row) {
      await verifyPassword(password, await decoyHash()); // same time as a known name
      return null;
    }
    const turn = this.#turnOf(row.id);
    let lock: ActiveLock | null;
    try {
      await turn.ready;
      lock = this.#lockOf(row.id, address, now);
      if (lock === null) return await this.#check(row.id, password, now, address ?? NO_ADDRESS);
    } finally {
      turn.done();
    }
    // outside the turn: answering a locked account costs what a wrong password costs, without
    // holding up the attempts queued behind it
    await verifyPassword(password, await decoyHash());
    throw locked(lock);
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

  /** The lock an attempt from `address` meets at `now`, read fresh (an earlier attempt may have just set it). */
  #lockOf(id: number, address: string | undefined, now: Date): ActiveLock | null {
    const at = now.getTime();
    const row = this.#byId.get(id) as UserRow | undefined;
    if (!row) return null;
    if (row.locked_until !== null && row.locked_until > at) return { until: row.locked_until, everywhere: true };
    const until =
      address === undefined
        ? (this.#latestAddressLock.get(id, at) as number | null)
        : ((this.#addressOf.get(id, address) as AddressRow | undefined)?.locked_until ?? null);
    return until !== null && until > at ? { until, everywhere: false } : null;
  }

  async #check(id: number, password: string, now: Date, address: string): Promise<AuthUser | null> {
    const row = this.#byId.get(id) as UserRow | undefined;
    if (!row) {
      await verifyPassword(password, await decoyHash()); // deleted meanwhile: as an unknown name
      return null;
    }
    this.#passwordChecks++;
    const matches = await verifyPassword(password, row.password_hash);
    if (row.disabled === 1) return null;
    if (!matches) {
      this.#recordFailure(row.id, address, now);
      return null;
    }
    this.db.transaction(() => {
      this.#succeeded.run(row.id);
      this.#forgetAddress.run(row.id, address);
    })();
    return toAuthUser(row);
  }

  /** Counts a wrong password from `address`; throws AUTH_LOCKED when it starts a lock. */
  #recordFailure(id: number, address: string, now: Date): void {
    const at = now.getTime();
    const lock = this.db.transaction((): ActiveLock | null => {
      const forgetBefore = at - LOCKOUT.forgetAfterHours * HOUR_MS;
      this.#tidyAddresses.run(id, forgetBefore, forgetBefore);
      const window = this.#countFailure.get({ id, now: at, windowFrom: at - LOCKOUT.windowMinutes * MINUTE_MS }) as {
        window_failures: number;
        window_start: number;
      };

      const before = this.#addressOf.get(id, address) as AddressRow | undefined;
      const failures = (before?.failures ?? 0) + 1;
      // a lock that ended long ago is forgiven: the back-off starts again
      const forgiven = before?.locked_until == null || before.locked_until <= forgetBefore;
      const locksBefore = forgiven ? 0 : before!.locks;
      let addressLock: ActiveLock | null = null;
      if (failures < LOCKOUT.attempts) {
        this.#saveAddress.run(id, address, failures, before?.locked_until ?? null, locksBefore, at);
      } else {
        const locks = locksBefore + 1;
        const until = at + lockMinutes(locks) * MINUTE_MS;
        // the count restarts, so after the lock ends the address has the full number of tries again
        this.#saveAddress.run(id, address, 0, until, locks, at);
        audit(this.db, { userId: null, action: 'user.locked', subject: `user:${id}`, detail: { failed_logins: failures, locked_until: until } }, now);
        addressLock = { until, everywhere: false };
      }

      if (window.window_failures < LOCKOUT.ceiling) return addressLock;
      const until = at + LOCKOUT.ceilingMinutes * MINUTE_MS;
      this.#lockAccount.run(until, id);
      const addresses = this.#windowAddresses.all(id, window.window_start) as string[];
      audit(
        this.db,
        {
          userId: null,
          action: 'user.locked_all',
          subject: `user:${id}`,
          detail: { failures: window.window_failures, window_minutes: LOCKOUT.windowMinutes, addresses, locked_until: until },
        },
        now,
      );
      return { until, everywhere: true };
    })();
    if (lock !== null) throw locked(lock);
  }

  /** Locks that last at `now`, of one user or of all: the account-wide one first, then by address. */
  lockouts(now: Date, userId: number | null = null): Lockout[] {
    const rows = this.#lockouts.all({ now: now.getTime(), user: userId }) as LockoutRow[];
    return rows.map((r) => ({
      userId: r.user_id,
      username: r.username,
      displayName: r.display_name,
      address: r.address,
      lockedUntil: new Date(r.locked_until),
      locks: r.locks,
    }));
  }

  /**
   * Lifts the user's locks (an admin's decision): all of them, or the one of `address`.
   * Lifting all also forgets the counts and the back-off; lifting one address forgets that
   * address's. Returns what was lifted; AUTH_NOT_LOCKED when nothing of it was locked.
   */
  unlock(id: number, address: string | null, now: Date): Lockout[] {
    return this.db.transaction(() => {
      const user = this.byId(id);
      if (!user) throw noSuchUser(id);
      const active = this.lockouts(now, id);
      const lifted = address === null ? active : active.filter((l) => l.address === address);
      if (lifted.length === 0) throw notLocked(user.username, address, active);
      if (address === null) {
        this.#clearAccount.run(id);
        this.#forgetAddresses.run(id);
      } else {
        this.#forgetAddress.run(id, address);
      }
      return lifted;
    })();
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

  /** Disabling also ends the user's sessions; either way every lock (all addresses) is lifted. */
  setDisabled(id: number, disabled: boolean): User {
    this.db.transaction(() => {
      if (this.#setDisabled.run(disabled ? 1 : 0, id).changes === 0) throw noSuchUser(id);
      this.#forgetAddresses.run(id);
      if (disabled) this.#sessions.revokeAll(id);
    })();
    return this.byId(id)!;
  }

  /**
   * An admin's edit: name, role, department, mobile, checked as for a new user against the
   * result (a department role needs a department, others none). A new role or department ends
   * the user's sessions, so that what they may see changes at once, not at their next login.
   */
  edit(id: number, changes: UserChanges, departments: ReadonlySet<string>): User {
    const user = this.byId(id);
    if (!user) throw noSuchUser(id);
    const role = changes.role === undefined ? user.role : checkRole(changes.role);
    const wanted = changes.department === undefined ? (isDepartmentRole(role) ? user.department : null) : optional(changes.department);
    const department = checkDepartment(role, wanted, departments);
    const mobile = changes.mobile === undefined ? user.mobile : checkMobile(optional(changes.mobile));
    const displayName = changes.displayName === undefined ? user.displayName : checkDisplayName(optional(changes.displayName), user.username);
    const moved = role !== user.role || department !== user.department;
    this.db.transaction(() => {
      this.#edit.run({ id, displayName, role, department, mobile });
      if (moved) this.#sessions.revokeAll(id);
    })();
    return this.byId(id)!;
  }

  /** A new password ends every session of the user (it may have been set because of a leak) and lifts a lockout. */
  async setPassword(id: number, password: string): Promise<User> {
    checkPassword(password);
    if (!this.byId(id)) throw noSuchUser(id);
    const hash = await hashPassword(password, this.passwordCost);
    this.db.transaction(() => {
      if (this.#setPassword.run(hash, id).changes === 0) throw noSuchUser(id);
      this.#forgetAddresses.run(id);
      this.#sessions.revokeAll(id);
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
    const rows = this.db.prepare("SELECT mobile FROM users WHERE role = 'admin' AND disabled = 0 AND mobile IS NOT NULL ORDER BY id").all() as Array<{
      mobile: string;
    }>;
    return rows.map((r) => r.mobile);
  }
}

function duplicate(username: string): CtiError {
  return new CtiError('AUTH_DUPLICATE_USER', `username: 用户名 "${username}" 已存在（不区分大小写）`, { field: 'username' });
}

function noSuchUser(id: number): CtiError {
  return new CtiError('AUTH_NO_SUCH_USER', `没有编号为 ${id} 的用户`);
}

function locked(lock: ActiveLock): CtiError {
  const at = formatShanghai(new Date(lock.until));
  // for the person locked out: the wall-clock time in Shanghai, as the centre reads it; the
  // detail keeps the instant with its offset for programs
  const shown = at.slice(0, 19).replace('T', ' ');
  if (lock.everywhere) {
    return new CtiError('AUTH_LOCKED', `该账户短时间内从多个地址输错密码次数过多，已对所有地址锁定至 ${shown}；如需提前解除，请联系管理员`, {
      locked_until: at,
      all_addresses: true,
    });
  }
  return new CtiError('AUTH_LOCKED', `密码错误次数过多，账户已锁定至 ${shown}`, { locked_until: at });
}

function notLocked(username: string, address: string | null, active: Lockout[]): CtiError {
  const addresses = active.filter((l) => l.address !== null).map((l) => l.address!);
  const everywhere = active.some((l) => l.address === null);
  if (address === null) return new CtiError('AUTH_NOT_LOCKED', `id: 用户 ${username} 当前没有被锁定`, { field: 'id', locked_addresses: [] });
  const allowed = addresses.length ? `当前被锁定的地址：${addresses.join('、')}` : '当前没有被锁定的地址';
  const hint = everywhere ? '；账户已对所有地址锁定，不填 address 即可解除' : '；不填 address 则解除该用户的全部锁定';
  return new CtiError('AUTH_NOT_LOCKED', `address: 用户 ${username} 从地址 ${address} 没有被锁定；${allowed}${hint}`, {
    field: 'address',
    locked_addresses: addresses,
  });
}
