// Users, passwords, sessions, roles and the audit trail: the stores on an in-memory
// database, the HTTP side through fastify inject on a small app composed the way
// src/http/app.ts composes it, and `cti user add` as the real child process.
import t from 'tap';
import { scryptSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { openDatabase, type Db } from '../src/store/index.js';
import { schema } from '../src/schema.js';
import { errorPlugin } from '../src/http/errors.js';
import { CtiError } from '../src/errors.js';
import { audit, authPlugin, hashPassword, LOCKOUT, requireRole, SessionStore, UserStore, usersPlugin, verifyPassword } from '../src/auth/index.js';
import { copyConfig, projectDir } from './support/config-dir.js';
import { ctiHere } from './support/cti-here.js';

const DEPARTMENTS: ReadonlySet<string> = new Set(['health', 'market-regulation']);
const START = Date.parse('2026-12-01T08:00:00+08:00');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A test clock: `clock.now` is set by hand, never by the wall. */
function testClock(start = START) {
  const clock = { now: start, read: () => new Date(clock.now) };
  return clock;
}

interface TestApp {
  app: FastifyInstance;
  db: Db;
  users: UserStore;
  sessions: SessionStore;
  clock: ReturnType<typeof testClock>;
}

/** The composition app.ts is meant to use: authPlugin at the root, an authenticated /api scope. */
async function buildTestApp(db: Db = openDatabase(':memory:', schema), clock = testClock()): Promise<TestApp> {
  const users = new UserStore(db);
  const sessions = new SessionStore(db);
  const app = Fastify({ logger: false });
  await app.register(errorPlugin);
  await app.register(authPlugin, { users, sessions, clock: clock.read });
  await app.register(
    async (api) => {
      api.addHook('onRequest', api.authenticate);
      api.get('/whoami', async (request) => ({ username: request.user!.username }));
      api.get('/wallboard', { preHandler: requireRole('supervisor', 'admin') }, async () => ({ ok: true }));
      await api.register(usersPlugin, { users, departments: () => DEPARTMENTS, clock: clock.read });
    },
    { prefix: '/api' },
  );
  await app.ready();
  return { app, db, users, sessions, clock };
}

async function login(app: FastifyInstance, username: string, password: string) {
  return app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
}

async function tokenOf(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await login(app, username, password);
  if (res.statusCode !== 200) throw new Error(`login of ${username} failed: ${res.body}`);
  return res.json().token;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The fields of a CtiError, for exact comparison. */
async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof CtiError)) throw e;
    return { code: e.code, statusCode: e.statusCode, message: e.message, detail: e.detail };
  }
  throw new Error('expected a CtiError');
}

