// Issue 19, attachments: the bytes must be the type they claim, files are served so that no
// browser runs them, and a ticket, a user's day and a user's minute have limits, all from
// server.yaml's `limits:` (as are the login and intake limits).
import t from 'tap';
import { readdirSync } from 'node:fs';
import { copyConfig } from './support/config-dir.js';
import { ticketApp, type TicketApp } from './support/ticket-app.js';
import { loadConfig, formatIssue } from '../src/config/index.js';

// a real 1×1 PNG, and a minimal PDF
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const HTML = Buffer.from(
  '<!doctype html><html><body><script>fetch("/api/tickets",{headers:{authorization:"Bearer "+localStorage.token}})</script></body></html>',
);
const LIMITS = /^limits:\n(?: {2}.*\n)+/m;

/** The app on a copy of config/ whose server.yaml has these `limits:` lines. */
async function appWith(t: { teardown(fn: () => unknown): void }, limits: string): Promise<TicketApp> {
  const copy = copyConfig();
  copy.edit('server.yaml', LIMITS, `limits:\n${limits}\n`);
  const a = await ticketApp(':memory:', copy.dir);
  t.teardown(async () => {
    await a.close();
    copy.remove();
  });
  return a;
}

const GENEROUS = '  attachment_uploads: { max: 1000 }';

async function ticketFor(a: TicketApp): Promise<number> {
  const r = await a.call('agent', 'POST', '/api/tickets', { type: 'complaint', caller: '13800138000', content: '占道经营', dispatch_to: 'market-regulation' });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body.id;
}

const upload = (a: TicketApp, who: 'market' | 'market2', id: number, filename: string, mime: string, bytes: Buffer) =>
  a.call(who, 'POST', `/api/tickets/${id}/attachments`, { filename, mime, content_base64: bytes.toString('base64') });

const stored = (a: TicketApp) => a.db.prepare('SELECT count(*) FROM attachments').pluck().get();

t.test('HTML declared as image/png is refused: 415 CTI_ATTACHMENT_TYPE naming the field and the allowed types; nothing stored', async (t) => {
  const a = await appWith(t, GENEROUS);
  const id = await ticketFor(a);
  const r = await upload(a, 'market', id, 'photo.png', 'image/png', HTML);
  t.equal(r.status, 415);
  t.match(r.body, {
    error: 'CTI_ATTACHMENT_TYPE',
    message: /附件内容与声明的类型 image\/png 不符.*只能上传 JPEG、PNG、WebP 图片或 PDF 文件/,
    detail: { field: 'content_base64', declared: 'image/png', detected: null, allowed: 'image/jpeg, image/png, image/webp, application/pdf' },
  });
  t.equal(stored(a), 0, 'no row');
  const files = (a.tickets.attachments as unknown as { dir: string }).dir;
  t.same(readdirSync(files), [], 'no file on disk');

  const png = await upload(a, 'market', id, 'photo.jpg', 'image/jpeg', PNG);
  t.match(
    png,
    { status: 415, body: { error: 'CTI_ATTACHMENT_TYPE', detail: { declared: 'image/jpeg', detected: 'image/png' } } },
    'a real PNG declared as JPEG: the types differ',
  );
  const html = await upload(a, 'market', id, 'x.html', 'text/html', HTML);
  t.match(html, { status: 400, body: { error: 'CTI_BAD_REQUEST', field: 'body.mime' } }, 'a type that is not allowed is refused by the schema');
});

