// Login, logout and "who am I", plus the two pieces the rest of the app uses:
// `app.authenticate` (an onRequest hook that sets request.user from the bearer token)
// and `requireRole(...)`. Wrapped with fastify-plugin so the decorations reach every
// scope of the app; register it once, at the root.
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CtiError } from '../errors.js';
import { formatShanghai } from '../calendar/index.js';
import { audit } from './audit.js';
import { describeRoles, type Role } from './roles.js';
import type { SessionStore } from './sessions.js';
import { AuthUserSchema, authUserJson } from './user-json.js';
import type { AuthUser, UserStore } from './users.js';

export interface AuthPluginOptions {
  users: UserStore;
  sessions: SessionStore;
  /** the time of a request; tests pass a controlled clock */
  clock?: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: 401 CTI_AUTH_REQUIRED unless a valid bearer token is sent; sets request.user */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    /** the logged-in user; null until `authenticate` has run (and on public routes) */
    user: AuthUser | null;
  }
}

const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

const LoginReply = Type.Object({ token: Type.String(), user: AuthUserSchema, expires_at: Type.String() });

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(request: FastifyRequest): string | null {
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i.exec(request.headers.authorization ?? '');
  return match ? match[1]! : null;
}

function authRequired(reply: FastifyReply, message: string): CtiError {
  reply.header('www-authenticate', 'Bearer realm="cti"'); // RFC 6750: say how to authenticate
  return new CtiError('AUTH_REQUIRED', message);
}

/**
 * A hook that lets the request through only for the given roles: 403 CTI_FORBIDDEN naming
 * them (401 when nobody is logged in). Use it as a preHandler (or preValidation) after
 * `authenticate` has run in an enclosing scope.
 */
export function requireRole(...roles: Role[]) {
  return async function roleCheck(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const user = request.user;
    if (!user) throw authRequired(reply, '请先登录');
    if (!roles.includes(user.role)) {
      throw new CtiError('FORBIDDEN', `此操作需要以下角色之一：${describeRoles(roles)}；当前角色：${user.role}`, { roles });
    }
  };
}

export const authPlugin = fp<AuthPluginOptions>(
  async (root, opts) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const { users, sessions } = opts;
    const clock = opts.clock ?? (() => new Date());

    app.decorateRequest('user', null);
    app.decorate('authenticate', async function authenticate(request: FastifyRequest, reply: FastifyReply) {
      const token = bearerToken(request);
      if (!token) throw authRequired(reply, '请先登录（请求缺少 Authorization: Bearer 令牌）');
      const user = sessions.resolve(token, clock());
      if (!user) throw authRequired(reply, '登录已失效或令牌无效，请重新登录');
      request.user = user;
    });

    app.post(
      '/api/auth/login',
      { schema: { tags: ['auth'], summary: 'log in; the token goes in Authorization: Bearer', security: [], body: LoginBody, response: { 200: LoginReply } } },
      async (request) => {
        const now = clock();
        const { username, password } = request.body;
        // counted per (account, address): a stranger's wrong passwords lock only the stranger out;
        // throws CTI_AUTH_LOCKED while a lock lasts for this address or for every address
        const user = await users.verify(username, password, now, request.ip);
        if (!user) {
          // the typed name is not kept: people type their password into the name field
          const known = users.byUsername(username);
          audit(users.db, { userId: null, action: 'auth.login_failed', subject: known ? `user:${known.id}` : null, detail: { ip: request.ip } }, now);
          throw new CtiError('AUTH_FAILED');
        }
        const session = sessions.create(user.id, now);
        audit(users.db, { userId: user.id, action: 'auth.login', subject: `user:${user.id}`, detail: { ip: request.ip } }, now);
        return { token: session.token, user: authUserJson(user), expires_at: formatShanghai(session.expiresAt) };
      },
    );

    app.post(
      '/api/auth/logout',
      {
        onRequest: app.authenticate,
        schema: { summary: 'end this session', tags: ['auth'], response: { 204: Type.Null({ description: 'the token no longer works' }) } },
      },
      async (request, reply) => {
        sessions.revoke(bearerToken(request)!);
        audit(users.db, { userId: request.user!.id, action: 'auth.logout', subject: `user:${request.user!.id}` }, clock());
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/auth/me',
      { onRequest: app.authenticate, schema: { summary: 'the user this token belongs to', tags: ['auth'], response: { 200: AuthUserSchema } } },
      async (request) => authUserJson(request.user!),
    );
  },
  { name: 'cti-auth', fastify: '5.x' },
);
