// 监督考核: department scorecards for a period, and the rules they are scored under. Every
// department is ranked against all the others; a department sees its own row, a leader the
// departments they oversee (by department or by area), the coordination office every department.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeScoring } from '../../../common/scoring.js';
import { audit } from '../../../db/queries/audit.js';
import { currentMonth, dayRange, parsePeriod, scorecards, type Period } from '../../../db/queries/scorecards.js';
import { addScoringRules, listScoringRules, type ScoringRulesVersion } from '../../../db/queries/scoring-rules.js';
import { badRequest, conflict } from '../../errors.js';
import { OFFICE_ROLES, visibleDepartmentIds } from '../../plugins/access.js';
import { principalOf, type Principal } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { newScoringRules, scorecardPage, scorecardQuery, scoringRulesVersion } from '../../schemas/scorecards.js';
import { resolveDepartmentRef } from '../departments/service.js';
import type { Database } from '../../../db/client.js';

export function periodOf(q: { period?: string | undefined; from?: string | undefined; to?: string | undefined }): Period {
  if (q.period) {
    const p = parsePeriod(q.period);
    if (!p) throw badRequest(`统计周期无效：${q.period} / invalid period`, 'period');
    return p;
  }
  if (q.from && q.to) return dayRange(q.from, q.to);
  return currentMonth();
}

/** A rules version as the API shows it, with its formula in words. */
export const rulesView = (v: ScoringRulesVersion) => ({
  version: v.version,
  effectiveFrom: v.effectiveFrom,
  weights: v.rules.weights,
  deductions: v.rules.deductions,
  note: v.note,
  createdBy: v.createdBy,
  createdAt: v.createdAt,
  formula: describeScoring(v.rules),
});

/**
 * The scorecard one may see; with `departmentId` (id, full name or short name, as the import takes a
 * department) only that department's row, still ranked among all departments.
 */
export async function scorecardOf(db: Database, q: z.output<typeof scorecardQuery>, p: Principal) {
  const departmentId = await resolveDepartmentRef(db, 'departmentId', q.departmentId, 'query');
  const card = await scorecards(db, periodOf(q), await visibleDepartmentIds(db, p));
  return departmentId ? { ...card, rows: card.rows.filter((r) => r.departmentId === departmentId) } : card;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const tags = ['scorecards'];

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: '部门考核：签收及时率、反馈及时率、按期销号率、督办扣分、报送负担、综合得分与排名',
        querystring: scorecardQuery,
        response: { 200: scorecardPage, ...errors(400, 401) },
      },
    },
    async (request) => {
      const card = await scorecardOf(db, request.query, principalOf(request));
      return { period: card.period, rules: rulesView(card.rules), rows: card.rows };
    },
  );

  app.get(
    '/rules',
    { schema: { tags, summary: '考核规则的各个版本（权重与扣分）', response: { 200: z.array(scoringRulesVersion), ...errors(401) } } },
    async () => (await listScoringRules(db)).map(rulesView),
  );

  app.post(
    '/rules',
    {
      config: { roles: [...OFFICE_ROLES] },
      schema: {
        tags,
        summary: '新增考核规则版本（自某日起施行，已有版本不变）',
        body: newScoringRules,
        response: { 201: scoringRulesVersion, ...errors(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const { effectiveFrom, weights, deductions, note } = request.body;
      const added = await addScoringRules(db, { effectiveFrom, rules: { weights, deductions }, note: note || null, createdBy: p.id });
      if (!added) throw conflict('RULES_VERSION_EXISTS', `${effectiveFrom}起施行的考核规则已存在 / a version already starts on that day`, 'effectiveFrom');
      await audit(db, { actor: p, action: 'scoring_rules_added', detail: { version: added.version, effectiveFrom, weights, deductions, note: added.note } });
      return reply.status(201).send(rulesView(added));
    },
  );
};

export default routes;