t.test('password hashes: scrypt with its parameters in the string, salted, checked in constant time', async (t) => {
  const stored = await hashPassword('correct horse');
  t.match(stored, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  t.equal(await verifyPassword('correct horse', stored), true);
  t.equal(await verifyPassword('correct horsE', stored), false);
  t.not(await hashPassword('correct horse'), stored, 'a fresh salt each time');
  t.equal(await verifyPassword('correct horse', 'scrypt$32768$8$1$$'), false, 'a malformed hash never matches');
  t.equal(await verifyPassword('correct horse', 'bcrypt$2b$10$abc'), false);

  // a hash stored with other (older, cheaper) parameters still verifies: they can be raised later
  const salt = Buffer.from('0123456789abcdef');
  const old = `scrypt$1024$8$1$${salt.toString('base64')}$${scryptSync('correct horse', salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64')}`;
  t.equal(await verifyPassword('correct horse', old), true);
  t.equal(await verifyPassword('wrong horse', old), false);
});

t.test('UserStore: add, verify, list, byId, mobilesOf', async (t) => {
  const db = openDatabase(':memory:', schema);
  const users = new UserStore(db);
  const now = new Date(START);
  const head = await users.add(
    { username: 'Wang.Li', password: 'secret-pass-1', role: 'dept_head', department: 'health', displayName: '王丽', mobile: '13800138000' },
    DEPARTMENTS,
    now,
  );
  t.strictSame(head, {
    id: 1,
    username: 'Wang.Li',
    displayName: '王丽',
    role: 'dept_head',
    department: 'health',
    mobile: '13800138000',
    disabled: false,
    createdAt: now,
    failedLogins: 0,
    lockedUntil: null,
  });
  const agent = await users.add({ username: 'agent01', password: 'secret-pass-2', role: 'agent' }, DEPARTMENTS, now);
  t.equal(agent.displayName, 'agent01', 'display name defaults to the username');
  await users.add({ username: 'handler01', password: 'secret-pass-3', role: 'dept_handler', department: 'health' }, DEPARTMENTS, now);
  await users.add({ username: 'handler02', password: 'secret-pass-4', role: 'dept_handler', department: 'health', mobile: '13900139000' }, DEPARTMENTS, now);

  t.equal(await users.verify('Wang.Li', 'secret-pass-2', now), null, 'wrong password');
  t.equal(users.byId(1)!.failedLogins, 1);
  t.equal(await users.verify('nobody', 'secret-pass-1', now), null, 'unknown user');
  t.strictSame(
    await users.verify('wang.li', 'secret-pass-1', now),
    { id: 1, username: 'Wang.Li', displayName: '王丽', role: 'dept_head', department: 'health' },
    'usernames are case-insensitive',
  );
  t.equal(users.byId(1)!.failedLogins, 0, 'a right password resets the count of wrong ones');

  t.strictSame(users.byId(2)?.username, 'agent01');
  t.equal(users.byId(99), null);
  t.strictSame(
    users.list().map((u) => u.username),
    ['Wang.Li', 'agent01', 'handler01', 'handler02'],
  );
  t.strictSame(users.mobilesOf('health'), [
    { userId: 1, displayName: '王丽', role: 'dept_head', mobile: '13800138000' },
    { userId: 4, displayName: 'handler02', role: 'dept_handler', mobile: '13900139000' },
  ]);
  users.setDisabled(4, true);
  t.strictSame(
    users.mobilesOf('health').map((c) => c.userId),
    [1],
    'disabled users get no reminders',
  );
  t.strictSame(users.mobilesOf('market-regulation'), []);
  t.strictSame(db.prepare('SELECT username, role, department, mobile FROM users WHERE id = 1').get(), {
    username: 'Wang.Li',
    role: 'dept_head',
    department: 'health',
    mobile: '13800138000',
  });
  t.match(db.prepare('SELECT password_hash FROM users WHERE id = 1').pluck().get(), /^scrypt\$/);
});

t.test('bad users: department rules, field names, duplicates', async (t) => {
  const users = new UserStore(openDatabase(':memory:', schema));
  const add = (input: Partial<Parameters<UserStore['add']>[0]>) =>
    errorOf(users.add({ username: 'someone', password: 'secret-pass-1', role: 'agent', ...input }, DEPARTMENTS));
  const bad = (field: string, message: string) => ({ code: 'CTI_AUTH_BAD_USER', statusCode: 400, message: `${field}: ${message}`, detail: { field } });

  t.strictSame(await add({ role: 'dept_handler' }), bad('department', 'dept_handler（部门承办人）、dept_head（部门负责人） 必须指定部门'));
  t.strictSame(await add({ role: 'dept_head', department: '' }), bad('department', 'dept_handler（部门承办人）、dept_head（部门负责人） 必须指定部门'));
  t.strictSame(await add({ role: 'dept_handler', department: 'police' }), bad('department', '未知部门 "police"（部门见 config/routing.yaml）'));
  t.strictSame(await add({ role: 'agent', department: 'health' }), bad('department', '角色 agent 不属于任何部门，不能指定部门'));
  t.strictSame(await add({ role: 'admin', department: 'health' }), bad('department', '角色 admin 不属于任何部门，不能指定部门'));
  t.strictSame(
    await add({ role: 'operator' }),
    bad('role', '角色须为 agent（坐席）、supervisor（班长）、dept_handler（部门承办人）、dept_head（部门负责人）、admin（管理员） 之一'),
  );
  t.strictSame(await add({ password: 'short12' }), bad('password', '密码至少 8 位'));
  const weak = bad('password', '密码须包含大写字母、小写字母、数字、其他字符（如 - 或空格）中的至少三种');
  t.strictSame(await add({ password: 'abcdefghij' }), weak, 'one kind of character');
  t.strictSame(await add({ password: 'abcd123456' }), weak, 'two kinds');
  t.strictSame(await add({ password: '一二三四五六七八12' }), weak, 'Chinese characters count as one kind (other), with digits two');
  t.strictSame(await add({ username: '张三' }), bad('username', '用户名须为 2–32 位英文字母、数字或 . _ -，以字母或数字开头'));
  t.strictSame(await add({ mobile: '010-12345678' }), bad('mobile', '"010-12345678" 不是手机号码（11 位，以 1 开头）'));

  await users.add({ username: 'zhangsan', password: 'secret-pass-1', role: 'agent' }, DEPARTMENTS);
  t.strictSame(await add({ username: 'ZhangSan' }), {
    code: 'CTI_AUTH_DUPLICATE_USER',
    statusCode: 409,
    message: 'username: 用户名 "ZhangSan" 已存在（不区分大小写）',
    detail: { field: 'username' },
  });
  t.equal(users.list().length, 1, 'nothing half-created');
});

t.test('lockout: a burst of 20 wrong passwords sent at once gets at most 5 evaluated, and the right one after it is refused', async (t) => {
  const { app, db, users } = await buildTestApp();
  t.teardown(() => app.close());
  await users.add({ username: 'agent01', password: 'secret-pass-1', role: 'agent' }, DEPARTMENTS);
  const checksBefore = users.passwordChecks;

  const wrong = Array.from({ length: 20 }, (_, i) => login(app, 'agent01', `wrong-pass-${i}`));
  // the right password 50 ms into the burst: long before five hashes (~150 ms each) are done
  await new Promise((resolve) => setTimeout(resolve, 50));
  const right = await login(app, 'agent01', 'secret-pass-1');
  const answers = await Promise.all(wrong);

  t.equal(users.passwordChecks - checksBefore, LOCKOUT.attempts, 'five wrong passwords evaluated against the hash, no more');
  t.equal(answers.filter((r) => r.statusCode === 401).length, LOCKOUT.attempts - 1, 'four wrong ones answered as wrong');
  t.equal(answers.filter((r) => r.statusCode === 423).length, 20 - (LOCKOUT.attempts - 1), 'the fifth locks, the rest meet the lock');
  t.strictSame([right.statusCode, right.json().error], [423, 'CTI_AUTH_LOCKED'], 'the right password is refused while locked');
  t.equal(db.prepare('SELECT COUNT(*) FROM sessions').pluck().get(), 0, 'nobody got a token');
  t.equal(db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'user.locked'").pluck().get(), 1, 'locked once');
});

t.test('login timing: an unknown name and a locked account take as long as a wrong password', async (t) => {
  const { app, users } = await buildTestApp();
  t.teardown(() => app.close());
  await users.add({ username: 'agent01', password: 'secret-pass-1', role: 'agent' }, DEPARTMENTS);
  await users.add({ username: 'agent02', password: 'secret-pass-2', role: 'agent' }, DEPARTMENTS);
  for (let i = 1; i <= LOCKOUT.attempts; i++) await login(app, 'agent02', 'wrong-pass');
  t.ok(users.byId(2)!.lockedUntil, 'agent02 is locked');

  // the three kinds in turn, five rounds, so drift in the machine's load hits them alike
  const kinds = [
    { username: 'agent01', status: 401, times: [] as number[] }, // a wrong password
    { username: 'nobody', status: 401, times: [] as number[] }, // an unknown name
    { username: 'agent02', status: 423, times: [] as number[] }, // a locked account
  ];
  for (let round = 0; round < 5; round++) {
    for (const kind of kinds) {
      const started = process.hrtime.bigint();
      const res = await login(app, kind.username, 'wrong-pass');
      kind.times.push(Number(process.hrtime.bigint() - started) / 1e6);
      t.equal(res.statusCode, kind.status, `${kind.username} answers ${kind.status}`);
    }
    users.setDisabled(1, false); // lifts agent01's count, so its wrong ones never lock it
  }
  const [wrong, unknown, locked] = kinds.map((k) => k.times.sort((x, y) => x - y)[2]!) as [number, number, number];
  t.comment(`median ms: wrong password ${wrong.toFixed(0)}, unknown name ${unknown.toFixed(0)}, locked account ${locked.toFixed(0)}`);
  for (const [what, ms] of [
    ['unknown name', unknown],
    ['locked account', locked],
  ] as const) {
    const ratio = ms / wrong;
    t.ok(ratio > 0.5 && ratio < 2, `${what}: ${ms.toFixed(0)} ms against ${wrong.toFixed(0)} ms for a wrong password (ratio ${ratio.toFixed(2)})`);
  }
});

t.test('lockout: 5 wrong passwords in a row lock for 15 minutes', async (t) => {
  const { app, db, users, clock } = await buildTestApp();
  t.teardown(() => app.close());
  await users.add({ username: 'agent01', password: 'secret-pass-1', role: 'agent' }, DEPARTMENTS);

  const failed = { error: 'CTI_AUTH_FAILED', message: '用户名或密码错误' };
  for (let i = 1; i <= 4; i++) {
    const res = await login(app, 'agent01', `wrong-pass-${i}`);
    t.strictSame([res.statusCode, res.json()], [401, failed], `wrong password ${i}`);
  }
  t.equal(users.byId(1)!.failedLogins, 4);
  const lockedBody = {
    error: 'CTI_AUTH_LOCKED',
    message: '密码错误次数过多，账户已锁定至 2026-12-01 08:15:00',
    detail: { locked_until: '2026-12-01T08:15:00+08:00' },
  };
  const fifth = await login(app, 'agent01', 'wrong-pass-5');
  t.strictSame([fifth.statusCode, fifth.json()], [423, lockedBody], 'the fifth wrong password locks');

  clock.now = START + 15 * MINUTE - 1;
  const during = await login(app, 'agent01', 'secret-pass-1');
  t.strictSame([during.statusCode, during.json()], [423, lockedBody], 'even the right password is refused while locked');
  t.strictSame(await errorOf(users.verify('agent01', 'secret-pass-1', new Date(clock.now))), {
    code: 'CTI_AUTH_LOCKED',
    statusCode: 423,
    message: lockedBody.message,
    detail: lockedBody.detail,
  });

  clock.now = START + 15 * MINUTE;
  const after = await login(app, 'agent01', 'secret-pass-1');
  t.equal(after.statusCode, 200, 'unlocked after 15 minutes');
  t.strictSame([users.byId(1)!.failedLogins, users.byId(1)!.lockedUntil], [0, null]);

  // after the lock the count starts again: four more wrong ones do not lock
  for (let i = 1; i <= 4; i++) t.equal((await login(app, 'agent01', 'wrong')).statusCode, 401);
  t.equal((await login(app, 'agent01', 'secret-pass-1')).statusCode, 200);

  t.strictSame(db.prepare("SELECT at, user_id, action, subject, detail FROM audit_log WHERE action = 'user.locked'").all(), [
    { at: START, user_id: null, action: 'user.locked', subject: 'user:1', detail: JSON.stringify({ failed_logins: 5, locked_until: START + 15 * MINUTE }) },
  ]);
  t.strictSame(db.prepare('SELECT action, COUNT(*) AS n FROM audit_log GROUP BY action ORDER BY action').all(), [
    { action: 'auth.login', n: 2 },
    { action: 'auth.login_failed', n: 8 },
    { action: 'user.locked', n: 1 },
  ]);
});

t.test('a disabled user cannot log in, and loses the sessions they had', async (t) => {
  const { app, users } = await buildTestApp();
  t.teardown(() => app.close());
  await users.add({ username: 'agent01', password: 'secret-pass-1', role: 'agent' }, DEPARTMENTS);
  const token = await tokenOf(app, 'agent01', 'secret-pass-1');

  t.equal(users.setDisabled(1, true).disabled, true);
  t.equal(await users.verify('agent01', 'secret-pass-1', new Date(START)), null);
  const res = await login(app, 'agent01', 'secret-pass-1');
  t.strictSame([res.statusCode, res.json()], [401, { error: 'CTI_AUTH_FAILED', message: '用户名或密码错误' }]);
  t.equal((await app.inject({ url: '/api/whoami', headers: bearer(token) })).statusCode, 401);

  users.setDisabled(1, false);
  t.equal((await login(app, 'agent01', 'secret-pass-1')).statusCode, 200);
  t.strictSame(await errorOf(Promise.resolve().then(() => users.setDisabled(42, true))), {
    code: 'CTI_AUTH_NO_SUCH_USER',
    statusCode: 404,
    message: '没有编号为 42 的用户',
    detail: undefined,
  });
});

t.test('login: a token that works on a protected route, 12 h sliding expiry, logout', async (t) => {
  const { app, db, users, clock } = await buildTestApp();
  t.teardown(() => app.close());
  await users.add({ username: 'li.handler', password: 'secret-pass-1', role: 'dept_handler', department: 'health', displayName: '李办' }, DEPARTMENTS);

  const res = await login(app, 'LI.HANDLER', 'secret-pass-1');
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.match(body.token, /^[A-Za-z0-9_-]{43}$/);
  t.strictSame(body, {
    token: body.token,
    user: { id: 1, username: 'li.handler', display_name: '李办', role: 'dept_handler', department: 'health' },
    expires_at: '2026-12-01T20:00:00+08:00',
  });
  const token: string = body.token;
  t.strictSame(db.prepare('SELECT user_id, created_at, expires_at, last_seen_at FROM sessions').all(), [
    { user_id: 1, created_at: START, expires_at: START + 12 * HOUR, last_seen_at: START },
  ]);
  const { token_hash } = db.prepare('SELECT token_hash FROM sessions').get() as { token_hash: string };
  t.equal(token_hash.length, 64, 'sha256 hex');
  t.not(token_hash, token, 'the token itself is never stored');
  t.equal(JSON.stringify(db.prepare('SELECT * FROM sessions').all()).includes(token), false);

  const whoami = () => app.inject({ url: '/api/whoami', headers: bearer(token) });
  const ok = await whoami();
  t.strictSame([ok.statusCode, ok.json()], [200, { username: 'li.handler' }]);
  const me = await app.inject({ url: '/api/auth/me', headers: bearer(token) });
  t.strictSame([me.statusCode, me.json()], [200, { id: 1, username: 'li.handler', display_name: '李办', role: 'dept_handler', department: 'health' }]);

  clock.now = START + 11 * HOUR; // used near the end of the shift: the 12 h start again from here
  t.equal((await whoami()).statusCode, 200);
  clock.now = START + 11 * HOUR + 12 * HOUR - 1;
  t.equal((await whoami()).statusCode, 200, 'still valid 12 h after the last use, minus 1 ms');
  clock.now = START + 11 * HOUR + 12 * HOUR - 1 + 12 * HOUR; // 12 h of no use
  const expired = await whoami();
  t.strictSame([expired.statusCode, expired.json()], [401, { error: 'CTI_AUTH_REQUIRED', message: '登录已失效或令牌无效，请重新登录' }]);
  t.equal(db.prepare('SELECT COUNT(*) FROM sessions').pluck().get(), 0, 'the expired session is gone');

  const fresh = await tokenOf(app, 'li.handler', 'secret-pass-1');
  const logout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(fresh) });
  t.strictSame([logout.statusCode, logout.body], [204, '']);
  const afterLogout = await app.inject({ url: '/api/whoami', headers: bearer(fresh) });
  t.strictSame([afterLogout.statusCode, afterLogout.json()], [401, { error: 'CTI_AUTH_REQUIRED', message: '登录已失效或令牌无效，请重新登录' }]);
});

