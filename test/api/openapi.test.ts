// The OpenAPI document at /docs/json as a client generator reads it: every operation named,
// tagged, with its answers described; errors are JSON everywhere; OpenAPI 3.0's `nullable` used
// only where it means something. Whether the server keeps to it is test/api/fuzz.test.ts's job.
// And the /docs page's security headers: upgrade-insecure-requests only over HTTPS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createApiEnv, type ApiEnv } from '../support/api.js';

type Json = Record<string, unknown>;
type Operation = Json & { operationId?: string; tags?: string[]; parameters?: Json[]; responses: Record<string, Json & { description: string; content?: Record<string, Json> }>; security?: unknown[] };

let api: ApiEnv;
let doc: Json & { paths: Record<string, Record<string, Operation>>; tags: Array<{ name: string; description: string }>; components: Json };
let operations: Array<{ method: string; path: string; op: Operation }>;

beforeAll(async () => {
  api = await createApiEnv('openapi', { worker: false });
  doc = (await api.get(null, '/docs/json')).json();
  operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
});
afterAll(() => api?.close());

/** Every schema object in the document, with where it is. */
function* schemas(node: unknown, at = '#'): Generator<[string, Json]> {
  if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* schemas(v, `${at}/${i}`);
  else if (typeof node === 'object' && node !== null) {
    yield [at, node as Json];
    for (const [k, v] of Object.entries(node)) if (k !== 'enum' && k !== 'example') yield* schemas(v, `${at}/${k}`);
  }
}

describe('the OpenAPI document', () => {
  it('names, tags and describes every operation, with tags declared in Chinese', () => {
    expect(operations.length).toBeGreaterThan(50);
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = new Map(doc.tags.map((t) => [t.name, t.description]));
    for (const { method, path, op } of operations) {
      expect(op.tags?.length, `${method} ${path}`).toBe(1);
      expect(declared.has(op.tags![0]!), `${method} ${path}: tag ${op.tags![0]}`).toBe(true);
      for (const [status, response] of Object.entries(op.responses)) expect(response.description, `${method} ${path} ${status}`).not.toBe('Default Response');
      expect(Object.keys(op.responses).some((s) => s.startsWith('2')), `${method} ${path} has a 2xx`).toBe(true);
    }
    for (const description of declared.values()) expect(description).toMatch(/[\u4e00-\u9fff]/);
  });

  it('declares the errors the parts in front of every handler give', () => {
    const statuses = (method: string, path: string) => Object.keys(doc.paths[path]![method]!.responses);
    // Signed in, with roles, a path parameter and a body: the whole set.
    expect(statuses('post', '/api/measures/{id}/acknowledge')).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409', '413', '414', '415', '422']));
    // A query string can be unreadable; a list type that does not exist is a 404.
    expect(statuses('get', '/api/lists/{list}')).toEqual(expect.arrayContaining(['200', '400', '401', '404', '414']));
    // Sign-in: no session needed, but rate-limited.
    expect(statuses('post', '/api/auth/login')).toEqual(expect.arrayContaining(['200', '401', '422', '429']));
    // Any query string may carry a character the API refuses, /health's too.
    expect(statuses('get', '/health')).toEqual(['200', '422', '503']);
    for (const { method, path, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (status.startsWith('4')) expect(response.content?.['application/json']?.schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it('answers exports and the template as .xlsx, and their errors as JSON', () => {
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    for (const path of ['/api/exports/lists/{list}', '/api/exports/scorecards', '/api/import/template.xlsx']) {
      const responses = doc.paths[path]!.get!.responses;
      expect(Object.keys(responses['200']!.content!)).toEqual([xlsx]);
      expect(responses['200']!.content![xlsx]!.schema).toEqual({ type: 'string', format: 'binary' });
      expect(Object.keys(responses['401']!.content!)).toEqual(['application/json']);
    }
  });

  it('documents Idempotency-Key on every signed-in POST, and only there', () => {
    for (const { method, path, op } of operations) {
      const header = op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      const signedIn = !(Array.isArray(op.security) && op.security.length === 0);
      expect(Boolean(header), `${method} ${path}`).toBe(method === 'post' && signedIn);
    }
  });

  it('uses nullable only beside a type, with null in a nullable enum', () => {
    const problems: string[] = [];
    for (const [at, s] of schemas(doc)) {
      if (s.nullable === undefined) continue;
      if (s.type === undefined) problems.push(`${at}: nullable without type`);
      if (Array.isArray(s.enum) && !s.enum.includes(null)) problems.push(`${at}: nullable enum without null`);
    }
    expect(problems).toEqual([]);
    const listItem = (doc.components.schemas as Record<string, { properties: Record<string, Json> }>).ListItem!;
    expect(listItem.properties.list!.enum).toContain(null);
  });

  it('declares both ways of signing in, and no schema nobody uses', () => {
    const components = doc.components as { securitySchemes: Json; schemas: Record<string, unknown> };
    expect(components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'tl_session' });
    expect(doc.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(doc.paths['/api/auth/login']!.post!.security).toEqual([]);
    const text = JSON.stringify(doc.paths);
    const unused = Object.keys(components.schemas).filter((name) => !text.includes(`"#/components/schemas/${name}"`) && !JSON.stringify(components.schemas).includes(`"#/components/schemas/${name}"`));
    expect(unused).toEqual([]);
  });
});

describe('the /docs page', () => {
  const upgrade = 'upgrade-insecure-requests';

  it('over plain HTTP does not tell the browser to fetch its scripts over HTTPS', async () => {
    const page = await api.get(null, '/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain(upgrade);
    expect((await api.get('office', '/api/departments')).headers['content-security-policy']).not.toContain(upgrade);
  });

  it('over HTTPS (a trusted proxy saying so) does', async () => {
    const app = await buildApp({ database: api.env.database, temporal: api.env.client, taskQueue: api.env.taskQueue, logLevel: 'silent', trustProxy: true });
    try {
      const https = { 'x-forwarded-proto': 'https' };
      expect((await app.inject({ method: 'GET', url: '/docs', headers: https })).headers['content-security-policy']).toContain(upgrade);
      expect((await app.inject({ method: 'GET', url: '/health', headers: https })).headers['content-security-policy']).toContain(upgrade);
      // Without the proxy's word, the same request is plain HTTP.
      expect((await app.inject({ method: 'GET', url: '/docs' })).headers['content-security-policy']).not.toContain(upgrade);
    } finally {
      await app.close();
    }
  });
});
