// Requests for the fuzz test, planned from one operation of the OpenAPI document: who sends it
// (every role, anonymous, a forged token, a cookie from a foreign site), its path parameters, query
// string, headers and body — valid, hostile, or broken at the HTTP level (malformed JSON, the
// wrong Content-Type, too large, undecodable bytes). A plan refers to rows by pool and index, and
// is made into a request only when it is sent, against the rows that exist then.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import type { Operation, Schema } from './contract.js';
import { hostileValue, isPoolRef, poolKindOf, valueOf, type PoolKind, type PoolRef } from './values.js';

export type Who = 'anonymous' | 'admin' | 'office' | 'health' | 'finance' | 'leader';
export const SIGNED_IN: Exclude<Who, 'anonymous'>[] = ['admin', 'office', 'health', 'finance', 'leader'];
const USERS_OF_ROLE: Record<string, Who[]> = { admin: ['admin'], coordination_office: ['office'], department: ['health', 'finance'], leader: ['leader'] };

type Auth = 'bearer' | 'cookie' | 'cookie-foreign-origin' | 'forged-token' | 'malformed-header' | 'none';

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; type: string | undefined; text: string }
  | { kind: 'bytes'; type: string; size: number }
  | { kind: 'workbook'; title: unknown; header: string[]; rows: unknown[][] }
  | { kind: 'multipart'; field: string; filename: unknown; content: 'pdf' | 'png' | 'text' | 'zeros' | 'oversize'; size: number };

export interface Plan {
  op: Operation;
  who: Who;
  auth: Auth;
  path: Record<string, unknown>;
  /** Replaces the encoded path parameters: bytes a client should not send there. */
  rawSegment: string | undefined;
  query: Array<[string, unknown]>;
  rawQuery: string | undefined;
  body: Body;
  idempotencyKey: { kind: 'fresh' | 'reuse' | 'invalid'; value: string; i: number } | undefined;
}

export type Doc = Parameters<typeof valueOf>[0];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Larger than the fuzz app's body limit: answered 413. */
export const OVERSIZE = 300 * 1024;

function whoOf(op: Operation): fc.Arbitrary<Who> {
  if (op.public) return fc.constantFrom<Who>('anonymous', ...SIGNED_IN);
  const allowed = op.roles ? op.roles.flatMap((r) => USERS_OF_ROLE[r] ?? []) : SIGNED_IN;
  const others: Who[] = ['anonymous', ...SIGNED_IN.filter((w) => !allowed.includes(w))];
  return fc.oneof({ weight: 7, arbitrary: fc.constantFrom(...allowed) }, { weight: 3, arbitrary: fc.constantFrom(...others) });
}

const authOf = (who: Who): fc.Arbitrary<Auth> =>
  who === 'anonymous'
    ? fc.constantFrom<Auth>('none', 'none', 'forged-token', 'malformed-header')
    : fc.oneof({ weight: 20, arbitrary: fc.constant<Auth>('bearer') }, { weight: 1, arbitrary: fc.constantFrom<Auth>('cookie', 'cookie-foreign-origin') });

const RAW_SEGMENTS = ['%ff', '%', '%zz', '..', '%2e%2e', '%00', 'a%2Fb', 'x'.repeat(101), '9'.repeat(400), encodeURIComponent('测'.repeat(60))];
const RAW_QUERIES = ['%ff', 'q=%ff', 'q=%E6%B5', '%', 'a=%zz', 'page[a]=1', '&&&=', 'q=%00', `q=${'x'.repeat(5000)}`, 'page=1&page=2'];

