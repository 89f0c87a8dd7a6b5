// A poison text must never reach a measure: U+0000 (which PostgreSQL cannot store), the other
// control characters and unpaired surrogates, put into every text field of every measure action,
// of both imports (JSON, and an Excel workbook as Excel writes such cells) and into query strings
// and path parameters, are each refused with 422 naming the field. Not one table changes and the
// workflow hears of none of it: afterwards the measure answers an ordinary action, and the office
// can still cancel it.
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, dispatchedMeasure, expectErrorShape, waitForList, type ApiEnv, type User } from '../support/api.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** NUL, other C0 controls, DEL, C1 controls (NEL among them), an unpaired surrogate. */
const POISONS = ['\u0000', '\u0001', '\u0008', '\u001b', '\u007f', '\u0085', '\u009f', '\ud800'];
/** Single-line fields (names, ids, dates, links) refuse line breaks and tabs as well. */
const LINE_BREAKS = ['\n', '\t'];
const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

let api: ApiEnv;
let measureId: string;

beforeAll(async () => {
  api = await createApiEnv('controlchars');
  measureId = await dispatchedMeasure(api);
  const ack = await api.post('health', `/api/measures/${measureId}/acknowledge`, {});
  if (ack.statusCode !== 200) throw new Error(ack.body);
  await waitForList(api, measureId, 'supervision');
});
afterAll(async () => api?.close());