t.test('SessionStore: exact expiry, sliding, revokeAll', async (t) => {
  const db = openDatabase(':memory:', schema);
  const users = new UserStore(db);
  const sessions = new SessionStore(db);
  await users.add({ username: 'agent01', password: 'secret-pass-1', role: 'agent' }, DEPARTMENTS);
  const a = sessions.create(1, new Date(START));
  const b = sessions.create(1, new Date(START));
  t.strictSame(a.expiresAt, new Date(START + 12 * HOUR));
  t.equal(sessions.resolve(a.token, new Date(START + 12 * HOUR)), null, 'expires at exactly 12 h');
  t.strictSame(sessions.resolve(b.token, new Date(START + 6 * HOUR)), { id: 1, username: 'agent01', displayName: 'agent01', role: 'agent', department: null });
  t.strictSame(db.prepare('SELECT expires_at FROM sessions').pluck().all(), [START + 18 * HOUR], 'slid to 12 h after the use');
  t.equal(sessions.resolve('not-a-token', new Date(START)), null);
  t.equal(sessions.resolve('', new Date(START)), null);
  t.equal(sessions.revokeAll(1), 1);
  t.equal(sessions.resolve(b.token, new Date(START + 6 * HOUR)), null);
  t.equal(sessions.revoke(b.token), false);
});