function pathValue(doc: Doc, op: Operation, name: string, schema: Schema): fc.Arbitrary<unknown> {
  const resource = op.path.split('/')[op.path.split('/').indexOf(`{${name}}`) - 1];
  const kind = poolKindOf(name, resource) ?? poolKindOf(name);
  const options: Array<fc.WeightedArbitrary<unknown>> = [{ weight: 3, arbitrary: valueOf(doc, schema, name, { hostileOneIn: 4 }) }];
  if (kind) options.push({ weight: 12, arbitrary: fc.record({ $pool: fc.constant(kind), i: fc.nat(1000) }) });
  // A measure's actions: mostly on measures still open, where they can succeed.
  if (kind === 'measure' && /\/\{id\}\//.test(op.path)) options.push({ weight: 24, arbitrary: fc.record({ $pool: fc.constant<PoolKind>('openMeasure'), i: fc.nat(1000) }) });
  return fc.oneof(...options);
}

function bodyOf(doc: Doc, op: Operation): fc.Arbitrary<Body> {
  const broken: Array<fc.WeightedArbitrary<Body>> = [
    { weight: 1, arbitrary: fc.constantFrom('{"a":', '{', 'nul', '{"x":1}}', '\u0000', '{"a":"\\ud800"}', '{"a":1,"a":2}').map((text): Body => ({ kind: 'text', type: 'application/json', text })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'text', type: 'application/json', text: '' }) },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1').map((type): Body => ({ kind: 'text', type, text: '{"a":1}' })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'bytes', type: 'application/json', size: OVERSIZE }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>([], 'text', 123, null, true, [{}]).map((value): Body => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"x":1}}}').map((text): Body => ({ kind: 'text', type: 'application/json', text })) },
  ];
  if (!op.body) {
    // No body documented: most clients send none, some send one anyway.
    if (op.method === 'GET') return fc.oneof({ weight: 20, arbitrary: fc.constant<Body>({ kind: 'none' }) }, ...broken);
    return fc.oneof({ weight: 10, arbitrary: fc.constant<Body>({ kind: 'none' }) }, { weight: 5, arbitrary: fc.constant<Body>({ kind: 'json', value: {} }) }, ...broken);
  }
  const options: Array<fc.WeightedArbitrary<Body>> = [...broken];
  for (const [type, schema] of Object.entries(op.body)) {
    if (type === 'application/json') options.push({ weight: 50, arbitrary: valueOf(doc, schema, 'body', { hostileOneIn: 16 }).map((value): Body => ({ kind: 'json', value })) });
    else if (type === XLSX) {
      options.push({ weight: 16, arbitrary: workbookBody() });
      options.push({ weight: 2, arbitrary: fc.integer({ min: 0, max: 2000 }).map((size): Body => ({ kind: 'bytes', type, size })) });
      options.push({ weight: 1, arbitrary: fc.constant<Body>({ kind: 'bytes', type, size: OVERSIZE }) });
    } else if (type === 'multipart/form-data') {
      options.push({ weight: 16, arbitrary: multipartBody() });
      options.push({ weight: 1, arbitrary: fc.integer({ min: 0, max: 2000 }).map((size): Body => ({ kind: 'bytes', type, size })) });
    } else options.push({ weight: 4, arbitrary: fc.integer({ min: 0, max: 2000 }).map((size): Body => ({ kind: 'bytes', type, size })) });
  }
  return fc.oneof(...options);
}

/** An upload form: a file part under the right field or another, with a name valid or hostile, its content what the name says or not, empty or over the limit. */
function multipartBody(): fc.Arbitrary<Body> {
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('验收报告.pdf', '现场照片.png', '说明.txt', 'scan.PDF', '台账.xlsx', '程序.exe', '无扩展名', '../../etc/passwd.pdf', '') },
    { weight: 2, arbitrary: valueOf({ paths: {}, components: { schemas: {} } }, { type: 'string', maxLength: 300 }, 'file', { hostileOneIn: 2 }) },
  );
  return fc
    .record({
      field: fc.oneof({ weight: 9, arbitrary: fc.constant('file') }, { weight: 1, arbitrary: fc.constantFrom('other', '__proto__', '') }),
      filename: name,
      content: fc.constantFrom('pdf', 'png', 'text', 'zeros', 'oversize'),
      size: fc.integer({ min: 0, max: 4000 }),
    })
    .map((b): Body => ({ kind: 'multipart', ...b }));
}

