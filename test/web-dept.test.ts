// The department page on a phone-sized screen (390×844) in real Chromium against the real
// server: a handler signs a ticket and replies with text and a photo; the head sees the
// department's overview. The API is checked afterwards.
import t, { type Test } from 'tap';
import { copyConfig } from './support/config-dir.js';
import { startServerProcess, TEST_PASSWORD } from './support/server-process.js';
import { launchBrowser, logIn, openPage } from './support/browser.js';

const PHONE = { width: 390, height: 844 };
// an 8×8 red PNG, as a phone photo would arrive (small enough to go up unscaled)
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGO4YKCAFTEMLQkATmxIAfQV9IgAAAAASUVORK5CYII=', 'base64');

/** "2026-12-01T14:03:00.000+08:00" as the pages show it: 2026/12/01 14:03 (Shanghai wall time). */
const shanghaiShown = (iso: string) => `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 16)}`;

/** The real server with an agent (wang, logged in for the test), a handler (li) and a head (zhao) of market regulation, and Chromium. */
async function deptSite(t: Test) {
  const config = copyConfig();
  const server = await startServerProcess(config.dir, {
    users: [
      { name: 'wang', role: 'agent' },
      { name: 'li', role: 'dept_handler', department: 'market-regulation' },
      { name: 'zhao', role: 'dept_head', department: 'market-regulation' },
    ],
  });
  const browser = await launchBrowser();
  t.teardown(async () => {
    await browser.close();
    await server.stop();
    config.remove();
  });
  await server.login('wang');
  return { server, browser };
}

t.test('a handler signs and replies with a photo on a phone; the head sees the overview', async (t) => {
  const { server, browser } = await deptSite(t);
  const created = await server.post('/api/tickets', {
    type: 'complaint',
    caller: '13800138000',
    content: '小区门口餐馆油烟扰民',
    dispatch_to: 'market-regulation',
  });
  t.equal(created.status, 201);
  const id = created.body.id as number;

  const { page, errors } = await openPage(browser, `${server.url}/dept/`, PHONE);
  await logIn(page, 'li', TEST_PASSWORD);
  const card = page.locator(`a[href="#t/${id}"]`);
  await card.waitFor();
  t.match(await card.textContent(), `#${id} 投诉 · 已派单`);
  t.match(await card.textContent(), `签收时限 ${shanghaiShown(created.body.sign_due_at)}`, 'the deadline in Shanghai time, whatever the phone says');
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'nothing wider than the phone');

  await card.click();
  await page.locator('#ticket-heading', { hasText: `工单 #${id} · 投诉` }).waitFor();
  t.match(await page.locator('#ticket-facts').textContent(), '138****8000', 'the caller is masked for the department');
  const sign = page.getByRole('button', { name: '签收' });
  t.ok((await sign.boundingBox())!.height >= 44, 'a touch-sized button');
  await sign.click();
  await page.locator('#ticket-status', { hasText: '已签收（办理中）' }).waitFor();

  await page.locator('#form-reply textarea[name=text]').fill('已到现场核查，责令餐馆加装油烟净化设备，整改完毕。');
  await page.locator('#form-reply input[name=photos]').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: PHOTO });
  await page.locator('#photo-previews img').waitFor();
  await page.getByRole('button', { name: '提交答复' }).click();
  await page.locator('.toast', { hasText: '答复已提交' }).waitFor();
  await page.locator('#todo-empty', { hasText: '暂无待办工单' }).waitFor();

  await server.login('li');
  const ticket = (await server.get(`/api/tickets/${id}`)).body;
  t.match(ticket, { status: 'replied', reply_text: '已到现场核查，责令餐馆加装油烟净化设备，整改完毕。', caller: '138****8000' });
  t.ok(ticket.signed_at, 'signed in the API');
  t.match(ticket.attachments, [{ filename: '现场.png', mime: 'image/png', size: PHOTO.length }], 'the photo went up through the attachments API');
  t.same(errors, [], 'no console errors on the handler page');

  const head = await openPage(browser, `${server.url}/dept/`, PHONE);
  await logIn(head.page, 'zhao', TEST_PASSWORD);
  await head.page.getByRole('link', { name: '部门概览' }).click();
  await head.page.locator('#sum-status', { hasText: '已答复' }).waitFor();
  t.match(await head.page.locator('#sum-status').textContent(), '已答复1');
  t.equal(await head.page.locator('#overdue-empty').textContent(), '没有超期工单。');
  t.same(head.errors, [], 'no console errors on the head page');
});

t.test('a head presses an open ticket of their department (督办) from the phone; a handler has no such form', async (t) => {
  const { server, browser } = await deptSite(t);
  const created = await server.post('/api/tickets', {
    type: 'complaint',
    caller: '13800138001',
    content: '超市销售过期食品',
    dispatch_to: 'market-regulation',
  });
  t.equal(created.status, 201);
  const id = created.body.id as number;

  const handler = await openPage(browser, `${server.url}/dept/#t/${id}`, PHONE);
  await logIn(handler.page, 'li', TEST_PASSWORD);
  await handler.page.locator('#ticket-heading', { hasText: `工单 #${id}` }).waitFor();
  t.equal(await handler.page.locator('#form-supervise').isHidden(), true, 'the handler is not offered 督办');

  const head = await openPage(browser, `${server.url}/dept/#t/${id}`, PHONE);
  await logIn(head.page, 'zhao', TEST_PASSWORD);
  await head.page.locator('#ticket-heading', { hasText: `工单 #${id}` }).waitFor();
  await head.page.locator('#form-supervise textarea[name=note]').fill('请今日内联系群众并核查');
  await head.page.getByRole('button', { name: '督办（短信通知承办人）' }).click();
  await head.page.locator('.toast', { hasText: '已督办' }).waitFor();
  await server.login('zhao');
  const ticket = (await server.get(`/api/tickets/${id}`)).body;
  t.ok(
    ticket.events.some((e: any) => e.action === 'supervise'),
    `the 督办 is on the ticket (${ticket.events.map((e: any) => e.action).join(', ')})`,
  );
  t.ok(ticket.priority > created.body.priority, `priority raised (${created.body.priority} → ${ticket.priority})`);
  t.same([...handler.errors, ...head.errors], [], 'no console errors');
});
