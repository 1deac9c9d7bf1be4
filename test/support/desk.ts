// Steps the desktop's browser tests share: a schedule that is closed whenever a test runs, and an
// agent signed in on a seat and ready.
import type { Page } from 'playwright-core';
import type { ConfigCopy } from './config-dir.js';
import { logIn } from './browser.js';
import { TEST_PASSWORD } from './server-process.js';

/** "HH:00-HH:01" twelve hours from now in Shanghai: closed whenever the test runs. */
export function closedPeriod(): string {
  const hh = String((new Date(Date.now() + 8 * 3_600_000).getUTCHours() + 12) % 24).padStart(2, '0');
  return `${hh}:00-${hh}:01`;
}

/** Gives `hotline` a schedule of its own that is closed now (a transfer there is refused). */
export function closeHotline(c: ConfigCopy, hotline: string): void {
  c.edit('routing.yaml', 'schedules:\n', `schedules:\n  closed-now: { days: every_day, periods: ["${closedPeriod()}"] }\n`);
  c.edit('routing.yaml', new RegExp(`(number: "${hotline}"[^\\n]*?)hours: office`), '$1hours: closed-now');
}

/** Signs `username` in on the desktop, takes `seat` and goes ready (示闲) with F2. */
export async function readyOnSeat(page: Page, username: string, seat: string): Promise<void> {
  await logIn(page, username, TEST_PASSWORD);
  await page.locator('#seat-select').selectOption(seat);
  await page.getByRole('button', { name: '登录坐席' }).click();
  await page.locator('#state-badge', { hasText: '小休' }).waitFor();
  await page.keyboard.press('F2');
  await page.locator('#state-badge', { hasText: '空闲' }).waitFor();
}
