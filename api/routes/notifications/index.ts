// 通知渠道 and 投递失败: where a department's or a person's notifications go besides the inbox
// (email, WeCom or DingTalk robots), and, for admins, the entries that could not be delivered,
// with a retry. The office and admins manage every channel; a department user their department's
// and their own; a leader their own.
import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { measureNumber } from '../../../activities/notifications/render.js';
import { randomUUID } from 'node:crypto';
import { createMailer, sendEmail, sendRobot } from '../../../activities/notifications/channels.js';
import { escapeHtml } from '../../../activities/notifications/render.js';
import { resolveSettings, type NotificationSettings } from '../../../activities/notifications/settings.js';
import { formatDateTime } from '../../../common/dates.js';
import { retryOutboxEntry } from '../../../activities/notifications/start.js';
import { audit } from '../../../db/queries/audit.js';
import { departments, measures, notificationChannels, notificationDeliveries, notificationOutbox, people, policies } from '../../../db/schema/index.js';
import { conflict, forbidden, invalid, notFound } from '../../errors.js';
import { isOffice } from '../../plugins/access.js';
import { type Principal, principalOf } from '../../plugins/auth.js';
import { errors, okBody } from '../../schemas/common.js';
import { channel, channelParams, channelTestResult, channelsQuery, createChannelBody, failedEntry, outboxParams, targetProblem, updateChannelBody } from '../../schemas/notifications.js';

type ChannelRow = typeof notificationChannels.$inferSelect;

const TEST_TIMEOUT_MS = 8_000;

/** Sends a test message through one channel: null when it went, else why not (in Chinese). */
async function sendTest(row: ChannelRow, settings: NotificationSettings, by: string): Promise<string | null> {
  const at = formatDateTime(new Date());
  const message = {
    subject: '【三张清单】通知渠道测试',
    text: `这是一条测试消息（${by}，${at}），收到即表示此渠道可正常接收督办通知。\n${settings.publicUrl}/`,
    html: `<p>这是一条测试消息（${escapeHtml(by)}，${at}），收到即表示此渠道可正常接收督办通知。</p><p><a href="${escapeHtml(settings.publicUrl)}/">打开三张清单</a></p>`,
    markdown: `**三张清单：通知渠道测试**\n\n这是一条测试消息（${by}，${at}），收到即表示此渠道可正常接收督办通知。\n\n[打开三张清单](${settings.publicUrl}/)`,
    link: `${settings.publicUrl}/`,
  };
  const key = `channel-test:${row.id}:${randomUUID()}`;
  let send: Promise<void>;
  if (row.kind === 'email') {
    if (!settings.smtpUrl) return '未配置邮件服务器（SMTP_URL），无法发送邮件';
    send = sendEmail(createMailer(settings.smtpUrl), { from: settings.mailFrom, to: row.target, key, message });
  } else {
    send = sendRobot(row.kind, { webhook: row.target, secret: row.secret, key, message });
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`${TEST_TIMEOUT_MS / 1000} 秒内未发送成功，请检查地址或网络`), TEST_TIMEOUT_MS);
  });
  // Settled either way, so a send that fails after the timeout won is not an unhandled rejection.
  const outcome = send.then(
    () => null,
    (err: unknown) => `发送失败：${(err as Error).message}`,
  );
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Webhook URLs carry the robot's token: shown with its middle hidden. */
export function maskTarget(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return target;
  }
  if (!/^https?:$/.test(url.protocol)) return target;
  for (const [k, v] of [...url.searchParams]) url.searchParams.set(k, v.length > 8 ? `${v.slice(0, 4)}…${v.slice(-4)}` : '…');
  return url.toString();
}

const channelView = (c: ChannelRow): z.infer<typeof channel> => ({
  id: c.id,
  departmentId: c.departmentId,
  personId: c.personId,
  kind: c.kind,
  target: c.kind === 'email' ? c.target : maskTarget(c.target),
  hasSecret: c.secret !== null,
  enabled: c.enabled,
  createdAt: c.createdAt.toISOString(),
});

