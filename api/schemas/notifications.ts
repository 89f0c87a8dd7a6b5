// Inbox, notification channels, failed deliveries and digests: request and response schemas.
import { z } from 'zod';
import { dayOfWeekSchema, digestScheduleSchema } from '../../activities/notifications/schedules.js';
import { line, pageQuery, queryBool, ref, uuid } from './common.js';

export const inboxMessage = z
  .object({
    id: z.number().int(),
    kind: z.string().describe('通知类型，如 measure.dispatched、escalation.deadline、digest.leader'),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable(),
    measureId: z.string().nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'InboxMessage' });

export const inboxQuery = z.strictObject({ unread: queryBool.optional(), ...pageQuery });
export const inboxPage = z.object({ items: z.array(inboxMessage), total: z.number().int(), unread: z.number().int() }).meta({ id: 'InboxPage' });
export const messageParams = z.strictObject({ id: z.coerce.number().int().positive() });

export const channelKind = z.enum(['email', 'wecom', 'dingtalk']);

export const channel = z
  .object({
    id: z.string(),
    departmentId: z.string().nullable(),
    personId: z.string().nullable(),
    kind: channelKind,
    target: z.string().describe('邮箱地址，或群机器人 Webhook（令牌部分隐去）'),
    hasSecret: z.boolean().describe('钉钉机器人是否设置了加签密钥'),
    enabled: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'NotificationChannel' });

const webhook = line(2000)
  .refine((s) => {
    try {
      return ['https:', 'http:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, '应为 http(s) 网址 / must be an http(s) URL');
const email = z.email('电子邮箱格式不正确 / not an email address');

/** A target must fit its kind: an address for email, a webhook URL for robots. */
export function targetProblem(kind: z.infer<typeof channelKind>, target: string): string | undefined {
  const r = (kind === 'email' ? email : webhook).safeParse(target);
  return r.success ? undefined : r.error.issues[0]!.message;
}

export const channelsQuery = z.strictObject({ departmentId: ref.optional(), personId: uuid.optional() });

export const createChannelBody = z
  .strictObject({
    departmentId: ref.optional(),
    personId: uuid.optional(),
    kind: channelKind,
    target: line(2000).min(1),
    secret: line(200).min(1).optional(),
    enabled: z.boolean().default(true),
  })
  .refine((b) => (b.departmentId === undefined) !== (b.personId === undefined), { message: '请指定部门或个人之一 / give departmentId or personId, not both', path: ['departmentId'] })
  .superRefine((b, ctx) => {
    const problem = targetProblem(b.kind, b.target);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['target'] });
    if (b.secret !== undefined && b.kind !== 'dingtalk') ctx.addIssue({ code: 'custom', message: '仅钉钉机器人可设置加签密钥 / only a DingTalk robot has a secret', path: ['secret'] });
  });

export const updateChannelBody = z
  .strictObject({
    target: line(2000).min(1),
    secret: line(200).min(1).nullable(),
    enabled: z.boolean(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, '请至少修改一项 / nothing to change');

export const channelTestResult = z
  .object({ ok: z.boolean(), error: z.string().nullable().describe('未发送成功的原因'), sentAt: z.string() })
  .meta({ id: 'ChannelTestResult' });

export const channelParams = z.strictObject({ id: uuid });

export const failedEntry = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    measureId: z.string().nullable(),
    recipientDepartmentId: z.string().nullable(),
    recipientPersonId: z.string().nullable(),
    recipientRole: z.string().nullable(),
    title: z.string(),
    attempts: z.number().int().describe('投递轮次 / delivery runs so far'),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveries: z.array(
      z.object({ id: z.number().int(), channel: z.string(), target: z.string(), status: z.enum(['pending', 'sent', 'failed']), attempts: z.number().int(), lastError: z.string().nullable(), sentAt: z.string().nullable() }),
    ),
  })
  .meta({ id: 'FailedNotification' });

export const outboxParams = z.strictObject({ id: z.coerce.number().int().positive() });

export const digestTargetQuery = z.strictObject({
  personId: uuid.optional().describe('领导（默认本人）'),
  audience: z.enum(['leader', 'office']).optional().describe('leader：领导的督办摘要；office：统筹协调部门每日汇总。省略时：领导看本人的摘要，统筹协调部门和管理员看每日汇总（给出 personId 时看该领导的）'),
});

export const digestPreview = z
  .object({
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    markdown: z.string(),
    content: z.record(z.string(), z.unknown()).describe('摘要内容：督办事项、红灯措施、两周内到期、销号、部门成绩单'),
  })
  .meta({ id: 'DigestPreview' });

export const digestSendBody = z.strictObject({ personId: uuid.optional(), audience: z.enum(['leader', 'office']).optional().describe('省略时同 GET /preview') });

export const subscription = z
  .object({
    personId: z.string(),
    schedule: digestScheduleSchema,
    enabled: z.boolean(),
    lastDigestAt: z.string().nullable(),
    timezone: z.literal('Asia/Shanghai'),
  })
  .meta({ id: 'DigestSubscription' });

export const subscriptionParams = z.strictObject({ personId: uuid });
export const updateSubscriptionBody = z
  .strictObject({ schedule: z.strictObject({ dayOfWeek: dayOfWeekSchema, hour: z.number().int().min(0).max(23), minute: z.number().int().min(0).max(59) }), enabled: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, '请至少修改一项 / nothing to change');
