// User administration for admins. Register it inside the authenticated /api scope (it
// relies on request.user set by app.authenticate); every route here is admin only.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CtiError } from '../errors.js';
import { maskedNumber } from '../logging.js';
import { audit } from './audit.js';
import { requireRole } from './auth-plugin.js';
import { LockoutSchema, lockoutJson, RoleSchema, UserSchema, userJson } from './user-json.js';
import type { UserStore } from './users.js';

export interface UsersPluginOptions {
  users: UserStore;
  /** department ids of the routing config in force (a function: config hot-reloads) */
  departments: () => ReadonlySet<string>;
  clock?: () => Date;
}

const OptionalText = Type.Optional(Type.Union([Type.String(), Type.Null()]));
const NewUserBody = Type.Object({
  username: Type.String(),
  password: Type.String(),
  role: RoleSchema,
  department: OptionalText,
  display_name: OptionalText,
  mobile: OptionalText,
});
const UserId = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const EditBody = Type.Object(
  {
    display_name: Type.Optional(Type.String()),
    role: Type.Optional(RoleSchema),
    department: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'null or empty: none' })),
    mobile: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'null or empty: none' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const PasswordBody = Type.Object({ password: Type.String() });
// the client address as request.ip gives it (IPv4, IPv6, IPv4-mapped IPv6); omitted: every lock of the user
const UnlockBody = Type.Object(
  { address: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Fa-f:.]+$' })) },
  { additionalProperties: false },
);
const LockoutList = Type.Object({ items: Type.Array(LockoutSchema) });
const UnlockReply = Type.Object({ user: UserSchema, lifted: Type.Array(LockoutSchema) });

export const usersPlugin: FastifyPluginAsyncTypebox<UsersPluginOptions> = async (app, opts) => {
  if (!app.hasRequestDecorator('user')) throw new Error('usersPlugin needs authPlugin registered first (request.user)');
  const { users, departments } = opts;
  const clock = opts.clock ?? (() => new Date());
  // preValidation rather than preHandler: a non-admin learns nothing, not even the body schema
  app.addHook('preValidation', requireRole('admin'));

  app.get(
    '/users',
    { schema: { summary: 'every user, with lock state (admins)', tags: ['admin'], response: { 200: Type.Object({ items: Type.Array(UserSchema) }) } } },
    async () => {
      const now = clock();
      return { items: users.list().map((u) => userJson(u, now)) };
    },
  );

  app.post(
    '/users',
    { schema: { summary: 'create a user (admins); audited', tags: ['admin'], body: NewUserBody, response: { 201: UserSchema } } },
    async (request, reply) => {
      const now = clock();
      const b = request.body;
      const input = { username: b.username, password: b.password, role: b.role, department: b.department, displayName: b.display_name, mobile: b.mobile };
      const user = await users.add(input, departments(), now);
      audit(
        users.db,
        {
          userId: request.user!.id,
          action: 'user.add',
          subject: `user:${user.id}`,
          detail: { username: user.username, role: user.role, department: user.department },
        },
        now,
      );
      return reply.code(201).send(userJson(user, now));
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        summary: "change a user's name, role, department or mobile (admins); audited; a new role or department ends their sessions",
        tags: ['admin'],
        params: UserId,
        body: EditBody,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const now = clock();
      const b = request.body;
      // the last admin demoting themselves would leave nobody to undo it
      if (request.params.id === request.user!.id && b.role !== undefined && b.role !== 'admin')
        throw new CtiError('AUTH_BAD_USER', 'role: 不能修改自己的角色', { field: 'role' });
      const before = users.byId(request.params.id);
      const user = users.edit(request.params.id, { displayName: b.display_name, role: b.role, department: b.department, mobile: b.mobile }, departments());
      // the audit trail names what changed; a mobile number only masked, as in the logs
      const shown = (k: 'displayName' | 'role' | 'department' | 'mobile', v: string | null | undefined) => (k === 'mobile' ? maskedNumber(v) : (v ?? null));
      const changed = Object.fromEntries(
        (['displayName', 'role', 'department', 'mobile'] as const)
          .filter((k) => before?.[k] !== user[k])
          .map((k) => [k, { from: shown(k, before?.[k]), to: shown(k, user[k]) }]),
      );
      audit(users.db, { userId: request.user!.id, action: 'user.edit', subject: `user:${user.id}`, detail: changed }, now);
      return userJson(user, now);
    },
  );

  app.post(
    '/users/:id/disable',
    { schema: { summary: 'disable a user and end their sessions (admins); audited', tags: ['admin'], params: UserId, response: { 200: UserSchema } } },
    async (request) => {
      // the last admin disabling themselves would leave nobody to undo it
      if (request.params.id === request.user!.id) throw new CtiError('AUTH_BAD_USER', 'id: 不能停用自己的账户', { field: 'id' });
      return setDisabled(request.params.id, true, request.user!.id);
    },
  );

  app.post(
    '/users/:id/enable',
    { schema: { summary: 'enable a disabled user (admins); audited', tags: ['admin'], params: UserId, response: { 200: UserSchema } } },
    async (request) => setDisabled(request.params.id, false, request.user!.id),
  );

  app.post(
    '/users/:id/password',
    {
      schema: {
        summary: "set a user's password and end their sessions (admins); audited",
        tags: ['admin'],
        params: UserId,
        body: PasswordBody,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const now = clock();
      const user = await users.setPassword(request.params.id, request.body.password);
      audit(users.db, { userId: request.user!.id, action: 'user.password', subject: `user:${user.id}` }, now);
      return userJson(user, now);
    },
  );

  app.get(
    '/lockouts',
    { schema: { summary: 'locks after wrong passwords now in force (admins)', tags: ['admin'], response: { 200: LockoutList } } },
    async () => ({
      items: users.lockouts(clock()).map(lockoutJson),
    }),
  );

  // 解除锁定: the whole account (every address, the counts and the back-off), or one address
  app.post(
    '/users/:id/unlock',
    {
      schema: {
        summary: 'lift the locks of a user, one address or all (解除锁定, admins); audited',
        tags: ['admin'],
        params: UserId,
        body: UnlockBody,
        response: { 200: UnlockReply },
      },
    },
    async (request) => {
      const now = clock();
      const address = request.body?.address ?? null;
      const lifted = users.unlock(request.params.id, address, now);
      const detail = { address, lifted: lifted.map((l) => ({ address: l.address, locked_until: l.lockedUntil.getTime() })) };
      audit(users.db, { userId: request.user!.id, action: 'user.unlock', subject: `user:${request.params.id}`, detail }, now);
      return { user: userJson(users.byId(request.params.id)!, now), lifted: lifted.map(lockoutJson) };
    },
  );

  function setDisabled(id: number, disabled: boolean, actor: number) {
    const now = clock();
    const user = users.setDisabled(id, disabled);
    audit(users.db, { userId: actor, action: disabled ? 'user.disable' : 'user.enable', subject: `user:${id}` }, now);
    return userJson(user, now);
  }
};
