// 统筹协调部门待办: closures to review, extensions and declines to decide, escalations to follow —
// across the three lists, with the lists' filters, oldest first (escalations: highest level first).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queryList, type ListSort, type Queue } from '../../../db/queries/lists.js';
import { queueCounts, queueDetails } from '../../../db/queries/queues.js';
import { OFFICE_ROLES } from '../../plugins/access.js';
import { errors } from '../../schemas/common.js';
import { QUEUE_NAMES, queueKind, queuePage, queueQuery } from '../../schemas/queues.js';
import { resolveDepartmentRef } from '../departments/service.js';

const ORDER: Record<Queue, { sort: ListSort; order: 'asc' | 'desc' }> = {
  review: { sort: 'updated', order: 'asc' },
  extensions: { sort: 'updated', order: 'asc' },
  declines: { sort: 'updated', order: 'asc' },
  escalations: { sort: 'level', order: 'desc' },
};

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  app.get(
    '/:queue',
    {
      config: { roles: [...OFFICE_ROLES] },
      schema: {
        tags: ['lists'],
        summary: '统筹协调部门待办：销号审核、延期申请、申请调整、督办升级（筛选同清单接口）',
        params: z.strictObject({ queue: queueKind }),
        querystring: queueQuery,
        response: { 200: queuePage, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { queue } = request.params;
      const departmentId = await resolveDepartmentRef(db, 'departmentId', request.query.departmentId, 'query');
      const [page, counts] = await Promise.all([queryList(db, { ...request.query, departmentId, queue, ...ORDER[queue] }, undefined), queueCounts(db)]);
      const details = await queueDetails(db, page.items.map((i) => i.measureId));
      const items = page.items.map((item) => {
        const { flagged, ...rest } = details.get(item.measureId)!;
        return { ...item, ...rest, flaggedDetail: flagged };
      });
      return { queue, name: QUEUE_NAMES[queue], items, total: page.total, page: page.page, pageSize: page.pageSize, counts };
    },
  );
};

export default routes;
