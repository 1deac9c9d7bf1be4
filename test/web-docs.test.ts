// /docs (swagger-ui) in real Chromium under the security headers (src/auth/security-headers.ts):
// the page renders the API, fails on no console error (a CSP violation is one), and cannot be
// framed by another page.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ticketApp } from './support/ticket-app.js';
import { launchBrowser, openPage } from './support/browser.js';

t.test('/docs renders under the CSP and refuses to be framed', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const base = await a.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchBrowser();
  t.teardown(() => browser.close());

  const docs = await openPage(browser, `${base}/docs/`);
  await docs.page.locator('.opblock-summary-path', { hasText: '/api/auth/login' }).first().waitFor({ timeout: 15_000 });
  t.ok(await docs.page.locator('.swagger-ui .info .title', { hasText: '12345 CTI server' }).count(), 'the API title is shown');
  t.strictSame(docs.errors, [], 'no console errors');

  // a page of another origin (another port) tries to frame /docs: the browser refuses
  const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<iframe src="${base}/docs/"></iframe>`));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => other.close(resolve)));
  const framer = await openPage(browser, `http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
  await framer.page.waitForTimeout(2500);
  const child = framer.page.frames().filter((f) => f !== framer.page.mainFrame());
  t.strictSame(
    child.map((f) => f.url()),
    ['chrome-error://chromewebdata/'],
    'Chromium refused to load /docs in the frame',
  );
});

t.test('/docs: Authorize takes a token and "try it out" sends it; login, intake, health and wallboard need none', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const spec = (await a.app.inject({ url: '/docs/json' })).json();
  t.same(spec.security, [{ bearer: [] }], 'every operation asks for the bearer token by default');
  for (const [path, method] of [
    ['/api/auth/login', 'post'],
    ['/api/intake', 'post'],
    ['/healthz', 'get'],
    ['/api/wallboard', 'get'],
  ] as const) {
    t.same(spec.paths[path]?.[method]?.security, [], `${method.toUpperCase()} ${path} is public`);
  }
  t.equal(spec.paths['/api/tickets']?.get?.security, undefined, 'GET /api/tickets keeps the default');

  const base = await a.app.listen({ port: 0, host: '127.0.0.1' });
  const token = (await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'boss', password: 'correct horse 12345' } })).json()
    .token as string;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { page, errors } = await openPage(browser, `${base}/docs/`);
  await page.locator('button.authorize').first().click();
  await page.locator('.auth-container input').first().fill(token);
  await page.locator('.auth-btn-wrapper button.authorize').first().click();
  await page.locator('.auth-btn-wrapper button.btn-done, .auth-btn-wrapper button.close-modal').first().click();
  const op = page.locator('.opblock-get', { has: page.locator('.opblock-summary-path', { hasText: /^\/api\/tickets$/ }) }).first();
  await op.locator('.opblock-summary').click();
  await op.locator('button.try-out__btn').click();
  await op.locator('button.execute').click();
  const status = op.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  t.equal((await status.textContent())?.trim(), '200', 'the call made from /docs was authorised (before: 401)');
  t.strictSame(errors, [], 'no console errors');
});
