// 监督考核: department scorecards for a period. A department sees its own row, a leader the
// departments they oversee, the coordination office every department.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentMonth, parsePeriod, scorecards, type Period } from '../../../db/queries/scorecards.js';
import { badRequest } from '../../errors.js';
import { visibleDepartmentIds } from '../../plugins/access.js';
import { principalOf } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { scorecardPage, scorecardQuery } from '../../schemas/scorecards.js';

export function periodOf(q: { period?: string | undefined; from?: string | undefined; to?: string | undefined }): Period {
  if (q.period) {
    const p = parsePeriod(q.period);
    if (!p) throw badRequest(`统计周期无效：${q.period} / invalid period`, 'period');
    return p;
  }
  if (q.from && q.to) return { from: q.from, to: q.to, label: `${q.from} 至 ${q.to}` };
  return currentMonth();
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  app.get(
    '/',
    { schema: { tags: ['scorecards'], summary: '部门考核：签收及时率、反馈及时率、逾期、销号率', querystring: scorecardQuery, response: { 200: scorecardPage, ...errors(400, 401) } } },
    async (request) => {
      const period = periodOf(request.query);
      return { period, rows: await scorecards(db, period, visibleDepartmentIds(principalOf(request))) };
    },
  );
};

export default routes;
