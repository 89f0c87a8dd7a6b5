// The authorization matrix: every route × every role (and no one signed in), with the status each
// must answer; then a department reaching for another department's measure, which must see
// nothing, change nothing, and learn nothing.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, listEntries, measures as measuresTable } from '../../db/schema/index.js';
import { createApiEnv, createDraft, createPolicy, dispatchedMeasure, expectErrorShape, PASSWORD, type ApiEnv, type User } from '../support/api.js';
import { sichuanWorkbook } from '../support/sichuan.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
type Who = Extract<User, 'admin' | 'office' | 'health' | 'leader'> | 'anon';
const ROLES: Who[] = ['anon', 'admin', 'office', 'health', 'leader'];

const BOUNDARY = '----three-lists-authz';
const UPLOAD = Buffer.concat([
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="会议纪要.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
  Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n'),
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);

let api: ApiEnv;
let policy: { id: string; areaId: string };
let measureId: string;
let draftId: string;

beforeAll(async () => {
  api = await createApiEnv('authz');
  policy = await createPolicy(api);
  measureId = await dispatchedMeasure(api, {}, policy);
});
afterAll(async () => api?.close());

interface Case {
  route: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: () => string;
  body?: (who: Who) => unknown;
  headers?: Record<string, string>;
  expect: Record<Who, number>;
  /** Sign in afresh for this request (logout ends the session it is sent with). */
  freshLogin?: boolean;
}

const all = (status: number, anon = 401): Record<Who, number> => ({ anon, admin: status, office: status, health: status, leader: status });
const only = (roles: Who[], status: number): Record<Who, number> => ({ anon: 401, admin: roles.includes('admin') ? status : 403, office: roles.includes('office') ? status : 403, health: roles.includes('health') ? status : 403, leader: roles.includes('leader') ? status : 403 });
let n = 0;
const unique = (who: Who) => `${who}-${++n}`;

const cases = (): Case[] => [
  { route: 'POST /api/auth/login', method: 'POST', url: () => '/api/auth/login', body: () => ({ username: 'health', password: PASSWORD }), expect: { ...all(200), anon: 200 } },
  { route: 'POST /api/auth/logout', method: 'POST', url: () => '/api/auth/logout', freshLogin: true, expect: all(200) },
  { route: 'GET /api/auth/me', method: 'GET', url: () => '/api/auth/me', expect: all(200) },
  { route: 'POST /api/auth/password', method: 'POST', url: () => '/api/auth/password', body: () => ({ currentPassword: 'wrong-one-1', newPassword: 'Another-passw0rd' }), expect: all(422) },
  { route: 'GET /api/people', method: 'GET', url: () => '/api/people', expect: only(['admin'], 200) },
  { route: 'GET /api/people/:id', method: 'GET', url: () => `/api/people/${api.ids.health}`, expect: only(['admin'], 200) },
  { route: 'POST /api/people', method: 'POST', url: () => '/api/people', body: (w) => ({ username: unique(w), displayName: '新同事', role: 'department', departmentId: 'health', password: PASSWORD }), expect: only(['admin'], 201) },
  { route: 'PATCH /api/people/:id', method: 'PATCH', url: () => `/api/people/${api.ids.hrss}`, body: () => ({ displayName: '改名' }), expect: only(['admin'], 200) },
  { route: 'GET /api/departments', method: 'GET', url: () => '/api/departments', expect: all(200) },
  { route: 'GET /api/queues/:queue', method: 'GET', url: () => '/api/queues/review', expect: only(['admin', 'office'], 200) },
  // An upload is a department's own (others 403); a download of a file that is not there is 404 to all.
  { route: 'POST /api/measures/:id/evidence', method: 'POST', url: () => `/api/measures/${measureId}/evidence`, body: () => UPLOAD, headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, expect: only(['health'], 201) },
  { route: 'GET /api/evidence/:id', method: 'GET', url: () => `/api/evidence/${randomUUID()}`, expect: all(404) },
  { route: 'GET /api/calendar/years', method: 'GET', url: () => '/api/calendar/years', expect: all(200) },
  { route: 'GET /api/calendar/years/:year', method: 'GET', url: () => '/api/calendar/years/2026', expect: all(200) },
  { route: 'PUT /api/calendar/years/:year', method: 'PUT', url: () => '/api/calendar/years/2027', body: () => ({ notice: '元旦：1月1日至3日放假，共3天', dryRun: true }), expect: only(['admin'], 200) },
  // 国庆节 already: the same again changes nothing.
  { route: 'PUT /api/calendar/days/:day', method: 'PUT', url: () => '/api/calendar/days/2026-10-01', body: () => ({ kind: 'holiday' }), expect: only(['admin'], 200) },
  { route: 'GET /api/calendar/rollouts', method: 'GET', url: () => '/api/calendar/rollouts', expect: only(['admin', 'office'], 200) },
  { route: 'GET /api/calendar/rollouts/:id', method: 'GET', url: () => `/api/calendar/rollouts/${randomUUID()}`, expect: only(['admin', 'office'], 404) },
  { route: 'GET /api/departments/:id', method: 'GET', url: () => '/api/departments/health', expect: all(200) },
  { route: 'POST /api/departments', method: 'POST', url: () => '/api/departments', body: (w) => ({ id: `d-${unique(w)}`, name: `部门${unique(w)}` }), expect: only(['admin'], 201) },
  { route: 'PATCH /api/departments/:id', method: 'PATCH', url: () => '/api/departments/medsec', body: (w) => ({ shortName: `医保${unique(w)}` }), expect: only(['admin'], 200) },
  { route: 'GET /api/policies', method: 'GET', url: () => '/api/policies', expect: all(200) },
  { route: 'POST /api/policies', method: 'POST', url: () => '/api/policies', body: (w) => ({ code: `C-${unique(w)}`, title: '测试文件' }), expect: only(['admin', 'office'], 201) },
  { route: 'GET /api/policies/:id', method: 'GET', url: () => `/api/policies/${policy.id}`, expect: all(200) },
  { route: 'POST /api/policies/:id/areas', method: 'POST', url: () => `/api/policies/${policy.id}/areas`, body: (w) => ({ title: `方面${unique(w)}` }), expect: only(['admin', 'office'], 201) },
  { route: 'GET /api/policies/:id/measures', method: 'GET', url: () => `/api/policies/${policy.id}/measures`, expect: all(200) },
  { route: 'POST /api/policies/:id/dispatch', method: 'POST', url: () => `/api/policies/${policy.id}/dispatch`, expect: only(['admin', 'office'], 200) },
  { route: 'GET /api/policies/:id/escalation-policies', method: 'GET', url: () => `/api/policies/${policy.id}/escalation-policies`, expect: only(['admin', 'office'], 200) },
  { route: 'POST /api/policies/:id/escalation-policies', method: 'POST', url: () => `/api/policies/${policy.id}/escalation-policies`, body: () => ({ rules: { behindPlanPoints: 25 } }), expect: only(['admin', 'office'], 201) },
  { route: 'POST /api/import/policies', method: 'POST', url: () => '/api/import/policies?dryRun=true', body: () => ({ policy: { code: 'x', title: 'x' }, measures: [{ content: '措施', leadDepartment: '市财政局', deadline: '2030年底前' }] }), expect: only(['admin', 'office'], 200) },
  { route: 'POST /api/import/policies/excel', method: 'POST', url: () => '/api/import/policies/excel?dryRun=true', body: () => workbook, headers: { 'content-type': XLSX }, expect: only(['admin', 'office'], 200) },
  { route: 'GET /api/import/template.xlsx', method: 'GET', url: () => '/api/import/template.xlsx', expect: only(['admin', 'office'], 200) },
  { route: 'POST /api/measures', method: 'POST', url: () => '/api/measures', body: () => ({ policyId: policy.id, title: '新措施', deadline: '2030年底前', leadDepartmentId: 'finance' }), expect: only(['admin', 'office'], 201) },
  { route: 'GET /api/measures/:id', method: 'GET', url: () => `/api/measures/${measureId}`, expect: all(200) },
  { route: 'PATCH /api/measures/:id', method: 'PATCH', url: () => `/api/measures/${draftId}`, body: (w) => ({ title: `改标题${unique(w)}` }), expect: only(['admin', 'office'], 200) },
  { route: 'POST /api/measures/:id/dispatch', method: 'POST', url: () => `/api/measures/${measureId}/dispatch`, expect: only(['admin', 'office'], 409) },
  { route: 'POST /api/measures/:id/acknowledge', method: 'POST', url: () => `/api/measures/${measureId}/acknowledge`, body: () => ({}), expect: only(['health'], 200) },
  { route: 'POST /api/measures/:id/decline', method: 'POST', url: () => `/api/measures/${measureId}/decline`, body: () => ({ reason: '不属于本单位职责' }), expect: only(['health'], 409) },
  { route: 'POST /api/measures/:id/submit-progress', method: 'POST', url: () => `/api/measures/${measureId}/submit-progress`, body: () => ({ text: '推进中', percent: 10 }), expect: only(['health'], 200) },
  { route: 'POST /api/measures/:id/request-extension', method: 'POST', url: () => `/api/measures/${measureId}/request-extension`, body: () => ({ newDeadline: '2031-06-30', reason: '资金未到位' }), expect: only(['health'], 200) },
  { route: 'POST /api/measures/:id/decide-extension', method: 'POST', url: () => `/api/measures/${measureId}/decide-extension`, body: () => ({ approve: false, reason: '理由不充分' }), expect: { ...only(['admin', 'office'], 200), office: 409 } },
  { route: 'POST /api/measures/:id/flag', method: 'POST', url: () => `/api/measures/${measureId}/flag`, body: () => ({ flagged: true, reason: '进度滞后' }), expect: { ...only(['admin', 'office'], 200), office: 409 } },
  { route: 'POST /api/measures/:id/reassign-lead', method: 'POST', url: () => `/api/measures/${measureId}/reassign-lead`, body: () => ({ departmentId: 'health', reason: '职能调整' }), expect: only(['admin', 'office'], 422) },
  { route: 'POST /api/measures/:id/apply-closure', method: 'POST', url: () => `/api/measures/${measureId}/apply-closure`, body: () => ({ summary: '已完成', evidence: [{ name: '总结.pdf' }] }), expect: only(['health'], 200) },
  { route: 'POST /api/measures/:id/review-closure', method: 'POST', url: () => `/api/measures/${measureId}/review-closure`, body: () => ({ decision: 'return', reason: '材料不全' }), expect: { ...only(['admin', 'office'], 200), office: 409 } },
  { route: 'POST /api/measures/:id/cancel', method: 'POST', url: () => `/api/measures/${measureId}/cancel`, body: () => ({ reason: '测试结束' }), expect: { ...only(['admin', 'office'], 200), office: 409 } },
  { route: 'GET /api/lists/responsibility', method: 'GET', url: () => '/api/lists/responsibility', expect: all(200) },
  { route: 'GET /api/lists/supervision', method: 'GET', url: () => '/api/lists/supervision', expect: all(200) },
  { route: 'GET /api/lists/closure', method: 'GET', url: () => '/api/lists/closure', expect: all(200) },
  { route: 'GET /api/scorecards', method: 'GET', url: () => '/api/scorecards', expect: all(200) },
  { route: 'GET /api/scorecards/rules', method: 'GET', url: () => '/api/scorecards/rules', expect: all(200) },
  {
    route: 'POST /api/scorecards/rules',
    method: 'POST',
    url: () => '/api/scorecards/rules',
    // A day of its own for each request: one version per day.
    body: () => ({ effectiveFrom: new Date(Date.UTC(2090, 0, ++n)).toISOString().slice(0, 10), weights: { acknowledge: 1, report: 1, closure: 1 }, deductions: { remind: 0, urge: 1, supervise: 2, flag: 5 } }),
    expect: only(['admin', 'office'], 201),
  },
  { route: 'GET /api/exports/lists/:list', method: 'GET', url: () => '/api/exports/lists/supervision', expect: all(200) },
  { route: 'GET /api/exports/scorecards', method: 'GET', url: () => '/api/exports/scorecards', expect: all(200) },
  // No step has failed here: the admin is let in and finds none (test/integration/failed-steps.test.ts has real ones).
  { route: 'GET /api/failed-steps', method: 'GET', url: () => '/api/failed-steps', expect: only(['admin'], 200) },
  { route: 'GET /api/failed-steps/:id', method: 'GET', url: () => '/api/failed-steps/999999', expect: only(['admin'], 404) },
  { route: 'POST /api/failed-steps/:id/replay', method: 'POST', url: () => '/api/failed-steps/999999/replay', body: () => ({}), expect: only(['admin'], 404) },
  { route: 'POST /api/failed-steps/:id/discard', method: 'POST', url: () => '/api/failed-steps/999999/discard', body: () => ({ reason: '测试' }), expect: only(['admin'], 404) },
  { route: 'GET /health', method: 'GET', url: () => '/health', expect: { ...all(200), anon: 200 } },
  { route: 'GET /docs/json', method: 'GET', url: () => '/docs/json', expect: { ...all(200), anon: 200 } },
];

let workbook: Buffer;

describe('authorization matrix: each route × each role', () => {
  it('answers every route with the status its role allows, in the one error shape', async () => {
    // A draft of its own policy: dispatching the matrix's policy must not take it.
    draftId = await createDraft(api, await createPolicy(api), { title: '待修改的草稿' });
    // An import whose 牵头单位 is unknown: allowed roles get 422, proving they were let in.
    workbook = await sichuanWorkbook();
    // The actions run in lifecycle order (acknowledge before report, …), each role in ROLES order,
    // so that an allowed role meets the state its action needs; 409s above are the second caller.
    const table = cases();
    const failures: string[] = [];
    for (const c of table) {
      for (const who of ROLES) {
        const body = c.body?.(who);
        const res =
          c.freshLogin && who !== 'anon'
            ? await api.withToken(await api.login(who), c.method, c.url(), body ?? {})
            : await api.req(who === 'anon' ? null : who, c.method, c.url(), body, c.headers);
        const want = c.expect[who];
        if (res.statusCode !== want) failures.push(`${c.route} as ${who}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
        else if (res.statusCode >= 400) {
          try {
            expectErrorShape(res, want);
          } catch (err) {
            failures.push(`${c.route} as ${who}: ${(err as Error).message}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // Every operation the API documents is in the table.
    const doc = (await api.get(null, '/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
    const covered = new Set(table.map((c) => c.route.replace(/\/(responsibility|supervision|closure)$/, '/{list}').replace(/:(\w+)/g, '{$1}').replace(/\?.*$/, '')));
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.length).toBeGreaterThan(40);
    // Notifications (inbox, channels, digests) are covered by test/api/notifications.test.ts.
    const ours = documented.filter((r) => !/ \/api\/(inbox|notifications|digests)\b/.test(r));
    expect(ours.filter((r) => !covered.has(r))).toEqual([]);
  });
});

describe('a department reaching for another department’s measure', () => {
  it('cannot see it: 404 on the detail, absent from every list and export, and its scorecard shows only itself', async () => {
    const id = await dispatchedMeasure(api, { title: '仅卫健与财政承担的措施' });
    expectErrorShape(await api.get('hrss', `/api/measures/${id}`), 404, 'NOT_FOUND');
    for (const list of ['responsibility', 'supervision', 'closure']) {
      const page = (await api.get('hrss', `/api/lists/${list}`)).json();
      expect(page.items.map((i: { measureId: string }) => i.measureId)).not.toContain(id);
      expect(page.total).toBe(0);
    }
    // The cooperating department and the leader overseeing the lead department do see it.
    expect((await api.get('finance', `/api/measures/${id}`)).statusCode).toBe(200);
    expect((await api.get('leader', `/api/measures/${id}`)).statusCode).toBe(200);
    const cards = (await api.get('hrss', '/api/scorecards')).json();
    expect(cards.rows.map((r: { departmentId: string }) => r.departmentId)).toEqual(['hrss']);
    const leaderCards = (await api.get('leader', '/api/scorecards')).json();
    expect(leaderCards.rows.map((r: { departmentId: string }) => r.departmentId)).toEqual(['health']);
  });

  it('cannot act on it: 404 for a measure it cannot see, 403 for one it only cooperates on, and nothing changes', async () => {
    const id = await dispatchedMeasure(api, { title: '不容他人染指的措施' });
    const db = api.env.database.db;
    const before = await db.select().from(listEntries).where(eq(listEntries.measureId, id));
    const trailBefore = await db.select().from(auditEvents).where(eq(auditEvents.measureId, id));

    for (const [path, body] of [
      ['acknowledge', {}],
      ['decline', { reason: '不是我们的事' }],
      ['submit-progress', { text: '代为反馈' }],
      ['apply-closure', { summary: '已完成', evidence: [{ name: 'x.pdf' }] }],
      ['request-extension', { newDeadline: '2031-01-31', reason: '想延期' }],
    ] as const) {
      expectErrorShape(await api.post('hrss', `/api/measures/${id}/${path}`, body), 404, 'NOT_FOUND');
      // Acting for another department by naming it is refused before the workflow is asked; the
      // lead's own actions take no department at all, so naming one is an unknown field.
      const named = await api.post('finance', `/api/measures/${id}/${path}`, { ...body, departmentId: 'health' });
      if (path === 'apply-closure' || path === 'request-extension') expect(expectErrorShape(named, 422, 'VALIDATION').field).toBe('departmentId');
      else expectErrorShape(named, 403, 'FORBIDDEN');
    }
    // The cooperating department may not do what only the lead may: the workflow says FORBIDDEN.
    expectErrorShape(await api.post('finance', `/api/measures/${id}/apply-closure`, { summary: '已完成', evidence: [{ name: 'x.pdf' }] }), 403, 'FORBIDDEN');
    expectErrorShape(await api.post('finance', `/api/measures/${id}/request-extension`, { newDeadline: '2031-01-31', reason: '想延期' }), 403, 'FORBIDDEN');
    // Departments cannot edit, dispatch or cancel at all.
    expectErrorShape(await api.req('hrss', 'PATCH', `/api/measures/${id}`, { title: '改掉' }), 403, 'FORBIDDEN');
    expectErrorShape(await api.post('health', `/api/measures/${id}/cancel`, { reason: '不想做了' }), 403, 'FORBIDDEN');

    expect(await db.select().from(listEntries).where(eq(listEntries.measureId, id))).toEqual(before);
    expect(await db.select().from(auditEvents).where(eq(auditEvents.measureId, id))).toEqual(trailBefore);
    const [m] = await db.select().from(measuresTable).where(eq(measuresTable.id, id));
    expect(m!.title).toBe('不容他人染指的措施');
  });

  it('a leader sees what they oversee only, and acts on nothing', async () => {
    const other = await dispatchedMeasure(api, { title: '财政牵头的措施', leadDepartmentId: 'finance', cooperatingDepartmentIds: ['hrss'] });
    expectErrorShape(await api.get('leader', `/api/measures/${other}`), 404, 'NOT_FOUND');
    const mine = await dispatchedMeasure(api, { title: '卫健牵头的措施' });
    expect((await api.get('leader', `/api/measures/${mine}`)).statusCode).toBe(200);
    expectErrorShape(await api.post('leader', `/api/measures/${mine}/flag`, { flagged: true, reason: '领导督办' }), 403, 'FORBIDDEN');
    // Drafts are the office's own business.
    const draft = await createDraft(api, policy, { title: '尚未交办' });
    expectErrorShape(await api.get('leader', `/api/measures/${draft}`), 404);
    expectErrorShape(await api.get('health', `/api/measures/${draft}`), 404);
  });
});
