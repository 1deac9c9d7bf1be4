// Real Chromium (Debian's, through playwright-core) for the page tests. Every page records its
// console errors and uncaught exceptions; a test ends by asserting there were none.
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--lang=zh-CN'] });
}

export interface WatchedPage {
  page: Page;
  /** console errors and uncaught exceptions, in order */
  errors: string[];
}

/**
 * A page in its own context (own sessionStorage), in Chinese, errors recorded. The browser's
 * clock is in Los Angeles on purpose: pages must show Asia/Shanghai times whatever the zone.
 */
export async function openPage(browser: Browser, url: string, viewport = { width: 1600, height: 900 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'America/Los_Angeles' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return { page, errors };
}

/** Fills the login dialog every page shows before anything else. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  const dialog = page.locator('#login-dialog');
  await dialog.locator('input[name=username]').fill(username);
  await dialog.locator('input[name=password]').fill(password);
  await dialog.locator('button[type=submit]').click();
  await dialog.waitFor({ state: 'hidden' });
}
