import { z } from 'zod';
import { scoringDeductionsSchema, scoringWeightsSchema, someWeight } from '../../common/scoring.js';
import { isoDate, line, ref } from './common.js';

export const scorecardQuery = z
  .strictObject({
    period: z
      .string()
      .regex(/^\d{4}(?:-\d{2}|-[QqHh]\d)?$/, '统计周期应为 2025、2025-06、2025-Q3 或 2025-H1 / period must look like 2025, 2025-06, 2025-Q3 or 2025-H1')
      .optional()
      .describe('2025（全年）、2025-06（月）、2025-Q3（季度）、2025-H1（半年）；与 from/to 二选一，均省略时为本月'),
    from: isoDate.optional(),
    to: isoDate.optional(),
    departmentId: ref.optional().describe('只看一个部门：编号、全称或简称（排名仍在全部部门中计算）'),
  })
  .refine((q) => !(q.period && (q.from || q.to)), { message: 'period 与 from/to 不能同时使用 / use period or from/to', path: ['period'] })
  .refine((q) => !q.from === !q.to, { message: 'from 与 to 须同时给出 / give both from and to', path: ['to'] })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '起始日期不能晚于截止日期 / from must not be after to', path: ['from'] });

const n = z.number();
const rate = n.nullable().describe('0–1；无可统计事项时为 null');
export const scorecardRow = z
  .object({
    departmentId: z.string(),
    departmentName: z.string(),
    shortName: z.string().nullable(),
    measuresLed: n.describe('牵头措施数（不含已撤销）'),
    acknowledged: n.describe('本期签收数'),
    acknowledgedOnTime: n.describe('其中按时签收'),
    acknowledgeOverdue: n.describe('逾期未签收（截至期末）'),
    acknowledgeOnTimeRate: rate.describe('签收及时率'),
    reports: n.describe('本期反馈次数'),
    reportsOnTime: n.describe('其中按时反馈'),
    reportsOverdue: n.describe('逾期未反馈的调度轮次（截至期末）'),
    reportOnTimeRate: rate.describe('反馈及时率'),
    closedOnTime: n.describe('本期按期销号'),
    closedLate: n.describe('本期逾期后销号'),
    dueOpen: n.describe('到期未销号（截至期末）'),
    closureOnTimeRate: rate.describe('按期销号率'),
    escalations: z.object({ remind: n, urge: n, supervise: n, flag: n }).describe('本期督办升级次数：提醒、催办、督办、挂牌督办'),
    escalationCount: n.describe('本期督办升级总次数'),
    deduction: n.describe('督办升级扣分'),
    overdue: n.describe('当前逾期（牵头、未结、已过某一期限）'),
    red: n.describe('当前红灯'),
    formsFiled: n.describe('报送负担：本期填报的表单数（进展反馈、申请销号、延期申请、申请调整）'),
    fieldsFilled: n.describe('报送负担：这些表单填写的项数（每项文字或数字、每份佐证材料计一项）'),
    score: n.nullable().describe('综合得分 0–100；三项比率均无时为 null'),
    rank: n.nullable().describe('在全部部门中的名次，无论谁查看；无得分时为 null'),
  })
  .meta({ id: 'Scorecard' });

export const scoringRulesVersion = z
  .object({
    version: n,
    effectiveFrom: z.string().describe('起施行日期：统计周期的最后一天在此日或之后时适用'),
    weights: scoringWeightsSchema.describe('三项比率的权重（按比例计）：签收及时率、反馈及时率、按期销号率'),
    deductions: scoringDeductionsSchema.describe('每次督办升级扣分：提醒、催办、督办、挂牌督办'),
    note: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    formula: z.string().describe('计分公式与权重的文字说明（与导出表的说明相同）'),
  })
  .meta({ id: 'ScoringRules' });

export const newScoringRules = z
  .object({
    effectiveFrom: isoDate.describe('起施行日期（YYYY-MM-DD）：统计周期的最后一天在此日或之后时适用'),
    weights: scoringWeightsSchema.describe('三项比率的权重（按比例计）'),
    deductions: scoringDeductionsSchema.describe('每次督办升级扣分'),
    note: line(200).optional().describe('说明，如考核办法的文号'),
  })
  .strict()
  .refine(...someWeight);

export const scorecardPage = z.object({
  period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
  rules: scoringRulesVersion,
  rows: z.array(scorecardRow),
});
