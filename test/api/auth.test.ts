// Signing in and out, sessions (bearer token and cookie), password changes, the first
// administrator, rate limits, security headers, CORS, and secrets kept out of the log.
import { Writable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { hashToken } from '../../api/auth/passwords.js';
import { sweep } from '../../api/plugins/housekeeping.js';
import { ensureFirstAdmin } from '../../api/routes/people/service.js';
import { auditEvents, idempotentRequests, people, sessions } from '../../db/schema/index.js';
import { createApiEnv, expectErrorShape, PASSWORD, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('auth', { worker: false });
});
afterAll(async () => api?.close());

const db = () => api.env.database.db;
const login = (username: string, password: string, headers: Record<string, string> = {}) =>
  api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers });

describe('sign in', () => {
  it('returns a bearer token, keeps only its SHA-256, and sets an httpOnly SameSite=Strict cookie', async () => {
    const res = await login('health', PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.person).toMatchObject({ username: 'health', role: 'department', departmentId: 'health', departmentName: '市卫生健康委员会' });
    expect(body.token).toMatch(/^[\w-]{40,}$/);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(11 * 3_600_000);
    const [row] = await db().select().from(sessions).where(eq(sessions.tokenHash, hashToken(body.token)));
    expect(row).toBeDefined();
    expect(JSON.stringify(await db().select().from(sessions))).not.toContain(body.token);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^tl_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    // The token must not be kept by a browser cache or a proxy.
    expect(res.headers['cache-control']).toBe('no-store');

    const me = await api.withToken(body.token, 'GET', '/api/auth/me');
    expect(me.json()).toMatchObject({ username: 'health' });
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'login'), eq(auditEvents.actor, api.ids.health)));
    expect(audit.length).toBeGreaterThan(0);
    expect(audit[0]!.measureId).toBeNull();
  });

  it('refuses a wrong password and an unknown person alike, and audits the attempt without the password', async () => {
    const refused = await login('health', 'Wrong-passw0rd');
    expect(refused.headers['cache-control']).toBe('no-store');
    const wrong = expectErrorShape(refused, 401, 'INVALID_CREDENTIALS');
    const nobody = expectErrorShape(await login('nobody', 'Wrong-passw0rd'), 401, 'INVALID_CREDENTIALS');
    expect(wrong.message).toBe(nobody.message);
    const failed = await db().select().from(auditEvents).where(eq(auditEvents.action, 'login_failed'));
    expect(failed.map((e) => (e.detail as { username: string }).username).sort()).toEqual(['health', 'nobody']);
    expect(JSON.stringify(failed)).not.toContain('Wrong-passw0rd');
  });

  it('refuses a deactivated person, and ends their sessions', async () => {
    const token = await api.login('hrss');
    const res = await api.req('admin', 'PATCH', `/api/people/${api.ids.hrss}`, { active: false });
    expect(res.statusCode).toBe(200);
    expectErrorShape(await api.withToken(token, 'GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
    expectErrorShape(await login('hrss', PASSWORD), 401, 'INVALID_CREDENTIALS');
    await api.req('admin', 'PATCH', `/api/people/${api.ids.hrss}`, { active: true });
    expect((await login('hrss', PASSWORD)).statusCode).toBe(200);
  });

  it('sweeps away sessions a day past their end and Idempotency-Key answers older than a week', async () => {
    const live = await api.login('finance');
    const old = await api.login('finance');
    await db().update(sessions).set({ expiresAt: new Date(Date.now() - 2 * 86_400_000) }).where(eq(sessions.tokenHash, hashToken(old)));
    await db().insert(idempotentRequests).values([
      { personId: api.ids.finance, key: 'old', method: 'POST', path: '/x', requestHash: 'h', statusCode: 200, responseBody: {}, createdAt: new Date(Date.now() - 8 * 86_400_000) },
      { personId: api.ids.finance, key: 'recent', method: 'POST', path: '/x', requestHash: 'h', statusCode: 200, responseBody: {}, createdAt: new Date() },
    ]);
    const swept = await sweep(api.app);
    expect(swept.sessions).toBeGreaterThanOrEqual(1);
    expect(swept.idempotent).toBe(1);
    expect(await db().select().from(sessions).where(eq(sessions.tokenHash, hashToken(old)))).toHaveLength(0);
    expect(await db().select().from(sessions).where(eq(sessions.tokenHash, hashToken(live)))).toHaveLength(1);
    expect((await db().select().from(idempotentRequests)).map((r) => r.key)).toContain('recent');
    expect((await db().select().from(idempotentRequests)).map((r) => r.key)).not.toContain('old');
  });

  it('lets a session expire', async () => {
    const token = await api.login('finance');
    await db().update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.tokenHash, hashToken(token)));
    const res = expectErrorShape(await api.withToken(token, 'GET', '/api/lists/supervision'), 401, 'UNAUTHORIZED');
    expect(res.message).toContain('重新登录');
  });

  it('asks for a token on every API route except login, and not on /health or /docs', async () => {
    expectErrorShape(await api.get(null, '/api/auth/me'), 401, 'UNAUTHORIZED');
    expectErrorShape(await api.get(null, '/api/lists/responsibility'), 401, 'UNAUTHORIZED');
    expect((await api.get(null, '/health')).statusCode).toBe(200);
    const docs = await api.get(null, '/docs');
    expect([200, 302]).toContain(docs.statusCode);
    const spec = (await api.get(null, '/docs/json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.paths['/api/measures/{id}/acknowledge'].post.summary).toContain('签收');
    expect(spec.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('cookie sessions for the dashboard', () => {
  it('reads the session cookie, and refuses a changing request from another origin', async () => {
    const res = await login('office', PASSWORD);
    const cookie = `tl_session=${res.json().token}`;
    expect((await api.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json().username).toBe('office');
    const foreign = await api.app.inject({ method: 'POST', url: '/api/policies', headers: { cookie, origin: 'https://evil.example.com' }, payload: { code: 'X-1', title: '跨站' } });
    expectErrorShape(foreign, 403, 'FORBIDDEN');
    const same = await api.app.inject({ method: 'POST', url: '/api/policies', headers: { cookie, origin: 'http://localhost:80', host: 'localhost:80' }, payload: { code: 'X-2', title: '同源' } });
    expect(same.statusCode).toBe(201);
  });
});

describe('sign out and password change', () => {
  it('ends the session on logout and clears the cookie', async () => {
    const token = await api.login('finance');
    const res = await api.withToken(token, 'POST', '/api/auth/logout', {});
    expect(res.statusCode).toBe(200);
    // Cleared with the attributes it was set with, or a browser keeps the old one.
    const cleared = String(res.headers['set-cookie']);
    expect(cleared).toMatch(/^tl_session=;/);
    for (const attribute of [/HttpOnly/, /SameSite=Strict/, /Path=\//, /Max-Age=0/]) expect(cleared).toMatch(attribute);
    expect(res.headers['cache-control']).toBe('no-store');
    expectErrorShape(await api.withToken(token, 'GET', '/api/auth/me'), 401);
    expect((await api.get('finance', '/api/auth/me')).statusCode).toBe(200); // other sessions live on
  });

  it('changes the password: checks the old one and the new one, and ends every other session', async () => {
    const current = await api.login('medsec-user').catch(() => null);
    expect(current).toBeNull();
    const created = await api.post('admin', '/api/people', { username: 'medsec-user', displayName: '医保经办', role: 'department', departmentId: 'medsec', password: PASSWORD });
    expect(created.statusCode).toBe(201);
    const a = await api.login('medsec-user');
    const b = await api.login('medsec-user');
    const wrongOld = expectErrorShape(await api.withToken(a, 'POST', '/api/auth/password', { currentPassword: 'not-it-123', newPassword: 'Brand-new-pass1' }), 422, 'VALIDATION');
    expect(wrongOld).toMatchObject({ field: 'currentPassword' });
    expect(wrongOld.message).toContain('原密码');
    const weak = expectErrorShape(await api.withToken(a, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'abcdefgh' }), 422, 'VALIDATION');
    expect(weak).toMatchObject({ field: 'newPassword' });
    const ok = await api.withToken(a, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'Brand-new-pass1' });
    expect(ok.statusCode).toBe(200);
    expect((await api.withToken(a, 'GET', '/api/auth/me')).statusCode).toBe(200);
    expectErrorShape(await api.withToken(b, 'GET', '/api/auth/me'), 401);
    expectErrorShape(await login('medsec-user', PASSWORD), 401);
    expect((await login('medsec-user', 'Brand-new-pass1')).statusCode).toBe(200);
    const audited = await db().select().from(auditEvents).where(eq(auditEvents.action, 'password_changed'));
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited)).not.toContain('Brand-new-pass1');
  });
});

describe('the first administrator', () => {
  it('is created once when no active admin exists, with a generated password printed by the caller', async () => {
    expect(await ensureFirstAdmin(db(), { username: 'root' })).toEqual({ created: false });
    await db().update(people).set({ active: false }).where(eq(people.role, 'admin'));
    try {
      const first = await ensureFirstAdmin(db(), { username: 'root' });
      expect(first.created).toBe(true);
      expect(first.generatedPassword).toMatch(/^[A-Za-z0-9]{16}$/);
      expect((await login('root', first.generatedPassword!)).json().person).toMatchObject({ role: 'admin' });
      expect(await ensureFirstAdmin(db(), { username: 'root' })).toEqual({ created: false });
      // A name already taken by someone who is not an admin is not silently promoted.
      await db().update(people).set({ active: false }).where(eq(people.role, 'admin'));
      await expect(ensureFirstAdmin(db(), { username: 'health', password: 'Given-passw0rd' })).rejects.toThrow(/ADMIN_USERNAME/);
      expect(await ensureFirstAdmin(db(), { username: 'root2', password: 'Given-passw0rd' })).toEqual({ created: true });
      expect((await login('root2', 'Given-passw0rd')).statusCode).toBe(200);
    } finally {
      await db().update(people).set({ active: true }).where(eq(people.username, 'admin'));
    }
  });
});

describe('security basics', () => {
  it('limits sign-in attempts per address', async () => {
    const app = await buildApp({ database: api.env.database, temporal: api.env.client, taskQueue: api.env.taskQueue, logLevel: 'silent', loginRateLimit: 3 });
    try {
      const attempt = () => app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'health', password: 'Wrong-passw0rd' } });
      for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
      const limited = expectErrorShape(await attempt(), 429, 'RATE_LIMITED');
      expect(limited.message).toContain('秒后再试');
      // Even the right password waits.
      expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'health', password: PASSWORD } })).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('behind a trusted proxy, counts sign-in attempts per client rather than per proxy', async () => {
    const app = await buildApp({ database: api.env.database, temporal: api.env.client, taskQueue: api.env.taskQueue, logLevel: 'silent', loginRateLimit: 2, trustProxy: 1 });
    try {
      const attempt = (client: string) =>
        app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'health', password: 'Wrong-passw0rd' }, headers: { 'x-forwarded-for': client } });
      expect((await attempt('203.0.113.7')).statusCode).toBe(401);
      expect((await attempt('203.0.113.7')).statusCode).toBe(401);
      expect((await attempt('203.0.113.7')).statusCode).toBe(429);
      expect((await attempt('198.51.100.9')).statusCode).toBe(401); // another client behind the same proxy
    } finally {
      await app.close();
    }
  });

  it('sends security headers, and CORS headers only to the configured origins', async () => {
    const res = await api.get('office', '/api/departments');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBeDefined();
    const preflight = (app: typeof api.app, origin: string) =>
      app.inject({ method: 'OPTIONS', url: '/api/departments', headers: { origin, 'access-control-request-method': 'GET' } });
    expect((await preflight(api.app, 'https://dash.example.gov.cn')).headers['access-control-allow-origin']).toBeUndefined();

    const app = await buildApp({ database: api.env.database, temporal: api.env.client, taskQueue: api.env.taskQueue, logLevel: 'silent', corsOrigins: ['https://dash.example.gov.cn'] });
    try {
      expect((await preflight(app, 'https://dash.example.gov.cn')).headers['access-control-allow-origin']).toBe('https://dash.example.gov.cn');
      expect((await preflight(app, 'https://evil.example.com')).headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('never writes a password, token or cookie to the log', async () => {
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await buildApp({ database: api.env.database, temporal: api.env.client, taskQueue: api.env.taskQueue, logLevel: 'trace', logStream });
    try {
      const ok = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: PASSWORD } });
      const token = ok.json().token as string;
      await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: 'Secret-wrong-99' } });
      await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}`, cookie: `tl_session=${token}` } });
      await app.inject({ method: 'POST', url: '/api/auth/password', headers: { authorization: `Bearer ${token}` }, payload: { currentPassword: 'Secret-old-77', newPassword: 'Secret-new-88' } });
      const log = lines.join('');
      expect(log.length).toBeGreaterThan(0); // request logging is on at trace
      for (const secret of [PASSWORD, 'Secret-wrong-99', 'Secret-old-77', 'Secret-new-88', token]) expect(log).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});
