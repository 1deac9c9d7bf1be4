// The agent desktop and the wallboard in real Chromium against the real server and the
// FreeSWITCH simulator: log in, take a seat, go ready, a simulated call pops, a ticket is
// opened from it, the caller is warm-transferred to 12315, and the wallboard shows it.
import t from 'tap';
import { switchboard } from './support/switchboard.js';
import { TEST_PASSWORD } from './support/server-process.js';
import { launchBrowser, logIn, openPage } from './support/browser.js';

const CALLER = '13800138000';

t.test('agent desktop: ready, call pop, ticket from the call, warm transfer to 12315; wallboard updates', async (t) => {
  const sb = await switchboard({
    agents: [{ id: '1001', answerAfterS: 0.5 }], // answers, then talks until someone hangs up
    hotlines: { '12315': { answerAfterS: 2 } },
    users: [
      { name: 'wang', role: 'agent' },
      { name: 'boss', role: 'supervisor' },
    ],
    // 12315's seats work office hours; the test must not depend on when it runs
    configure: (c) => c.edit('routing.yaml', /(number: "12315"[^\n]*?)hours: office/, '$1hours: always'),
  });
  const browser = await launchBrowser();
  t.teardown(async () => {
    await browser.close();
    await sb.stop();
  });
  await sb.server.login('boss');
  const seat1001 = async () => (await sb.server.get('/api/agents')).body.items.find((a: any) => a.seat === '1001');

  const { page, errors } = await openPage(browser, `${sb.server.url}/desktop/`);
  // The transfer targets load after the seat is shown; holding them back 2 s proves that F2,
  // pressed as soon as the seat shows, is not lost while the rest of the desk is loading.
  await page.route('**/api/transfer/targets', (route) => void setTimeout(() => void route.continue(), 2000));
  t.equal(await page.title(), '坐席工作台 · 12345政务服务热线');
  await logIn(page, 'wang', TEST_PASSWORD);
  await page.locator('#seat-select').selectOption('1001');
  await page.getByRole('button', { name: '登录坐席' }).click();
  await page.locator('#state-badge', { hasText: '小休' }).waitFor();
  t.match(await page.locator('#who').textContent(), '坐席 1001');
  t.match(await seat1001(), { state: 'break', user: { username: 'wang' } }, 'the seat is taken in the API');

  await page.keyboard.press('F2');
  await page.locator('#state-badge', { hasText: '空闲' }).waitFor();
  t.match(await seat1001(), { state: 'available' }, 'F2 made the seat ready');

  const wall = await openPage(browser, `${sb.server.url}/`);
  await wall.page.locator('#agents', { hasText: '空闲' }).waitFor();
  t.equal(await wall.page.title(), '实时监控大屏 · 12345政务服务热线', '/ is the wallboard');
  t.equal(await wall.page.locator('#transfer-rows tr').count(), 0, 'no transfers yet');

  const caller = sb.sim.engine.placeCall({ from: CALLER, to: '12345', dtmf: [{ at_s: 0.8, digits: '1' }], hangupAfterS: 120 });
  await page.locator('#call-caller', { hasText: CALLER }).waitFor({ timeout: 15_000 });
  t.equal(await page.locator('#call-line').textContent(), '1 线 · 群众诉求', 'the line is shown');
  t.equal(await page.locator('#call-origin').textContent(), '12345');
  await page.locator('#state-badge', { hasText: '通话中' }).waitFor();
  const callId = (await seat1001()).call_id as string;
  t.ok(callId, 'the API has the call on the seat');
  await wall.page.locator('#agents', { hasText: '通话中' }).waitFor();

  await page.keyboard.press('F4');
  t.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'content', 'F4 goes to the ticket content');
  t.equal(await page.locator('#ticket-form input[name=caller]').inputValue(), CALLER, 'the form is pre-filled from the call');
  await page.locator('#ticket-form select[name=type]').selectOption('complaint');
  await page.locator('#ticket-form select[name=department]').selectOption('market-regulation');
  await page.locator('#ticket-form textarea[name=content]').fill('市民反映某超市销售过期食品，要求查处');
  await page.getByRole('button', { name: '提交工单' }).click();
  const result = await page.locator('#ticket-result', { hasText: '已登记' }).textContent();
  t.match(result, /^工单 #\d+ 已登记，已派发至市市场监管局/);
  const tickets = (await sb.server.get(`/api/tickets?caller=${CALLER}`)).body.items;
  t.match(
    tickets,
    [{ call_id: callId, type: 'complaint', department: 'market-regulation', status: 'dispatched', content: '市民反映某超市销售过期食品，要求查处' }],
    'the ticket exists with the call id',
  );

  await page.keyboard.press('F9');
  await page.locator('#hold-state', { hasText: '来电方正在听等待音乐' }).waitFor();
  t.match((await sb.server.get(`/api/calls/${callId}/transfer`)).body, { phase: 'held' }, 'F9 put the caller on hold');
  await page.keyboard.press('F9');
  await page.locator('#btn-hold', { hasText: '保持' }).waitFor();
  t.match((await sb.server.get(`/api/calls/${callId}/transfer`)).body, { phase: 'talking' }, 'F9 again took the caller back');

  // Warm transfer: the panel lists 12315 from GET /api/transfer/targets (the transfer area).
  const target = page.locator('#transfer-targets button[data-number="12315"]');
  await target.waitFor({ timeout: 10_000 }).catch(async () => {
    const panel = await page.locator('#transfer-targets').textContent();
    throw new Error(
      `the transfer panel never listed 12315; it needs GET /api/transfer/targets (src/transfer). Panel: "${panel}"; page errors: ${errors.join(' | ')}`,
    );
  });
  t.match(await target.textContent(), '工作时间内', '12315 is open');
  await target.click();
  await page.locator('#transfer-state', { hasText: '部门已接听（咨询中）' }).waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: '完成转接' }).click();
  await page.locator('#transfer-state', { hasText: '已转出' }).waitFor({ timeout: 10_000 });
  const call = await sb.until('the transfer attempt answered', `/api/calls/${callId}`, (b) => (b.transfer_attempts?.[0]?.answered_at ? b : undefined));
  t.match(call.transfer_attempts, [{ hotline: '12315', kind: 'warm' }]);

  // the row appears while the leg rings (振铃中); the wallboard reads its figures every 3 s
  const row = wall.page.locator('#transfer-rows tr[data-hotline="12315"]', { hasText: '100.0%' });
  await row.waitFor({ timeout: 10_000 });
  t.match(await row.textContent(), '100.0%', 'the wallboard shows 12315 answered within 15 s');

  await sb.sim.engine.api('uuid_kill', caller.uuid); // the citizen, now talking with 12315, hangs up
  const ended = await sb.until('the call to end', `/api/calls/${callId}`, (b) => (b.ended_at ? b : undefined));
  t.equal(ended.outcome, 'transferred', 'the call record says transferred');
  t.same(errors, [], 'no console errors on the desktop');
  t.same(wall.errors, [], 'no console errors on the wallboard');
});