t.test('missing or garbage bearer tokens get 401', async (t) => {
  const { app } = await buildTestApp();
  t.teardown(() => app.close());
  const missing = await app.inject({ url: '/api/whoami' });
  t.strictSame(
    [missing.statusCode, missing.headers['www-authenticate'], missing.json()],
    [401, 'Bearer realm="cti"', { error: 'CTI_AUTH_REQUIRED', message: '请先登录（请求缺少 Authorization: Bearer 令牌）' }],
  );
  const invalid = { error: 'CTI_AUTH_REQUIRED', message: '登录已失效或令牌无效，请重新登录' };
  for (const authorization of ['Bearer garbage', `Bearer ${'x'.repeat(43)}`, `Bearer ${'x'.repeat(500)}`]) {
    const res = await app.inject({ url: '/api/whoami', headers: { authorization } });
    t.strictSame([res.statusCode, res.json()], [401, invalid], authorization.slice(0, 20));
  }
  for (const authorization of ['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer a b']) {
    const res = await app.inject({ url: '/api/whoami', headers: { authorization } });
    t.strictSame([res.statusCode, res.json().message], [401, '请先登录（请求缺少 Authorization: Bearer 令牌）'], authorization);
  }
  const logout = await app.inject({ method: 'POST', url: '/api/auth/logout' });
  t.equal(logout.statusCode, 401, 'logout needs a session too');
  const me = await app.inject({ url: '/api/auth/me', headers: { authorization: 'Bearer nope' } });
  t.equal(me.statusCode, 401);
});

