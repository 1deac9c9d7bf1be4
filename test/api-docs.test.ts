// The API describes itself (/docs, /docs/json): every operation has a one-line summary and a
// tag, so the page an integrator opens lists what each call is for. Over the whole app as
// buildApp assembles it; test/server.test.ts checks the real server's, transfer routes included.
import t from 'tap';
import { ticketApp } from './support/ticket-app.js';

t.test('every operation in /docs/json has a summary and a tag', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const spec = (await a.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
  const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );
  t.ok(operations.length >= 50, `${operations.length} operations`);
  t.same(
    operations.filter(({ op }) => !op.summary?.trim()).map(({ name }) => name),
    [],
    'none without a summary',
  );
  t.same(
    operations.filter(({ op }) => !op.tags?.length).map(({ name }) => name),
    [],
    'none without a tag',
  );
});

/**
 * Every operation describes its success answer, the file downloads (attachments, the monthly
 * table) too, by media type: a new route without a response schema fails this.
 */
t.test('every operation describes its success answer', async (t) => {
  const a = await ticketApp();
  t.teardown(() => a.close());
  const spec = (await a.app.inject({ url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { responses?: Record<string, { content?: unknown }> }>>;
  };
  const undescribed = Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => !Object.entries(op.responses ?? {}).some(([code, r]) => code.startsWith('2') && (r.content || code === '204')))
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
  t.same(undescribed, [], 'no operation without a response schema');
  const monthly = spec.paths['/api/reports/monthly']!.get!.responses!['200']!.content as Record<string, unknown>;
  t.same(
    Object.keys(monthly).sort(),
    ['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
    'the table in its three forms',
  );
});
