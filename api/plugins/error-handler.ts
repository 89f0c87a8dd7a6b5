// Every error leaves the API in one shape, {code, message, field?, errors?}, made here and nowhere else.
// 400: the request cannot be read (malformed JSON, a query that makes no sense, a broken file);
// 401: not signed in; 403: signed in but not allowed; 404: no such thing, or not yours to see;
// 409: the thing is not in a state that allows this; 413/415: too large / wrong type of body;
// 422: read fine, but a value is invalid; 429: too many attempts; 503: PostgreSQL or Temporal is
// unavailable or did not answer in time — try again shortly (with the same Idempotency-Key).
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../../db/errors.js';
import { isTemporalUnavailable, MeasureActionError, MeasureActionUnconfirmedError } from '../measure-client.js';
import { ApiError, type ErrorBody, type FieldError } from '../errors.js';

/** How each rejection of the measure workflow becomes an HTTP status. */
export const ACTION_STATUS: Record<string, number> = {
  FORBIDDEN: 403,
  NOT_ASSIGNED: 403,
  INVALID_STATE: 409,
  ALREADY_DONE: 409,
  MEASURE_CLOSED: 409,
  VALIDATION: 422,
};

const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的请求内容类型 / unsupported Content-Type' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE', message: '请求内容过大 / request body too large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', message: '请求体为空，但声明为 JSON / empty JSON body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', message: '请求体不是合法的 JSON / malformed JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST', message: 'Content-Length 与请求体不符 / bad Content-Length' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: '请求内容类型无效 / invalid Content-Type' },
};

type Issue = { instancePath: string; message?: string; keyword?: string; params?: { field?: string } };

/**
 * Errors the router raises before any hook or handler runs (Fastify's `frameworkErrors`): a path
 * that cannot be percent-decoded, a path parameter over the router's length limit. They get our
 * shape too, not Fastify's default body.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const [status, body]: [number, ErrorBody] =
    err.code === 'FST_ERR_BAD_URL'
      ? [400, { code: 'BAD_URL', message: '网址无法解码（百分号编码不是合法的 UTF-8）/ the URL cannot be decoded' }]
      : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? [414, { code: 'URI_TOO_LONG', message: '路径参数过长 / path parameter too long' }]
        : [500, { code: 'INTERNAL', message: '服务器内部错误 / internal error' }];
  if (status === 500) reply.log.error({ err }, 'router error');
  return reply.status(status).send(body);
}

/**
 * A request Node's HTTP parser cannot read (raw bytes outside ASCII in the request line, a malformed
 * header, headers too large, too slow) never reaches Fastify: Fastify's `clientErrorHandler` answers
 * on the socket. Same answer as Fastify's default, in our shape.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body]: [number, ErrorBody] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, { code: 'REQUEST_TIMEOUT', message: '请求超时 / request timeout' }]
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, { code: 'HEADERS_TOO_LARGE', message: '请求头过大 / request headers too large' }]
        : [400, { code: 'BAD_REQUEST', message: '请求无法解析：请求行或请求头含有不允许的字节（网址中的非 ASCII 字符须百分号编码）/ malformed HTTP request' }];
  if (socket.writable) {
    const json = JSON.stringify(body);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${json}`);
  }
  socket.destroy(err);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers a path no route owns with a page, or returns undefined for the JSON 404. */
    pageFallback: ((request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined) | null;
  }
}

/** A 422 always lists its problems in `errors`, even when there is one. */
function bodyOf(status: number, err: { code: string; message: string; field?: string | undefined; errors?: FieldError[] | undefined; extra?: Record<string, unknown> | undefined }): ErrorBody {
  const errors = err.errors ?? (status === 422 ? [{ ...(err.field ? { field: err.field } : {}), message: err.message }] : undefined);
  return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(errors ? { errors } : {}), ...(err.extra ?? {}) };
}

export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((err: Error & Partial<FastifyError>, request, reply) => {
      const send = (status: number, body: ErrorBody) => reply.status(status).send(body);

      if (err instanceof ApiError) return send(err.statusCode, bodyOf(err.statusCode, err));
      if (err instanceof MeasureActionError) {
        const status = ACTION_STATUS[err.code] ?? 409;
        // The workflow writes "中文 / English"; the Chinese part is what people read.
        return send(status, bodyOf(status, err));
      }
      if (hasZodFastifySchemaValidationErrors(err)) {
        // Every problem is listed; the first is also `field`/`message`, as before the list existed.
        const problems: FieldError[] = (err.validation as unknown as Issue[]).map((i) => ({ ...(i.params?.field ? { field: i.params.field } : {}), message: i.message ?? '无效' }));
        const first = problems[0]!;
        const context = err.validationContext ?? 'body';
        const body = { message: first.message, ...(first.field ? { field: first.field } : {}), errors: problems };
        if (context === 'params') return send(404, { code: 'NOT_FOUND', ...body, message: `${first.message} — 不存在 / not found` });
        if (context === 'body') return send(422, { code: 'VALIDATION', ...body });
        return send(400, { code: 'BAD_REQUEST', ...body });
      }
      if (err instanceof MeasureActionUnconfirmedError || isDatabaseUnavailable(err) || isTemporalUnavailable(err)) {
        reply.header('retry-after', '5');
        if (err instanceof MeasureActionUnconfirmedError) return send(503, { code: err.code, message: err.message });
        if (isDatabaseUnavailable(err)) return send(503, { code: 'DATABASE_UNAVAILABLE', message: '数据库暂时不可用，请稍后重试 / the database is unavailable; try again shortly' });
        return send(503, { code: 'TEMPORAL_UNAVAILABLE', message: '工作流服务（Temporal）暂时不可用，请稍后重试 / Temporal is unavailable; try again shortly' });
      }
      const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
      if (known) return send(known.status, { code: known.code, message: known.message });
      if (err.statusCode === 429) return send(429, { code: 'RATE_LIMITED', message: '尝试过于频繁，请稍后再试 / too many requests' });
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        return send(err.statusCode, { code: err.code ?? 'BAD_REQUEST', message: `请求无效 / invalid request: ${err.message}` });
      }
      request.log.error({ err }, 'unhandled error');
      return send(500, { code: 'INTERNAL', message: '服务器内部错误 / internal error' });
    });

    // A path no route owns is a page of the dashboard when api/plugins/web.ts says so (the browser's
    // router takes over), else the JSON 404.
    app.decorate('pageFallback', null);
    app.setNotFoundHandler(
      // Unknown routes are rate-limited: a scanner walking paths is slowed down.
      { preHandler: app.rateLimit ? app.rateLimit({ max: 120, timeWindow: '1 minute' }) : undefined },
      (request, reply) =>
        app.pageFallback?.(request, reply) ?? reply.status(404).send({ code: 'NOT_FOUND', message: `未找到 / not found: ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody),
    );
  },
  { name: 'error-handler', dependencies: ['security'] },
);