t.test('login body: bad input gets 400 naming the field, in Chinese', async (t) => {
  const { app } = await buildTestApp();
  t.teardown(() => app.close());
  const noPassword = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent01' } });
  t.strictSame(
    [noPassword.statusCode, noPassword.json()],
    [
      400,
      {
        error: 'CTI_BAD_REQUEST',
        field: 'body.password',
        message: 'body.password: 缺少此必填字段',
        reason: "body.password: must have required property 'password'",
      },
    ],
  );
  const emptyName = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: '', password: 'x' } });
  t.strictSame(
    [emptyName.statusCode, emptyName.json()],
    [
      400,
      { error: 'CTI_BAD_REQUEST', field: 'body.username', message: 'body.username: 不能为空', reason: 'body.username: must NOT have fewer than 1 characters' },
    ],
  );
  const unknown = await login(app, 'nobody', 'secret-pass-1');
  t.strictSame([unknown.statusCode, unknown.json()], [401, { error: 'CTI_AUTH_FAILED', message: '用户名或密码错误' }]);
});

t.test('requireRole: 403 naming the roles needed', async (t) => {
  const { app, users } = await buildTestApp();
  t.teardown(() => app.close());
  await users.add({ username: 'agent01', password: 'secret-pass-1', role: 'agent' }, DEPARTMENTS);
  await users.add({ username: 'boss', password: 'secret-pass-2', role: 'supervisor' }, DEPARTMENTS);
  const agent = await tokenOf(app, 'agent01', 'secret-pass-1');
  const supervisor = await tokenOf(app, 'boss', 'secret-pass-2');

  const denied = await app.inject({ url: '/api/wallboard', headers: bearer(agent) });
  t.strictSame(
    [denied.statusCode, denied.json()],
    [
      403,
      {
        error: 'CTI_FORBIDDEN',
        message: '此操作需要以下角色之一：supervisor（班长）、admin（管理员）；当前角色：agent',
        detail: { roles: ['supervisor', 'admin'] },
      },
    ],
  );
  const allowed = await app.inject({ url: '/api/wallboard', headers: bearer(supervisor) });
  t.strictSame([allowed.statusCode, allowed.json()], [200, { ok: true }]);

  const usersPage = await app.inject({ method: 'POST', url: '/api/users', headers: bearer(supervisor), payload: { nonsense: true } });
  t.strictSame(
    [usersPage.statusCode, usersPage.json()],
    [403, { error: 'CTI_FORBIDDEN', message: '此操作需要以下角色之一：admin（管理员）；当前角色：supervisor', detail: { roles: ['admin'] } }],
    'checked before the body, so non-admins learn nothing about it',
  );
});

