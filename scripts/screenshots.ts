// `npm run screenshots`: runs the demo (simulator, server, simulated agents and callers), opens
// each page in Debian's Chromium as its user would, fails on any console error, and writes
// docs/screenshots/*.png for the README. On the desktop it registers a ticket from the call
// that pops, for the market-regulation department, whose handler page is shot next.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from './lib/free-port.js';

const project = resolve(import.meta.dirname, '..');
const out = join(project, 'docs', 'screenshots');
const PASSWORD = 'demo-12345';
const WARM_UP_S = Number(process.env.SCREENSHOTS_WARM_UP_S ?? 45);

async function startDemo(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cti-shots-'));
  const [http, esl] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: project,
    env: { ...process.env, CTI_HTTP_PORT: String(http), CTI_ESL_PORT: String(esl), DEMO_DB: join(dir, 'demo.sqlite'), DEMO_CALLS_PER_HOUR: '2400' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  const url = await new Promise<string>((done, fail) => {
    const timer = setInterval(() => {
      const m = /wallboard:\s+(\S+)/.exec(text);
      if (m) clearInterval(timer), done(m[1]!.replace(/\/$/, ''));
    }, 200);
    child.once('exit', (code) => (clearInterval(timer), fail(new Error(`demo exited with ${code}`))));
  });
  const stop = async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, stop };
}

const errors: string[] = [];

async function open(browser: Browser, url: string, viewport: { width: number; height: number }, user?: string): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(`${url}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
  await page.goto(url);
  if (user) {
    await page.locator('#login-dialog input[name=username]').fill(user);
    await page.locator('#login-dialog input[name=password]').fill(PASSWORD);
    await page.locator('#login-dialog button[type=submit]').click();
    await page.locator('#login-dialog').waitFor({ state: 'hidden' });
  }
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(out, `${name}.png`) });
  process.stdout.write(`  docs/screenshots/${name}.png\n`);
}

/** The desktop of op1001 (the demo keeps that seat busy): a call pops, a ticket goes to 市市场监管局. */
async function desktop(browser: Browser, url: string): Promise<void> {
  const page = await open(browser, `${url}/desktop/`, { width: 1600, height: 900 }, 'op1001');
  await page.locator('#call-info').waitFor({ timeout: 90_000 });
  await page.locator('#ticket-form select[name=type]').selectOption('complaint');
  await page.locator('#ticket-form select[name=department]').selectOption('market-regulation');
  await page.locator('#ticket-form textarea[name=content]').fill('市民反映某超市销售过期食品，要求查处并答复。');
  await page.getByRole('button', { name: '提交工单' }).click();
  await page.locator('#ticket-result', { hasText: '已登记' }).waitFor();
  await page.locator('#transfer-targets button').first().waitFor();
  await shoot(page, 'desktop');
}

async function department(browser: Browser, url: string): Promise<void> {
  const page = await open(browser, `${url}/dept/`, { width: 390, height: 844 }, 'market');
  const first = page.locator('#todo-list a').first();
  await first.waitFor();
  await shoot(page, 'dept-list');
  await first.click();
  await page.locator('#ticket-heading').waitFor();
  await page.locator('#act-sign button, #form-reply button').first().waitFor();
  await shoot(page, 'dept-ticket');
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const demo = await startDemo();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--lang=zh-CN'] });
  try {
    process.stdout.write(`demo at ${demo.url}; letting calls flow for ${WARM_UP_S} s\n`);
    await new Promise((r) => setTimeout(r, WARM_UP_S * 1000));
    await desktop(browser, demo.url);
    await department(browser, demo.url);
    const admin = await open(browser, `${demo.url}/admin/`, { width: 1400, height: 1000 }, 'admin');
    await admin.locator('#calendar-years', { hasText: '20' }).waitFor();
    await shoot(admin, 'admin');
    const wall = await open(browser, `${demo.url}/`, { width: 1920, height: 1080 });
    await wall.locator('#agents p').first().waitFor();
    await wall.waitForTimeout(1500); // the chart's entry animation
    await shoot(wall, 'wallboard');
  } finally {
    await browser.close();
    await demo.stop();
  }
  if (errors.length) throw new Error(`console errors:\n${errors.join('\n')}`);
  process.stdout.write('no console errors\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
