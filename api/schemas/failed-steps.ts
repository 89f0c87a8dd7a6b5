// 失败步骤: projection steps PostgreSQL refused for their data, set aside so the measure goes on
// (activities/projection.ts), for an admin to replay — as recorded or repaired — or discard.
import { z } from 'zod';
import { repairedStep } from '../../activities/projection-step.js';
import { longText, pageQuery, uuid } from './common.js';

export const failedStepStatus = z.enum(['open', 'replayed', 'discarded']);

export const failedStep = z
  .object({
    id: z.number().int(),
    workflowId: z.string().describe('措施工作流的 id（measure-<措施id>）/ the measure workflow'),
    measureId: z.string(),
    measureTitle: z.string().nullable().describe('措施标题（措施已不存在时为 null）'),
    seq: z.number().int().describe('工作流中的步骤序号 / the step number in its workflow'),
    action: z.string().describe('步骤：report、decline、escalate、cancel 等 / the step, as in the audit trail'),
    errorCode: z.string().describe('PostgreSQL 的 SQLSTATE（22021：文本含 U+0000；22P05：jsonb 含 U+0000；23503：引用的部门不存在 …）或 VALIDATION / why it was refused'),
    errorMessage: z.string(),
    failures: z.number().int().describe('失败次数 / times it failed'),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    status: failedStepStatus.describe('open：待处理；replayed：已重放；discarded：已放弃'),
    resolvedBy: z.object({ id: z.string(), username: z.string(), displayName: z.string() }).nullable(),
    resolvedAt: z.string().nullable(),
    resolution: z.string().nullable().describe('放弃的理由，或重放的方式 / why discarded, or how replayed'),
  })
  .meta({ id: 'FailedStep' });

export const failedStepDetail = failedStep
  .extend({
    payload: z.unknown().describe('记录下的步骤（ProjectionStep，可能含无法写入的字符），修复后可作为重放的 payload / the step as recorded'),
  })
  .meta({ id: 'FailedStepDetail' });

export const failedStepsQuery = z.strictObject({
  status: failedStepStatus.optional().describe('按状态筛选（默认全部）'),
  measureId: uuid.optional().describe('只看一项措施的'),
  ...pageQuery,
});

export const failedStepsPage = z.object({
  items: z.array(failedStep),
  total: z.number().int(),
  open: z.number().int().describe('待处理的失败步骤数 / open steps, whatever the filter'),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const failedStepParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const replayBody = z.strictObject({
  payload: repairedStep
    .optional()
    .describe('修复后的步骤（省略：按原内容重放）；须与记录的措施和步骤序号相同 / the repaired step (omitted: replay as recorded); same measure and step number'),
});

export const replayResult = failedStepDetail
  .extend({
    written: z
      .enum(['whole', 'own'])
      .describe('whole：整步写入（此后尚无步骤写入）；own：此后已有步骤写入，只补写本步自己的记录（进展反馈、审计记录、通知），清单状态保持最新 / what was written'),
  })
  .meta({ id: 'FailedStepReplayed' });

export const discardBody = z.strictObject({ reason: longText(500).describe('放弃的理由（记入审计）') });
