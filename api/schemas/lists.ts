import { z } from 'zod';
import { SORTS } from '../../db/queries/lists.js';
import { line, pageQuery, queryBool, ref } from './common.js';

export const listKind = z.enum(['responsibility', 'supervision', 'closure']);
export const LIST_NAMES = { responsibility: '责任清单', supervision: '督办清单', closure: '销号清单' } as const;

export const listFilters = z.strictObject({
  policyId: z.uuid({ error: '应为 UUID / must be a UUID' }).optional(),
  areaId: z.uuid({ error: '应为 UUID / must be a UUID' }).optional(),
  departmentId: ref.optional().describe('牵头单位：编号、全称或简称'),
  rag: z.enum(['green', 'yellow', 'red']).optional(),
  level: z.coerce.number().int().min(0).max(4).optional().describe('督办级别：0 无，1 提醒，2 催办，3 督办，4 挂牌督办'),
  overdue: queryBool.optional(),
  q: line(100).min(1).optional().describe('搜索措施、目标、完成时限、政策文件、牵头单位'),
});

export const listQuery = listFilters.extend({
  sort: z.enum(SORTS).default('seq'),
  order: z.enum(['asc', 'desc']).default('asc'),
  ...pageQuery,
});

const deptShort = z.object({ id: z.string(), name: z.string(), shortName: z.string().nullable(), acknowledgedAt: z.string().nullable() });

export const listItem = z
  .object({
    measureId: z.string(),
    policyId: z.string(),
    policyCode: z.string(),
    policyTitle: z.string(),
    areaId: z.string().nullable(),
    areaSeq: z.number().nullable(),
    areaTitle: z.string().nullable(),
    seq: z.number(),
    title: z.string(),
    content: z.string().nullable(),
    target: z.string().nullable(),
    deadlineText: z.string(),
    status: z.string(),
    list: listKind.nullable(),
    rag: z.enum(['green', 'yellow', 'red']),
    escalationLevel: z.number(),
    escalationName: z.string().nullable(),
    leadDepartmentId: z.string(),
    leadDepartmentName: z.string(),
    leadDepartmentShortName: z.string().nullable(),
    leadAcknowledgedAt: z.string().nullable(),
    cooperating: z.array(deptShort),
    deadlineAt: z.string().nullable(),
    acknowledgeDueAt: z.string().nullable(),
    reportDueAt: z.string().nullable(),
    reviewDueAt: z.string().nullable(),
    progressPercent: z.number().nullable(),
    lastReportAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    dispatchedAt: z.string().nullable(),
    updatedAt: z.string(),
    overdue: z.boolean(),
    flagged: z.boolean().describe('挂牌督办（督办第4级）：由督办阶梯到期升级或由统筹协调部门手动挂牌，二者同为第4级'),
    flaggedBy: z.enum(['office', 'ladder']).nullable().describe('挂牌方式：office 统筹协调部门手动挂牌（可取消）；ladder 完成时限逾期按阶梯升级；未挂牌为 null'),
    calendarGapYears: z
    .array(z.number())
    .describe('无节假日数据：待办时限落在这些尚未录入节假日安排的年份，暂按周一至周五计算，录入后自动重算'),
  })
  .meta({ id: 'ListItem' });

const n = z.number().int();
export const listPage = z
  .object({
    list: listKind,
    name: z.string(),
    items: z.array(listItem),
    total: n,
    page: n,
    pageSize: n,
    counts: z.object({
      lists: z.object({ responsibility: n, supervision: n, closure: n }),
      rag: z.object({ green: n, yellow: n, red: n }),
      levels: z.object({ '0': n, '1': n, '2': n, '3': n, '4': n }),
      overdue: z.object({ true: n, false: n }),
      departments: z.array(z.object({ id: z.string(), name: z.string(), shortName: z.string().nullable(), count: n })),
      areas: z.array(z.object({ id: z.string(), seq: n, title: z.string(), policyCode: z.string(), count: n })),
    }),
  })
  .meta({ id: 'ListPage' });
