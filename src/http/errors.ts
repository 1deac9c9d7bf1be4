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
      return reply.code(status).send({
        error: code,
        message: fastifyMessage(err.code, req.headers['content-type']) ?? err.message,
        ...fastifyField(err.code),
        // fastify's words may quote the request (a content type): kept short
        ...(err.code?.startsWith('FST_') ? { reason: `${err.code}: ${err.message.slice(0, 120)}` } : {}),
      });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'CTI_INTERNAL', message: 'internal error; the log has the details' });
  });
});

/** fastify's refusals of a request's body, said in Chinese to the person who sent it. */
function fastifyMessage(code: string | undefined, contentType: string | undefined): string | undefined {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // a stranger's header, echoed: its media type only, and short
      return `headers.content-type: 不支持的内容类型 ${contentType === undefined ? '（未给出）' : JSON.stringify(contentType.split(';')[0]!.trim().slice(0, 60))}；请以 application/json 发送`;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'body: 不是有效的 JSON，或含有不允许的键（如 __proto__）';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'body: 内容类型为 application/json 时请求体不能为空';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body: 请求体过大';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'headers.content-length: 与实际请求体长度不符';
    default:
      return undefined;
  }
}

/** What a fastify body or content-type refusal is about, named as a schema failure names it. */
function fastifyField(code: string | undefined): { field?: string } {
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { field: 'headers.content-type' };
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return { field: 'headers.content-length' };
  if (code?.startsWith('FST_ERR_CTP_')) return { field: 'body' };
  return {};
}