function mayManage(p: Principal, owner: { departmentId: string | null; personId: string | null }): boolean {
  if (isOffice(p)) return true;
  if (owner.personId) return owner.personId === p.id;
  return p.role === 'department' && p.departmentId !== null && owner.departmentId === p.departmentId;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const settings = resolveSettings(app.deps.notifications);
  const tags = ['notifications'];

  app.get('/channels', { schema: { tags, summary: '通知渠道列表', querystring: channelsQuery, response: { 200: z.array(channel), ...errors(400, 401) } } }, async (request) => {
    const p = principalOf(request);
    const { departmentId, personId } = request.query;
    const filters: SQL[] = [];
    if (departmentId) filters.push(eq(notificationChannels.departmentId, departmentId));
    if (personId) filters.push(eq(notificationChannels.personId, personId));
    if (!isOffice(p)) {
      const own = [eq(notificationChannels.personId, p.id), ...(p.role === 'department' && p.departmentId ? [eq(notificationChannels.departmentId, p.departmentId)] : [])];
      filters.push(or(...own)!);
    }
    const rows = await db
      .select()
      .from(notificationChannels)
      .where(and(...filters))
      .orderBy(notificationChannels.createdAt);
    return rows.map(channelView);
  });

  app.post(
    '/channels',
    { schema: { tags, summary: '新增通知渠道（部门或个人）', body: createChannelBody, response: { 201: channel, ...errors(401, 403, 404, 422) } } },
    async (request, reply) => {
      const p = principalOf(request);
      const b = request.body;
      const owner = { departmentId: b.departmentId ?? null, personId: b.personId ?? null };
      if (!mayManage(p, owner)) throw forbidden('只能设置本部门或本人的通知渠道 / only your department’s or your own channels');
      if (owner.departmentId && !(await db.select({ id: departments.id }).from(departments).where(eq(departments.id, owner.departmentId))).length) throw notFound('部门', 'departmentId');
      if (owner.personId && !(await db.select({ id: people.id }).from(people).where(eq(people.id, owner.personId))).length) throw notFound('人员', 'personId');
      const [row] = await db
        .insert(notificationChannels)
        .values({ ...owner, kind: b.kind, target: b.target, secret: b.secret ?? null, enabled: b.enabled })
        .returning();
      await audit(db, { actor: p, action: 'channel_created', detail: { channelId: row!.id, ...owner, kind: b.kind, target: channelView(row!).target } });
      return reply.status(201).send(channelView(row!));
    },
  );

  async function ownChannel(p: Principal, id: string): Promise<ChannelRow> {
    const [row] = await db.select().from(notificationChannels).where(eq(notificationChannels.id, id));
    if (!row || !mayManage(p, row)) throw notFound('通知渠道', 'id');
    return row;
  }

  app.patch(
    '/channels/:id',
    { schema: { tags, summary: '修改通知渠道（地址、加签密钥、启用）', params: channelParams, body: updateChannelBody, response: { 200: channel, ...errors(401, 404, 422) } } },
    async (request) => {
      const p = principalOf(request);
      const row = await ownChannel(p, request.params.id);
      const b = request.body;
      if (b.target !== undefined) {
        const problem = targetProblem(row.kind, b.target);
        if (problem) throw invalid(`地址：${problem}`, 'target');
      }
      // Only a DingTalk robot signs with a secret; on any other channel it would change nothing.
      if (b.secret !== undefined && row.kind !== 'dingtalk') throw invalid('加签密钥（secret）：仅钉钉机器人可设置 / only a DingTalk robot has a secret', 'secret');
      const [updated] = await db
        .update(notificationChannels)
        .set({
          ...(b.target !== undefined ? { target: b.target } : {}),
          ...(b.secret !== undefined ? { secret: b.secret } : {}),
          ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
        })
        .where(eq(notificationChannels.id, row.id))
        .returning();
      await audit(db, { actor: p, action: 'channel_updated', detail: { channelId: row.id, enabled: b.enabled, targetChanged: b.target !== undefined, secretChanged: b.secret !== undefined } });
      return channelView(updated!);
    },
  );

  app.delete('/channels/:id', { schema: { tags, summary: '删除通知渠道', params: channelParams, response: { 200: okBody, ...errors(401, 404) } } }, async (request) => {
    const p = principalOf(request);
    const row = await ownChannel(p, request.params.id);
    await db.delete(notificationChannels).where(eq(notificationChannels.id, row.id));
    await audit(db, { actor: p, action: 'channel_deleted', detail: { channelId: row.id, kind: row.kind } });
    return { ok: true as const };
  });

  app.post(
    '/channels/:id/test',
    {
      schema: {
        tags,
        summary: '发送测试消息（检验渠道是否可用）',
        description: '立即通过该渠道发送一条测试消息，不经发件箱、不重试；`ok` 为 false 时 `error` 说明原因（如邮件服务器未配置、Webhook 无效）。最长约 8 秒。',
        params: channelParams,
        response: { 200: channelTestResult, ...errors(401, 404) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const row = await ownChannel(p, request.params.id);
      const error = await sendTest(row, settings, p.displayName);
      await audit(db, { actor: p, action: 'channel_tested', detail: { channelId: row.id, kind: row.kind, ok: error === null } });
      return { ok: error === null, error, sentAt: new Date().toISOString() };
    },
  );

  const admin = { roles: ['admin' as const] };

  app.get(
    '/failed',
    { config: admin, schema: { tags, summary: '投递失败的通知（管理员）', response: { 200: z.array(failedEntry), ...errors(401, 403) } } },
    async () => {
      const entries = await db.select().from(notificationOutbox).where(eq(notificationOutbox.status, 'failed')).orderBy(desc(notificationOutbox.createdAt)).limit(500);
      const deliveries = entries.length
        ? await db.select().from(notificationDeliveries).where(inArray(notificationDeliveries.outboxId, entries.map((e) => e.id))).orderBy(notificationDeliveries.id)
        : [];
      const measureIds = [...new Set(entries.map((e) => e.measureId).filter((x): x is string => x !== null))];
      const policyOf = new Map(
        measureIds.length
          ? (await db.select({ id: measures.id, title: policies.title }).from(measures).innerJoin(policies, eq(policies.id, measures.policyId)).where(inArray(measures.id, measureIds))).map((r) => [r.id, r.title])
          : [],
      );
      return entries.map((e) => {
        const payload = e.payload as { title?: unknown; measureSeq?: unknown };
        return {
          id: e.id,
          kind: e.kind,
          measureId: e.measureId,
          recipientDepartmentId: e.recipientDepartmentId,
          recipientPersonId: e.recipientPersonId,
          recipientRole: e.recipientRole,
          title: payload.measureSeq !== undefined ? `${measureNumber(e.measureId ? policyOf.get(e.measureId) : null, payload.measureSeq)} ${String(payload.title ?? '')}` : String(payload.title ?? e.kind),
          attempts: e.attempts,
          lastError: e.lastError,
          createdAt: e.createdAt.toISOString(),
          deliveries: deliveries
            .filter((d) => d.outboxId === e.id)
            .map((d) => ({ id: d.id, channel: d.channel, target: d.channel === 'email' ? d.target : maskTarget(d.target), status: d.status, attempts: d.attempts, lastError: d.lastError, sentAt: d.sentAt?.toISOString() ?? null })),
        };
      });
    },
  );

  app.post(
    '/outbox/:id/retry',
    { config: admin, schema: { tags, summary: '重新投递失败的通知（管理员）：只重发失败的渠道', params: outboxParams, response: { 202: z.object({ status: z.literal('started') }), ...errors(401, 403, 404, 409) } } },
    async (request, reply) => {
      const p = principalOf(request);
      const result = await retryOutboxEntry(db, app.deps.temporal, app.deps.taskQueue, settings, request.params.id);
      if (result === 'not_found') throw notFound('通知', 'id');
      if (result === 'not_failed') throw conflict('INVALID_STATE', '该通知未处于投递失败状态 / the entry has not failed');
      await audit(db, { actor: p, action: 'notification_retried', detail: { outboxId: request.params.id } });
      return reply.status(202).send({ status: 'started' as const });
    },
  );
};

export default routes;
