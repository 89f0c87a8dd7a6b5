// 督办摘要: a leader's digest (or the office's daily summary) on demand — as it stands now, or sent
// now — and each leader's digest rhythm. A leader sees and sets their own; the office and admins
// any leader's, and the office's summary.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type DigestTarget, previewDigest } from '../../../activities/notifications/digest.js';
import { renderDigest } from '../../../activities/notifications/render.js';
import { DEFAULT_DIGEST_SCHEDULE, digestScheduleSchema, scheduleIds, syncLeaderDigest, TIMEZONE } from '../../../activities/notifications/schedules.js';
import { resolveSettings } from '../../../activities/notifications/settings.js';
import { audit } from '../../../db/queries/audit.js';
import { digestSubscriptions, people } from '../../../db/schema/index.js';
import type { digestWorkflow } from '../../../workflows/digest.js';
import { forbidden, notFound } from '../../errors.js';
import { isOffice } from '../../plugins/access.js';
import { type Principal, principalOf } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { digestPreview, digestSendBody, digestTargetQuery, subscription, subscriptionParams, updateSubscriptionBody } from '../../schemas/notifications.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const settings = resolveSettings(app.deps.notifications);
  const tags = ['digests'];
  const roles = { roles: ['admin' as const, 'coordination_office' as const, 'leader' as const] };

  /**
   * Whose digest: a leader's own by default; for the office and admins, the office's daily summary
   * unless they name a leader (their own "digest" would be nobody's).
   */
  async function targetOf(p: Principal, q: { personId?: string | undefined; audience?: 'leader' | 'office' | undefined }): Promise<DigestTarget> {
    const audience = q.audience ?? (isOffice(p) && !q.personId ? 'office' : 'leader');
    if (audience === 'office') {
      if (!isOffice(p)) throw forbidden('仅统筹协调部门可查看每日汇总 / the office summary is for the coordination office');
      return { audience: 'office' };
    }
    const personId = q.personId ?? p.id;
    if (!isOffice(p) && personId !== p.id) throw forbidden('只能查看本人的督办摘要 / only your own digest');
    await leader(personId);
    return { audience: 'leader', personId };
  }

  async function leader(personId: string) {
    const [row] = await db
      .select({ id: people.id })
      .from(people)
      .where(and(eq(people.id, personId), eq(people.role, 'leader'), eq(people.active, true)));
    if (!row) throw notFound('领导', 'personId');
  }

  app.get(
    '/preview',
    { config: roles, schema: { tags, summary: '督办摘要（即时生成，不发送）', querystring: digestTargetQuery, response: { 200: digestPreview, ...errors(400, 401, 403, 404) } } },
    async (request) => {
      const target = await targetOf(principalOf(request), request.query);
      const content = await previewDigest(db, target);
      if (!content) throw notFound('领导', 'personId');
      return { ...renderDigest(content, settings), content: content as unknown as Record<string, unknown> };
    },
  );

  app.post(
    '/send',
    { config: roles, schema: { tags, summary: '立即生成并发送督办摘要', body: digestSendBody, response: { 202: z.object({ workflowId: z.string() }), ...errors(401, 403, 404, 422) } } },
    async (request, reply) => {
      const p = principalOf(request);
      const target = await targetOf(p, request.body);
      const ids = scheduleIds(settings);
      const workflowId = `${target.audience === 'office' ? ids.office : ids.leader(target.personId)}-now-${randomUUID()}`;
      await app.deps.temporal.workflow.start<typeof digestWorkflow>('digestWorkflow', { taskQueue: app.deps.taskQueue, workflowId, args: [target] });
      await audit(db, { actor: p, action: 'digest_requested', detail: { ...target, workflowId } });
      return reply.status(202).send({ workflowId });
    },
  );

  async function subscriptionView(personId: string): Promise<z.infer<typeof subscription>> {
    const [row] = await db.select().from(digestSubscriptions).where(eq(digestSubscriptions.personId, personId));
    const parsed = digestScheduleSchema.safeParse(row?.schedule ?? DEFAULT_DIGEST_SCHEDULE);
    return {
      personId,
      schedule: parsed.success ? parsed.data : DEFAULT_DIGEST_SCHEDULE,
      enabled: row?.enabled ?? true,
      lastDigestAt: row?.lastDigestAt?.toISOString() ?? null,
      timezone: TIMEZONE,
    };
  }

  app.get(
    '/subscriptions/:personId',
    { config: roles, schema: { tags, summary: '领导的摘要周期（默认每周一09:00）', params: subscriptionParams, response: { 200: subscription, ...errors(401, 403, 404) } } },
    async (request) => {
      const target = await targetOf(principalOf(request), { personId: request.params.personId, audience: 'leader' });
      return subscriptionView((target as { personId: string }).personId);
    },
  );

  app.put(
    '/subscriptions/:personId',
    { config: roles, schema: { tags, summary: '设置领导的摘要周期或停用', params: subscriptionParams, body: updateSubscriptionBody, response: { 200: subscription, ...errors(401, 403, 404, 422) } } },
    async (request) => {
      const p = principalOf(request);
      const { personId } = (await targetOf(p, { personId: request.params.personId, audience: 'leader' })) as { personId: string };
      const b = request.body;
      const set = { ...(b.schedule ? { schedule: b.schedule } : {}), ...(b.enabled !== undefined ? { enabled: b.enabled } : {}) };
      await db
        .insert(digestSubscriptions)
        .values({ personId, ...set })
        .onConflictDoUpdate({ target: digestSubscriptions.personId, set });
      // The schedule follows at once; were Temporal unreachable now, the sweeper catches up within a minute.
      try {
        await syncLeaderDigest({ client: app.deps.temporal, db, taskQueue: app.deps.taskQueue, settings }, personId);
      } catch (err) {
        request.log.warn({ err }, 'digest schedule not updated; the sweeper will');
      }
      await audit(db, { actor: p, action: 'digest_subscription_changed', detail: { personId, ...set } });
      return subscriptionView(personId);
    },
  );
};

export default routes;
