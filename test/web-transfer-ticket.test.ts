// The desktop when a department cannot take the caller, in real Chromium against the real
// server and the simulator: a transfer outside the hotline's hours is refused with the reason,
// a busy hotline fails, and each time the agent turns the offer into a ticket dispatched to that
// department, pre-filled from the call.
import t from 'tap';
import { switchboard } from './support/switchboard.js';
import { TEST_PASSWORD } from './support/server-process.js';
import { launchBrowser, logIn, openPage } from './support/browser.js';
import { closedPeriod } from './support/desk.js';

const CALLER = '13800138111';

t.test('refused and busy transfers offer a ticket for the department; the agent dispatches it', async (t) => {
  const sb = await switchboard({
    agents: [{ id: '1001', answerAfterS: 0.5 }],
    hotlines: { '12329': { answerAfterS: 1, busy: 1 } },
    users: [
      { name: 'wang', role: 'agent' },
      { name: 'boss', role: 'supervisor' },
    ],
    configure: (c) => {
      c.edit('routing.yaml', /(number: "12329"[^\n]*?)hours: office/, '$1hours: always');
      // every other office-hours hotline, 12333 among them, is closed whenever the test runs
      c.edit(
        'routing.yaml',
        '  office:            # 机关工作时间 / government office hours\n    days: workdays\n    periods: ["08:30-12:00", "14:00-17:30"]',
        `  office:\n    days: every_day\n    periods: ["${closedPeriod()}"]`,
      );
    },
  });
  const browser = await launchBrowser();
  t.teardown(async () => {
    await browser.close();
    await sb.stop();
  });
  await sb.server.login('boss');
  const { page, errors } = await openPage(browser, `${sb.server.url}/desktop/`);
  await logIn(page, 'wang', TEST_PASSWORD);
  await page.locator('#seat-select').selectOption('1001');
  await page.getByRole('button', { name: '登录坐席' }).click();
  await page.locator('#state-badge', { hasText: '小休' }).waitFor();
  await page.locator('#btn-ready').click(); // waits until the button is enabled (F2 is tested in web-desktop)
  await page.locator('#state-badge', { hasText: '空闲' }).waitFor();

  sb.sim.engine.placeCall({ from: CALLER, to: '12345', dtmf: [{ at_s: 0.8, digits: '1' }], hangupAfterS: 120 });
  await page.locator('#call-caller', { hasText: CALLER }).waitFor({ timeout: 15_000 });
  await page.locator('#state-badge', { hasText: '通话中' }).waitFor();
  const callId = (await sb.server.get('/api/agents')).body.items.find((a: any) => a.seat === '1001').call_id as string;

  // 1. Outside 12333's hours: refused, with the reason, and the ticket offered.
  const hr = page.locator('#transfer-targets button[data-number="12333"]');
  await hr.waitFor({ timeout: 10_000 });
  t.match(await hr.textContent(), '非工作时间', '12333 shows as closed');
  await hr.click();
  await page.locator('#transfer-state', { hasText: '当前不在工作时间' }).waitFor();
  await page.getByRole('button', { name: '生成工单并派发至该部门' }).click();
  t.equal(await page.locator('#ticket-form select[name=department]').inputValue(), 'human-resources', "the form goes to the hotline's department");
  t.equal(await page.locator('#ticket-form input[name=caller]').inputValue(), CALLER);
  t.match(await page.locator('#ticket-form textarea[name=content]').inputValue(), /^来电拟转接人力资源社会保障热线（12333）未成功/);
  await page.locator('#ticket-form select[name=type]').selectOption('consultation');
  await page.getByRole('button', { name: '提交工单' }).click();
  await page.locator('#ticket-result', { hasText: '已登记' }).waitFor();

  // 2. 12329 is busy: the attempt fails, the agent is back with the caller, the ticket is offered.
  const started = Date.now();
  await page.locator('#transfer-targets button[data-number="12329"]').click();
  await page.locator('#transfer-state', { hasText: '转接失败' }).waitFor({ timeout: 15_000 });
  t.match(await page.locator('#transfer-state').textContent(), '对方忙');
  t.comment(`busy shown after ${Date.now() - started} ms`);
  await page.getByRole('button', { name: '生成工单并派发至该部门' }).click();
  t.equal(await page.locator('#ticket-form select[name=department]').inputValue(), 'housing-fund');
  await page.locator('#ticket-form select[name=type]').selectOption('consultation');
  await page.getByRole('button', { name: '提交工单' }).click();
  await page.locator('#ticket-result', { hasText: '已派发至市公积金中心' }).waitFor();

  const tickets = (await sb.server.get(`/api/tickets?caller=${CALLER}`)).body.items;
  t.same(
    tickets.map((x: any) => [x.department, x.status, x.call_id]).sort(),
    [
      ['housing-fund', 'dispatched', callId],
      ['human-resources', 'dispatched', callId],
    ],
    'two tickets, each dispatched to the department that could not take the call',
  );
  const attempts = (await sb.server.get(`/api/calls/${callId}`)).body.transfer_attempts;
  t.match(attempts, [
    { hotline: '12333', result: 'refused' },
    { hotline: '12329', result: 'busy' },
  ]);
  t.match((await sb.server.get(`/api/calls/${callId}/transfer`)).body, { phase: 'talking' }, 'the agent is still with the caller');
  await sb.sim.engine.api('uuid_kill', callId); // the citizen hangs up
  await sb.until('the call to end', `/api/calls/${callId}`, (b) => (b.ended_at ? b : undefined));
  // Chromium logs every non-2xx response to the console; the refusal's 409 is the one expected.
  t.equal(errors.length, 1, `one console line, the refusal's 409: ${errors.join(' | ')}`);
  t.match(
    errors[0],
    /^console: Failed to load resource: the server responded with a status of 409 \(Conflict\) \(http:\/\/127\.0\.0\.1:\d+\/api\/calls\/[0-9a-f-]+\/transfer\)$/,
  );
});
