// The bad-input matrix: malformed JSON, wrong types, unknown ids, dates out of range, oversized
// bodies, broken workbooks. Each gets a clear 4xx in the one error shape, with a Chinese message
// naming the field, and changes nothing in the database.
import { randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, dispatchedMeasure, expectErrorShape, type ApiEnv, type User } from '../support/api.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const JSON_TYPE = { 'content-type': 'application/json' };

let api: ApiEnv;
let measureId: string;
let policyId: string;

beforeAll(async () => {
  api = await createApiEnv('badinput');
  measureId = await dispatchedMeasure(api);
  // Into supervision, so that every action's own checks are reachable.
  const ack = await api.post('health', `/api/measures/${measureId}/acknowledge`, {});
  if (ack.statusCode !== 200) throw new Error(ack.body);
  policyId = (await api.get('office', `/api/measures/${measureId}`)).json().policyId;
});
afterAll(async () => api?.close());

/** Row counts (and the read model's step numbers) of every table a request could change. */
async function snapshot() {
  const rows = await api.env.database.sql`
    select (select count(*) from policies)::int as policies, (select count(*) from areas)::int as areas,
           (select count(*) from measures)::int as measures, (select count(*) from assignments)::int as assignments,
           (select count(*) from escalation_policies)::int as escalation, (select count(*) from people)::int as people,
           (select count(*) from departments)::int as departments, (select coalesce(sum(seq), 0))::int as steps from list_entries`;
  const audit = await api.env.database.db.execute(sql`select count(*)::int as n from audit_events where action <> 'login'`);
  const idem = await api.env.database.db.execute(sql`select count(*)::int as n from idempotent_requests`);
  return { ...rows[0], audit: (audit[0] as { n: number }).n, idempotent: (idem[0] as { n: number }).n };
}

interface Bad {
  name: string;
  user?: User;
  method?: 'GET' | 'POST' | 'PATCH';
  url: () => string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  field?: string;
  /** Words the Chinese message must contain (the field's name). */
  says?: string;
}

async function brokenWorkbooks() {
  const noHeader = new ExcelJS.Workbook();
  noHeader.addWorksheet('Sheet1').addRow(['名称', '说明']);
  const badRows = new ExcelJS.Workbook();
  const ws = badRows.addWorksheet('清单');
  ws.addRow(['序号', '方面', '措施', '牵头单位', '配合单位', '完成时限', '工作目标/预期成果']);
  ws.addRow([1, '一、测试', '措施一', '市卫生健康委', '不存在的局', '2025年13月', '']);
  ws.addRow([2, '', '措施二', '', '市财政局', '2026年底前', '']);
  ws.addRow(['二', '', '措施三', '查无此单位', '', '下个月', '']);
  return {
    random: Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)),
    csv: Buffer.from('序号,措施,牵头单位\n1,措施,市财政局\n'),
    noHeader: Buffer.from(await noHeader.xlsx.writeBuffer()),
    badRows: Buffer.from(await badRows.xlsx.writeBuffer()),
  };
}