function multipartOf(body: Extract<Body, { kind: 'multipart' }>): { type: string; payload: Buffer } {
  const boundary = 'fuzz' + randomUUID().replaceAll('-', '');
  const head = { pdf: Buffer.from('%PDF-1.7\n'), png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), text: Buffer.from('进展说明\n'), zeros: Buffer.alloc(0), oversize: Buffer.from('%PDF-1.7\n') }[body.content];
  const content = Buffer.concat([head, Buffer.alloc(body.content === 'oversize' ? OVERSIZE : body.size, body.content === 'zeros' ? 0 : 0x41)]);
  const filename = typeof body.filename === 'string' ? body.filename : JSON.stringify(body.filename) ?? '';
  const part = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${body.field}"; filename*=UTF-8''${encodeURIComponent(filename.replace(/[\ud800-\udfff]/g, '?'))}\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { type: `multipart/form-data; boundary=${boundary}`, payload: part };
}

const HEADER = ['序号', '方面', '措施', '牵头单位', '配合单位', '完成时限', '工作目标/预期成果'];
const COLUMN_FIELDS = ['seq', 'area', 'content', 'leadDepartment', 'cooperatingDepartments', 'deadline', 'target'];

/** An import workbook as offices lay it out, with valid and hostile cells (NUL included). */
function workbookBody(): fc.Arbitrary<Body> {
  const cell = (field: string) => valueOf({ paths: {}, components: { schemas: {} } }, { type: 'string', maxLength: 200 }, field, { hostileOneIn: 8 });
  const row = fc.tuple(...COLUMN_FIELDS.map(cell));
  const header = fc.oneof({ weight: 6, arbitrary: fc.constant(HEADER) }, { weight: 1, arbitrary: fc.shuffledSubarray(HEADER) });
  return fc
    .record({ title: fc.oneof(fc.constant('《关于深化医改的若干措施》责任分工清单'), hostileValue()), header, rows: fc.array(row, { minLength: 0, maxLength: 6 }) })
    .map((b): Body => ({ kind: 'workbook', ...b }));
}

export function planOf(doc: Doc, op: Operation): fc.Arbitrary<Plan> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const query = fc
    .tuple(
      ...queryParams.map((p) =>
        fc.oneof(
          { weight: p.required ? 0 : 8, arbitrary: fc.constant(undefined) },
          { weight: 4, arbitrary: valueOf(doc, p.schema, p.name, { hostileOneIn: 10 }) },
          { weight: 1, arbitrary: fc.array(valueOf(doc, p.schema, p.name, { hostileOneIn: 10 }), { minLength: 2, maxLength: 3 }) },
        ),
      ),
      fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileValue() }),
    )
    .map((values) => {
      const pairs: Array<[string, unknown]> = [];
      queryParams.forEach((p, i) => values[i] !== undefined && pairs.push([p.name, values[i]]));
      if (values.at(-1) !== undefined) pairs.push(['unknownParam', values.at(-1)]);
      return pairs;
    });
  return fc.record({
    op: fc.constant(op),
    who: whoOf(op),
    auth: fc.constant<Auth>('bearer'),
    path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, pathValue(doc, op, p.name, p.schema)]))),
    rawSegment: pathParams.length ? fc.oneof({ weight: 19, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) }) : fc.constant(undefined),
    query,
    rawQuery: fc.oneof({ weight: 19, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERIES) }),
    body: bodyOf(doc, op),
    idempotencyKey:
      op.method === 'POST' && !op.public
        ? fc.oneof(
            { weight: 12, arbitrary: fc.constant(undefined) },
            { weight: 5, arbitrary: fc.record({ kind: fc.constant('fresh' as const), value: fc.constant(''), i: fc.constant(0) }) },
            { weight: 2, arbitrary: fc.record({ kind: fc.constant('reuse' as const), value: fc.constant(''), i: fc.nat(1000) }) },
            { weight: 1, arbitrary: fc.record({ kind: fc.constant('invalid' as const), value: fc.constantFrom('has space', 'x'.repeat(201), '', 'tab\tkey'), i: fc.constant(0) }) },
          )
        : fc.constant(undefined),
  }).chain((plan) => authOf(plan.who).map((auth) => ({ ...plan, auth })));
}

export interface Context {
  pools: Record<PoolKind, string[]>;
  tokens: Record<Exclude<Who, 'anonymous'>, string>;
  /** Idempotency-Keys sent so far, by whom. */
  usedKeys: string[];
}

