// Issue 19: lockout per (account, client address) with back-off, an account-wide ceiling
// for guessing from many addresses, and the admins' 解除锁定. Over the whole app (buildApp
// as src/main.ts runs it, through ticketApp); other addresses are fastify inject's
// `remoteAddress`, which is what request.ip reads.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ticketApp, PASSWORD, type TicketApp } from './support/ticket-app.js';
import { LOCKOUT, lockMinutes, UserStore } from '../src/auth/index.js';
import { openDatabase } from '../src/store/index.js';
import { schema } from '../src/schema.js';
import { copyConfig, projectDir } from './support/config-dir.js';
import { ctiHere } from './support/cti-here.js';
import { TEST_PASSWORD_COST } from './support/server-process.js';

const STRANGER = '203.0.113.66';
const OWNER = '198.51.100.7';

function login(a: TicketApp, username: string, password: string, remoteAddress: string) {
  return a.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username, password } });
}

/** `n` wrong passwords from one address, one after another; their status codes. */
async function wrong(a: TicketApp, username: string, remoteAddress: string, n: number = LOCKOUT.attempts): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push((await login(a, username, `guess-${i}-wrong`, remoteAddress)).statusCode);
  return codes;
}

const userId = (a: TicketApp, username: string) => a.db.prepare('SELECT id FROM users WHERE username = ?').pluck().get(username) as number;
const audits = (a: TicketApp, action: string) =>
  (
    a.db.prepare('SELECT user_id, subject, detail FROM audit_log WHERE action = ? ORDER BY id').all(action) as Array<{
      user_id: number | null;
      subject: string;
      detail: string;
    }>
  ).map((r) => ({
    ...r,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
const fourWrongThenLocked = [401, 401, 401, 401, 423];
/** what the person reads: Shanghai wall-clock time, no offset */
const shown = (until: string) => until.slice(0, 19).replace('T', ' ');
const addressLocked = (until: string) => ({
  error: 'CTI_AUTH_LOCKED',
  message: `密码错误次数过多，账户已锁定至 ${shown(until)}`,
  detail: { locked_until: until },
});
const accountLocked = (until: string) => ({
  error: 'CTI_AUTH_LOCKED',
  message: `该账户短时间内从多个地址输错密码次数过多，已对所有地址锁定至 ${shown(until)}；如需提前解除，请联系管理员`,
  detail: { locked_until: until, all_addresses: true },
});

t.test("a stranger's 5 wrong passwords from one address do not stop the right one from another", async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());

  t.strictSame(await wrong(a, 'admin', STRANGER), fourWrongThenLocked, 'the stranger locks themselves out');
  const again = await login(a, 'admin', PASSWORD, STRANGER);
  t.strictSame([again.statusCode, again.json()], [423, addressLocked('2026-11-30T09:15:00+08:00')], 'even the right password from that address');

  const owner = await login(a, 'admin', PASSWORD, OWNER);
  t.equal(owner.statusCode, 200, 'the owner from their own address logs in');
  const me = await a.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${owner.json().token}` } });
  t.equal(me.json().username, 'admin');

  // the owner's login does not lift the stranger's lock
  t.equal((await login(a, 'admin', PASSWORD, STRANGER)).statusCode, 423);
  t.strictSame(
    a.db.prepare('SELECT address, failures, locks, locked_until FROM login_lockouts').all(),
    [{ address: STRANGER, failures: 0, locks: 1, locked_until: Date.parse('2026-11-30T09:15:00+08:00') }],
    'kept in SQLite per (account, address)',
  );
  t.strictSame(audits(a, 'user.locked'), [
    { user_id: null, subject: `user:${userId(a, 'admin')}`, detail: { failed_logins: 5, locked_until: Date.parse('2026-11-30T09:15:00+08:00') } },
  ]);
  t.strictSame(
    a.db.prepare("SELECT json_extract(detail, '$.ip') FROM audit_log WHERE action = 'auth.login_failed'").pluck().all() as string[],
    Array(4).fill(STRANGER),
    'each failure says where it came from (the fifth is answered by the lock: user.locked)',
  );
});

t.test('the same address meets 423 again, each lock in a row twice as long, capped', async (t) => {
  t.strictSame([1, 2, 3, 4, 5, 6, 10].map(lockMinutes), [15, 30, 60, 120, 240, 240, 240]);

  const a = await ticketApp();
  t.teardown(() => a.close());
  a.at('2026-11-30T09:00:00+08:00');
  t.strictSame(await wrong(a, 'agent', STRANGER), fourWrongThenLocked);
  a.at('2026-11-30T09:14:59+08:00');
  const during = await login(a, 'agent', PASSWORD, STRANGER);
  t.strictSame([during.statusCode, during.json()], [423, addressLocked('2026-11-30T09:15:00+08:00')], 'first lock: 15 min');

  a.at('2026-11-30T09:15:00+08:00');
  t.strictSame(await wrong(a, 'agent', STRANGER), fourWrongThenLocked, 'after it, the address has 5 tries again');
  const second = await login(a, 'agent', PASSWORD, STRANGER);
  t.strictSame([second.statusCode, second.json()], [423, addressLocked('2026-11-30T09:45:00+08:00')], 'second lock in a row: 30 min');

  a.at('2026-11-30T09:45:00+08:00');
  const third = await wrong(a, 'agent', STRANGER);
  t.strictSame(third, fourWrongThenLocked);
  a.at('2026-11-30T10:44:59+08:00');
  const thirdBody = (await login(a, 'agent', PASSWORD, STRANGER)).json();
  t.strictSame(thirdBody, addressLocked('2026-11-30T10:45:00+08:00'), 'third: 60 min');
  t.equal((await login(a, 'agent', PASSWORD, OWNER)).statusCode, 200, 'all the while the owner logs in from elsewhere');

  // the right password from the address itself forgets its back-off
  a.at('2026-11-30T10:45:00+08:00');
  t.equal((await login(a, 'agent', PASSWORD, STRANGER)).statusCode, 200);
  t.strictSame(await wrong(a, 'agent', STRANGER), fourWrongThenLocked);
  const fresh = await login(a, 'agent', PASSWORD, STRANGER);
  t.strictSame(fresh.json(), addressLocked('2026-11-30T11:00:00+08:00'), 'back to 15 min');
  t.equal(audits(a, 'user.locked').length, 4);
});

t.test('an address whose last lock ended a day ago starts the back-off again', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  a.at('2026-11-30T09:00:00+08:00');
  await wrong(a, 'agent', STRANGER);
  a.at('2026-11-30T09:15:00+08:00');
  await wrong(a, 'agent', STRANGER);
  t.equal(a.db.prepare('SELECT locks FROM login_lockouts').pluck().get(), 2);
  a.at('2026-12-01T09:45:01+08:00'); // the 30-min lock ended 24 h and 1 s ago
  t.strictSame(await wrong(a, 'agent', STRANGER), fourWrongThenLocked);
  t.strictSame((await login(a, 'agent', PASSWORD, STRANGER)).json(), addressLocked('2026-12-01T10:00:01+08:00'));
});

t.test('the ceiling: 50 wrong passwords from many addresses within 15 min lock the account for everyone', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const addresses = Array.from({ length: LOCKOUT.ceiling / LOCKOUT.attempts }, (_, i) => `192.0.2.${10 + i}`);
  t.equal(addresses.length, 10);

  // a window that runs out before the ceiling starts again
  a.at('2026-11-30T09:00:00+08:00');
  for (const address of addresses.slice(0, 9)) t.strictSame(await wrong(a, 'boss', address), fourWrongThenLocked, address);
  a.at('2026-11-30T09:15:00+08:00');
  t.strictSame(await wrong(a, 'boss', addresses[9]!), fourWrongThenLocked, '45 + 5, but not within 15 min: no account-wide lock');
  t.equal((await login(a, 'boss', PASSWORD, OWNER)).statusCode, 200);
  t.strictSame(audits(a, 'user.locked_all'), []);

  // 45 more from fresh addresses, the owner logs in meanwhile (that does not reset the window), then 5 more
  a.at('2026-11-30T10:00:00+08:00');
  const more = Array.from({ length: 10 }, (_, i) => `192.0.2.${100 + i}`);
  for (const address of more.slice(0, 9)) await wrong(a, 'boss', address);
  t.equal((await login(a, 'boss', PASSWORD, OWNER)).statusCode, 200, 'after 45 failures the owner still gets in');
  a.at('2026-11-30T10:14:59+08:00');
  t.strictSame(await wrong(a, 'boss', more[9]!, 4), [401, 401, 401, 401]);
  const fiftieth = await login(a, 'boss', 'the-fiftieth-guess', more[9]!);
  t.strictSame([fiftieth.statusCode, fiftieth.json()], [423, accountLocked('2026-11-30T10:29:59+08:00')], 'the 50th locks the account');

  const owner = await login(a, 'boss', PASSWORD, OWNER);
  t.strictSame([owner.statusCode, owner.json()], [423, accountLocked('2026-11-30T10:29:59+08:00')], 'locked for everyone, the owner too');
  t.equal((await login(a, 'boss', PASSWORD, '10.9.9.9')).statusCode, 423, 'and any new address');

  const id = userId(a, 'boss');
  t.strictSame(audits(a, 'user.locked_all'), [
    {
      user_id: null,
      subject: `user:${id}`,
      detail: { failures: 50, window_minutes: 15, addresses: [...more].sort(), locked_until: Date.parse('2026-11-30T10:29:59+08:00') },
    },
  ]);

  // admins see it: in the user list and in the list of locks
  const users = await a.call('admin', 'GET', '/api/admin/users');
  t.equal(users.body.items.find((u: { username: string }) => u.username === 'boss').locked_until, '2026-11-30T10:29:59+08:00');
  const locks = await a.call('admin', 'GET', '/api/admin/lockouts');
  t.equal(locks.status, 200);
  t.strictSame(locks.body.items[0], {
    user_id: id,
    username: 'boss',
    display_name: 'boss',
    scope: 'account',
    address: null,
    locked_until: '2026-11-30T10:29:59+08:00',
    locks: null,
  });
  t.strictSame(
    locks.body.items.slice(1).map((l: { address: string }) => l.address),
    [...more].sort(),
    'and the ten addresses, each locked out by its own 5',
  );

  // the window restarts after the account-wide lock: it ends by itself after 15 min
  a.at('2026-11-30T10:29:59+08:00');
  t.equal((await login(a, 'boss', PASSWORD, OWNER)).statusCode, 200, 'it ends on its own');
});

t.test('admin 解除锁定: one address or all, audited; others get 403', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const id = userId(a, 'market');
  await wrong(a, 'market', STRANGER);
  await wrong(a, 'market', '203.0.113.77');

  for (const who of ['agent', 'boss', 'market', 'markethead'] as const) {
    const unlock = await a.call(who, 'POST', `/api/admin/users/${id}/unlock`, { address: STRANGER });
    t.equal(unlock.status, 403, `${who} may not unlock`);
    t.match(unlock.body, { error: 'CTI_FORBIDDEN', detail: { roles: ['admin'] } });
    t.equal((await a.call(who, 'GET', '/api/admin/lockouts')).status, 403, `${who} may not list locks`);
  }
  t.equal((await a.call(null, 'POST', `/api/admin/users/${id}/unlock`, {})).status, 401);

  const listed = await a.call('admin', 'GET', '/api/admin/lockouts');
  t.strictSame(
    listed.body.items.map((l: { address: string; scope: string; locks: number }) => [l.scope, l.address, l.locks]),
    [
      ['address', STRANGER, 1],
      ['address', '203.0.113.77', 1],
    ],
  );

  const notLocked = await a.call('admin', 'POST', `/api/admin/users/${id}/unlock`, { address: OWNER });
  t.strictSame(
    [notLocked.status, notLocked.body],
    [
      409,
      {
        error: 'CTI_AUTH_NOT_LOCKED',
        message: `address: 用户 market 从地址 ${OWNER} 没有被锁定；当前被锁定的地址：${STRANGER}、203.0.113.77；不填 address 则解除该用户的全部锁定`,
        detail: { field: 'address', locked_addresses: [STRANGER, '203.0.113.77'] },
      },
    ],
    'names the field and the addresses that are locked',
  );
  const badAddress = await a.call('admin', 'POST', `/api/admin/users/${id}/unlock`, { address: 'somewhere; DROP' });
  t.strictSame([badAddress.status, badAddress.body.error, badAddress.body.field], [400, 'CTI_BAD_REQUEST', 'body.address']);
  const unknown = await a.call('admin', 'POST', '/api/admin/users/999/unlock', {});
  t.strictSame([unknown.status, unknown.body], [404, { error: 'CTI_AUTH_NO_SUCH_USER', message: '没有编号为 999 的用户' }]);

  const one = await a.call('admin', 'POST', `/api/admin/users/${id}/unlock`, { address: STRANGER });
  t.equal(one.status, 200);
  t.strictSame(one.body.lifted, [
    { user_id: id, username: 'market', display_name: 'market', scope: 'address', address: STRANGER, locked_until: '2026-11-30T09:15:00+08:00', locks: 1 },
  ]);
  t.equal(one.body.user.locked_until, '2026-11-30T09:15:00+08:00', 'the other address is still locked');
  t.equal((await login(a, 'market', PASSWORD, STRANGER)).statusCode, 200, 'that address may log in again');
  t.equal((await login(a, 'market', PASSWORD, '203.0.113.77')).statusCode, 423, 'the other not');

  const all = await a.call('admin', 'POST', `/api/admin/users/${id}/unlock`, {});
  t.strictSame([all.status, all.body.lifted.map((l: { address: string }) => l.address), all.body.user.locked_until], [200, ['203.0.113.77'], null]);
  t.equal((await login(a, 'market', PASSWORD, '203.0.113.77')).statusCode, 200);
  const nothing = await a.call('admin', 'POST', `/api/admin/users/${id}/unlock`, {});
  t.strictSame(
    [nothing.status, nothing.body],
    [409, { error: 'CTI_AUTH_NOT_LOCKED', message: 'id: 用户 market 当前没有被锁定', detail: { field: 'id', locked_addresses: [] } }],
  );

  const adminId = userId(a, 'admin');
  t.strictSame(audits(a, 'user.unlock'), [
    {
      user_id: adminId,
      subject: `user:${id}`,
      detail: { address: STRANGER, lifted: [{ address: STRANGER, locked_until: Date.parse('2026-11-30T09:15:00+08:00') }] },
    },
    {
      user_id: adminId,
      subject: `user:${id}`,
      detail: { address: null, lifted: [{ address: '203.0.113.77', locked_until: Date.parse('2026-11-30T09:15:00+08:00') }] },
    },
  ]);
});

t.test('admin 解除锁定 lifts the account-wide lock at once', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const id = userId(a, 'agent2');
  for (let i = 0; i < LOCKOUT.ceiling / LOCKOUT.attempts; i++) await wrong(a, 'agent2', `192.0.2.${i + 1}`);
  t.equal((await login(a, 'agent2', PASSWORD, OWNER)).statusCode, 423);
  const only = await a.call('admin', 'POST', `/api/admin/users/${id}/unlock`, { address: OWNER });
  t.equal(only.status, 409);
  t.match(only.body.message, /账户已对所有地址锁定，不填 address 即可解除$/, 'says how to lift the account-wide lock');
  const all = await a.call('admin', 'POST', `/api/admin/users/${id}/unlock`, {});
  t.equal(all.status, 200);
  t.equal(all.body.lifted[0].scope, 'account');
  t.equal(all.body.lifted.length, 11, 'the account-wide lock and the ten addresses that locked themselves out');
  t.equal((await login(a, 'agent2', PASSWORD, OWNER)).statusCode, 200);
  t.equal((await login(a, 'agent2', PASSWORD, '192.0.2.1')).statusCode, 200, 'the addresses too');
  t.strictSame((await a.call('admin', 'GET', '/api/admin/lockouts')).body.items, []);
});

t.test('locks survive a restart (they are in SQLite)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cti-lockout-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'cti.sqlite');
  const now = new Date('2026-11-30T09:00:00+08:00');
  let db = openDatabase(file, schema);
  let users = new UserStore(db);
  await users.add({ username: 'agent01', password: PASSWORD, role: 'agent' }, new Set());
  for (let i = 0; i < LOCKOUT.attempts - 1; i++) t.equal(await users.verify('agent01', 'wrong-pass', now, STRANGER), null);
  await t.rejects(users.verify('agent01', 'wrong-pass', now, STRANGER), { code: 'CTI_AUTH_LOCKED' });
  db.close();

  db = openDatabase(file, schema);
  t.teardown(() => db.close());
  users = new UserStore(db);
  await t.rejects(users.verify('agent01', PASSWORD, now, STRANGER), { code: 'CTI_AUTH_LOCKED' }, 'still locked after the restart');
  t.match(await users.verify('agent01', PASSWORD, now, OWNER), { username: 'agent01' }, 'and only for that address');
  t.strictSame(
    users.lockouts(now).map((l) => [l.address, l.locks]),
    [[STRANGER, 1]],
  );
});

t.test('cti user unlock: the way back in when no admin can log in', async (t) => {
  const copy = copyConfig();
  const dir = mkdtempSync(join(tmpdir(), 'cti-unlock-'));
  t.teardown(() => {
    copy.remove();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { ...process.env, CTI_CONFIG: copy.dir, CTI_DB: join(dir, 'cti.sqlite') };
  // the unlock as an operator runs it (bin/cti.js); the rest in this process, a process each cost 2 s
  const cti = (args: string[]) => {
    const r = spawnSync(process.execPath, [join(projectDir, 'bin/cti.js'), 'user', ...args], { cwd: projectDir, env, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ctiUser = (args: string[]) => ctiHere(['user', ...args], env);
  const db = openDatabase(env.CTI_DB, schema);
  t.teardown(() => db.close());
  // 50 wrong passwords checked at the shipped cost took 5 s; the cost is read from the hash
  const users = new UserStore(db, TEST_PASSWORD_COST);
  await users.add({ username: 'root', password: PASSWORD, role: 'admin' }, new Set());
  const now = new Date();
  for (let i = 0; i < LOCKOUT.ceiling; i++) {
    await users.verify('root', 'wrong-pass', now, `192.0.2.${Math.floor(i / LOCKOUT.attempts)}`).catch(() => null);
  }
  await t.rejects(users.verify('root', PASSWORD, now, OWNER), { code: 'CTI_AUTH_LOCKED', detail: { all_addresses: true } });
  t.match((await ctiUser(['list'])).stdout, /\troot\t.*\tlocked\n/);

  t.strictSame(cti(['unlock', 'root']), { code: 0, stdout: 'root unlocked (11 locks lifted)\n', stderr: '' });
  t.match(await users.verify('root', PASSWORD, new Date(), OWNER), { username: 'root' });
  t.strictSame(await ctiUser(['unlock', 'root']), { code: 1, stdout: '', stderr: 'CTI_AUTH_NOT_LOCKED: id: 用户 root 当前没有被锁定\n' });
  t.match(JSON.parse(db.prepare("SELECT detail FROM audit_log WHERE action = 'user.unlock'").pluck().get() as string), { via: 'cli', address: null });
});