describe('bad input', () => {
  it('gets a clear 4xx for every kind of bad request, and changes nothing', async () => {
    const books = await brokenWorkbooks();
    const unknown = randomUUID();
    const m = () => `/api/measures/${measureId}`;
    const cases: Bad[] = [
      // Malformed JSON and bodies of the wrong kind.
      { name: 'malformed JSON', user: 'office', url: () => '/api/policies', body: '{"code": "x", "title": ', headers: JSON_TYPE, status: 400, code: 'MALFORMED_JSON' },
      { name: 'malformed JSON on an action', user: 'health', url: () => `${m()}/submit-progress`, body: '{text: 推进中}', headers: JSON_TYPE, status: 400, code: 'MALFORMED_JSON' },
      { name: 'empty JSON body', user: 'office', url: () => '/api/policies', body: '', headers: JSON_TYPE, status: 400, code: 'MALFORMED_JSON' },
      { name: 'plain text body', user: 'office', url: () => '/api/policies', body: 'code=x', headers: { 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { name: 'JSON where a workbook is expected', user: 'office', url: () => '/api/import/policies/excel', body: { a: 1 }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      // Wrong types and missing fields.
      { name: 'number for a code', user: 'office', url: () => '/api/policies', body: { code: 123, title: '文件' }, status: 422, code: 'VALIDATION', field: 'code', says: '文件编号' },
      { name: 'missing title', user: 'office', url: () => '/api/policies', body: { code: 'A-1' }, status: 422, code: 'VALIDATION', field: 'title', says: '标题' },
      { name: 'string for a list of departments', user: 'office', url: () => '/api/measures', body: { policyId, title: 't', deadline: '2030年底前', leadDepartmentId: 'health', cooperatingDepartmentIds: 'finance' }, status: 422, code: 'VALIDATION', field: 'cooperatingDepartmentIds', says: '配合单位' },
      { name: 'words for a percent', user: 'health', url: () => `${m()}/submit-progress`, body: { text: '推进中', percent: '五十' }, status: 422, code: 'VALIDATION', field: 'percent', says: '完成进度' },
      { name: 'percent over 100', user: 'health', url: () => `${m()}/submit-progress`, body: { text: '推进中', percent: 150 }, status: 422, code: 'VALIDATION', field: 'percent', says: '完成进度' },
      { name: 'blank progress text', user: 'health', url: () => `${m()}/submit-progress`, body: { text: '   ' }, status: 422, code: 'VALIDATION', field: 'text', says: '进展情况' },
      { name: 'closure without evidence', user: 'health', url: () => `${m()}/apply-closure`, body: { summary: '完成', evidence: [] }, status: 422, code: 'VALIDATION', field: 'evidence', says: '佐证材料' },
      { name: 'evidence link that is no URL', user: 'health', url: () => `${m()}/apply-closure`, body: { summary: '完成', evidence: [{ name: 'a', url: 'javascript:alert(1)x y' }] }, status: 422, code: 'VALIDATION', field: 'evidence.0.url' },
      { name: 'yes for a boolean', user: 'office', url: () => `${m()}/flag`, body: { flagged: 'yes', reason: '滞后' }, status: 422, code: 'VALIDATION', field: 'flagged', says: '挂牌督办' },
      { name: 'unknown review decision', user: 'office', url: () => `${m()}/review-closure`, body: { decision: 'maybe' }, status: 422, code: 'VALIDATION', field: 'decision', says: '审核结论' },
      { name: 'unknown role', user: 'admin', url: () => '/api/people', body: { username: 'zz', displayName: '张', role: 'boss', password: 'Abcdefg123' }, status: 422, code: 'VALIDATION', field: 'role', says: '角色' },
      { name: 'weak password', user: 'admin', url: () => '/api/people', body: { username: 'zz2', displayName: '张', role: 'leader', password: 'short' }, status: 422, code: 'VALIDATION', field: 'password', says: '密码' },
      { name: 'department user without a department', user: 'admin', url: () => '/api/people', body: { username: 'zz3', displayName: '张', role: 'department', password: 'Abcdefg123' }, status: 422, code: 'VALIDATION', field: 'departmentId', says: '部门' },
      { name: 'department id with spaces', user: 'admin', url: () => '/api/departments', body: { id: 'bad id', name: '坏部门' }, status: 422, code: 'VALIDATION', field: 'id' },
      // Unknown ids.
      { name: 'unknown measure', user: 'office', method: 'GET', url: () => `/api/measures/${unknown}`, status: 404, code: 'NOT_FOUND' },
      { name: 'measure id that is no UUID', user: 'office', method: 'GET', url: () => '/api/measures/12345', status: 404, code: 'NOT_FOUND', field: 'id' },
      { name: 'action on an unknown measure', user: 'health', url: () => `/api/measures/${unknown}/acknowledge`, body: {}, status: 404, code: 'NOT_FOUND' },
      { name: 'unknown policy', user: 'office', method: 'GET', url: () => `/api/policies/${unknown}`, status: 404, code: 'NOT_FOUND' },
      { name: 'dispatch of an unknown policy', user: 'office', url: () => `/api/policies/${unknown}/dispatch`, body: {}, status: 404, code: 'NOT_FOUND' },
      { name: 'unknown person', user: 'admin', method: 'PATCH', url: () => `/api/people/${unknown}`, body: { displayName: '李' }, status: 404, code: 'NOT_FOUND' },
      { name: 'unknown department', user: 'office', method: 'GET', url: () => '/api/departments/nowhere', status: 404, code: 'NOT_FOUND' },
      { name: 'unknown list', user: 'office', method: 'GET', url: () => '/api/lists/todo', status: 404, code: 'NOT_FOUND' },
      { name: 'unknown route', user: 'office', method: 'GET', url: () => '/api/nothing-here', status: 404, code: 'NOT_FOUND' },
      { name: 'measure of an unknown policy', user: 'office', url: () => '/api/measures', body: { policyId: unknown, title: 't', deadline: '2030年底前', leadDepartmentId: 'health' }, status: 422, code: 'VALIDATION', field: 'policyId', says: '政策文件' },
      { name: 'unknown lead department', user: 'office', url: () => '/api/measures', body: { policyId, title: 't', deadline: '2030年底前', leadDepartmentId: 'nowhere' }, status: 422, code: 'VALIDATION', field: 'leadDepartmentId', says: '牵头单位' },
      { name: 'reassign to an unknown department', user: 'office', url: () => `${m()}/reassign-lead`, body: { departmentId: 'nowhere', reason: '调整' }, status: 422, code: 'VALIDATION', field: 'departmentId' },
      { name: 'leader over an unknown area', user: 'admin', url: () => '/api/people', body: { username: 'ld', displayName: '王', role: 'leader', password: 'Abcdefg123', leaderAreaIds: [unknown] }, status: 422, code: 'VALIDATION', field: 'leaderAreaIds', says: '分管方面' },
      // Dates out of range.
      { name: '30 February', user: 'health', url: () => `${m()}/request-extension`, body: { newDeadline: '2031-02-30', reason: '延期' }, status: 422, code: 'VALIDATION', field: 'newDeadline', says: '新的完成时限' },
      { name: 'a date in 1999', user: 'health', url: () => `${m()}/request-extension`, body: { newDeadline: '1999-12-31', reason: '延期' }, status: 422, code: 'VALIDATION', field: 'newDeadline' },
      { name: 'a new deadline before the current one', user: 'health', url: () => `${m()}/request-extension`, body: { newDeadline: '2027-01-31', reason: '延期' }, status: 422, code: 'VALIDATION', field: 'newDeadline' },
      { name: 'month 13 in 完成时限', user: 'office', url: () => '/api/measures', body: { policyId, title: 't', deadline: '2025年13月', leadDepartmentId: 'health' }, status: 422, code: 'VALIDATION', field: 'deadline', says: '完成时限' },
      { name: 'year 2150 in 完成时限', user: 'office', url: () => '/api/measures', body: { policyId, title: 't', deadline: '2150年底前', leadDepartmentId: 'health' }, status: 422, code: 'VALIDATION', field: 'deadline', says: '2099' },
      { name: 'issuedOn in month 13', user: 'office', url: () => '/api/policies', body: { code: 'D-1', title: '文件', issuedOn: '2025-13-01' }, status: 422, code: 'VALIDATION', field: 'issuedOn', says: '印发日期' },
      { name: 'scorecard period month 13', user: 'office', method: 'GET', url: () => '/api/scorecards?period=2025-13', status: 400, code: 'BAD_REQUEST', field: 'period', says: '统计周期' },
      { name: 'scorecard from after to', user: 'office', method: 'GET', url: () => '/api/scorecards?from=2025-06-30&to=2025-06-01', status: 400, code: 'BAD_REQUEST', field: 'from', says: '起始日期' },
      { name: 'list page 0', user: 'office', method: 'GET', url: () => '/api/lists/supervision?page=0', status: 400, code: 'BAD_REQUEST', field: 'page', says: '页码' },
      { name: 'list page size 5000', user: 'office', method: 'GET', url: () => '/api/lists/supervision?pageSize=5000', status: 400, code: 'BAD_REQUEST', field: 'pageSize', says: '每页条数' },
      { name: 'blue light', user: 'office', method: 'GET', url: () => '/api/lists/supervision?rag=blue', status: 400, code: 'BAD_REQUEST', field: 'rag', says: '红黄绿灯' },
      { name: 'unknown sort', user: 'office', method: 'GET', url: () => '/api/lists/supervision?sort=random', status: 400, code: 'BAD_REQUEST', field: 'sort', says: '排序' },
      // Oversized bodies.
      { name: 'an 11 MB JSON body', user: 'office', url: () => '/api/policies', body: JSON.stringify({ code: 'BIG', title: 'x'.repeat(11 * 1024 * 1024) }), headers: JSON_TYPE, status: 413, code: 'BODY_TOO_LARGE' },
      { name: 'a title of 301 characters', user: 'office', url: () => '/api/policies', body: { code: 'LONG', title: '长'.repeat(301) }, status: 422, code: 'VALIDATION', field: 'title', says: '300' },
      // Broken workbooks.
      { name: 'random bytes as a workbook', user: 'office', url: () => '/api/import/policies/excel?title=t', body: books.random, headers: { 'content-type': XLSX }, status: 400, code: 'BAD_EXCEL', field: 'file', says: 'Excel' },
      { name: 'a CSV file as a workbook', user: 'office', url: () => '/api/import/policies/excel?title=t', body: books.csv, headers: { 'content-type': XLSX }, status: 400, code: 'BAD_EXCEL' },
      { name: 'an empty workbook upload', user: 'office', url: () => '/api/import/policies/excel?title=t', body: Buffer.alloc(0), headers: { 'content-type': XLSX }, status: 400, code: 'BAD_REQUEST', field: 'file' },
      { name: 'a workbook without the header', user: 'office', url: () => '/api/import/policies/excel?title=t', body: books.noHeader, headers: { 'content-type': XLSX }, status: 422, code: 'IMPORT_INVALID', says: '序号' },
      { name: 'a workbook with bad rows', user: 'office', url: () => '/api/import/policies/excel?title=t', body: books.badRows, headers: { 'content-type': XLSX }, status: 422, code: 'IMPORT_INVALID', says: '错误' },
      // U+0000 where PostgreSQL would have refused it (each of these answered 500 once).
      { name: 'NUL in a login username', url: () => '/api/auth/login', body: { username: 'health\u0000', password: 'x' }, status: 422, code: 'VALIDATION', field: 'username', says: '用户名' },
      { name: 'NUL in a department name', user: 'admin', url: () => '/api/departments', body: { id: 'nul-dept', name: '市\u0000局' }, status: 422, code: 'VALIDATION', field: 'name', says: 'U+0000' },
      { name: 'NUL in q', user: 'office', method: 'GET', url: () => '/api/lists/supervision?q=a%00', status: 422, code: 'VALIDATION', field: 'q', says: '搜索词' },
      { name: 'NUL in a path parameter', user: 'office', method: 'GET', url: () => '/api/departments/health%00', status: 422, code: 'VALIDATION', field: 'id' },
      { name: 'NUL in a policy title', user: 'office', url: () => '/api/policies', body: { code: 'NUL-1', title: '文\u0000件' }, status: 422, code: 'VALIDATION', field: 'title', says: '标题' },
      { name: 'NUL in an area title', user: 'office', url: () => `/api/policies/${policyId}/areas`, body: { title: '方\u0000面' }, status: 422, code: 'VALIDATION', field: 'title', says: '标题' },
      { name: 'NUL in a person’s name', user: 'admin', url: () => '/api/people', body: { username: 'nul', displayName: '张\u0000', role: 'leader', password: 'Abcdefg123' }, status: 422, code: 'VALIDATION', field: 'displayName', says: '姓名' },
      { name: 'a line break in a name', user: 'admin', url: () => '/api/departments', body: { id: 'nl-dept', name: '市\n局' }, status: 422, code: 'VALIDATION', field: 'name', says: 'U+000A' },
      { name: 'an unpaired surrogate in a reason', user: 'office', url: () => `${m()}/flag`, body: { flagged: true, reason: '滞后\ud83d' }, status: 422, code: 'VALIDATION', field: 'reason', says: 'U+D83D' },
      // URLs the router cannot read.
      { name: 'a path that is not UTF-8', user: 'office', method: 'GET', url: () => '/api/measures/%FF', status: 400, code: 'BAD_URL' },
      { name: 'a path parameter of 200 characters', user: 'office', method: 'GET', url: () => `/api/departments/${'a'.repeat(200)}`, status: 414, code: 'URI_TOO_LONG' },
      // Headers.
      { name: 'an Idempotency-Key that is not ASCII', user: 'office', url: () => '/api/policies', body: { code: 'K-1', title: '文件' }, headers: { 'idempotency-key': '键 1' }, status: 400, code: 'BAD_REQUEST', field: 'Idempotency-Key' },
    ];

    const before = await snapshot();
    const failures: string[] = [];
    for (const c of cases) {
      const res = await api.req(c.user ?? null, c.method ?? 'POST', c.url(), c.body, c.headers);
      try {
        const body = expectErrorShape(res, c.status, c.code);
        if (c.field !== undefined && body.field !== c.field) throw new Error(`expected field ${c.field}, got ${body.field}: ${res.body}`);
        if (c.says && !body.message.includes(c.says)) throw new Error(`message should name ${c.says}: ${body.message}`);
      } catch (err) {
        failures.push(`${c.name}: ${(err as Error).message.slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('reports every bad row and column of a workbook at once, in Chinese', async () => {
    const { badRows } = await brokenWorkbooks();
    const res = await api.post('office', '/api/import/policies/excel?title=测试', badRows, { 'content-type': XLSX });
    expectErrorShape(res, 422, 'IMPORT_INVALID');
    const errors = res.json().errors as Array<{ row: number; column: string; message: string }>;
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [2, '配合单位'],
      [2, '完成时限'],
      [3, '牵头单位'],
      [4, '序号'],
      [4, '牵头单位'],
      [4, '完成时限'],
    ]);
    expect(errors[0]!.message).toMatch(/^第2行「配合单位」：未找到部门「不存在的局」。可填写已有部门的全称或简称；或随导入新建/);
    expect(errors[1]!.message).toContain('第2行「完成时限」：无法识别「2025年13月」');
    expect(errors[2]!.message).toBe('第3行「牵头单位」：缺少牵头单位');
    expect(res.json().message).toMatch(/^导入失败，共6处错误，未导入任何内容/);
  });

  it('answers a request line Node cannot parse (raw bytes in the query string) in our shape', async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = api.app.server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      let out = '';
      const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([Buffer.from('GET /api/lists/supervision?q='), Buffer.from([0xe6, 0x8e, 0xa8]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')])));
      socket.on('data', (d) => (out += d.toString('utf8')));
      socket.on('close', () => resolve(out));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('百分号编码') });
  });

  it('refuses an unreadable Authorization header and an unknown token with 401', async () => {
    expectErrorShape(await api.req(null, 'GET', '/api/lists/supervision', undefined, { authorization: 'Basic abc' }), 401, 'UNAUTHORIZED');
    expectErrorShape(await api.req(null, 'GET', '/api/lists/supervision', undefined, { authorization: 'Bearer not-a-token' }), 401, 'UNAUTHORIZED');
  });
});
