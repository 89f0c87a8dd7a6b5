// A second package, as a new office would send it (test/support/second-package.ts): an annex label,
// a 《…》 title row, notes, a heading row and merged 方面 cells, full-width 序号, every deadline form,
// and five departments the system does not know. Dry run (each row's deadline as read, each unknown
// department listed once), the import creating those departments, dispatch, then the lists, a
// department's view and an export — over HTTP alone, on the real Temporal server and PostgreSQL.
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema/index.js';
import { createApiEnv, expectErrorShape, PASSWORD, type ApiEnv } from '../support/api.js';
import { NEW_DEPARTMENTS, SECOND_LAYOUT, SECOND_TITLE, secondPackage, secondPackageWorkbook } from '../support/second-package.js';

const XLSX = { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
let api: ApiEnv;
let workbook: Buffer;
let rowOf: Map<number, number>;
const pkg = secondPackage();

beforeAll(async () => {
  api = await createApiEnv('second-package');
  ({ data: workbook, rowOf } = await secondPackageWorkbook());
});
afterAll(async () => api?.close());

type Preview = { row: number; seq: number; area: string; title: string; deadline: { text: string; kind: string; date: string | null; description: string; passed: boolean }; leadDepartment: { name: string; id: string | null } };

describe('a second package, as an office sends it', () => {
  let policyId: string;

  it('dry run: the title past 附件1, every row with its deadline as read, each unknown department once', async () => {
    const res = await api.post('office', '/api/import/policies/excel?dryRun=true', workbook, XLSX);
    expect(res.statusCode, res.body).toBe(200);
    const dry = res.json();
    expect(dry).toMatchObject({ dryRun: true, policy: null, ready: false, measures: 12, title: { text: SECOND_TITLE, source: 'sheet', row: SECOND_LAYOUT.titleRow } });
    // A heading row names the first 方面, merged cells the others; the numbering is dropped.
    expect(dry.areas).toEqual(pkg.areas);

    const preview = dry.preview as Preview[];
    // Full-width 序号 read as numbers, each on the sheet row it was written on.
    expect(preview.map((p) => [p.seq, p.row])).toEqual(pkg.measures.map((_, i) => [i + 1, rowOf.get(i + 1)]));
    expect(preview.map((p) => p.title)).toEqual(['建立科技创新领导小组', '完善科技创新组织管理体系', '健全科技创新政策协同机制', '梳理重大需求清单', '建立攻关任务清单动态调整机制', '推进数据要素在医学研究中的应用', '建设临床医学研究中心', '推动医疗器械创新服务站建设', '共建医学教育创新平台', '完善科技成果评价机制', '开展科技创新工作年度评估', '将科技创新成效纳入医疗机构绩效考核']);
    expect(preview.map((p) => p.area)).toEqual(pkg.measures.map((m) => m.area));

    // Every deadline form of DESIGN.md, as read: kind, last day, description, and the text as written.
    const y = pkg.year;
    const read = Object.fromEntries(preview.map((p) => [p.seq, [p.deadline.kind, p.deadline.date, p.deadline.description, p.deadline.passed]]));
    expect(read).toEqual({
      1: ['date', `${y + 1}-06-30`, `${y + 1}年6月30日`, false], // 2027年6月底前
      2: ['date', `${y + 1}-12-31`, `${y + 1}年12月31日`, false], // 2027年底前
      3: ['ongoing', null, `${y}年起长期`, false], // 2026年起持续推进
      4: ['date', `${y + 1}-09-30`, `${y + 1}年9月30日`, false], // 2027年第三季度
      5: ['date', `${y + 1}-10-31`, `${y + 1}年10月31日`, false], // 2027年10月31日
      6: ['date', `${y + 2}-03-31`, `${y + 2}年3月31日`, false], // 2028年3月
      7: ['yearly', expect.stringMatching(/-12-31$/), '每年12月31日', false], // 每年12月底前
      8: ['ongoing', null, '长期', false], // 长期坚持
      9: ['date', `${y + 1}-09-30`, `${y + 1}年9月30日`, false], // a cell typed as a date
      10: ['date', `${y + 1}-06-30`, `${y + 1}年6月30日`, false], // full-width digits
      11: ['date', `${y - 1}-12-31`, `${y - 1}年12月31日`, true], // already past
      12: ['date', `${y + 1}-12-31`, `${y + 1}年12月31日`, false],
    });
    expect(preview.find((p) => p.seq === 1)!.deadline.text).toBe(`${y + 1}年6月底前`);
    expect(preview.find((p) => p.seq === 9)!.deadline.text).toBe(`${y + 1}年9月30日`);

    // Each unknown department once, with every cell that names it — not one error per cell.
    const uses = (name: string) =>
      pkg.measures.flatMap((m, i) => [
        ...(m.lead === name ? [{ row: rowOf.get(i + 1)!, column: '牵头单位' }] : []),
        ...(m.cooperating.split(/[、；\n]/).includes(name) ? [{ row: rowOf.get(i + 1)!, column: '配合单位' }] : []),
      ]);
    expect(dry.unknownDepartments.map((u: { name: string }) => u.name).sort()).toEqual([...NEW_DEPARTMENTS].sort());
    for (const u of dry.unknownDepartments) expect([u.name, u.uses, u.create]).toEqual([u.name, uses(u.name), false]);
    expect(dry.unknownDepartments.find((u: { name: string }) => u.name === '市科技局').uses).toHaveLength(7);
    // What stops the import as asked: the five departments, nothing else (a title was found).
    expect(dry.blockers).toHaveLength(5);
    expect(dry.blockers.every((b: { field: string }) => b.field === 'createDepartments')).toBe(true);
    expect(preview.find((p) => p.seq === 6)!.leadDepartment).toEqual({ name: '市数据局', id: null });
    expect(preview.find((p) => p.seq === 1)!.leadDepartment).toEqual({ name: '市卫生健康委', id: 'health' });

    // Warned: the deadline already past, the note between the measures and the signature line.
    const warnings = dry.warnings as Array<{ row: number; message: string }>;
    expect(warnings.map((w) => w.row)).toEqual([SECOND_LAYOUT.noteRows[0], rowOf.get(11), SECOND_LAYOUT.noteRows[1]]);
    expect(warnings[0]!.message).toContain('说明：第６项所需经费');
    expect(warnings[1]!.message).toContain('已经过去');
    expect(warnings[2]!.message).toContain('填表人');
  });

  it('refuses the import while departments are unknown: one problem per department, nothing written', async () => {
    const before = (await api.get('admin', '/api/departments')).json().length;
    const res = await api.post('office', '/api/import/policies/excel', workbook, XLSX);
    const body = expectErrorShape(res, 422, 'IMPORT_INVALID');
    expect(body.errors!).toHaveLength(5);
    expect((await api.get('admin', '/api/departments')).json()).toHaveLength(before);
    expect((await api.get('office', '/api/policies')).json()).toEqual([]);
  });

  it('imports, creating the new departments (audited), and refuses the same workbook again', async () => {
    const res = await api.post('office', '/api/import/policies/excel?createUnknownDepartments=true', workbook, XLSX);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.policy).toMatchObject({ title: SECOND_TITLE, measureCounts: { draft: 12 } });
    expect(body.policy.areas.map((a: { title: string; measures: number }) => [a.title, a.measures])).toEqual(pkg.areas.map((t) => [t, 3]));
    expect(body.createdDepartments.map((d: { name: string }) => d.name).sort()).toEqual([...NEW_DEPARTMENTS].sort());
    policyId = body.policy.id;

    const all = (await api.get('office', '/api/departments')).json() as Array<{ id: string; name: string }>;
    for (const name of NEW_DEPARTMENTS) expect(all.find((d) => d.name === name)?.id).toMatch(/^dept-[0-9a-f]{10}$/);
    const trail = await api.env.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'department_created'), eq(auditEvents.actor, api.ids.office)));
    expect(trail.map((e) => (e.detail as { name: string }).name).sort()).toEqual([...NEW_DEPARTMENTS].sort());

    const measures = (await api.get('office', `/api/policies/${policyId}/measures`)).json();
    const sixth = measures.find((m: { seq: number }) => m.seq === 6);
    expect(sixth.assignments.find((a: { role: string }) => a.role === 'lead').departmentName).toBe('市数据局');
    expect(measures.find((m: { seq: number }) => m.seq === 3).deadlineSpec).toEqual({ kind: 'ongoing', since: pkg.year });

    const again = expectErrorShape(await api.post('office', '/api/import/policies/excel', workbook, XLSX), 409, 'REPEAT_IMPORT');
    expect(again).toMatchObject({ existingPolicy: { id: policyId, title: SECOND_TITLE } });
  });

  it('dispatches all twelve once; the lists, a new department’s person and an export see them', async () => {
    // A person for a new department, named as the import named it.
    const person = await api.post('admin', '/api/people', { username: 'kjj', displayName: '科技局联络员', role: 'department', departmentId: '市科技局', password: PASSWORD });
    expect(person.statusCode, person.body).toBe(201);
    const kjjId = person.json().departmentId as string;
    expect(kjjId).toMatch(/^dept-/);

    const [first, second] = await Promise.all([api.post('office', `/api/policies/${policyId}/dispatch`), api.post('office', `/api/policies/${policyId}/dispatch`)]);
    for (const r of [first, second]) expect(r.statusCode, r.body).toBe(200);
    // Two dispatches at once: each measure dispatched by exactly one of them.
    const dispatched = [...first.json().dispatched, ...second.json().dispatched];
    expect(dispatched).toHaveLength(12);
    expect(new Set(dispatched).size).toBe(12);
    expect([...first.json().failed, ...second.json().failed]).toEqual([]);

    await expect.poll(async () => (await api.get('office', `/api/lists/responsibility?policyId=${policyId}&pageSize=50`)).json().total, { timeout: 30_000, interval: 250 }).toBe(12);
    // Dispatching again: nothing new.
    expect((await api.post('office', `/api/policies/${policyId}/dispatch`)).json()).toEqual({ dispatched: [], alreadyDispatched: [], failed: [] });

    // The filter takes the department as the import does: by name, short name or id.
    const led = pkg.measures.flatMap((m, i) => (m.lead === '市科技局' ? [i + 1] : []));
    for (const ref of ['市科技局', kjjId]) {
      const list = (await api.get('office', `/api/lists/responsibility?policyId=${policyId}&departmentId=${encodeURIComponent(ref)}`)).json();
      expect(list.items.map((i: { seq: number }) => i.seq)).toEqual(led);
    }

    // The new department's person sees its policy, its measures and its counts only.
    const token = await api.login('kjj');
    const policies = (await api.withToken(token, 'GET', '/api/policies')).json();
    const involved = pkg.measures.filter((m) => m.lead === '市科技局' || m.cooperating.split(/[、；\n]/).includes('市科技局'));
    expect(policies.map((p: { id: string }) => p.id)).toEqual([policyId]);
    expect(policies[0].measureCounts).toEqual({ dispatched: involved.length });
    const seen = (await api.withToken(token, 'GET', '/api/lists/responsibility?pageSize=50')).json();
    expect(seen.total).toBe(involved.length);

    // The export of what it leads, filtered by name.
    const res = await api.get('office', `/api/exports/lists/responsibility?policyId=${policyId}&departmentId=${encodeURIComponent('市科技局')}`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(String(ws.getCell('A1').value)).toContain(`《${SECOND_TITLE}》`);
    const header = (ws.getRow(3).values as unknown[]).slice(1).map(String);
    const deadlineColumn = header.indexOf('完成时限') + 1;
    const written = (seq: number) => {
      const d = pkg.measures[seq - 1]!.deadline;
      return typeof d === 'string' ? d : `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
    };
    const deadlines: string[] = [];
    ws.eachRow((r, n) => n > 3 && r.getCell(deadlineColumn).value && deadlines.push(String(r.getCell(deadlineColumn).value)));
    expect(deadlines).toEqual(led.map(written));
  });
});
