import { z } from 'zod';
import { isoDate } from './common.js';

export const scorecardQuery = z
  .object({
    period: z
      .string()
      .regex(/^\d{4}(?:-\d{2}|-[QqHh]\d)?$/, '统计周期应为 2025、2025-06、2025-Q3 或 2025-H1 / period must look like 2025, 2025-06, 2025-Q3 or 2025-H1')
      .optional()
      .describe('2025（全年）、2025-06（月）、2025-Q3（季度）、2025-H1（半年）；与 from/to 二选一，均省略时为本月'),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .refine((q) => !(q.period && (q.from || q.to)), { message: 'period 与 from/to 不能同时使用 / use period or from/to', path: ['period'] })
  .refine((q) => !q.from === !q.to, { message: 'from 与 to 须同时给出 / give both from and to', path: ['to'] })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '起始日期不能晚于截止日期 / from must not be after to', path: ['from'] });

const n = z.number();
export const scorecardRow = z
  .object({
    departmentId: z.string(),
    departmentName: z.string(),
    shortName: z.string().nullable(),
    measuresLed: n,
    acknowledged: n,
    acknowledgedOnTime: n,
    acknowledgeOverdue: n,
    acknowledgeOnTimeRate: n.nullable(),
    reports: n,
    reportsOnTime: n,
    reportsOverdue: n,
    reportOnTimeRate: n.nullable(),
    overdue: n,
    red: n,
    escalations: n,
    closed: n,
    closureRate: n.nullable(),
    score: n.nullable(),
    rank: n.nullable(),
  })
  .meta({ id: 'Scorecard' });

export const scorecardPage = z.object({
  period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
  rows: z.array(scorecardRow),
});
