// Security headers on every answer (API, /docs, the web pages, errors and 404s) through
// @fastify/helmet. The content security policy allows what our pages and /docs load and
// nothing else: scripts, styles, images and connections from this server only; inline styles
// because ECharts and swagger-ui set them; data: images for swagger-ui's icons and logo.
// No page may be framed (frame-ancestors 'none' and X-Frame-Options: DENY), so neither the
// desktop's buttons nor /docs can be clickjacked. The web pages send their own, stricter CSP
// (src/http/pages.ts), which replaces this one on their HTML.
import fp from 'fastify-plugin';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';

export const SECURITY_HEADERS: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      // no upgrade-insecure-requests: the server is reached over plain HTTP on the centre's
      // network, and the browser would ask for its own scripts over HTTPS and get nothing
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // TLS, when there is any, ends at the centre's proxy; HSTS is the proxy's to send, and on
  // plain HTTP the browser ignores it anyway
  strictTransportSecurity: false,
};

export const securityHeadersPlugin = fp(
  async (app) => {
    await app.register(helmet, SECURITY_HEADERS);
  },
  { name: 'cti-security-headers', fastify: '5.x' },
);
