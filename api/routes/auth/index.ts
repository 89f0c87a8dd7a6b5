// 登录、退出、修改密码. A session is a random bearer token, kept only as its SHA-256; the same
// token is also set as an httpOnly, SameSite=Strict cookie for the dashboard.
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { people, sessions } from '../../../db/schema/index.js';
import { audit } from '../../../db/queries/audit.js';
import { hashPassword, newToken, passwordProblem, verifyPassword } from '../../auth/passwords.js';
import { ApiError, invalid } from '../../errors.js';
import { principalOf, SESSION_COOKIE } from '../../plugins/auth.js';
import { errors, okBody } from '../../schemas/common.js';
import { loginBody, loginResponse, passwordBody, person } from '../../schemas/people.js';
import { personView } from '../people/service.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

  // Signing out clears the cookie with the very attributes it was set with, or a browser keeps it.
  const cookie = { httpOnly: true, sameSite: 'strict', secure: 'auto', path: '/' } as const;
  const setCookie = (reply: FastifyReply, token: string, expiresAt: Date) => reply.setCookie(SESSION_COOKIE, token, { ...cookie, expires: expiresAt });

  // Answers here carry a token or who is signed in: no browser or proxy may keep a copy.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.post(
    '/login',
    {
      config: { public: true, rateLimit: { max: app.settings.loginRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: '登录，取得 token',
        security: [],
        body: loginBody,
        response: { 200: loginResponse, ...errors(401, 422, 429) },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const [found] = await db.select().from(people).where(eq(people.username, username));
      const ok = await verifyPassword(password, found?.passwordHash);
      if (!found || !ok || !found.active) {
        await audit(db, { actor: found ? { id: found.id, role: found.role } : null, action: 'login_failed', detail: { username, ip: request.ip } });
        throw new ApiError(401, 'INVALID_CREDENTIALS', '用户名或密码错误 / wrong username or password');
      }
      const { token, tokenHash } = newToken();
      const expiresAt = new Date(Date.now() + app.settings.sessionTtlHours * 3_600_000);
      await db.insert(sessions).values({ tokenHash, personId: found.id, expiresAt });
      await audit(db, { actor: { id: found.id, role: found.role }, action: 'login', detail: { ip: request.ip } });
      setCookie(reply, token, expiresAt);
      return { token, expiresAt: expiresAt.toISOString(), person: await personView(db, found.id) };
    },
  );

  app.post(
    '/logout',
    { schema: { tags: ['auth'], summary: '退出登录（使当前 token 失效）', response: { 200: okBody, ...errors(401) } } },
    async (request, reply) => {
      const p = principalOf(request);
      await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, p.sessionId));
      await audit(db, { actor: p, action: 'logout' });
      reply.clearCookie(SESSION_COOKIE, cookie);
      return { ok: true as const };
    },
  );

  app.get('/me', { schema: { tags: ['auth'], summary: '当前登录人员', response: { 200: person, ...errors(401) } } }, async (request) =>
    personView(db, principalOf(request).id),
  );

  app.post(
    '/password',
    {
      schema: {
        tags: ['auth'],
        summary: '修改本人密码（其他会话随之失效）',
        body: passwordBody,
        response: { 200: okBody, ...errors(401, 422) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const [me] = await db.select().from(people).where(eq(people.id, p.id));
      if (!(await verifyPassword(request.body.currentPassword, me?.passwordHash))) throw invalid('原密码不正确 / current password is wrong', 'currentPassword');
      const problem = passwordProblem(request.body.newPassword, p.username);
      if (problem) throw invalid(problem, 'newPassword');
      if (request.body.newPassword === request.body.currentPassword) throw invalid('新密码不能与原密码相同 / the new password must differ', 'newPassword');
      await db.update(people).set({ passwordHash: await hashPassword(request.body.newPassword) }).where(eq(people.id, p.id));
      // Every other session ends: whoever knew the old password is signed out.
      await db
        .update(sessions)
        .set({ revokedAt: new Date() })
        .where(and(eq(sessions.personId, p.id), ne(sessions.id, p.sessionId), isNull(sessions.revokedAt)));
      await audit(db, { actor: p, action: 'password_changed' });
      return { ok: true as const };
    },
  );
};

export default routes;
