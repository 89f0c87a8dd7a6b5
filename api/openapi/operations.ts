// What the OpenAPI document says about each operation, derived from the route itself so that it
// cannot drift from what the server does: the error statuses the parts in front of every handler
// give (authentication, roles, parsing and validation, Idempotency-Key, rate limits), an
// operationId, who may call it, the Idempotency-Key header, and a description for every response.
// Routes declare only what their own handler adds (a 409 for a name taken, a 404 for a body's
// reference). Only the document is touched: what the server sends is checked against it by
// test/api/fuzz.test.ts.
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { IDEMPOTENCY_KEY } from '../plugins/idempotency.js';
import { errorBody, type Role } from '../schemas/common.js';

/** What each error status means, as the document says it. */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: '请求无法读取：JSON 格式错误、查询参数无效、Idempotency-Key 格式错误或文件损坏 / the request cannot be read',
  401: '未登录、登录已失效或用户名密码错误 / not signed in',
  403: '无权执行此操作（角色不符、非本部门，或跨站的修改请求）/ not allowed',
  404: '不存在，或无权查看 / not found',
  409: '当前状态不允许此操作，或相同 Idempotency-Key 的请求仍在处理中 / conflict with the current state',
  413: '请求体过大 / request body too large',
  414: '路径参数过长 / a path parameter is too long',
  415: '请求体类型不受支持 / unsupported Content-Type',
  422: '字段值无效：message 说明原因，field 指明字段 / a value is invalid',
  429: '尝试过于频繁，请稍后再试 / too many requests',
  503: 'PostgreSQL 或 Temporal 暂时不可用或未及时应答（DATABASE_UNAVAILABLE、TEMPORAL_UNAVAILABLE；措施操作为 ACTION_UNCONFIRMED：可能已被受理，用相同的 Idempotency-Key 重试是安全的），见 Retry-After / PostgreSQL or Temporal is unavailable or did not answer in time',
};

const SUCCESS_DESCRIPTIONS: Record<number, string> = {
  200: '成功 / OK',
  201: '已创建 / created',
  202: '已受理，后台执行 / accepted, runs in the background',
};

export const ROLE_NAMES: Record<Role, string> = { admin: '管理员', coordination_office: '统筹协调部门', department: '部门', leader: '分管领导' };

const JSON_TYPE = 'application/json';
/** Methods whose body Fastify reads: each may meet a malformed, too large or unsupported body. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Config = { public?: boolean; roles?: Role[]; rateLimit?: unknown; multipartBody?: z.ZodType };
type RouteSchema = Record<string, unknown> & { response?: Record<string, unknown>; params?: unknown; querystring?: unknown; body?: unknown; description?: string };
type ContentResponse = { description?: string; content: Record<string, { schema: unknown }> };

const methodOf = (route: Pick<RouteOptions, 'method'>) => String(Array.isArray(route.method) ? route.method[0] : route.method).toUpperCase();
const signedIn = (route: Pick<RouteOptions, 'url'>, config: Config) => route.url.startsWith('/api/') && !config.public;

/** The error statuses every route of this kind can give before or around its handler. */
export function derivedErrorStatuses(route: Pick<RouteOptions, 'method' | 'url' | 'config'>, schema: RouteSchema): number[] {
  const method = methodOf(route);
  const config = (route.config ?? {}) as Config;
  const statuses = new Set<number>();
  if (signedIn(route, config)) {
    statuses.add(401);
    // Roles, and a changing request authenticated by cookie from a foreign Origin (plugins/auth.ts).
    if (config.roles || method !== 'GET') statuses.add(403);
    // Idempotency-Key: malformed (400), still in progress (409), reused for another request (422).
    if (method === 'POST') [400, 409, 422].forEach((s) => statuses.add(s));
  }
  // Any query string may carry a character the API refuses (plugins/texts.ts): 422 on every route.
  statuses.add(422);
  // A path parameter that cannot be percent-decoded (400), names nothing (404), or is too long (414).
  if (schema.params) [400, 404, 414].forEach((s) => statuses.add(s));
  if (schema.querystring) statuses.add(400);
  if (BODY_METHODS.has(method)) [400, 413, 415].forEach((s) => statuses.add(s));
  if (schema.body) statuses.add(422);
  if (config.rateLimit) statuses.add(429);
  // Every route of the API reads PostgreSQL, and while it is unreachable answers 503 at once
  // (plugins/availability.ts); those that act through Temporal answer 503 when it is away too.
  if (route.url.startsWith('/api/')) statuses.add(503);
  return [...statuses];
}

const isContentResponse = (r: unknown): r is ContentResponse => typeof r === 'object' && r !== null && 'content' in r && !(r instanceof z.ZodType);

/** GET /api/measures/:id/submit-progress → postMeasuresByIdSubmitProgress. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\//, '/')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => (segment.startsWith(':') ? ['by', segment.slice(1)] : segment.split(/[^A-Za-z0-9]+/)))
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** The route's schema as the document shows it (never as the server validates with it). */
export function documentedSchema(route: Pick<RouteOptions, 'method' | 'url' | 'config'>, given: RouteSchema): RouteSchema {
  const method = methodOf(route);
  const config = (route.config ?? {}) as Config;
  // A multipart upload is read by its handler, not validated as a body: its form is documented here.
  const schema = config.multipartBody ? { ...given, body: config.multipartBody, consumes: ['multipart/form-data'] } : given;
  const responses: Record<string, ContentResponse> = {};
  for (const [status, declared] of Object.entries(schema.response ?? {})) {
    if (isContentResponse(declared)) {
      responses[status] = declared;
      continue;
    }
    const code = Number(status);
    const description = (declared as z.ZodType).description ?? SUCCESS_DESCRIPTIONS[code] ?? ERROR_DESCRIPTIONS[code] ?? status;
    responses[status] = { description, content: { [JSON_TYPE]: { schema: declared } } };
  }
  for (const status of derivedErrorStatuses(route, schema)) {
    responses[status] ??= { description: ERROR_DESCRIPTIONS[status]!, content: { [JSON_TYPE]: { schema: errorBody } } };
  }
  const roles = config.roles ? `可调用：${config.roles.map((r) => ROLE_NAMES[r]).join('、')}。` : signedIn(route, config) ? '可调用：所有已登录人员。' : '无需登录。';
  const idempotent = signedIn(route, config) && method === 'POST';
  return {
    ...schema,
    operationId: (schema.operationId as string | undefined) ?? operationIdOf(method, route.url),
    description: [schema.description, roles].filter(Boolean).join('\n\n'),
    ...(config.roles ? { 'x-roles': config.roles } : {}),
    ...(idempotent ? { headers: z.object({ 'Idempotency-Key': IDEMPOTENCY_KEY.optional().describe(IDEMPOTENCY_DESCRIPTION) }) } : {}),
    response: responses,
  };
}

const IDEMPOTENCY_DESCRIPTION =
  '幂等键（1–200个可见ASCII字符）：同一人以同一键重发同一请求，返回第一次的成功结果（响应头 Idempotent-Replayed: true），不会重复生效；' +
  '同一键用于不同请求得 422，前一请求仍在处理得 409。措施操作以它作为 Temporal Update 的 id。/ retry-safe key';
