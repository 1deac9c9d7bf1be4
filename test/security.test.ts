// Issue 19's defences on the whole app (buildApp, as src/main.ts runs it): per-address rate
// limits on the two anonymous routes, and security headers on every answer.
import t from 'tap';
import { ticketApp, type TicketApp } from './support/ticket-app.js';
import { requestLimitsOf } from '../src/auth/index.js';

// the shipped server.yaml's numbers (test/attachments-security.test.ts changes them)
const limitOf = (a: TicketApp, url: string) => requestLimitsOf(a.config.server.limits).find((l) => l.url === url)!;

t.test('POST /api/intake: 429 CTI_RATE_LIMITED after the per-address limit', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const { max } = limitOf(a, '/api/intake');
  const intake = (remoteAddress: string) =>
    a.app.inject({ method: 'POST', url: '/api/intake', remoteAddress, payload: { channel: 'web', caller: '13700001111', content: '路灯不亮' } });

  for (let i = 1; i <= max; i++) t.equal((await intake('203.0.113.7')).statusCode, 201, `intake ${i} of ${max}`);
  const over = await intake('203.0.113.7');
  t.equal(over.statusCode, 429);
  t.match(over.json(), { error: 'CTI_RATE_LIMITED', message: /^请求过于频繁，请 \d+ 秒后再试$/, detail: { limit: max } });
  t.ok(Number(over.headers['retry-after']) > 0, 'Retry-After says when');
  t.equal(a.db.prepare('SELECT COUNT(*) FROM tickets').pluck().get(), max, 'the refused one made no ticket');
  t.equal((await intake('203.0.113.8')).statusCode, 201, 'another address is counted apart');
  // routes that are not limited are untouched
  const list = await a.call('agent', 'GET', '/api/tickets');
  t.equal(list.status, 200);
});

t.test('POST /api/auth/login: 429 CTI_RATE_LIMITED after the per-address limit', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const { max } = limitOf(a, '/api/auth/login');
  const login = (remoteAddress: string, username: string) =>
    a.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username, password: 'guess-123456' } });

  // unknown names, so no account locks: only the address limit is at work
  for (let i = 1; i <= max; i++) t.equal((await login('198.51.100.9', `nobody${i}`)).statusCode, 401, `login ${i} of ${max}`);
  const over = await login('198.51.100.9', 'admin');
  t.equal(over.statusCode, 429);
  t.match(over.json(), { error: 'CTI_RATE_LIMITED', message: /^请求过于频繁，请 \d+ 秒后再试$/ });
  t.equal(a.db.prepare("SELECT failed_logins FROM users WHERE username = 'admin'").pluck().get(), 0, 'refused before the password is looked at');
  t.equal((await login('198.51.100.10', 'nobody')).statusCode, 401, 'another address is counted apart');
});

t.test('security headers on /api answers, errors, /docs and the pages', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const token = (await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent', password: 'correct horse 12345' } })).json().token;
  const answers = {
    'GET /api/tickets': await a.app.inject({ url: '/api/tickets', headers: { authorization: `Bearer ${token}` } }),
    'GET /api/tickets (401)': await a.app.inject({ url: '/api/tickets' }),
    'GET /api/nowhere (404)': await a.app.inject({ url: '/api/nowhere' }),
    'POST /api/auth/login (400)': await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: {} }),
    'GET /docs/': await a.app.inject({ url: '/docs/' }),
    'GET /docs/json': await a.app.inject({ url: '/docs/json' }),
    'GET /healthz': await a.app.inject({ url: '/healthz' }),
    'GET /wallboard/': await a.app.inject({ url: '/wallboard/' }),
  };
  for (const [what, res] of Object.entries(answers)) {
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
    t.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
    t.equal(res.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
    const csp = String(res.headers['content-security-policy']);
    t.match(csp, /frame-ancestors 'none'/, `${what}: cannot be framed`);
    t.notMatch(csp, /upgrade-insecure-requests/, `${what}: works over plain HTTP`);
  }
  t.equal(answers['GET /docs/'].statusCode, 200);
  t.equal(answers['GET /wallboard/'].statusCode, 200);
});
