import { z } from 'zod';
import { longText, multiline, ref, singleLine, text, uuid } from './common.js';
import { MEASURE_ACTIONS } from '../../common/allowed-actions.js';
import { rulesOverrideSchema } from '../../workflows/rules/escalation-schema.js';

export const evidence = z.strictObject({
  name: text(200),
  // http(s) only: a javascript: link stored as evidence would run in the dashboard.
  // Checked as one line before it is parsed as a URL: the URL parser would quietly drop a line break.
  url: z
    .string()
    .max(2000)
    .regex(...singleLine)
    .url({ protocol: /^https?$/, error: '链接应为 http(s) 地址 / must be an http(s) URL' })
    .optional(),
  note: multiline(2000).optional(),
  fileId: uuid.optional().describe('已上传的文件（POST /api/measures/{id}/evidence 返回的 id），须为本部门为此措施上传'),
});

/** A file kept by the server as evidence, as an upload answers it and a measure's detail lists it. */
export const evidenceFile = z
  .object({
    id: z.string(),
    measureId: z.string(),
    departmentId: z.string(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int().describe('字节数'),
    sha256: z.string().describe('内容的 SHA-256（十六进制）'),
    uploadedAt: z.string(),
    url: z.string().describe('下载地址（需登录，且能查看该措施）'),
  })
  .meta({ id: 'EvidenceFile' });

export const createMeasureBody = z.strictObject({
  policyId: uuid,
  areaId: uuid.optional(),
  seq: z.number().int().min(1).max(100_000).optional(),
  title: text(200),
  content: multiline(10_000).optional(),
  target: multiline(5_000).optional(),
  deadline: text(100).describe('完成时限，如 2025年6月底前、2025年第三季度、每年12月底前、长期坚持'),
  leadDepartmentId: ref,
  cooperatingDepartmentIds: z.array(ref).max(100).default([]),
  settingsOverride: rulesOverrideSchema.optional().describe('覆盖政策督办规则的部分设置'),
});

export const updateMeasureBody = createMeasureBody
  .omit({ policyId: true })
  .extend({ areaId: uuid.nullable(), content: multiline(10_000).nullable(), target: multiline(5_000).nullable(), settingsOverride: rulesOverrideSchema.nullable() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, '请至少修改一项 / nothing to change');

export const assignmentView = z.object({
  departmentId: z.string(),
  departmentName: z.string(),
  shortName: z.string().nullable(),
  role: z.enum(['lead', 'cooperating']),
  acknowledgedAt: z.string().nullable(),
  declinedAt: z.string().nullable(),
  declineReason: z.string().nullable(),
});

export const measureSummary = z
  .object({
    id: z.string(),
    policyId: z.string(),
    areaId: z.string().nullable(),
    areaTitle: z.string().nullable(),
    seq: z.number(),
    title: z.string(),
    content: z.string().nullable(),
    target: z.string().nullable(),
    deadlineText: z.string(),
    deadlineSpec: z.unknown(),
    deadlineDescription: z.string(),
    settingsOverride: z.unknown().nullable(),
    escalationPolicyVersion: z.number().nullable(),
    status: z.enum(['draft', 'dispatched', 'supervised', 'closure_review', 'closed', 'cancelled']),
    dispatchedAt: z.string().nullable(),
    workflowId: z.string().nullable(),
    assignments: z.array(assignmentView),
  })
  .meta({ id: 'Measure' });

export const listEntryView = z.object({
  list: z.enum(['responsibility', 'supervision', 'closure']).nullable(),
  rag: z.enum(['green', 'yellow', 'red']),
  escalationLevel: z.number(),
  escalationName: z.string().nullable(),
  deadlineAt: z.string().nullable(),
  acknowledgeDueAt: z.string().nullable(),
  reportDueAt: z.string().nullable(),
  reviewDueAt: z.string().nullable(),
  progressPercent: z.number().nullable(),
  lastReportAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  calendarGapYears: z
    .array(z.number())
    .describe('无节假日数据：待办时限落在这些尚未录入节假日安排的年份，暂按周一至周五计算，录入后自动重算'),
  updatedAt: z.string(),
  snapshot: z.unknown(),
});

export const measureDetail = measureSummary
  .extend({
    policy: z.object({ id: z.string(), code: z.string(), title: z.string() }),
    entry: listEntryView.nullable(),
    temporalUrl: z.string().nullable().describe('Temporal 界面中该措施的工作流历史；仅统筹协调部门与管理员可见，其他人为 null'),
    timeline: z.array(
      z.object({
        seq: z.number().nullable(),
        at: z.string(),
        action: z.string(),
        actionName: z.string(),
        actor: z.string(),
        actorName: z.string().nullable(),
        actorRole: z.string().nullable(),
        fromState: z.string().nullable(),
        toState: z.string().nullable(),
        detail: z.unknown(),
      }),
    ),
    reports: z.array(
      z.object({
        round: z.number(),
        departmentId: z.string(),
        departmentName: z.string().nullable(),
        text: z.string(),
        percent: z.number().nullable(),
        indicatorValue: z.string().nullable(),
        // As stored, not as a request is checked: a text that reached the database another way (a step
        // replayed, data from before the checks) must not make the detail answer 500.
        evidence: z.array(z.object({ name: z.string(), url: z.string().optional(), note: z.string().optional(), fileId: z.string().optional() })),
        late: z.boolean(),
        submittedBy: z.string(),
        submittedByName: z.string().nullable(),
        submittedAt: z.string(),
      }),
    ),
    escalations: z.array(
      z.object({ at: z.string(), item: z.string(), level: z.number(), levelName: z.string(), departmentId: z.string().nullable(), round: z.number().nullable() }),
    ),
    evidence: z.array(
      z.object({
        name: z.string(),
        url: z.string().optional(),
        note: z.string().optional(),
        fileId: z.string().optional(),
        file: evidenceFile.nullable().describe('上传的文件（fileId 所指）；链接材料为 null'),
        source: z.enum(['report', 'closure']),
        at: z.string(),
        departmentId: z.string().nullable(),
      }),
    ),
    allowedActions: z.array(z.enum(MEASURE_ACTIONS)).describe('当前登录人此刻可执行的操作（按措施状态、其角色与部门计算）'),
  })
  .meta({ id: 'MeasureDetail' });

/** The workflow's own view, as an action answers it. */
export const measureState = z
  .object({
    measureId: z.string(),
    status: z.string(),
    list: z.string().nullable(),
    rag: z.string(),
    escalationLevel: z.number(),
    escalationName: z.string().nullable(),
    leadDepartmentId: z.string(),
    assignments: z.array(
      z.object({ departmentId: z.string(), role: z.string(), acknowledgedAt: z.string().nullable(), declinedAt: z.string().nullable(), declineReason: z.string().nullable() }),
    ),
    deadlineText: z.string(),
    deadlineAt: z.string().nullable(),
    acknowledgeDueAt: z.string().nullable(),
    round: z.unknown(),
    nextRoundAt: z.string().nullable(),
    reportDueAt: z.string().nullable(),
    reviewDueAt: z.string().nullable(),
    pending: z.array(z.unknown()),
    lastReport: z.unknown(),
    closureApplication: z.unknown(),
    pendingExtension: z.unknown(),
    flagged: z.unknown().describe('统筹协调部门手动挂牌督办的记录（at、by、reason），可取消；未手动挂牌为 null'),
    flaggedBy: z
      .enum(['office', 'ladder'])
      .nullable()
      .optional()
      .describe('挂牌督办即督办第4级：office 统筹协调部门手动挂牌；ladder 完成时限逾期按阶梯升级；未到第4级为 null'),
    closedAt: z.string().nullable(),
    rulesVersion: z.number(),
    workflowId: z.string(),
    newDeadlineReadAs: z
      .object({ text: z.string(), date: z.string(), description: z.string() })
      .optional()
      .describe('延期申请与审批：新的完成时限如何读取（原文、日期 YYYY-MM-DD、中文日期）'),
  })
  .meta({ id: 'MeasureState' });

const optionalDept = ref.optional().describe('部门用户可省略：默认为本部门');
/** A new deadline as the import reads 完成时限: 2027-06-30, 2027年6月底前, 2027年第二季度, 2027年底前. */
const newDeadlineText = text(100).describe('新的完成时限：2027-06-30，或导入所接受的写法（2027年6月底前、2027年第二季度、2027年底前），须落在某一天');
const reasonText = longText(2000);

/** Each measure action: its path, its body, who may call it. */
export const actionBodies = {
  acknowledge: z.strictObject({ departmentId: optionalDept }),
  decline: z.strictObject({ departmentId: optionalDept, reason: reasonText }),
  submitProgress: z.strictObject({
    departmentId: optionalDept,
    text: longText(10_000),
    percent: z.number().int().min(0).max(100).optional(),
    indicatorValue: z.number().finite().optional(),
    evidence: z.array(evidence).max(50).optional(),
  }),
  applyClosure: z.strictObject({ summary: longText(10_000), evidence: z.array(evidence).min(1, '申请销号须附佐证材料 / at least one piece of evidence').max(50) }),
  reviewClosure: z.strictObject({ decision: z.enum(['approve', 'return']), reason: multiline(2000).optional() }),
  requestExtension: z.strictObject({ newDeadline: newDeadlineText, reason: reasonText }),
  decideExtension: z.strictObject({ approve: z.boolean(), reason: multiline(2000).optional(), newDeadline: newDeadlineText.optional() }),
  reassignLead: z.strictObject({ departmentId: ref, reason: reasonText }),
  cancel: z.strictObject({ reason: reasonText }),
  flag: z.strictObject({ flagged: z.boolean(), reason: reasonText }),
} as const;

export const dispatchResult = z.object({
  id: z.string(),
  workflowId: z.string(),
  status: z.string(),
  newlyDispatched: z.boolean().describe('false：此前的交办已启动该措施的工作流，本次未再交办'),
  temporalUrl: z.string().nullable(),
});
