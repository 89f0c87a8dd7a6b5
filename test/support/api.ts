// The HTTP API on a test env: a real app (PostgreSQL, Temporal and a worker from createTestEnv),
// reference departments, one signed-in person per role, and small helpers that call app.inject.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../api/app.js';
import { hashPassword } from '../../api/auth/passwords.js';
import { departments, leaderDepartments, people } from '../../db/schema/index.js';
import { createTestEnv, type TestEnv } from './env.js';

export const PASSWORD = 'Passw0rd-for-tests';

/** City-level departments, so that a test may add the provincial ones of the Sichuan package. */
export const API_DEPARTMENTS = [
  { id: 'office', name: '市深化医改领导小组办公室', shortName: '市医改办', kind: 'coordination_office' as const },
  { id: 'health', name: '市卫生健康委员会', shortName: '市卫生健康委', kind: 'line_department' as const },
  { id: 'finance', name: '市财政局', shortName: null, kind: 'line_department' as const },
  { id: 'hrss', name: '市人力资源和社会保障局', shortName: '市人社局', kind: 'line_department' as const },
  { id: 'medsec', name: '市医疗保障局', shortName: '市医保局', kind: 'line_department' as const },
];

/** Who signs in: each role, and departments to test one department against another. */
export const USERS = {
  admin: { role: 'admin', departmentId: null },
  office: { role: 'coordination_office', departmentId: 'office' },
  health: { role: 'department', departmentId: 'health' },
  finance: { role: 'department', departmentId: 'finance' },
  hrss: { role: 'department', departmentId: 'hrss' },
  leader: { role: 'leader', departmentId: null },
} as const;
export type User = keyof typeof USERS;

export interface ApiEnv {
  env: TestEnv;
  app: FastifyInstance;
  ids: Record<User, string>;
  tokens: Record<User, string>;
  /** A request as this person (or anonymous with null). */
  req(user: User | null, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(user: User | null, url: string): Promise<LightMyRequestResponse>;
  post(user: User | null, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Signs someone else in (a person created during the test) and returns their token. */
  login(username: string, password?: string): Promise<string>;
  /** A request with a given bearer token. */
  withToken(token: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createApiEnv(name: string, opts: { worker?: boolean; app?: Partial<AppDeps>; databaseServer?: string } = {}): Promise<ApiEnv> {
  const env = await createTestEnv(name, { databaseServer: opts.databaseServer });
  if (opts.worker !== false) await env.startWorker();
  const db = env.database.db;
  await db.insert(departments).values(API_DEPARTMENTS);
  // One hash for everyone: bcrypt at full cost is slow on purpose, and tests sign in many people.
  const passwordHash = await hashPassword(PASSWORD, 4);
  const ids = {} as Record<User, string>;
  for (const [user, def] of Object.entries(USERS) as Array<[User, (typeof USERS)[User]]>) {
    const [row] = await db
      .insert(people)
      .values({ username: user, displayName: `${user}测试`, role: def.role, departmentId: def.departmentId, passwordHash })
      .returning({ id: people.id });
    ids[user] = row!.id;
  }
  // The leader oversees the health department.
  await db.insert(leaderDepartments).values({ leaderId: ids.leader, departmentId: 'health' });

  const app = await buildApp({
    database: env.database,
    temporal: env.client,
    taskQueue: env.taskQueue,
    temporalUiUrl: 'http://temporal-ui.test',
    logLevel: 'silent',
    loginRateLimit: 1000,
    ...opts.app,
  });
  await app.ready();

  const tokens = {} as Record<User, string>;
  for (const user of Object.keys(USERS) as User[]) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user, password: PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${user}: ${res.statusCode} ${res.body}`);
    tokens[user] = res.json().token;
  }

  const req: ApiEnv['req'] = (user, method, url, body, headers = {}) =>
    app.inject({
      method,
      url,
      headers: { ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}), ...headers },
      ...(body === undefined ? {} : Buffer.isBuffer(body) || typeof body === 'string' ? { payload: body } : { payload: body as object }),
    });

  return {
    env,
    app,
    ids,
    tokens,
    req,
    get: (user, url) => req(user, 'GET', url),
    post: (user, url, body, headers) => req(user, 'POST', url, body ?? {}, headers),
    async login(username, password = PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      return res.json().token as string;
    },
    withToken: (token, method, url, body) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) }),
    async close() {
      await app.close();
      await env.close();
    },
  };
}

let policyCounter = 0;

/** A policy with one area, through the API. */
export async function createPolicy(api: ApiEnv, overrides: Record<string, unknown> = {}): Promise<{ id: string; areaId: string }> {
  const res = await api.post('office', '/api/policies', { code: `P-${randomUUID().slice(0, 8)}-${++policyCounter}`, title: '关于进一步深化医改的若干措施', areas: ['优化创新平台建设'], ...overrides });
  if (res.statusCode !== 201) throw new Error(`create policy: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return { id: body.id, areaId: body.areas[0]?.id };
}

/** A draft measure (lead health, cooperating finance unless told), through the API. */
export async function createDraft(api: ApiEnv, policy: { id: string; areaId?: string }, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post('office', '/api/measures', {
    policyId: policy.id,
    ...(policy.areaId ? { areaId: policy.areaId } : {}),
    title: '健全实验平台体系',
    content: '推进重大科技基础设施等创新平台加快科研攻关。',
    deadline: '2030年底前',
    leadDepartmentId: 'health',
    cooperatingDepartmentIds: ['finance'],
    ...overrides,
  });
  if (res.statusCode !== 201) throw new Error(`create measure: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

/** A dispatched measure, waiting in the responsibility list. */
export async function dispatchedMeasure(api: ApiEnv, overrides: Record<string, unknown> = {}, policy?: { id: string; areaId?: string }): Promise<string> {
  const id = await createDraft(api, policy ?? (await createPolicy(api)), overrides);
  const res = await api.post('office', `/api/measures/${id}/dispatch`);
  if (res.statusCode !== 200) throw new Error(`dispatch: ${res.statusCode} ${res.body}`);
  await waitForList(api, id, 'responsibility');
  return id;
}

/** Waits until the read model shows the measure in this list (or status). */
export async function waitForList(api: ApiEnv, measureId: string, list: 'responsibility' | 'supervision' | 'closure' | null, timeout = 10_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const res = await api.get('office', `/api/measures/${measureId}`);
    if (res.statusCode === 200 && res.json().entry && res.json().entry.list === list) return;
    if (Date.now() - started > timeout) throw new Error(`measure ${measureId} not in list ${list}: ${res.body.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The error body every 4xx must have: a code, a Chinese message, the field when there is one. */
export interface ErrorAnswer {
  code: string;
  message: string;
  field?: string;
  /** Every problem: the fields of a request, the cells of an import. */
  errors?: Array<{ field?: string; message: string; row?: number; column?: string }>;
  [more: string]: unknown;
}

export function expectErrorShape(res: LightMyRequestResponse, status: number, code?: string): ErrorAnswer {
  if (res.statusCode !== status) throw new Error(`expected ${status}${code ? ` ${code}` : ''}, got ${res.statusCode}: ${res.body}`);
  const body = res.json();
  if (typeof body.code !== 'string' || typeof body.message !== 'string') throw new Error(`not the error shape: ${res.body}`);
  if (!/[\u4e00-\u9fff]/.test(body.message)) throw new Error(`message is not in Chinese: ${body.message}`);
  if (code && body.code !== code) throw new Error(`expected code ${code}, got ${body.code}: ${res.body}`);
  return body;
}