t.test('a real PNG is accepted and served inline with nosniff; a PDF is a download', async (t) => {
  const a = await appWith(t, GENEROUS);
  const id = await ticketFor(a);
  const png = await upload(a, 'market', id, '现场照片.png', 'image/png', PNG);
  t.equal(png.status, 201);
  const pdf = await upload(a, 'market', id, '处理意见.pdf', 'application/pdf', PDF);
  t.equal(pdf.status, 201);
  const token = (await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent', password: 'correct horse 12345' } })).json().token;
  const get = (aid: number) => a.app.inject({ url: `/api/tickets/${id}/attachments/${aid}`, headers: { authorization: `Bearer ${token}` } });

  const image = await get(png.body.id);
  t.equal(image.statusCode, 200);
  t.same(image.rawPayload, PNG);
  t.equal(image.headers['content-type'], 'image/png');
  t.equal(image.headers['x-content-type-options'], 'nosniff');
  t.match(image.headers['content-disposition'], /^inline; filename\*=UTF-8''%E7%8E%B0/);
  t.match(image.headers['content-security-policy'], /sandbox/, 'never a page of this origin');

  const doc = await get(pdf.body.id);
  t.equal(doc.headers['content-type'], 'application/pdf');
  t.equal(doc.headers['x-content-type-options'], 'nosniff');
  t.match(doc.headers['content-disposition'], /^attachment; /, 'not an image: downloaded, not shown');

  // a row stored before types were checked, HTML under image/png, is still never run as a page
  a.db.prepare('UPDATE attachments SET mime = ? WHERE id = ?').run('text/html', pdf.body.id);
  const old = await get(pdf.body.id);
  t.match(old.headers['content-disposition'], /^attachment; /);
  t.equal(old.headers['x-content-type-options'], 'nosniff');
});

t.test('per-ticket quota (count and bytes): 413 CTI_ATTACHMENT_QUOTA', async (t) => {
  const a = await appWith(t, `${GENEROUS}\n  attachments_per_ticket: { count: 2, mb: 1 }`);
  const id = await ticketFor(a);
  t.equal((await upload(a, 'market', id, 'a.png', 'image/png', PNG)).status, 201);
  t.equal((await upload(a, 'market2', id, 'b.png', 'image/png', PNG)).status, 201);
  const third = await upload(a, 'market', id, 'c.png', 'image/png', PNG);
  t.equal(third.status, 413);
  t.match(third.body, {
    error: 'CTI_ATTACHMENT_QUOTA',
    message: /该工单的附件已达上限（最多 2 个、共 1 MB；已有 2 个/,
    detail: { field: 'content_base64', quota: 'per_ticket', used: { count: 2 }, limit: { count: 2, bytes: 1048576 } },
  });
  t.equal((await upload(a, 'market', await ticketFor(a), 'c.png', 'image/png', PNG)).status, 201, 'another ticket has its own');

  const big = await appWith(t, `${GENEROUS}\n  attachments_per_ticket: { count: 30, mb: 0.6 }`);
  const other = await ticketFor(big);
  const halfMb = Buffer.concat([PDF, Buffer.alloc(400_000, 0x20)]);
  t.equal((await upload(big, 'market', other, 'a.pdf', 'application/pdf', halfMb)).status, 201);
  t.match(
    await upload(big, 'market', other, 'b.pdf', 'application/pdf', halfMb),
    { status: 413, body: { detail: { quota: 'per_ticket', limit: { bytes: 629146 } } } },
    'bytes count too',
  );
});

t.test('per-user daily quota: 413 with a Chinese message; the next Shanghai day starts again', async (t) => {
  const a = await appWith(t, `${GENEROUS}\n  attachments_per_user_per_day: { count: 3, mb: 50 }`);
  a.at('2026-12-01T09:00:00+08:00');
  for (let i = 0; i < 3; i++) t.equal((await upload(a, 'market', await ticketFor(a), `${i}.png`, 'image/png', PNG)).status, 201);
  const over = await upload(a, 'market', await ticketFor(a), '3.png', 'image/png', PNG);
  t.equal(over.status, 413);
  t.match(over.body, {
    error: 'CTI_ATTACHMENT_QUOTA',
    message: /您今天上传的附件已达上限（每天最多 3 个.*请明天再试/,
    detail: { quota: 'per_user_per_day', used: { count: 3 } },
  });
  t.equal((await upload(a, 'market2', await ticketFor(a), 'x.png', 'image/png', PNG)).status, 201, 'another user has their own');
  a.at('2026-12-01T23:59:00+08:00');
  t.equal((await upload(a, 'market', await ticketFor(a), '4.png', 'image/png', PNG)).status, 413, 'still the same day in Shanghai');
  a.at('2026-12-02T00:00:00+08:00');
  t.equal((await upload(a, 'market', await ticketFor(a), '5.png', 'image/png', PNG)).status, 201, 'a new day');
});

t.test('uploads are rate-limited per user: 429 CTI_RATE_LIMITED, another user is counted apart', async (t) => {
  const a = await appWith(t, '  attachment_uploads: { max: 3, window_s: 60 }');
  const id = await ticketFor(a);
  for (let i = 0; i < 3; i++) t.equal((await upload(a, 'market', id, `${i}.png`, 'image/png', PNG)).status, 201);
  const over = await upload(a, 'market', id, 'x.png', 'image/png', PNG);
  t.equal(over.status, 429);
  t.match(over.body, { error: 'CTI_RATE_LIMITED', message: /^请求过于频繁，请 \d+ 秒后再试$/, detail: { limit: 3 } });
  t.equal(stored(a), 3, 'the refused one stored nothing');
  t.equal((await upload(a, 'market2', id, 'y.png', 'image/png', PNG)).status, 201, 'another user, same address');
});

t.test('login and intake limits come from server.yaml', async (t) => {
  const a = await appWith(t, '  login: { max: 2, window_s: 60 }\n  intake: { max: 1 }');
  const login = () =>
    a.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '198.51.100.4', payload: { username: 'nobody', password: 'guess-123456' } });
  t.equal((await login()).statusCode, 401);
  t.equal((await login()).statusCode, 401);
  t.equal((await login()).statusCode, 429, 'the third login in a minute (shipped: 30)');
  const intake = () =>
    a.app.inject({
      method: 'POST',
      url: '/api/intake',
      remoteAddress: '198.51.100.4',
      payload: { channel: 'web', caller: '13700001111', content: '路灯不亮' },
    });
  t.equal((await intake()).statusCode, 201);
  t.equal((await intake()).statusCode, 429, 'the second intake (shipped: 20)');
  t.same(
    a.config.server.limits,
    {
      login: { max: 2, windowMs: 60_000 },
      intake: { max: 1, windowMs: 60_000 },
      attachmentUploads: { max: 20, windowMs: 60_000 },
      attachmentsPerTicket: { count: 30, bytes: 100 * 1024 * 1024 },
      attachmentsPerUserPerDay: { count: 200, bytes: 500 * 1024 * 1024 },
    },
    'what is left out is defaulted',
  );
});

t.test('a bad limit is a config error at server.yaml:line:column with the field', async (t) => {
  const copy = copyConfig();
  t.teardown(copy.remove);
  copy.edit('server.yaml', 'intake: { max: 20, window_s: 60 }', 'intake: { max: 0, window_s: 60 }');
  const line = copy.lineOf('server.yaml', 'intake: { max: 0');
  const r = await loadConfig(copy.dir, {});
  t.equal(r.ok, false);
  if (r.ok) return;
  t.match(r.issues.map(formatIssue), [new RegExp(`server\\.yaml:${line}:\\d+ limits\\.intake\\.max: `)]);
  copy.edit('server.yaml', 'intake: { max: 0, window_s: 60 }', 'intake: { max: 20, per_hour: 60 }');
  const unknown = await loadConfig(copy.dir, {});
  t.match(!unknown.ok && unknown.issues.map(formatIssue), [new RegExp(`server\\.yaml:${line}:\\d+ limits\\.intake.*per_hour`)]);
});
