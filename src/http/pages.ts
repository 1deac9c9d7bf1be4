// The web pages (web/: agent desktop, wallboard, department page, admin) as static files, and
// the one third-party browser file they use (ECharts) straight from node_modules: the machines
// have no internet, so nothing comes from a CDN, and plain ES modules need no build step.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

export const webDir = fileURLToPath(new URL('../../web/', import.meta.url));
const echartsDir = join(dirname(createRequire(import.meta.url).resolve('echarts/package.json')), 'dist');
const ECHARTS_FILE = 'echarts.esm.min.mjs';

// Everything a page loads is ours; 'unsafe-inline' styles only because ECharts styles its
// tooltip elements inline.
const CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export const pagesPlugin: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    wildcard: true,
    setHeaders(res, path) {
      // the browser must not guess the charset, or the Chinese comes out as mojibake
      if (path.endsWith('.html')) {
        res.header('content-type', 'text/html; charset=utf-8');
        res.header('content-security-policy', CSP);
      }
    },
  });
  await app.register(fastifyStatic, {
    root: echartsDir,
    prefix: '/vendor/echarts/',
    decorateReply: false,
    allowedPath: (path) => path === `/${ECHARTS_FILE}`,
    maxAge: '1d',
  });
  // `/` stays the wallboard's address (the demo prints it), now the page rather than JSON.
  app.get('/', { schema: { summary: 'the start page', hide: true } }, async (_req, reply) => reply.redirect('/wallboard/'));
};
