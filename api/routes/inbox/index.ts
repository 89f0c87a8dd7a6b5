// 站内消息 (everyone signed in): one's own inbox, newest first, and marking messages read.
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inboxMessages } from '../../../db/schema/index.js';
import { notFound } from '../../errors.js';
import { principalOf } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { inboxMessage, inboxPage, inboxQuery, messageParams } from '../../schemas/notifications.js';

type Row = typeof inboxMessages.$inferSelect;
const view = (m: Row): z.infer<typeof inboxMessage> => ({
  id: m.id,
  kind: m.kind,
  title: m.title,
  body: m.body,
  link: m.link,
  measureId: m.measureId,
  createdAt: m.createdAt.toISOString(),
  readAt: m.readAt?.toISOString() ?? null,
});

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const tags = ['inbox'];

  app.get('/', { schema: { tags, summary: '我的站内消息', querystring: inboxQuery, response: { 200: inboxPage, ...errors(400, 401) } } }, async (request) => {
    const me = principalOf(request).id;
    const { unread, page, pageSize } = request.query;
    const mine = eq(inboxMessages.personId, me);
    const where = unread ? and(mine, isNull(inboxMessages.readAt)) : mine;
    const [rows, [total], [unreadCount]] = await Promise.all([
      db
        .select()
        .from(inboxMessages)
        .where(where)
        .orderBy(desc(inboxMessages.createdAt), desc(inboxMessages.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(inboxMessages).where(where),
      db.select({ n: count() }).from(inboxMessages).where(and(mine, isNull(inboxMessages.readAt))),
    ]);
    return { items: rows.map(view), total: total!.n, unread: unreadCount!.n };
  });

  app.post(
    '/:id/read',
    { schema: { tags, summary: '标记为已读', params: messageParams, response: { 200: inboxMessage, ...errors(401, 404) } } },
    async (request) => {
      const me = principalOf(request).id;
      const where = and(eq(inboxMessages.id, request.params.id), eq(inboxMessages.personId, me));
      // Read once: a second call keeps the first time it was read.
      await db.update(inboxMessages).set({ readAt: new Date() }).where(and(where, isNull(inboxMessages.readAt)));
      const [row] = await db.select().from(inboxMessages).where(where);
      if (!row) throw notFound('消息', 'id');
      return view(row);
    },
  );

  app.post(
    '/read-all',
    { schema: { tags, summary: '全部标记为已读', response: { 200: z.object({ updated: z.number().int() }), ...errors(401) } } },
    async (request) => {
      const me = principalOf(request).id;
      const rows = await db
        .update(inboxMessages)
        .set({ readAt: new Date() })
        .where(and(eq(inboxMessages.personId, me), isNull(inboxMessages.readAt)))
        .returning({ id: inboxMessages.id });
      return { updated: rows.length };
    },
  );
};

export default routes;
