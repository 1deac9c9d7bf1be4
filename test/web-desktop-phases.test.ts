// The desktop shows the switch's truth about the seat's call, with the actions allowed in each
// state (issue 21, 2 and 3): while the softphone rings the pop says 振铃 and nothing can be held
// or transferred (the server would answer 404); once answered, 通话中. A refused transfer leaves
// complete / three-way / cancel disabled. An emergency line takes one confirmation: F8 then Enter
// on 110 only asks; a second Enter transfers; Esc lets it go.
import t from 'tap';
import { switchboard } from './support/switchboard.js';
import { launchBrowser, openPage } from './support/browser.js';
import { closeHotline, readyOnSeat } from './support/desk.js';

const CALLER = '13800138011';

t.test('ringing, then talking; a refusal disables the attempt buttons; 110 asks before it transfers', async (t) => {
  const sb = await switchboard({
    agents: [{ id: '1001' }], // rings until the test answers it
    hotlines: { '110': { answerAfterS: 1 } },
    users: [
      { name: 'li', role: 'agent' },
      { name: 'boss', role: 'supervisor' },
    ],
    configure: (c) => closeHotline(c, '12315'),
  });
  const browser = await launchBrowser();
  t.teardown(async () => {
    await browser.close();
    await sb.stop();
  });
  await sb.server.login('boss');
  const { page, errors } = await openPage(browser, `${sb.server.url}/desktop/`);
  await readyOnSeat(page, 'li', '1001');
  await page.locator('#transfer-targets button[data-number="110"]').waitFor();

  sb.sim.engine.placeCall({ from: CALLER, to: '12345', dtmf: [{ at_s: 0.8, digits: '1' }], hangupAfterS: 120 });
  await page.locator('#call-caller', { hasText: CALLER }).waitFor({ timeout: 15_000 });
  await page.locator('#call-title', { hasText: '振铃中' }).waitFor();
  t.equal(await page.locator('#btn-hold').isDisabled(), true, 'ringing: nothing to hold');
  t.equal(await page.locator('#transfer-targets button[data-number="110"]').isDisabled(), true, 'ringing: nothing to transfer');
  t.equal(await page.locator('#transfer-targets button[data-number="12315"]').isDisabled(), true);

  t.ok(sb.sim.engine.agent('1001').answer(), 'the agent answers on the softphone');
  await page.locator('#call-title', { hasText: '通话中' }).waitFor({ timeout: 10_000 });
  t.equal(await page.locator('#btn-hold').isDisabled(), false, 'talking: hold offered');
  const seat = (await sb.server.get('/api/agents')).body.items.find((a: any) => a.seat === '1001');
  const callId = seat.call_id as string;

  // 12315 works a schedule that is closed now: the server refuses, and nothing is left to press
  const closed = page.locator('#transfer-targets button[data-number="12315"]');
  t.equal(await closed.isDisabled(), false, 'talking: transfer offered');
  await closed.click();
  await page.locator('#transfer-state', { hasText: '12315' }).waitFor();
  for (const name of ['完成转接', '三方通话', '取消转接'])
    t.equal(await page.getByRole('button', { name }).isDisabled(), true, `after the refusal ${name} is disabled`);
  t.ok(await page.locator('#transfer-current').isVisible(), 'the refusal is shown');

  // F8 lands on the first open target, 110; Enter only asks
  await page.keyboard.press('F8');
  t.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.number), '110', 'F8 focuses 110');
  await page.keyboard.press('Enter');
  await page.locator('#transfer-targets button[data-number="110"] .t-confirm', { hasText: '再按一次' }).waitFor();
  t.match((await sb.server.get(`/api/calls/${callId}/transfer`)).body, { phase: 'talking', attempt: null }, 'nothing placed on the first press');
  await page.keyboard.press('Escape');
  await page.locator('#transfer-targets button[data-number="110"] .t-confirm').waitFor({ state: 'detached' });
  await page.keyboard.press('Enter');
  await page.locator('#transfer-targets button[data-number="110"] .t-confirm').waitFor();
  await page.keyboard.press('Enter');
  const attempt = await sb.until('the emergency attempt', `/api/calls/${callId}/transfer`, (b) => b.attempt ?? undefined);
  t.match(attempt, { hotline: '110', kind: 'emergency' }, 'the second Enter transfers to 110');
  // Chromium logs every non-2xx response to the console; the refusal's 409 is the one expected
  t.equal(errors.length, 1, `one console line, the refusal's 409: ${errors.join(' | ')}`);
  t.match(
    errors[0],
    /^console: Failed to load resource: the server responded with a status of 409 \(Conflict\) \(http:\/\/127\.0\.0\.1:\d+\/api\/calls\/[0-9a-f-]+\/transfer\)$/,
  );
});