function resolveRefs(value: unknown, pools: Context['pools']): unknown {
  if (isPoolRef(value)) {
    const pool = pools[(value as PoolRef).$pool];
    return pool.length ? pool[value.i % pool.length] : randomUUID();
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, pools));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: resolveRefs(v, pools), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Percent-encoding of the UTF-8 bytes; a lone surrogate (which encodeURIComponent refuses) becomes U+FFFD. */
const encode = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

const asQueryText = (v: unknown): string => (typeof v === 'string' ? v : v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The request this plan stands for, with the rows and sessions of now. */
export async function requestOf(plan: Plan, ctx: Context): Promise<InjectOptions & { url: string; method: Operation['method'] }> {
  const path = resolveRefs(plan.path, ctx.pools) as Record<string, unknown>;
  // An empty segment would address another route (`/api/policies/` is the list): '-' stands in for it.
  let url = plan.op.path.replace(/\{(\w+)\}/g, (_m, name: string) => (plan.rawSegment !== undefined ? plan.rawSegment : encode(asQueryText(path[name]))) || '-');
  const query = resolveRefs(plan.query, ctx.pools) as Array<[string, unknown]>;
  const parts = query.flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encode(k)}=${encode(asQueryText(x))}`));
  if (plan.rawQuery) parts.push(plan.rawQuery);
  if (parts.length) url += `?${parts.join('&')}`;

  const headers: Record<string, string> = {};
  const token = plan.who === 'anonymous' ? undefined : ctx.tokens[plan.who];
  if (plan.auth === 'bearer') headers.authorization = `Bearer ${token}`;
  if (plan.auth === 'cookie') headers.cookie = `tl_session=${token}`;
  if (plan.auth === 'cookie-foreign-origin') Object.assign(headers, { cookie: `tl_session=${token}`, origin: 'https://evil.example.com' });
  if (plan.auth === 'forged-token') headers.authorization = `Bearer ${randomUUID()}`;
  if (plan.auth === 'malformed-header') headers.authorization = 'Basic YWRtaW46YWRtaW4=';
  const key = plan.idempotencyKey;
  if (key?.kind === 'fresh') {
    const fresh = `fuzz-${randomUUID()}`;
    ctx.usedKeys.push(fresh);
    headers['idempotency-key'] = fresh;
  } else if (key?.kind === 'reuse' && ctx.usedKeys.length) headers['idempotency-key'] = ctx.usedKeys[key.i % ctx.usedKeys.length]!;
  else if (key?.kind === 'invalid') headers['idempotency-key'] = key.value;

  const request = { method: plan.op.method, url, headers };
  const body = plan.body;
  switch (body.kind) {
    case 'none':
      return request;
    case 'json':
      return { ...request, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(resolveRefs(body.value, ctx.pools)) ?? 'null' };
    case 'text':
      return { ...request, headers: body.type ? { ...headers, 'content-type': body.type } : headers, payload: body.text };
    case 'bytes':
      return { ...request, headers: { ...headers, 'content-type': body.type }, payload: Buffer.alloc(body.size, 0x5a) };
    case 'workbook':
      return { ...request, headers: { ...headers, 'content-type': XLSX }, payload: await workbookOf(body) };
    case 'multipart': {
      const { type, payload } = multipartOf(body);
      return { ...request, headers: { ...headers, 'content-type': type }, payload };
    }
  }
}

async function workbookOf(body: Extract<Body, { kind: 'workbook' }>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('清单');
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? v : JSON.stringify(v) ?? '');
  ws.addRow([text(body.title)]);
  ws.addRow(body.header);
  for (const row of body.rows) ws.addRow(row.map(text));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** One line to repeat a request by hand: who, method, URL, headers and body (shortened). */
export function describeRequest(plan: Plan, request: { method: string; url: string; headers?: unknown; payload?: unknown }): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const headers = Object.entries((request.headers ?? {}) as Record<string, string>)
    .filter(([k]) => k !== 'authorization' && k !== 'cookie')
    .map(([k, v]) => `${k}: ${cut(JSON.stringify(v), 80)}`);
  const payload = request.payload === undefined ? '' : Buffer.isBuffer(request.payload) ? `<${request.payload.length} bytes>` : cut(JSON.stringify(request.payload), 400);
  return `as ${plan.who} (${plan.auth}) ${request.method} ${cut(request.url, 300)} ${headers.join(' ')} ${payload}`.trim();
}
