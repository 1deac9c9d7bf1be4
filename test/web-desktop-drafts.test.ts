// A ticket draft is never lost (issue 21, 1): the agent types for a call, the call ends, wrap-up
// ends, the next call pops: the draft stays on the form and the form offers to switch to the new
// call; switching keeps the draft in the list; a reload brings it back; a transfer's ticket offer
// is added to what was typed rather than replacing it.
import t from 'tap';
import { switchboard } from './support/switchboard.js';
import { launchBrowser, openPage } from './support/browser.js';
import { closeHotline, readyOnSeat } from './support/desk.js';

const FIRST = '13800138021';
const SECOND = '13800138022';
const DRAFT = '市民反映小区门口路灯不亮已一周';
const TYPED = '市民购买的电饭煲三天即损坏';

t.test('the draft survives the next call, the switch, a reload and a transfer offer', async (t) => {
  const sb = await switchboard({
    agents: [{ id: '1001', answerAfterS: 0.5 }],
    users: [{ name: 'zhao', role: 'agent' }],
    // (the switchboard's wrap-up is 1 s) 12315 works a schedule that is closed whenever the test runs
    configure: (c) => closeHotline(c, '12315'),
  });
  const browser = await launchBrowser();
  t.teardown(async () => {
    await browser.close();
    await sb.stop();
  });
  const { page, errors } = await openPage(browser, `${sb.server.url}/desktop/`);
  await readyOnSeat(page, 'zhao', '1001');

  const content = page.locator('#ticket-form textarea[name=content]');
  sb.sim.engine.placeCall({ from: FIRST, to: '12345', dtmf: [{ at_s: 0.8, digits: '1' }], hangupAfterS: 6 });
  await page.locator('#call-title', { hasText: '通话中' }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('F4');
  await page.keyboard.type(DRAFT);
  // the caller hangs up, wrap-up (1 s) ends, the seat is free again
  await page.locator('#call-title', { hasText: '已结束' }).waitFor({ timeout: 15_000 });
  await page.locator('#state-badge', { hasText: '空闲' }).waitFor({ timeout: 10_000 });

  sb.sim.engine.placeCall({ from: SECOND, to: '12345', dtmf: [{ at_s: 0.8, digits: '1' }], hangupAfterS: 120 });
  await page.locator('#call-caller', { hasText: SECOND }).waitFor({ timeout: 15_000 });
  t.equal(await content.inputValue(), DRAFT, 'the next call did not wipe the draft');
  t.equal(await page.locator('#ticket-form input[name=caller]').inputValue(), FIRST, 'the form is still the first call');
  t.match(await page.locator('#ticket-switch').textContent(), `新来电 ${SECOND} 已接通`, 'the form offers the new call');

  await page.locator('#btn-ticket-switch').click();
  t.equal(await page.locator('#ticket-form input[name=caller]').inputValue(), SECOND, 'switched to the new call');
  t.equal(await content.inputValue(), '');
  const kept = page.locator('#ticket-drafts button.draft');
  t.match(await kept.textContent(), FIRST, "the first call's draft is listed");

  // a refused transfer's ticket offer is added to what was typed for this call
  await content.fill(TYPED);
  await page.locator('#transfer-targets button[data-number="12315"]').click();
  await page.locator('#btn-transfer-ticket').click();
  const merged = await content.inputValue();
  t.ok(merged.startsWith(`${TYPED}\n`), `what was typed comes first: ${merged}`);
  t.match(merged, /12315/, "then the offer's text");
  t.equal(await page.locator('#ticket-form select[name=department]').inputValue(), 'market-regulation', 'for the department that could not take it');

  await page.reload();
  await page.locator('#call-caller', { hasText: SECOND }).waitFor({ timeout: 15_000 });
  await kept.waitFor();
  await kept.click();
  t.equal(await content.inputValue(), DRAFT, 'after a reload the draft comes back');
  t.equal(await page.locator('#ticket-form input[name=caller]').inputValue(), FIRST);
  await page.getByRole('button', { name: '提交工单' }).click();
  await page.locator('#ticket-result', { hasText: '已登记' }).waitFor();
  t.equal(await kept.count(), 1, "submitted: the first call's draft is gone");
  t.match(await kept.textContent(), SECOND, "the second call's unsent draft is the one listed");
  const tickets = (await (await sb.server.as('zhao')).get(`/api/tickets?caller=${FIRST}`)).body.items;
  t.match(tickets, [{ content: DRAFT }], 'the ticket holds what was typed before the second call');
  t.equal(await content.inputValue(), '', 'the form is empty after the submit');
  // 清空 throws a draft away on purpose; switching to it kept it until then
  await kept.click();
  t.match(await content.inputValue(), TYPED);
  await page.getByRole('button', { name: '清空' }).click();
  t.equal(await kept.count(), 0, 'cleared: no draft left');
  await page.reload();
  await page.locator('#call-caller', { hasText: SECOND }).waitFor({ timeout: 15_000 });
  t.equal(await kept.count(), 0, 'nor after a reload');
  t.equal(await content.inputValue(), '', 'and the form is empty');
  // Chromium logs every non-2xx response to the console; the refusal's 409 is the one expected
  t.equal(errors.length, 1, `one console line, the refusal's 409: ${errors.join(' | ')}`);
});