t.test('admin routes: list, create, disable, enable, password', async (t) => {
  const { app, db, users, clock } = await buildTestApp();
  t.teardown(() => app.close());
  await users.add({ username: 'admin', password: 'admin-pass-1', role: 'admin' }, DEPARTMENTS, new Date(START));
  const admin = await tokenOf(app, 'admin', 'admin-pass-1');
  const post = (url: string, payload?: object) => app.inject({ method: 'POST', url, headers: bearer(admin), ...(payload ? { payload } : {}) });

  const created = await post('/api/users', {
    username: 'zhao',
    password: 'zhao-pass-1',
    role: 'dept_handler',
    department: 'market-regulation',
    display_name: '赵',
    mobile: '13700137000',
  });
  const zhao = {
    id: 2,
    username: 'zhao',
    display_name: '赵',
    role: 'dept_handler',
    department: 'market-regulation',
    mobile: '13700137000',
    disabled: false,
    created_at: '2026-12-01T08:00:00+08:00',
    locked_until: null,
  };
  t.strictSame([created.statusCode, created.json()], [201, zhao]);

  const noDepartment = await post('/api/users', { username: 'qian', password: 'qian-pass-1', role: 'dept_head' });
  t.strictSame(
    [noDepartment.statusCode, noDepartment.json()],
    [
      400,
      { error: 'CTI_AUTH_BAD_USER', message: 'department: dept_handler（部门承办人）、dept_head（部门负责人） 必须指定部门', detail: { field: 'department' } },
    ],
  );
  const unknownDepartment = await post('/api/users', { username: 'qian', password: 'qian-pass-1', role: 'dept_head', department: 'mars' });
  t.strictSame(
    [unknownDepartment.statusCode, unknownDepartment.json()],
    [400, { error: 'CTI_AUTH_BAD_USER', message: 'department: 未知部门 "mars"（部门见 config/routing.yaml）', detail: { field: 'department' } }],
  );
  const agentWithDepartment = await post('/api/users', { username: 'qian', password: 'qian-pass-1', role: 'agent', department: 'health' });
  t.strictSame(
    [agentWithDepartment.statusCode, agentWithDepartment.json()],
    [400, { error: 'CTI_AUTH_BAD_USER', message: 'department: 角色 agent 不属于任何部门，不能指定部门', detail: { field: 'department' } }],
  );
  const duplicate = await post('/api/users', { username: 'ZHAO', password: 'zhao-pass-1', role: 'agent' });
  t.strictSame(
    [duplicate.statusCode, duplicate.json()],
    [409, { error: 'CTI_AUTH_DUPLICATE_USER', message: 'username: 用户名 "ZHAO" 已存在（不区分大小写）', detail: { field: 'username' } }],
  );
  const badRole = await post('/api/users', { username: 'qian', password: 'qian-pass-1', role: 'root' });
  t.strictSame([badRole.statusCode, badRole.json().field], [400, 'body.role']);

  const zhaoToken = await tokenOf(app, 'zhao', 'zhao-pass-1');
  const disabled = await post('/api/users/2/disable');
  t.strictSame([disabled.statusCode, disabled.json()], [200, { ...zhao, disabled: true }]);
  t.equal((await app.inject({ url: '/api/whoami', headers: bearer(zhaoToken) })).statusCode, 401, 'disabling ends their sessions');
  const self = await post('/api/users/1/disable');
  t.strictSame([self.statusCode, self.json()], [400, { error: 'CTI_AUTH_BAD_USER', message: 'id: 不能停用自己的账户', detail: { field: 'id' } }]);
  const missing = await post('/api/users/99/disable');
  t.strictSame([missing.statusCode, missing.json()], [404, { error: 'CTI_AUTH_NO_SUCH_USER', message: '没有编号为 99 的用户' }]);
  t.strictSame((await post('/api/users/2/enable')).json(), zhao);

  clock.now = START + HOUR;
  const shortPassword = await post('/api/users/2/password', { password: 'short' });
  t.strictSame(
    [shortPassword.statusCode, shortPassword.json()],
    [400, { error: 'CTI_AUTH_BAD_USER', message: 'password: 密码至少 8 位', detail: { field: 'password' } }],
  );
  const changed = await post('/api/users/2/password', { password: 'zhao-pass-2' });
  t.strictSame([changed.statusCode, changed.json()], [200, zhao]);
  t.equal((await login(app, 'zhao', 'zhao-pass-1')).statusCode, 401);
  t.equal((await login(app, 'zhao', 'zhao-pass-2')).statusCode, 200);

  const list = await app.inject({ url: '/api/users', headers: bearer(admin) });
  t.strictSame(
    [list.statusCode, list.json()],
    [
      200,
      {
        items: [
          {
            id: 1,
            username: 'admin',
            display_name: 'admin',
            role: 'admin',
            department: null,
            mobile: null,
            disabled: false,
            created_at: '2026-12-01T08:00:00+08:00',
            locked_until: null,
          },
          zhao,
        ],
      },
    ],
  );
  t.strictSame(db.prepare("SELECT at, user_id, action, subject FROM audit_log WHERE action LIKE 'user.%' ORDER BY id").all(), [
    { at: START, user_id: 1, action: 'user.add', subject: 'user:2' },
    { at: START, user_id: 1, action: 'user.disable', subject: 'user:2' },
    { at: START, user_id: 1, action: 'user.enable', subject: 'user:2' },
    { at: START + HOUR, user_id: 1, action: 'user.password', subject: 'user:2' },
  ]);
});

