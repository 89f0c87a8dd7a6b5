// The OpenAPI 3.0 finishing touches on what zod's converter writes, and the operationIds.
import { describe, expect, it } from 'vitest';
import { dropUnusedSchemas, fixNullable } from '../../api/openapi/document.js';
import { derivedErrorStatuses, operationIdOf } from '../../api/openapi/operations.js';

describe('nullable as OpenAPI 3.0 means it', () => {
  it('lists null in a nullable enum', () => {
    expect(fixNullable({ type: 'string', enum: ['a', 'b'], nullable: true })).toEqual({ type: 'string', enum: ['a', 'b', null], nullable: true });
  });

  it('drops nullable from an untyped schema, which admits null already', () => {
    expect(fixNullable({ nullable: true, description: 'x' })).toEqual({ description: 'x' });
  });

  it('makes a nullable reference "the reference, or null"', () => {
    const fixed = fixNullable({ nullable: true, description: 'dry run: null', allOf: [{ $ref: '#/components/schemas/Policy' }] }) as Record<string, unknown>;
    expect(fixed).toEqual({ description: 'dry run: null', anyOf: [{ $ref: '#/components/schemas/Policy' }, { type: 'object', nullable: true, enum: [null], description: '无 / none' }] });
  });

  it('reaches nested schemas and leaves examples alone', () => {
    const fixed = fixNullable({ properties: { list: { type: 'string', enum: ['x'], nullable: true } }, example: { nullable: true } }) as { properties: { list: { enum: unknown[] } }; example: unknown };
    expect(fixed.properties.list.enum).toEqual(['x', null]);
    expect(fixed.example).toEqual({ nullable: true });
  });
});

it('keeps only the component schemas something refers to, directly or through another', () => {
  const doc = {
    paths: { '/a': { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } } } } },
    components: { schemas: { A: { properties: { b: { $ref: '#/components/schemas/B' } } }, B: {}, AInput: {} } },
  };
  expect(Object.keys((dropUnusedSchemas(doc).components as { schemas: object }).schemas)).toEqual(['A', 'B']);
});

it('names operations after method and path', () => {
  expect(operationIdOf('POST', '/api/measures/:id/submit-progress')).toBe('postMeasuresByIdSubmitProgress');
  expect(operationIdOf('GET', '/api/import/template.xlsx')).toBe('getImportTemplateXlsx');
  expect(operationIdOf('GET', '/health')).toBe('getHealth');
});

it('derives the error statuses from what the route is', () => {
  const sorted = (s: number[]) => [...s].sort();
  // Public, rate-limited, with a body: sign-in.
  expect(sorted(derivedErrorStatuses({ method: 'POST', url: '/api/auth/login', config: { public: true, rateLimit: {} } }, { body: {} }))).toEqual([400, 413, 415, 422, 429, 503]);
  // Signed in, roles, path parameter, body, POST.
  expect(sorted(derivedErrorStatuses({ method: 'POST', url: '/api/measures/:id/cancel', config: { roles: ['admin'] } }, { params: {}, body: {} }))).toEqual([400, 401, 403, 404, 409, 413, 414, 415, 422, 503]);
  // A plain signed-in read.
  expect(sorted(derivedErrorStatuses({ method: 'GET', url: '/api/auth/me', config: {} }, {}))).toEqual([401, 422, 503]);
  // Outside the API: no database behind it.
  expect(sorted(derivedErrorStatuses({ method: 'GET', url: '/docs/json', config: { public: true } }, {}))).toEqual([422]);
});
