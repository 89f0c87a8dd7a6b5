// A poison text must never reach a measure: U+0000 (which PostgreSQL cannot store), the other
// control characters and unpaired surrogates, put into every text field of every measure action,
// of both imports (JSON, and an Excel workbook as Excel writes such cells) and into query strings
// and path parameters, are each refused with 422 naming the field. Not one table changes and the
// workflow hears of none of it: afterwards the measure answers an ordinary action, and the office
// can still cancel it.
// And should one get past the door — sent to the workflow directly, as a client of Temporal can —
// it still cannot stall a measure: every free-text field of every action, and the texts an import
// gives a workflow (title, 完成时限), poisoned below the door, leave the measure answering and the
// office able to cancel it; each step PostgreSQL refuses is set aside (failed_steps), none is lost,
// and an admin's repaired replays complete the audit trail.
import { asc, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeasureAction } from '../../api/measure-client.js';
import { rulesFor } from '../../api/routes/measures/service.js';
import { auditEvents, failedSteps, measures } from '../../db/schema/index.js';
import type { DeadlineSpec } from '../../workflows/rules/deadline.js';
import { createApiEnv, createDraft, createPolicy, dispatchedMeasure, expectErrorShape, waitForList, type ApiEnv, type User } from '../support/api.js';

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

describe('control characters past the door', () => {
  /** Fields of the action bodies that are not free text: ids, dates, choices, uploaded files. */
  const NOT_FREE_TEXT = /^(departmentId|newDeadline|decision|evidence\.0\.fileId)$/;
  const camel = (path: string) => path.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) as MeasureAction;
  const evidenceWith = (c: string) => [{ name: `现场${c}照片.jpg`, url: `https://example.gov.cn/${c}a.jpg`, note: `第一${c}批` }];
  /** Every action in an order the workflow accepts, each free-text field carrying `c`; the office cancels last, through the API. */
  const walk = (c: string): Array<{ action: MeasureAction; by: 'health' | 'office'; args: Record<string, unknown> }> => [
    { action: 'decline', by: 'health', args: { departmentId: 'health', reason: `职责${c}不在本单位` } },
    { action: 'acknowledge', by: 'health', args: { departmentId: 'health' } },
    { action: 'submitProgress', by: 'health', args: { departmentId: 'health', text: `已完成${c}方案制定`, percent: 30, evidence: evidenceWith(c) } },
    { action: 'requestExtension', by: 'health', args: { newDeadline: '2099-12-31', reason: `需跨年度${c}实施` } },
    { action: 'decideExtension', by: 'office', args: { approve: true, reason: `同意${c}延期` } },
    { action: 'flag', by: 'office', args: { flagged: true, reason: `进度${c}滞后` } },
    { action: 'applyClosure', by: 'health', args: { summary: `各项任务${c}已完成`, evidence: evidenceWith(c) } },
    { action: 'reviewClosure', by: 'office', args: { decision: 'return', reason: `请补充${c}材料` } },
    { action: 'reassignLead', by: 'office', args: { departmentId: 'finance', reason: `职责${c}调整` } },
  ];
  const actor = (by: 'health' | 'office') => ({ id: api.ids[by], role: by === 'health' ? ('department' as const) : ('coordination_office' as const), departmentId: by });
  /** Every string in `v` with `c` taken out: the repair an admin makes. */
  const without = (v: unknown, c: string): unknown =>
    typeof v === 'string' ? v.replaceAll(c, '') : Array.isArray(v) ? v.map((x) => without(x, c)) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, without(x, c)])) : v;

  /** Each step of the measure is written or set aside — none lost —; then the admin replays the set-aside ones, repaired, oldest first. */
  async function everyStepAccountedFor(measureId: string, c: string, lastSeq: number): Promise<number> {
    const db = api.env.database.db;
    const written = async () => (await db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.measureId, measureId))).map((e) => e.seq!).filter((x) => x !== null);
    const setAside = await db.select().from(failedSteps).where(eq(failedSteps.measureId, measureId)).orderBy(asc(failedSteps.seq));
    const all = Array.from({ length: lastSeq }, (_, i) => i + 1);
    expect([...(await written()), ...setAside.map((f) => f.seq)].sort((a, b) => a - b), codePoint(c)).toEqual(all);
    for (const f of setAside) {
      const payload = (await api.get('admin', `/api/failed-steps/${f.id}`)).json().payload;
      const res = await api.post('admin', `/api/failed-steps/${f.id}/replay`, { payload: without(payload, c) });
      expect(res.statusCode, `${codePoint(c)} step ${f.seq}: ${res.body}`).toBe(200);
    }
    expect((await written()).sort((a, b) => a - b), codePoint(c)).toEqual(all);
    return setAside.length;
  }

  it('leave every measure answering and the office able to cancel, whichever free-text field of whichever action carries them', async () => {
    // Every free-text field the API documents for an action is poisoned in the walk.
    const doc = (await api.get(null, '/docs/json')).json() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };
    for (const a of ACTIONS.filter((x) => x.path !== 'cancel')) {
      const fields = stringFields(doc.paths[`/api/measures/{id}/${a.path}`]!.post!.requestBody!.content['application/json']!.schema).map((f) => f.path.join('.')).filter((f) => !NOT_FREE_TEXT.test(f));
      const step = walk('\u0000').find((w) => w.action === camel(a.path))!;
      for (const field of fields) expect(JSON.stringify(field.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], step.args)), `${a.path} ${field}`).toContain('\\u0000');
    }

    const setAsideBy: Record<string, number> = {};
    for (const c of POISONS) {
      const measureId = await dispatchedMeasure(api);
      let view;
      for (const { action, by, args } of walk(c)) {
        // The measure answers each one within the API's 8 s bound, the poison in its own state.
        view = await api.app.measures.act(measureId, action, { ...args, actor: actor(by) } as never);
      }
      expect(view!).toMatchObject({ status: 'dispatched', leadDepartmentId: 'finance' });
      expect(view!.flagged?.reason).toBe(`进度${c}滞后`);
      const cancel = await api.post('office', `/api/measures/${measureId}/cancel`, { reason: '测试结束，撤销措施' });
      expect(cancel.statusCode, `${codePoint(c)}: ${cancel.body}`).toBe(200);
      expect(cancel.json().status).toBe('cancelled');
      expect(await api.app.measures.handle(measureId).result()).toBe('cancelled');
      setAsideBy[codePoint(c)] = await everyStepAccountedFor(measureId, c, (await api.app.measures.state(measureId)).timeline.at(-1)!.seq);
      await waitForList(api, measureId, null);
    }
    // PostgreSQL refuses U+0000 (text and jsonb) and unpaired surrogates (jsonb): from the decline on,
    // most steps carry one (a 挂牌督办 reason stays in the measure's state); the others it stores.
    for (const [c, n] of Object.entries(setAsideBy)) expect([c, n > 5]).toEqual([c, c === 'U+0000' || c === 'U+D800']);
    for (const [c, n] of Object.entries(setAsideBy)) if (c !== 'U+0000' && c !== 'U+D800') expect([c, n]).toEqual([c, 0]);
    // No step is left open (from 1 November /health may also warn that next year's holidays are missing).
    expect((await api.get(null, '/health')).json().warnings.filter((w: { code: string }) => w.code === 'FAILED_STEPS')).toEqual([]);
  });

  it('leave a measure answering whose import carried them (title, 完成时限) straight into its workflow', async () => {
    const db = api.env.database.db;
    for (const c of ['\u0000', '\ud800', '\u0001']) {
      const policy = await createPolicy(api);
      const measureId = await createDraft(api, policy);
      const [m] = await db.update(measures).set({ workflowId: `measure-${measureId}`, dispatchedAt: new Date() }).where(eq(measures.id, measureId)).returning();
      await api.app.measures.start({
        measureId,
        seq: m!.seq,
        title: `健全实验${c}平台体系`,
        leadDepartmentId: 'health',
        cooperatingDepartmentIds: ['finance'],
        deadline: { text: `2030年${c}底前`, spec: m!.deadlineSpec as DeadlineSpec },
        rules: await rulesFor(db, policy.id, 1, null),
        dispatchedBy: actor('office'),
      });
      const ack = await api.app.measures.act(measureId, 'acknowledge', { departmentId: 'health', actor: actor('health') });
      expect(ack.status).toBe('supervised');
      await waitForList(api, measureId, 'supervision');
      const cancel = await api.post('office', `/api/measures/${measureId}/cancel`, { reason: '测试结束，撤销措施' });
      expect(cancel.statusCode, `${codePoint(c)}: ${cancel.body}`).toBe(200);
      expect(cancel.json().status).toBe('cancelled');
      const setAside = await everyStepAccountedFor(measureId, c, (await api.app.measures.state(measureId)).timeline.at(-1)!.seq);
      if (c === '\u0000') expect(setAside).toBeGreaterThan(0);
      await waitForList(api, measureId, null);
    }
  });
});
