import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { countOpenFailedSteps } from '../../../activities/failed-steps.js';
import type { Database } from '../../../db/client.js';
import { calendarWarning } from '../../../db/queries/calendar.js';

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
const warning = z.object({ code: z.string(), message: z.string(), count: z.number().int() });
const health = z.object({
  status: z.enum(['ok', 'warning', 'unavailable']).describe('ok：一切正常；warning：各部分可用，但有需要管理员处理的事（见 warnings）；unavailable：有部分不可用'),
  code: z.string().optional(),
  message: z.string().optional(),
  postgres: part,
  temporal: part,
  warnings: z
    .array(warning)
    .describe('需要管理员处理的事：FAILED_STEPS，无法写入的工作流步骤（见 /api/failed-steps）；CALENDAR_NEXT_YEAR_MISSING，自11月1日起下一年节假日安排尚未录入（count 为时限落在无数据年份的措施数，见 /api/calendar/years）/ what an admin should look at'),
});

/** What `look` answers within the time, else `fallback` (a failure too: the parts' health says why). */
async function within<T>(look: () => Promise<T>, fallback: T, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), timeoutMs);
  });
  return Promise.race([look().catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

/** The warnings an admin should see; none when they cannot be counted. */
async function warningsOf(db: Database, timeoutMs: number): Promise<Array<z.infer<typeof warning>>> {
  const [open, calendar] = await Promise.all([within(() => countOpenFailedSteps(db), 0, timeoutMs), within(() => calendarWarning(db, new Date()), null, timeoutMs)]);
  return [
    ...(open ? [{ code: 'FAILED_STEPS', count: open, message: `有${open}个工作流步骤无法写入，措施仍在运行；请管理员在 /api/failed-steps 修复后重放或放弃 / ${open} workflow step(s) could not be written` }] : []),
    ...(calendar ? [{ code: 'CALENDAR_NEXT_YEAR_MISSING', count: calendar.gapMeasures, message: calendar.message }] : []),
  ];
}

/** Reachability of PostgreSQL and Temporal, 503 naming each part that is down; 200 with warnings when something needs an admin. */
export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  const schema = {
    tags: ['health'],
    summary: '健康检查（无需登录）',
    security: [],
    response: { 200: health.describe('PostgreSQL 与 Temporal 均可用（warnings 列出需要管理员处理的事）/ all parts up'), 503: health.describe('有部分不可用，message 指明哪一个 / a part is down') },
  };
  app.get('/health', { schema, config: { public: true } }, async (_request, reply) => {
    const { database, temporal } = app.deps;
    const [postgres, temporalHealth] = await Promise.all([
      probe(() => database.sql`select 1`, 2000),
      probe(() => temporal.connection.workflowService.getSystemInfo({}), 2000),
    ]);
    const down = [postgres.ok ? null : 'PostgreSQL', temporalHealth.ok ? null : 'Temporal'].filter(Boolean);
    const warnings = postgres.ok ? await warningsOf(database.db, 2000) : [];
    return reply.status(down.length ? 503 : 200).send({
      status: down.length ? 'unavailable' : warnings.length ? 'warning' : 'ok',
      ...(down.length ? { code: 'DEPENDENCY_DOWN', message: `${down.join('、')} 不可用 / unreachable: ${down.join(', ')}` } : {}),
      postgres,
      temporal: temporalHealth,
      warnings,
    });
  });
}
