// 三张清单: 责任清单 (dispatched, awaiting 签收), 督办清单 (under supervision and closure review),
// 销号清单 (closed). Each person sees only the measures they may see; read from PostgreSQL only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queryList } from '../../../db/queries/lists.js';
import { visibleMeasures } from '../../plugins/access.js';
import { principalOf } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { resolveDepartmentRef } from '../departments/service.js';
import { LIST_NAMES, listKind, listPage, listQuery } from '../../schemas/lists.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  app.get(
    '/:list',
    {
      schema: {
        tags: ['lists'],
        summary: '清单：筛选、排序、分页，并给出每个筛选项的计数',
        params: z.strictObject({ list: listKind }),
        querystring: listQuery,
        response: { 200: listPage, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const { list } = request.params;
      const departmentId = await resolveDepartmentRef(db, 'departmentId', request.query.departmentId, 'query');
      const page = await queryList(db, { ...request.query, departmentId, list }, visibleMeasures(principalOf(request)));
      return { list, name: LIST_NAMES[list], ...page };
    },
  );
};

export default routes;