/** Every row of every table, as one fingerprint per table. */
async function everyTable(): Promise<Record<string, string>> {
  const db = api.env.database.db;
  const tables = (await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)) as unknown as Array<{ table_name: string }>;
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const [row] = (await db.execute(sql.raw(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from "${table_name}" t`))) as unknown as Array<{ n: number; h: string }>;
    out[table_name] = `${row!.n}:${row!.h}`;
  }
  return out;
}

type JsonSchema = { type?: string; pattern?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[] };

/** The path of every string a request body may carry, read from the API's own OpenAPI document. */
function stringFields(schema: JsonSchema, path: Array<string | number> = []): Array<{ path: Array<string | number>; singleLine: boolean }> {
  const out: Array<{ path: Array<string | number>; singleLine: boolean }> = [];
  const patterns = [schema.pattern, ...(schema.allOf ?? []).map((s) => s.pattern)].filter(Boolean).join(' ');
  if (schema.type === 'string') out.push({ path, singleLine: !patterns.includes('\\u000E') });
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    for (const f of stringFields(branch, path)) if (!out.some((o) => o.path.join('.') === f.path.join('.'))) out.push(f);
  }
  for (const [key, sub] of Object.entries(schema.properties ?? {})) out.push(...stringFields(sub, [...path, key]));
  if (schema.items) out.push(...stringFields(schema.items, [...path, 0]));
  return out;
}

/** The body with `c` put into the middle of the string at `path` (made when absent). */
function poisoned(body: Record<string, unknown>, path: Array<string | number>, c: string): Record<string, unknown> {
  const copy = structuredClone(body);
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const value = typeof at[last] === 'string' ? (at[last] as string) : 'health';
  const middle = Math.ceil(value.length / 2);
  at[last] = `${value.slice(0, middle)}${c}${value.slice(middle)}`;
  return copy;
}

function expectRefused(res: LightMyRequestResponse, field: string, c: string, failures: string[], what: string) {
  try {
    const body = expectErrorShape(res, 422, 'VALIDATION');
    if (body.field !== field) throw new Error(`field ${body.field}, expected ${field}`);
    // Named as 中文名（path）, and the character too (a line break in a date or a link may first
    // be refused as a malformed date or link).
    if (!new RegExp(`[\\u4e00-\\u9fff]（${field.replaceAll('.', '\\.')}）`).test(body.message)) throw new Error(`message does not name ${field}: ${body.message}`);
    if (!LINE_BREAKS.includes(c) && !body.message.includes(codePoint(c))) throw new Error(`message does not name ${codePoint(c)}: ${body.message}`);
  } catch (err) {
    failures.push(`${what} ${JSON.stringify(c)}: ${(err as Error).message.slice(0, 300)}`);
  }
}

/** A valid body for each action and who sends it; each string field is then poisoned in turn. */
const evidence = [{ name: '现场照片.jpg', url: 'https://example.gov.cn/a.jpg', note: '第一批' }];
const ACTIONS: Array<{ path: string; user: User; body: Record<string, unknown> }> = [
  { path: 'acknowledge', user: 'health', body: {} },
  { path: 'decline', user: 'health', body: { reason: '职责不在本单位' } },
  { path: 'submit-progress', user: 'health', body: { text: '已完成方案制定', percent: 30, evidence } },
  { path: 'apply-closure', user: 'health', body: { summary: '各项任务已完成', evidence } },
  { path: 'request-extension', user: 'health', body: { newDeadline: '2099-12-31', reason: '需跨年度实施' } },
  { path: 'review-closure', user: 'office', body: { decision: 'return', reason: '请补充验收材料' } },
  { path: 'decide-extension', user: 'office', body: { approve: true, reason: '同意延期', newDeadline: '2099-12-31' } },
  { path: 'reassign-lead', user: 'office', body: { departmentId: 'finance', reason: '职责调整' } },
  { path: 'cancel', user: 'office', body: { reason: '任务取消' } },
  { path: 'flag', user: 'office', body: { flagged: true, reason: '进度严重滞后' } },
];

describe('control characters', () => {
  it('are refused in every text field of every measure action, in query strings and path parameters, and change nothing', async () => {
    const doc = (await api.get(null, '/docs/json')).json() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };
    const timelineBefore = (await api.app.measures.state(measureId)).timeline;
    const tablesBefore = await everyTable();
    const failures: string[] = [];
    let tried = 0;

    for (const action of ACTIONS) {
      const schema = doc.paths[`/api/measures/{id}/${action.path}`]!.post!.requestBody!.content['application/json']!.schema;
      const fields = stringFields(schema);
      expect(fields.length, action.path).toBeGreaterThan(0);
      for (const { path, singleLine } of fields) {
        for (const c of [...POISONS, ...(singleLine ? LINE_BREAKS : [])]) {
          const res = await api.post(action.user, `/api/measures/${measureId}/${action.path}`, poisoned(action.body, path, c));
          expectRefused(res, path.join('.'), c, failures, `${action.path} ${path.join('.')}`);
          tried++;
        }
      }
    }
    // Path parameters and query strings, on reads and actions alike.
    for (const c of POISONS) {
      const e = c === '\ud800' ? '%ED%A0%80' : encodeURIComponent(c);
      if (c === '\ud800') {
        // An encoded lone surrogate cannot even be decoded from the URL: 400 in our shape.
        expectErrorShape(await api.get('office', `/api/measures/${measureId}${e}`), 400, 'BAD_URL');
        continue;
      }
      expectRefused(await api.get('office', `/api/measures/${measureId}${e}`), 'id', c, failures, 'path id');
      expectRefused(await api.post('health', `/api/measures/${measureId}${e}/acknowledge`, {}), 'id', c, failures, 'action path id');
      expectRefused(await api.get('office', `/api/departments/health${e}`), 'id', c, failures, 'department id');
      expectRefused(await api.get('office', `/api/lists/supervision?q=${encodeURIComponent('推进')}${e}`), 'q', c, failures, 'list q');
      expectRefused(await api.get('office', `/api/lists/supervision?departmentId=health${e}`), 'departmentId', c, failures, 'list departmentId');
      expectRefused(await api.post('office', `/api/measures/${measureId}/cancel?note=a${e}`, { reason: '撤销' }), 'note', c, failures, 'action query');
      tried += 6;
    }

    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(150);
    expect(await everyTable()).toEqual(tablesBefore);
    // Not one of them reached the workflow.
    expect((await api.app.measures.state(measureId)).timeline).toEqual(timelineBefore);
  });

  it('are refused in every field of a JSON import, with nothing written', async () => {
    const body = {
      policy: { code: 'CC-JSON-1', title: '关于控制字符测试的若干措施', issuer: '市医改办' },
      measures: [
        { seq: '1', area: '一、测试方面', title: '测试措施', content: '推进测试工作。', leadDepartment: '市卫生健康委', cooperatingDepartments: ['市财政局'], deadline: '2030年底前', target: '完成测试' },
        { seq: '2', area: '一、测试方面', content: '继续推进。', leadDepartment: '市财政局', cooperatingDepartments: '市人社局、市医保局', deadline: '2030年第二季度', target: '完成' },
      ],
      createDepartments: ['市数据局'],
    };
    // The unpoisoned package is fine (a dry run writes nothing).
    const dry = await api.post('office', '/api/import/policies?dryRun=true', body);
    expect(dry.statusCode, dry.body).toBe(200);

    const doc = (await api.get(null, '/docs/json')).json();
    const fields = stringFields(doc.paths['/api/import/policies'].post.requestBody.content['application/json'].schema as JsonSchema);
    // Each field of the first measure, and the string form of 配合单位 in the second.
    const paths = [...fields.map((f) => f.path), ['measures', 1, 'cooperatingDepartments']];
    expect(paths.map((p) => p.join('.'))).toEqual(expect.arrayContaining(['policy.title', 'measures.0.content', 'measures.0.cooperatingDepartments.0', 'measures.0.target']));

    const before = await everyTable();
    const failures: string[] = [];
    for (const path of paths) {
      for (const c of POISONS) {
        const res = await api.post('office', '/api/import/policies', poisoned(body, path, c));
        expectRefused(res, path.join('.'), c, failures, `import ${path.join('.')}`);
      }
    }
    expectRefused(await api.post('office', '/api/import/policies?dryRun=%00', body), 'dryRun', '\u0000', failures, 'import query');
    expect(failures).toEqual([]);
    expect(await everyTable()).toEqual(before);
  });

  it('are refused in every cell of an Excel import, each bad cell named by row and column, with nothing written', async () => {
    // Excel writes a control character in a cell as _xHHHH_; exceljs reads it back as the character.
    const escaped = (c: string) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
    const header = ['序号', '方面', '措施', '牵头单位', '配合单位', '完成时限', '工作目标/预期成果'];
    const clean = (seq: number) => [String(seq), '一、测试方面', `推进第${seq}项测试工作。`, '市卫生健康委', '市财政局', '2030年底前', '完成测试'];
    const workbook = async (title: string, rows: string[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('清单');
      ws.addRow([title]);
      ws.addRow(header);
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const upload = (data: Buffer, query = '') => api.post('office', `/api/import/policies/excel${query}`, data, { 'content-type': XLSX });

    const fine = await upload(await workbook('《控制字符测试若干措施》责任分工清单', header.map((_, i) => clean(i + 1))), '?dryRun=true');
    expect(fine.statusCode, fine.body).toBe(200);

    const before = await everyTable();
    for (const c of POISONS) {
      // Row 3 + i has its i-th cell poisoned: every column once.
      const rows = header.map((_, i) => {
        const r = clean(i + 1);
        r[i] = `${r[i]!.slice(0, 2)}${escaped(c)}${r[i]!.slice(2)}`;
        return r;
      });
      const res = await upload(await workbook('《控制字符测试若干措施》责任分工清单', rows));
      expectErrorShape(res, 422, 'IMPORT_INVALID');
      const errors = res.json().errors as Array<{ row: number; column: string; message: string }>;
      const named = errors.filter((e) => e.message.includes(codePoint(c)));
      expect(named.map((e) => [e.row, e.column]), JSON.stringify(c)).toEqual(header.map((h, i) => [3 + i, h]));
      expect(named[0]!.message).toContain(`第3行「序号」：含有`);
      // No row but the poisoned ones is reported.
      expect(errors.every((e) => e.row === 3 + header.indexOf(e.column))).toBe(true);

      const titled = await upload(await workbook(`《控制字符${escaped(c)}测试》责任分工清单`, [clean(1)]));
      expectErrorShape(titled, 422, 'IMPORT_INVALID');
      expect(titled.json().errors).toEqual([{ row: 1, column: '标题', message: expect.stringContaining(codePoint(c)) }]);
    }
    // The title given as a query parameter instead.
    const query = await upload(await workbook('', [clean(1)]), '?title=%E6%B5%8B%00%E8%AF%95');
    const body = expectErrorShape(query, 422, 'VALIDATION');
    expect(body).toMatchObject({ field: 'title', message: expect.stringContaining('标题（title）') });
    expect(await everyTable()).toEqual(before);
  });

  it('leave the measure answering: an ordinary report (line breaks and tabs allowed) goes through, and the office can cancel', async () => {
    const text = '第一阶段：已完成方案制定。\n第二阶段：\t正在推进。';
    const report = await api.post('health', `/api/measures/${measureId}/submit-progress`, { text, percent: 40 });
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().lastReport).toMatchObject({ text, percent: 40 });
    const detail = (await api.get('office', `/api/measures/${measureId}`)).json();
    expect(detail.reports.map((r: { text: string }) => r.text)).toContain(text);

    const cancel = await api.post('office', `/api/measures/${measureId}/cancel`, { reason: '测试结束，撤销措施' });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json().status).toBe('cancelled');
    await waitForList(api, measureId, null);
  });
});
