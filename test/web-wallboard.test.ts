// The wallboard page in real Chromium over the real app and SQLite: a transfer still ringing is
// shown as 「振铃中 N 秒」, not as a miss; past 15 s it is a miss; each figure shows its basis.
import t from 'tap';
import { ticketApp } from './support/ticket-app.js';
import { launchBrowser, openPage } from './support/browser.js';

const s = 1_000_000;

t.test('a ringing transfer on the wallboard: 振铃中 8 秒, then a miss once 15 s have passed', async (t) => {
  const a = await ticketApp();
  const browser = await launchBrowser();
  t.teardown(async () => {
    await browser.close();
    await a.close();
  });
  const url = await a.app.listen({ host: '127.0.0.1', port: 0 });
  const now = Date.parse('2026-11-30T10:00:00+08:00');
  a.at(new Date(now).toISOString());
  a.db.prepare("INSERT INTO calls (id, caller, called, mode, started_us) VALUES ('call-1', '13800138000', '12345', 'main', ?)").run(now * 1000 - 60 * s);
  const insert = a.db.prepare(
    "INSERT INTO transfer_attempts (call_id, hotline, kind, agent_id, created_us, answered_us, ended_us, result) VALUES ('call-1', ?, 'warm', '1001', ?, ?, ?, ?)",
  );
  insert.run('95598', now * 1000 - 8 * s, null, null, null);
  insert.run('12315', now * 1000 - 50 * s, now * 1000 - 47 * s, null, 'answered');

  const { page, errors } = await openPage(browser, `${url}/wallboard/`);
  const row = page.locator('#transfer-rows tr[data-hotline="95598"]');
  await row.locator('td.state', { hasText: '振铃中 8 秒' }).waitFor({ timeout: 10_000 });
  t.same(await row.locator('td').allTextContents(), ['95598', '供电服务热线', '0', '0', '—', '振铃中 8 秒'], 'not counted, no rate, ringing 8 s');
  t.notOk(await row.evaluate((tr) => tr.classList.contains('below')), 'not shown below target');
  t.equal(await page.locator('#transfer-basis').textContent(), '近24小时 · 计入 1 次 · 15秒内接通 1 次 · 振铃中 1', 'what the rates rest on');
  t.match(await page.locator('#transfer-definition').textContent(), /不计入：振铃未满15秒的（振铃中）/);
  t.match(await page.locator('#sl-basis').textContent(), /^今日 00:00 起 · 进线 0 通/);

  a.at(new Date(now + 8_000).toISOString()); // 16 s since the leg was created, still unanswered
  await row.locator('td', { hasText: '0.0%' }).waitFor({ timeout: 10_000 });
  t.same(await row.locator('td').allTextContents(), ['95598', '供电服务热线', '1', '0', '0.0%', ''], 'past 15 s: a miss, no longer ringing');
  t.ok(await row.evaluate((tr) => tr.classList.contains('below')), 'below target');
  t.same(errors, [], 'no console errors');
});
