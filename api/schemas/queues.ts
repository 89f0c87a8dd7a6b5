// The office's work queues: measures waiting for its decision, filtered as the lists are.
import { z } from 'zod';
import { QUEUES } from '../../db/queries/lists.js';
import { pageQuery } from './common.js';
import { listFilters, listItem } from './lists.js';

export const queueKind = z.enum(QUEUES);
export const QUEUE_NAMES = { review: '销号审核', extensions: '延期申请', declines: '申请调整', escalations: '督办升级' } as const;

export const queueQuery = listFilters.extend(pageQuery);

const n = z.number().int();
export const queueItem = listItem
  .extend({
    pendingExtension: z
      .object({ at: z.string(), newDeadline: z.string(), reason: z.string(), by: z.string(), byName: z.string().nullable() })
      .nullable()
      .describe('待审批的延期申请'),
    declines: z
      .array(z.object({ departmentId: z.string(), departmentName: z.string(), role: z.enum(['lead', 'cooperating']), declinedAt: z.string(), reason: z.string().nullable() }))
      .describe('申请调整（不予签收）的部门及理由'),
    escalated: z
      .array(
        z.object({
          kind: z.string().describe('acknowledge 签收、report 进展反馈、deadline 完成时限、review 销号审核'),
          departmentId: z.string().nullable(),
          departmentName: z.string().nullable(),
          dueAt: z.string(),
          level: n,
          levelName: z.string().nullable(),
        }),
      )
      .describe('已升级的待办事项，级别高的在前'),
    flaggedDetail: z.object({ at: z.string(), reason: z.string() }).nullable().describe('挂牌督办的时间与理由'),
  })
  .meta({ id: 'QueueItem' });

export const queuePage = z
  .object({
    queue: queueKind,
    name: z.string(),
    items: z.array(queueItem),
    total: n,
    page: n,
    pageSize: n,
    counts: z.object({ review: n, extensions: n, declines: n, escalations: n }).describe('各待办队列的件数（不受筛选影响）'),
  })
  .meta({ id: 'QueuePage' });
