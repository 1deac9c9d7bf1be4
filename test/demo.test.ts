// `npm run demo` as a newcomer runs it: it prints the wallboard URL and calls flow there
// (the page at /, its figures at /api/wallboard).
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyConfig, projectDir } from './support/config-dir.js';
import { freePort } from './support/switchboard.js';
import { waitFor } from './support/server-process.js';

t.test('the demo prints its wallboard URL and answers calls there', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cti-demo-'));
  // a config folder elsewhere, with its own centre title: the demo reads CTI_CONFIG as the server does
  const copy = copyConfig();
  t.teardown(copy.remove);
  copy.edit('routing.yaml', 'name: 12345政务服务热线', 'name: 示范市12345热线');
  const [http, esl] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: projectDir,
    env: {
      ...process.env,
      CTI_CONFIG: copy.dir,
      CTI_HTTP_PORT: String(http),
      CTI_ESL_PORT: String(esl),
      DEMO_DB: join(dir, 'demo.sqlite'),
      DEMO_CALLS_PER_HOUR: '3600',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const url = (await waitFor('the wallboard URL', async () => /wallboard:\s+(\S+)/.exec(out)?.[1], 30_000)).value;
  t.equal(url, `http://127.0.0.1:${http}/`);
  // one rule with `npm start` and `npx cti`: the banner names the folder and the file, and the CLI line for them
  t.match(out, `database:          ${join(dir, 'demo.sqlite')}   (DEMO_DB; fresh each run)`);
  t.match(out, `users on it:       CTI_CONFIG=${copy.dir} CTI_DB=${join(dir, 'demo.sqlite')} npx cti user add`);
  const page = await fetch(url);
  t.equal(page.url, `${url}wallboard/`, 'the printed URL leads to the wallboard page');
  t.match(await page.text(), '<title>实时监控大屏');
  const board = (
    await waitFor(
      'an answered call on the wallboard',
      async () => {
        const b = (await (await fetch(`${url}api/wallboard`)).json()) as any;
        return b.calls_today.answered >= 1 ? b : undefined;
      },
      40_000,
    )
  ).value;
  t.match(board, { title: '示范市12345热线 实时监控', queue: { waiting: Number }, service_level_today: { target: '95% / 15 s' } });
  t.ok(Object.values(board.agents as Record<string, number>).reduce((a, b) => a + b, 0) === 12, 'twelve seats on the board');
});
