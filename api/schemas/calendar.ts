import { z } from 'zod';
import { isoDate, line, multiline } from './common.js';

export const yearParams = z.strictObject({
  year: z
    .string()
    .regex(/^\d{4}$/, '年份应为四位数字，如 2027 / a four-digit year')
    .transform(Number)
    .refine((y) => y >= 2000 && y <= 2099, '年份应在2000–2099之间 / 2000–2099'),
});
export const dayParams = z.strictObject({ day: isoDate });
export const rolloutParams = z.strictObject({ id: z.uuid({ error: '应为 UUID / must be a UUID' }) });

const holidayRange = z.strictObject({
  from: isoDate.describe('放假第一天 YYYY-MM-DD'),
  to: isoDate.describe('放假最后一天 YYYY-MM-DD（含）'),
  name: line(20).nullable().optional().describe('节日名称，如 春节'),
  totalDays: z.number().int().min(1).max(31).optional().describe('共N天：填写时须与起止日期相符'),
});
const makeupDay = z.strictObject({ day: isoDate.describe('调休上班日（周六或周日）'), name: line(30).nullable().optional() });

export const enterYearBody = z
  .strictObject({
    notice: multiline(20_000)
      .optional()
      .describe('通知原文，每行一个节日，如「一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。」；与 holidays/makeupDays 二选一'),
    holidays: z.array(holidayRange).max(60).optional().describe('放假安排（结构化）'),
    makeupDays: z.array(makeupDay).max(60).optional().describe('调休上班日（结构化）'),
    dryRun: z.boolean().optional().describe('只解析和校验，不保存'),
  })
  .superRefine((b, ctx) => {
    const structured = b.holidays !== undefined || b.makeupDays !== undefined;
    if (b.notice !== undefined && structured) ctx.addIssue({ code: 'custom', path: ['notice'], message: '通知原文与结构化安排只能填写一种 / give notice or holidays/makeupDays, not both' });
    if (b.notice === undefined && !structured) ctx.addIssue({ code: 'custom', path: ['notice'], message: '请填写通知原文（notice）或放假安排（holidays）/ notice or holidays is required' });
  });

export const correctDayBody = z.strictObject({
  kind: z.enum(['holiday', 'makeup', 'normal']).describe('holiday 法定节假日；makeup 调休上班（须为周末）；normal 恢复按周一至周五'),
  name: line(30).optional().describe('名称，如 春节、春节调休上班'),
});

const dayKind = z.enum(['workday', 'weekend', 'holiday', 'makeup']).describe('workday 工作日；weekend 周末；holiday 法定节假日；makeup 调休上班');

export const rolloutSummary = z
  .object({
    id: z.string(),
    change: z.string(),
    years: z.array(z.number()),
    createdBy: z.string(),
    createdAt: z.string(),
    status: z.enum(['pending', 'done']).describe('pending 正在通知各措施重算时限；done 已完成'),
    measuresDone: z.number(),
    measuresMoved: z.number().describe('待办时限有变动的措施数'),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'CalendarRollout' });

const dueRow = z.object({ kind: z.string(), departmentId: z.string().optional(), round: z.number().optional(), dueAt: z.string(), nextRungAt: z.string().nullable() });

export const rolloutDetail = rolloutSummary
  .extend({
    measures: z.array(
      z.object({
        measureId: z.string(),
        title: z.string(),
        seq: z.number(),
        policyCode: z.string(),
        before: z.array(dueRow).describe('调整前的待办时限'),
        after: z.array(dueRow).describe('调整后的待办时限'),
        moved: z.boolean(),
        calendarGapYears: z.array(z.number()),
        at: z.string(),
      }),
    ),
  })
  .meta({ id: 'CalendarRolloutDetail' });

export const yearView = z
  .object({
    year: z.number(),
    known: z.boolean().describe('是否已有该年安排；false 时工作日按周一至周五计算'),
    source: z.enum(['package', 'admin']).nullable().describe('package 随软件提供；admin 管理员录入'),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
    holidays: z.array(z.object({ from: z.string(), to: z.string(), name: z.string().nullable(), days: z.number() })),
    makeupDays: z.array(z.object({ day: z.string(), name: z.string().nullable() })),
    days: z.array(z.object({ day: z.string(), weekday: z.number().describe('0 星期日 … 6 星期六'), kind: dayKind, working: z.boolean(), name: z.string().nullable() })),
    changes: z.array(z.object({ at: z.string(), actor: z.string(), actorName: z.string().nullable(), action: z.string(), detail: z.record(z.string(), z.unknown()) })).describe('本年度的调整记录（谁、何时、改了什么）'),
  })
  .meta({ id: 'CalendarYear' });

export const yearsList = z.object({
  years: z.array(z.object({ year: z.number(), source: z.enum(['package', 'admin']), updatedAt: z.string(), updatedBy: z.string().nullable(), holidayDays: z.number(), makeupDays: z.number() })),
  warning: z.object({ year: z.number(), message: z.string() }).nullable().describe('自11月1日起，下一年尚无安排时的提示'),
});

export const changeResult = z.object({
  saved: z.boolean().describe('dryRun 时为 false'),
  changed: z.boolean().describe('与已保存的安排相同则为 false（不记审计、不重算）'),
  rollout: rolloutSummary.nullable().describe('重算各措施待办时限的进度'),
  calendar: yearView,
});