t.test('audit_log is append-only', async (t) => {
  const db = openDatabase(':memory:', schema);
  const users = new UserStore(db);
  await users.add({ username: 'handler01', password: 'secret-pass-1', role: 'dept_handler', department: 'health' }, DEPARTMENTS);
  const id = audit(db, { userId: 1, action: 'ticket.caller_read', subject: 'ticket:1024', detail: { field: 'caller' } }, new Date(START));
  t.equal(id, 1);
  t.strictSame(db.prepare('SELECT * FROM audit_log').all(), [
    { id: 1, at: START, user_id: 1, action: 'ticket.caller_read', subject: 'ticket:1024', detail: '{"field":"caller"}' },
  ]);
  t.throws(() => db.prepare("UPDATE audit_log SET action = 'nothing'").run(), { message: 'audit_log is append-only' });
  t.throws(() => db.prepare('DELETE FROM audit_log').run(), { message: 'audit_log is append-only' });
  t.equal(db.prepare('SELECT action FROM audit_log WHERE id = 1').pluck().get(), 'ticket.caller_read');
  t.equal(audit(db, { userId: null, action: 'system.start', subject: null }, new Date(START)), 2);
  t.equal(db.prepare('SELECT detail FROM audit_log WHERE id = 2').pluck().get(), '{}');
});

