import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

interface PartHealth {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<PartHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

const part = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
const health = z.object({
  status: z.enum(['ok', 'unavailable']),
  code: z.string().optional(),
  message: z.string().optional(),
  postgres: part,
  temporal: part,
});

/** Reachability of PostgreSQL and Temporal; 503 naming each part that is down. */
export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  const schema = {
    tags: ['health'],
    summary: '健康检查（无需登录）',
    security: [],
    response: { 200: health.describe('PostgreSQL 与 Temporal 均可用 / all parts up'), 503: health.describe('有部分不可用，message 指明哪一个 / a part is down') },
  };
  app.get('/health', { schema, config: { public: true } }, async (_request, reply) => {
    const { database, temporal } = app.deps;
    const [postgres, temporalHealth] = await Promise.all([
      probe(() => database.sql`select 1`, 2000),
      probe(() => temporal.connection.workflowService.getSystemInfo({}), 2000),
    ]);
    const down = [postgres.ok ? null : 'PostgreSQL', temporalHealth.ok ? null : 'Temporal'].filter(Boolean);
    return reply.status(down.length ? 503 : 200).send({
      status: down.length ? 'unavailable' : 'ok',
      ...(down.length ? { code: 'DEPENDENCY_DOWN', message: `${down.join('、')} 不可用 / unreachable: ${down.join(', ')}` } : {}),
      postgres,
      temporal: temporalHealth,
    });
  });
}
