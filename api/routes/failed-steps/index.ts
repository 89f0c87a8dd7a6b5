// 失败步骤 (admins): projection steps PostgreSQL refused for their data, set aside so that their
// measure goes on (activities/projection.ts). An admin reads them, replays one — as recorded, or
// with a repaired payload checked by the step's own schema — or discards it with a reason; both are
// audited. GET /health warns while any is open.
import { and, count, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { discardFailedStep, type FailedStepRow, replayFailedStep } from '../../../activities/failed-steps.js';
import { resolveSettings } from '../../../activities/notifications/settings.js';
import { startDeliveries } from '../../../activities/notifications/start.js';
import { failedSteps, measures, people } from '../../../db/schema/index.js';
import { ApiError, conflict, invalid, notFound } from '../../errors.js';
import { principalOf } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { discardBody, type failedStep, failedStepDetail, failedStepParams, failedStepsPage, failedStepsQuery, replayBody, replayResult } from '../../schemas/failed-steps.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const settings = resolveSettings(app.deps.notifications);
  const tags = ['failed-steps'];
  const admin = { roles: ['admin' as const] };

  async function views(rows: FailedStepRow[]): Promise<Array<z.infer<typeof failedStep>>> {
    if (!rows.length) return [];
    const titles = new Map(
      (await db.select({ id: measures.id, title: measures.title }).from(measures).where(sql`${measures.id}::text in ${rows.map((r) => r.measureId)}`)).map((m) => [m.id, m.title]),
    );
    const resolverIds = [...new Set(rows.map((r) => r.resolvedBy).filter((x): x is string => x !== null))];
    const resolvers = new Map(
      resolverIds.length
        ? (await db.select({ id: people.id, username: people.username, displayName: people.displayName }).from(people).where(inArray(people.id, resolverIds))).map((p) => [p.id, p])
        : [],
    );
    return rows.map((r) => ({
      id: r.id,
      workflowId: r.workflowId,
      measureId: r.measureId,
      measureTitle: titles.get(r.measureId) ?? null,
      seq: r.seq,
      action: r.action,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
      failures: r.failures,
      firstSeenAt: r.firstSeenAt.toISOString(),
      lastSeenAt: r.lastSeenAt.toISOString(),
      status: r.status,
      resolvedBy: r.resolvedBy ? (resolvers.get(r.resolvedBy) ?? null) : null,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      resolution: r.resolution,
    }));
  }
  const detail = async (row: FailedStepRow) => ({ ...(await views([row]))[0]!, payload: JSON.parse(row.payload) as unknown });
  const notOpen = (row: FailedStepRow) =>
    conflict('INVALID_STATE', row.status === 'replayed' ? '该步骤已重放 / the step was replayed already' : '该步骤已放弃 / the step was discarded already');

  app.get(
    '/',
    { config: admin, schema: { tags, summary: '失败步骤列表（管理员）：最新在前', querystring: failedStepsQuery, response: { 200: failedStepsPage } } },
    async (request) => {
      const { status, measureId, page, pageSize } = request.query;
      const filters: SQL[] = [];
      if (status) filters.push(eq(failedSteps.status, status));
      if (measureId) filters.push(eq(failedSteps.measureId, measureId));
      const where = filters.length ? and(...filters) : undefined;
      const rows = await db.select().from(failedSteps).where(where).orderBy(desc(failedSteps.firstSeenAt), desc(failedSteps.id)).limit(pageSize).offset((page - 1) * pageSize);
      const [total] = await db.select({ n: count() }).from(failedSteps).where(where);
      const [open] = await db.select({ n: count() }).from(failedSteps).where(eq(failedSteps.status, 'open'));
      return { items: await views(rows), total: total!.n, open: open!.n, page, pageSize };
    },
  );

  const find = async (id: number) => {
    const [row] = await db.select().from(failedSteps).where(eq(failedSteps.id, id));
    if (!row) throw notFound('失败步骤', 'id');
    return row;
  };

  app.get(
    '/:id',
    { config: admin, schema: { tags, summary: '一个失败步骤（管理员），含记录下的步骤内容', params: failedStepParams, response: { 200: failedStepDetail } } },
    async (request) => detail(await find(request.params.id)),
  );

  app.post(
    '/:id/replay',
    {
      config: admin,
      schema: {
        tags,
        summary: '重放失败步骤（管理员）：按原内容，或以修复后的 payload 写入',
        description:
          '在一个事务中写入该步骤并标记为已重放（记入审计）。此后已有步骤写入时，只补写本步自己的记录（进展反馈、审计记录、通知），清单保持最新状态。' +
          'PostgreSQL 仍拒绝时答 422 STEP_REFUSED（field 为 payload），不改变任何数据。',
        params: failedStepParams,
        body: replayBody,
        response: { 200: replayResult, ...errors(409) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const outcome = await replayFailedStep(db, request.params.id, { id: p.id, role: p.role }, request.body.payload);
      switch (outcome.kind) {
        case 'not_found':
          throw notFound('失败步骤', 'id');
        case 'not_open':
          throw notOpen(outcome.row);
        case 'mismatch':
          throw invalid(`修复后的步骤须与记录的${outcome.field === 'seq' ? '步骤序号' : '措施'}相同（payload.${outcome.field}）/ the repaired step must keep its ${outcome.field}`, `payload.${outcome.field}`);
        case 'refused':
          throw new ApiError(422, 'STEP_REFUSED', `步骤仍无法写入（payload）：${outcome.cause.code} ${outcome.cause.message} / the step is refused again`, 'payload');
      }
      // Started now rather than by the sweeper a minute later; should this fail, the sweeper does it.
      if (outcome.outbox.length) await startDeliveries(app.deps.temporal, app.deps.taskQueue, settings, outcome.outbox).catch(() => undefined);
      return { ...(await detail(outcome.row)), written: outcome.written };
    },
  );

  app.post(
    '/:id/discard',
    {
      config: admin,
      schema: { tags, summary: '放弃失败步骤（管理员）：不再写入，理由记入审计', params: failedStepParams, body: discardBody, response: { 200: failedStepDetail, ...errors(409) } },
    },
    async (request) => {
      const p = principalOf(request);
      const outcome = await discardFailedStep(db, request.params.id, { id: p.id, role: p.role }, request.body.reason);
      if (outcome.kind === 'not_found') throw notFound('失败步骤', 'id');
      if (outcome.kind === 'not_open') throw notOpen(outcome.row);
      return detail(outcome.row);
    },
  );
};

export default routes;