t.test('cti user add: end to end, then log in through the app', async (t) => {
  const copy = copyConfig();
  const dataDir = mkdtempSync(join(tmpdir(), 'cti-auth-'));
  t.teardown(() => {
    copy.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = { ...process.env, CTI_CONFIG: copy.dir, CTI_DB: join(dataDir, 'cti.sqlite') };
  // the first as an operator runs it (bin/cti.js, the password piped in); the others in this
  // process (support/cti-here.ts), a process each cost 2 s
  const cti = (args: string[], input = '') => {
    const r = spawnSync(process.execPath, [join(projectDir, 'bin/cti.js'), 'user', ...args], { cwd: projectDir, env, input, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ctiUser = (args: string[], input?: string) => ctiHere(['user', ...args], env, input);

  const added = cti(
    ['add', 'zhang.san', '--role', 'dept_handler', '--department', 'market-regulation', '--display-name', '张三', '--mobile', '13800138000'],
    'cli-secret-1\nignored second line\n',
  );
  t.equal(added.code, 0, added.stderr);
  t.equal(added.stderr, '');
  const printed = JSON.parse(added.stdout);
  t.match(printed.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00$/);
  t.strictSame(printed, {
    id: 1,
    username: 'zhang.san',
    display_name: '张三',
    role: 'dept_handler',
    department: 'market-regulation',
    mobile: '13800138000',
    disabled: false,
    created_at: printed.created_at,
    locked_until: null,
  });

  const unknown = await ctiUser(['add', 'li.si', '--role', 'dept_head', '--department', 'nowhere'], 'cli-secret-2\n');
  t.strictSame(unknown, { code: 1, stdout: '', stderr: 'CTI_AUTH_BAD_USER: department: 未知部门 "nowhere"（部门见 config/routing.yaml）\n' });
  const short = await ctiUser(['add', 'li.si', '--role', 'agent'], 'short\n');
  t.strictSame(short, { code: 1, stdout: '', stderr: 'CTI_AUTH_BAD_USER: password: 密码至少 8 位\n' });

  const list = await ctiUser(['list']);
  t.strictSame(list, {
    code: 0,
    stdout: 'id\tusername\tdisplay_name\trole\tdepartment\tmobile\tstate\n1\tzhang.san\t张三\tdept_handler\tmarket-regulation\t13800138000\tactive\n',
    stderr: '',
  });

  const db = openDatabase(env.CTI_DB, schema);
  const { app } = await buildTestApp(db, testClock(Date.now()));
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const res = await login(app, 'zhang.san', 'cli-secret-1');
  t.equal(res.statusCode, 200);
  t.strictSame(res.json().user, { id: 1, username: 'zhang.san', display_name: '张三', role: 'dept_handler', department: 'market-regulation' });
  t.strictSame(db.prepare("SELECT user_id, action, subject, json_extract(detail, '$.via') AS via FROM audit_log ORDER BY id").all(), [
    { user_id: null, action: 'user.add', subject: 'user:1', via: 'cli' },
    { user_id: 1, action: 'auth.login', subject: 'user:1', via: null },
  ]);
});

t.test('admin edit: name, role, department, mobile checked as for a new user; own role kept; sessions end on a move', async (t) => {
  const { app, users } = await buildTestApp();
  t.teardown(() => app.close());
  const now = new Date(START);
  const admin = await users.add({ username: 'admin', password: 'admin-pass-1', role: 'admin' }, DEPARTMENTS, now);
  const li = await users.add({ username: 'li', password: 'li-pass-123', role: 'dept_handler', department: 'health' }, DEPARTMENTS, now);
  const token = await tokenOf(app, 'admin', 'admin-pass-1');
  const liToken = await tokenOf(app, 'li', 'li-pass-123');
  const patch = (id: number, payload: object) => app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: bearer(token), payload });

  const renamed = await patch(li.id, { display_name: '李主任', mobile: '13800138000' });
  t.match([renamed.statusCode, renamed.json()], [200, { display_name: '李主任', role: 'dept_handler', department: 'health', mobile: '13800138000' }]);
  t.equal((await app.inject({ url: '/api/whoami', headers: bearer(liToken) })).statusCode, 200, 'a new name leaves the sessions alone');

  const wrong = await patch(li.id, { role: 'agent', department: 'health' });
  t.match(
    [wrong.statusCode, wrong.json()],
    [400, { error: 'CTI_AUTH_BAD_USER', message: 'department: 角色 agent 不属于任何部门，不能指定部门' }],
    'an agent with a department is refused',
  );
  const unknown = await patch(li.id, { department: 'nowhere' });
  t.match(unknown.json(), { error: 'CTI_AUTH_BAD_USER', message: /^department: 未知部门 "nowhere"/ });
  const badMobile = await patch(li.id, { mobile: '12345' });
  t.match(badMobile.json(), { message: /^mobile: "12345" 不是手机号码/ });
  t.match((await patch(li.id, {})).json(), { error: 'CTI_BAD_REQUEST', field: 'body' }, 'an empty edit names the body');

  // a role outside the departments drops the department it had
  const moved = await patch(li.id, { role: 'agent' });
  t.match(moved.json(), { role: 'agent', department: null });
  t.equal((await app.inject({ url: '/api/whoami', headers: bearer(liToken) })).statusCode, 401, 'a new role ends the sessions');

  const self = await patch(admin.id, { role: 'agent' });
  t.match([self.statusCode, self.json()], [400, { error: 'CTI_AUTH_BAD_USER', message: 'role: 不能修改自己的角色' }], 'an admin keeps their own role');
  t.equal((await patch(999, { display_name: 'x' })).json().error, 'CTI_AUTH_NO_SUCH_USER');
});
