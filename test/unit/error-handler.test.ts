// The one error shape for every rejection the measure workflow can give, and for Fastify's own
// errors, without a server or a database.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureActionError } from '../../api/measure-client.js';
import errorHandler from '../../api/plugins/error-handler.js';
import security from '../../api/plugins/security.js';
import { loadConfig } from '../../runtime/config.js';

const app = Fastify({ logger: false });
beforeAll(async () => {
  await app.register(security, { corsOrigins: [] });
  await app.register(errorHandler);
  app.get('/reject/:code', async (request) => {
    throw new MeasureActionError((request.params as { code: string }).code, '中文说明 / English', 'reason');
  });
  app.get('/boom', async () => {
    throw new Error('secret detail');
  });
  await app.ready();
});
afterAll(() => app.close());

describe('error handler', () => {
  it('maps each workflow rejection to its status, keeping code, message and field', async () => {
    const expected: Record<string, number> = { FORBIDDEN: 403, NOT_ASSIGNED: 403, INVALID_STATE: 409, ALREADY_DONE: 409, MEASURE_CLOSED: 409, VALIDATION: 422, SOMETHING_NEW: 409 };
    for (const [code, status] of Object.entries(expected)) {
      const res = await app.inject({ method: 'GET', url: `/reject/${code}` });
      expect([code, res.statusCode]).toEqual([code, status]);
      // A 422 also lists its problem in `errors`, as every validation answer does.
      expect(res.json()).toEqual({ code, message: '中文说明 / English', field: 'reason', ...(status === 422 ? { errors: [{ field: 'reason', message: '中文说明 / English' }] } : {}) });
    }
  });

  it('hides an unexpected error behind a 500 in the same shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'INTERNAL', message: '服务器内部错误 / internal error' });
  });

  it('answers unknown routes with 404 in the same shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: '未找到 / not found: GET /nowhere' });
  });
});

describe('API settings', () => {
  it('reads CORS origins, proxy trust and limits, naming a bad one', () => {
    const c = loadConfig({ CORS_ORIGINS: 'https://a.example.gov.cn, https://b.example.gov.cn/', TRUST_PROXY: '1', LOGIN_RATE_LIMIT: '5' });
    expect(c.CORS_ORIGINS).toEqual(['https://a.example.gov.cn', 'https://b.example.gov.cn']);
    expect(c.TRUST_PROXY).toBe(1);
    expect(loadConfig({}).CORS_ORIGINS).toEqual([]);
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(loadConfig({}).ADMIN_USERNAME).toBe('admin');
    expect(() => loadConfig({ CORS_ORIGINS: 'dashboard' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => loadConfig({ SESSION_TTL_HOURS: '0' })).toThrow(/SESSION_TTL_HOURS/);
  });
});
