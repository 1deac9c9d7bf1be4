// How the pages are served: UTF-8 HTML (or the Chinese turns to mojibake), a content security
// policy that allows nothing from outside, and no reference to any outside host in web/ (the
// machines have no internet, so a CDN link would be a blank page).
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyConfig, projectDir } from './support/config-dir.js';
import { startServerProcess } from './support/server-process.js';

const webDir = join(projectDir, 'web');
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

t.test('pages are UTF-8 HTML in Chinese, self-contained, with ECharts from node_modules', async (t) => {
  const config = copyConfig();
  const server = await startServerProcess(config.dir);
  t.teardown(async () => {
    await server.stop();
    config.remove();
  });
  for (const page of ['/wallboard/', '/desktop/', '/dept/', '/admin/']) {
    const res = await fetch(server.url + page);
    t.equal(res.status, 200, page);
    t.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', `${page} declares its charset`);
    t.match(res.headers.get('content-security-policy'), "default-src 'self'", `${page} loads nothing from elsewhere`);
    t.match(await res.text(), '<html lang="zh-CN">');
  }
  const root = await fetch(`${server.url}/`, { redirect: 'manual' });
  t.equal(root.headers.get('location'), '/wallboard/', '/ is the wallboard');
  const echarts = await fetch(`${server.url}/vendor/echarts/echarts.esm.min.mjs`);
  t.equal(echarts.status, 200);
  t.match(echarts.headers.get('content-type'), /javascript/);
  // read to the end: a response left unread holds its connection, and the server's stop waited
  // for it (about 25 s) before it could close
  t.ok((await echarts.arrayBuffer()).byteLength > 100_000, 'the whole ECharts module');
  t.equal((await fetch(`${server.url}/vendor/echarts/package.json`)).status, 404, 'only the one browser file of node_modules is served');
  t.equal((await fetch(`${server.url}/api/wallboard`)).status, 200, 'the wallboard figures need no login');
});

t.test('nothing under web/ points at another host', async (t) => {
  for (const file of filesUnder(webDir)) {
    const text = readFileSync(file, 'utf8');
    t.notMatch(text, /(src|href)\s*=\s*["']?(https?:)?\/\//i, `${file.slice(projectDir.length + 1)} loads nothing from outside`);
    t.notMatch(text, /from\s+["'](https?:)?\/\//, `${file.slice(projectDir.length + 1)} imports nothing from outside`);
  }
});
