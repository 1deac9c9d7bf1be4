// Every error leaves as {error: CODE, message, ...} (docs/architecture.md §4): codes from the one
// catalog in src/errors.ts, schema failures as 400 naming the field.
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { CtiError, ErrorCodes } from '../errors.js';
import { validationAnswer } from './validation-message.js';

export const errorPlugin = fp(async (app) => {
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: ErrorCodes.HTTP_NOT_FOUND.code, message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });

  app.setErrorHandler((err: FastifyError | CtiError, req, reply) => {
    if (err instanceof CtiError) {
      if (err.statusCode >= 500) req.log.error({ err }, err.message);
      return reply.code(err.statusCode).send({ error: err.code, message: err.message, ...(err.detail ? { detail: err.detail } : {}) });
    }
    if ('validation' in err && err.validation) {
      return reply.code(400).send({ error: ErrorCodes.HTTP_BAD_REQUEST.code, ...validationAnswer(err.validationContext ?? 'body', err.validation) });
    }
    const status = err.statusCode ?? 500;
    // fastify's own refusals (a body that is not JSON, a __proto__ key, too large, a wrong
    // content type) keep their status and message but take a code from our catalog
    if (status < 500) {
      const code = status === 404 ? ErrorCodes.HTTP_NOT_FOUND.code : status === 429 ? ErrorCodes.HTTP_RATE_LIMITED.code : ErrorCodes.HTTP_BAD_REQUEST.code;
      return reply
        .code(status)
        .send({ error: code, message: err.message, ...fastifyField(err.code), ...(err.code?.startsWith('FST_') ? { reason: err.code } : {}) });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'CTI_INTERNAL', message: 'internal error; the log has the details' });
  });
});

/** What a fastify body or content-type refusal is about, named as a schema failure names it. */
function fastifyField(code: string | undefined): { field?: string } {
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { field: 'headers.content-type' };
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return { field: 'headers.content-length' };
  if (code?.startsWith('FST_ERR_CTP_')) return { field: 'body' };
  return {};
}
