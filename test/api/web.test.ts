// The dashboard served by the API process: its page at `/` and at every path a person may open
// (SPA fallback), its built files cached for good, while /api, /docs and /health are unchanged
// and an unknown API path still gets the JSON 404. The build itself comes from the test setup.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_ROOT } from '../../api/plugins/web.js';
import { createApiEnv, expectErrorShape, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('web', { worker: false });
});
afterAll(async () => api?.close());

const isPage = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
  expect(res.statusCode).toBe(200);
  expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
  expect(res.body).toContain('<div id="root"></div>');
  expect(res.headers['cache-control']).toBe('no-cache');
};

describe('the dashboard', () => {
  it('is served at / and at every page address, reload included, without signing in', async () => {
    for (const url of ['/', '/login', '/office?list=supervision&rag=red', `/measures/${crypto.randomUUID()}`, '/admin/people/']) {
      isPage(await api.get(null, url));
    }
  });

  it('runs under a strict CSP: scripts of this origin only, no upgrade to HTTPS on a LAN', async () => {
    const csp = String((await api.get(null, '/measures/x')).headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('serves built files cached for good, and a missing file as a 404, not as the page', async () => {
    const asset = readdirSync(path.join(WEB_ROOT, 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await api.get(null, `/assets/${asset}`);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectErrorShape(await api.get(null, '/assets/missing-0000.js'), 404, 'NOT_FOUND');
    expectErrorShape(await api.get(null, '/favicon.ico'), 404, 'NOT_FOUND');
  });

  it('leaves the API alone: unknown API paths get the JSON 404, other methods are not the page', async () => {
    expectErrorShape(await api.get('office', '/api/no-such-thing'), 404, 'NOT_FOUND');
    expectErrorShape(await api.get(null, '/api/measures/x/y/z'), 404, 'NOT_FOUND');
    expectErrorShape(await api.get(null, '/docs/no-such-page'), 404, 'NOT_FOUND');
    expectErrorShape(await api.post('office', '/measures/x', {}), 404, 'NOT_FOUND');
    expectErrorShape(await api.get(null, '/api/auth/me'), 401, 'UNAUTHORIZED');
    expect((await api.get(null, '/health')).headers['content-type']).toMatch(/json/);
    const doc = (await api.get(null, '/docs/json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/') && p !== '/health')).toEqual([]);
  });
});
