// Excel exports of the three lists (with the list's filters) and of the scorecards, laid out for
// printing: title, date and scope, frozen bold header, column widths, A4 landscape. What each
// sheet holds is in service.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoDate } from '../../../common/dates.js';
import { audit } from '../../../db/queries/audit.js';
import { queryList, type ListItem } from '../../../db/queries/lists.js';
import { sendWorkbook } from '../../excel/write.js';
import { visibleMeasures } from '../../plugins/access.js';
import { type Principal, principalOf } from '../../plugins/auth.js';
import { errors, workbook } from '../../schemas/common.js';
import { LIST_NAMES, listFilters, listKind } from '../../schemas/lists.js';
import { scorecardQuery } from '../../schemas/scorecards.js';
import { resolveDepartmentRef } from '../departments/service.js';
import { scorecardOf } from '../scorecards/index.js';
import { describeFilters, listWorkbook, ROLE_NAMES, scorecardWorkbook } from './service.js';

const exporter = (p: Principal) => `${p.displayName}（${ROLE_NAMES[p.role]}）`;

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

  app.get(
    '/lists/:list',
    {
      schema: {
        tags: ['exports'],
        summary: '导出清单为 Excel（筛选条件同清单接口）',
        params: z.strictObject({ list: listKind }),
        querystring: listFilters,
        response: { 200: workbook('清单的 Excel 工作簿（.xlsx），按打印格式排版'), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const { list } = request.params;
      // The department as the lists and the import take it: id, name or short name.
      const filters = { ...request.query, departmentId: await resolveDepartmentRef(db, 'departmentId', request.query.departmentId, 'query') };
      const items: ListItem[] = [];
      for (let page = 1; ; page++) {
        const chunk = await queryList(db, { ...filters, list, sort: 'seq', order: 'asc', page, pageSize: 1000 }, visibleMeasures(p));
        items.push(...chunk.items);
        if (items.length >= chunk.total || chunk.items.length === 0) break;
      }
      const now = new Date();
      const wb = listWorkbook(list, items, { exportedBy: exporter(p), filters: await describeFilters(db, filters), now });
      await audit(db, { actor: p, action: 'list_exported', detail: { list, filters, rows: items.length } });
      return sendWorkbook(reply, wb, `${LIST_NAMES[list]}-${isoDate(now)}.xlsx`, `${list}-${isoDate(now)}.xlsx`);
    },
  );

  app.get(
    '/scorecards',
    {
      schema: { tags: ['exports'], summary: '导出部门考核表为 Excel（附计分公式与权重）', querystring: scorecardQuery, response: { 200: workbook('部门考核表的 Excel 工作簿（.xlsx），附计分公式与权重'), ...errors(400, 401) } },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const card = await scorecardOf(db, request.query, p);
      const wb = scorecardWorkbook(card, { exportedBy: exporter(p), now: new Date() });
      await audit(db, { actor: p, action: 'scorecards_exported', detail: { period: card.period, rulesVersion: card.rules.version } });
      return sendWorkbook(reply, wb, `部门考核-${card.period.label}.xlsx`, `scorecards-${card.period.from}-${card.period.to}.xlsx`);
    },
  );
};

export default routes;
