// The admin pages in real Chromium against the real server: the routing config status, a
// broken routing.yaml shown as file:line:column after a reload, users (with 解除锁定), and
// calendar coverage.
import t from 'tap';
import Database from 'better-sqlite3';
import { copyConfig } from './support/config-dir.js';
import { startServerProcess, TEST_PASSWORD } from './support/server-process.js';
import { launchBrowser, logIn, openPage } from './support/browser.js';

t.test('admin sees the config status, a broken routing.yaml with file:line:column, users and calendar years', async (t) => {
  const config = copyConfig();
  const server = await startServerProcess(config.dir, { users: [{ name: 'admin', role: 'admin' }] });
  const browser = await launchBrowser();
  t.teardown(async () => {
    await browser.close();
    await server.stop();
    config.remove();
  });
  await server.login('admin');

  const { page, errors } = await openPage(browser, `${server.url}/admin/`, { width: 1400, height: 1000 });
  await logIn(page, 'admin', TEST_PASSWORD);
  await page.locator('#config-state', { hasText: '配置有效，正在使用' }).waitFor();
  t.equal(await page.locator('#config-issues').isVisible(), false, 'no issues listed');
  await page.locator('#calendar-years', { hasText: '2026' }).waitFor();
  t.match(await page.locator('#calendar-years').textContent(), '2025、2026', 'years with holiday data (chinese-days has 2004–2026)');
  // the year missing depends on today's date and the package's data: read it from the API
  const missing = (await server.get('/api/admin/calendar')).body.coverage.missing_year;
  t.match(await page.locator('#calendar-provisional').textContent(), String(missing), 'from when deadlines become provisional');
  t.match(await page.locator('#calendar-yaml').inputValue(), `"${missing}":`, 'the block to fill in, for the missing year');
  t.match(await page.locator('#calendar-example').textContent(), '# 春节', 'a worked example beside it');
  await page.locator('#calendar-yaml').fill(`years:\n  "${missing}":\n    holidays: ["${missing}-02-30"]\n    makeup_workdays: []\n`);
  await page.getByRole('button', { name: '校验' }).click();
  await page.locator('#calendar-check', { hasText: '处问题' }).waitFor();
  t.match(
    await page.locator('#calendar-check').textContent(),
    `第 3 行第 16 列 years.${missing}.holidays[0]：${missing}-02-30 is not a date`,
    'the problem by line and column',
  );
  await page.locator('#calendar-yaml').fill(`years:\n  "${missing}":\n    holidays: ["${missing}-02-01"]   # a test value\n    makeup_workdays: []\n`);
  await page.getByRole('button', { name: '校验' }).click();
  await page.locator('#calendar-check', { hasText: '格式正确' }).waitFor();
  t.match(await page.locator('#calendar-check').textContent(), `${missing}-02-01（`, 'the weekday holidays listed to compare with the notice');

  config.edit('routing.yaml', 'wrap_up_s: 15', 'wrap_up_s: fifteen');
  const line = config.lineOf('routing.yaml', 'wrap_up_s: fifteen');
  await page.getByRole('button', { name: '重新加载配置' }).click();
  await page.locator('#config-state', { hasText: '配置有错误' }).waitFor();
  const issue = (await server.get('/api/admin/config')).body.issues[0];
  t.match(issue, { line, path: 'acd.wrap_up_s' }, 'the API names the line');
  t.match(issue.file, /routing\.yaml$/);
  const shown = await page.locator('#config-issues tbody tr').first().locator('td').first().textContent();
  t.equal(shown, `${issue.file}:${line}:${issue.column}`, 'the page shows file:line:column');
  t.match(await page.locator('#config-state').textContent(), '仍在使用上一份正确的配置');

  await page.locator('#user-form input[name=username]').fill('chen');
  await page.locator('#user-form input[name=display_name]').fill('陈经办');
  await page.locator('#user-form select[name=role]').selectOption('dept_handler');
  await page.locator('#user-form select[name=department]').selectOption('market-regulation');
  await page.locator('#user-form input[name=password]').fill('a-long-password-123');
  await page.getByRole('button', { name: '新增', exact: true }).click();
  await page.locator('#user-rows', { hasText: '陈经办' }).waitFor();
  const users = (await server.get('/api/admin/users')).body.items;
  t.match(
    users.find((u: any) => u.username === 'chen'),
    { role: 'dept_handler', department: 'market-regulation', display_name: '陈经办' },
    'the user exists in the API',
  );
  t.match(await page.locator('#user-rows').textContent(), '部门承办人市市场监管局', 'role and department by their Chinese names, the words the CLI uses');

  // 解除锁定: chen's address (this machine's) is locked by 5 wrong passwords; the admin lifts it
  for (let i = 0; i < 5; i++) {
    await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'chen', password: `wrong-${i}-password` }),
    });
  }
  const lockedOut = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'chen', password: 'a-long-password-123' }),
  });
  t.equal(lockedOut.status, 423, 'chen is locked out from this address');
  await page.reload(); // the token is kept in the tab's sessionStorage
  const chenRow = page.locator('#user-rows tr', { hasText: '陈经办' });
  await chenRow.locator('td', { hasText: '已锁定 1 个地址' }).waitFor();
  await chenRow.getByRole('button', { name: '解除锁定' }).click();
  await page.locator('.toast', { hasText: '已解除 陈经办 的锁定' }).waitFor();
  await chenRow.locator('td', { hasText: '正常' }).waitFor();
  t.equal(await chenRow.getByRole('button', { name: '解除锁定' }).count(), 0, 'no button once nothing is locked');
  t.strictSame((await server.get('/api/admin/lockouts')).body.items, [], 'no lock left in the API');
  const unlocked = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'chen', password: 'a-long-password-123' }),
  });
  t.equal(unlocked.status, 200, 'chen logs in again');
  const chenToken = (await unlocked.json()).token as string;

  // 修改: chen moves to the environment department as its head, with a mobile; then a new password
  await chenRow.getByRole('button', { name: '修改' }).click();
  const edit = page.locator('#edit-form');
  await edit.locator('input[name=display_name]').fill('陈负责');
  await edit.locator('select[name=role]').selectOption('dept_head');
  await edit.locator('select[name=department]').selectOption('environment');
  await edit.locator('input[name=mobile]').fill('13900139000');
  await edit.getByRole('button', { name: '保存' }).click();
  await page.locator('#user-rows tr', { hasText: '陈负责' }).locator('td', { hasText: '部门负责人' }).waitFor();
  t.match(
    (await server.get('/api/admin/users')).body.items.find((u: any) => u.username === 'chen'),
    { display_name: '陈负责', role: 'dept_head', department: 'environment', mobile: '13900139000' },
    'the edit is in the API',
  );
  const oldSession = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${chenToken}` } });
  t.equal(oldSession.status, 401, 'a new role ends the sessions chen had, so the new one applies at once');
  await edit.locator('select[name=role]').selectOption('agent');
  await edit.getByRole('button', { name: '保存' }).click();
  await page.locator('#edit-error', { hasText: '不属于任何部门' }).waitFor();
  t.equal(
    await page.locator('#edit-error').textContent(),
    'department: 角色 agent 不属于任何部门，不能指定部门',
    'an agent belongs to no department: said on the form',
  );
  await edit.locator('select[name=department]').selectOption('');
  await edit.getByRole('button', { name: '保存' }).click();
  await page.locator('#user-rows tr', { hasText: '陈负责' }).locator('td', { hasText: '坐席' }).waitFor();
  await edit.locator('input[name=password]').fill('another-password-456');
  await edit.getByRole('button', { name: '重置密码' }).click();
  await page.locator('.toast', { hasText: '已重置 chen 的密码' }).waitFor();
  const relog = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'chen', password: 'another-password-456' }),
  });
  t.equal(relog.status, 200, 'the new password works');
  const dbPath = server.logs.find((l) => l.msg === 'CTI server listening')!.database as string;
  const db = new Database(dbPath, { readonly: true });
  t.teardown(() => db.close());
  const trail = db.prepare("SELECT action, detail FROM audit_log WHERE action IN ('user.edit', 'user.password') ORDER BY id").all() as Array<{
    action: string;
    detail: string | null;
  }>;
  t.same(
    trail.map((r) => r.action),
    ['user.edit', 'user.edit', 'user.password'],
    'each change in the audit log',
  );
  t.same(JSON.parse(trail[0]!.detail!).mobile, { from: null, to: '139****9000' }, 'a mobile number only masked there');

  // Chromium logs every non-2xx response to the console; the refused edit's is the one expected
  t.equal(errors.length, 1, `one console line, the refused edit's: ${errors.join(' | ')}`);
  t.match(
    errors[0],
    /^console: Failed to load resource: the server responded with a status of 400 \(Bad Request\) \(http:\/\/127\.0\.0\.1:\d+\/api\/admin\/users\/\d+\)$/,
  );
});
