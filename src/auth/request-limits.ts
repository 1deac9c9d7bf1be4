// Per-address limits on the two routes anyone can call without a login: POST /api/auth/login
// (password guessing, and locking other people's accounts) and POST /api/intake (a flood of
// public tickets). @fastify/rate-limit does the counting; global is off, so no other route is
// limited, and the routes are picked here by method and URL because they are declared in
// other areas (src/tickets declares intake). Register at the root, before those routes.
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { onRequestHookHandler, RouteOptions } from 'fastify';
import { CtiError } from '../errors.js';

export interface RequestLimit {
  method: string;
  url: string;
  /** requests per address per window */
  max: number;
  timeWindowMs: number;
}

// Per client address (request.ip: the socket's address unless fastify's trustProxy is set
// behind a reverse proxy). Constants for now; they can move to server.yaml later.
export const REQUEST_LIMITS: readonly RequestLimit[] = [
  // 30, not 10: at shift change up to 24 operators may log in from behind one NAT address,
  // and the demo logs in its 13 users at once. Guessing one account is capped anyway by
  // the lockout (LOCKOUT in users.ts); this caps guessing across accounts from one address.
  { method: 'POST', url: '/api/auth/login', max: 30, timeWindowMs: 60_000 },
  // a person files a ticket or two; 21,728 in 10 s was one script (issue 19)
  { method: 'POST', url: '/api/intake', max: 20, timeWindowMs: 60_000 },
];

export interface RequestLimitsOptions {
  limits?: readonly RequestLimit[];
}

const methodsOf = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]);

export const requestLimitsPlugin = fp<RequestLimitsOptions>(
  async (app, opts) => {
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_req, context) => {
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
        return new CtiError('HTTP_RATE_LIMITED', `请求过于频繁，请 ${seconds} 秒后再试`, { retry_after_s: seconds, limit: context.max });
      },
    });
    const limits = opts.limits ?? REQUEST_LIMITS;
    // one counter per limit, shared by every route it matches (HEAD of a GET, say)
    const handlers = new Map(limits.map((l) => [l, app.rateLimit({ max: l.max, timeWindow: l.timeWindowMs }) as onRequestHookHandler]));
    app.addHook('onRoute', (route) => {
      const limit = limits.find((l) => l.url === route.url && methodsOf(route).includes(l.method as never));
      if (!limit) return;
      const hook = handlers.get(limit)!;
      const existing = route.onRequest;
      route.onRequest = existing ? [...(Array.isArray(existing) ? existing : [existing]), hook] : [hook];
    });
  },
  { name: 'cti-request-limits', fastify: '5.x' },
);
