import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../db/client.js';
import { ApiError, type ErrorBody } from './errors.js';
import { healthRoutes } from './routes/health.js';

export interface AppDeps {
  database: DatabaseHandle;
  temporal: Client;
  taskQueue: string;
  temporalUiUrl?: string | undefined;
  logLevel?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: deps.logLevel ?? 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: 1024 * 1024,
    // One line per request is noise on a laptop; LOG_LEVEL=debug brings it back.
    disableRequestLogging: deps.logLevel !== 'debug' && deps.logLevel !== 'trace',
  });
  app.decorate('deps', deps);

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof ApiError) {
      const body: ErrorBody = { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
      return reply.status(err.statusCode).send(body);
    }
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.statusCode && e.statusCode < 500) {
      return reply.status(e.statusCode).send({ code: e.code ?? 'BAD_REQUEST', message: `请求无效 / invalid request: ${e.message}` });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL', message: '服务器内部错误 / internal error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'NOT_FOUND', message: `未找到 / not found: ${request.method} ${request.url}` }),
  );

  await app.register(healthRoutes);
  return app;
}
