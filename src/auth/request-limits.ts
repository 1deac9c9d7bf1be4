// Per-client limits on the routes a script abuses first: the two anyone can call without a login,
// POST /api/auth/login (password guessing, and locking other people's accounts) and
// POST /api/intake (a flood of public tickets), per address; and attachment uploads, per user
// (a logged-in account filling the disk). @fastify/rate-limit does the counting; global is off,
// so no other route is limited, and the routes are picked here by method and URL because they
// are declared in other areas. Register at the root, before those routes. The numbers are
// server.yaml's `limits:` (defaults in src/config/build.ts), read at start.
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import type { LimitSettings } from '../config/index.js';
import { CtiError } from '../errors.js';

export interface RequestLimit {
  method: string;
  url: string;
  /** requests per client per window */
  max: number;
  timeWindowMs: number;
  /**
   * Who is counted: the client address (request.ip: the socket's address unless fastify's
   * trustProxy is set behind a reverse proxy), or the logged-in user, whatever address they
   * come from (the route must be behind authentication, whose onRequest hook runs first).
   */
  per: 'address' | 'user';
}

/** The limited routes, with server.yaml's numbers. */
export function requestLimitsOf(limits: LimitSettings): RequestLimit[] {
  return [
    { method: 'POST', url: '/api/auth/login', max: limits.login.max, timeWindowMs: limits.login.windowMs, per: 'address' },
    { method: 'POST', url: '/api/intake', max: limits.intake.max, timeWindowMs: limits.intake.windowMs, per: 'address' },
    { method: 'POST', url: '/api/tickets/:id/attachments', max: limits.attachmentUploads.max, timeWindowMs: limits.attachmentUploads.windowMs, per: 'user' },
  ];
}

export interface RequestLimitsOptions {
  limits: readonly RequestLimit[];
}

const methodsOf = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]);

/** A user's own counter; before authentication has run (it always has on these routes) the address's. */
const userKey = (req: FastifyRequest) => {
  const user = (req as { user?: { id?: number } }).user;
  return user?.id !== undefined ? `user:${user.id}` : `ip:${req.ip}`;
};

export const requestLimitsPlugin = fp<RequestLimitsOptions>(
  async (app, opts) => {
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_req, context) => {
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
        return new CtiError('HTTP_RATE_LIMITED', `请求过于频繁，请 ${seconds} 秒后再试`, { retry_after_s: seconds, limit: context.max });
      },
    });
    const { limits } = opts;
    // one counter per limit, shared by every route it matches (HEAD of a GET, say)
    const handlers = new Map(
      limits.map((l) => [
        l,
        app.rateLimit({ max: l.max, timeWindow: l.timeWindowMs, ...(l.per === 'user' ? { keyGenerator: userKey } : {}) }) as onRequestHookHandler,
      ]),
    );
    app.addHook('onRoute', (route) => {
      const limit = limits.find((l) => l.url === route.url && methodsOf(route).includes(l.method as never));
      if (!limit) return;
      const hook = handlers.get(limit)!;
      // route hooks run after the scope's, so a per-user limit sees the user authentication set
      const existing = route.onRequest;
      route.onRequest = existing ? [...(Array.isArray(existing) ? existing : [existing]), hook] : [hook];
    });
  },
  { name: 'cti-request-limits', fastify: '5.x' },
);
