// Every error leaves as {error: CODE, message, ...} (docs/architecture.md §4): codes from the one
// catalog in src/errors.ts, schema failures as 400 naming the field.
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { CtiError, ErrorCodes } from '../errors.js';

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
      const first = err.validation[0];
      const field = validationField(err.validationContext ?? 'body', first);
      return reply.code(400).send({ error: ErrorCodes.HTTP_BAD_REQUEST.code, field, message: `${field}: ${first?.message ?? 'invalid'}` });
    }
    const status = err.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ error: err.code ?? ErrorCodes.HTTP_BAD_REQUEST.code, message: err.message });
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'CTI_INTERNAL', message: 'internal error; the log has the details' });
  });
});

interface ValidationItem {
  instancePath?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** "body.caller" from an ajv error, including the name of a missing required property. */
function validationField(context: string, item: ValidationItem | undefined): string {
  const path = (item?.instancePath ?? '').split('/').filter(Boolean);
  const missing = item?.params?.missingProperty;
  if (typeof missing === 'string') path.push(missing);
  return [context, ...path].join('.');
}
