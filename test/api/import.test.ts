// 导入: the template an office downloads, fills in and sends back; JSON; dry runs; all or nothing
// with every bad cell reported at once.
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, expectErrorShape, type ApiEnv } from '../support/api.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('import', { worker: false });
});
afterAll(async () => api?.close());

const count = async (table: 'policies' | 'measures' | 'areas') => ((await api.env.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0] as { n: number }).n;
const upload = (url: string, data: Buffer) => api.post('office', url, data, { 'content-type': XLSX });

async function template(): Promise<ExcelJS.Workbook> {
  const res = await api.get('office', '/api/import/template.xlsx');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe(XLSX);
  expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('三张清单导入模板.xlsx')}`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return wb;
}

describe('the Excel template', () => {
  it('has the office layout, instructions and the department names, and imports as filled in', async () => {
    const wb = await template();
    expect(wb.worksheets.map((w) => w.name)).toEqual(['措施清单', '填写说明', '部门名称', '部门列表']);
    const ws = wb.getWorksheet('措施清单')!;
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual(['序号', '方面', '措施', '牵头单位', '配合单位', '完成时限', '工作目标/预期成果']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    const names = wb.getWorksheet('部门名称')!;
    expect(names.getColumn(1).values).toContain('市卫生健康委员会');

    // The office replaces the example with its own rows.
    ws.getCell('A1').value = '《关于加强公立医院运营管理的若干措施》责任分工清单';
    const rows: Array<Array<string | number>> = [
      [1, '一、强化运营管理', '健全运营管理体系。建立运营管理委员会。', '市卫生健康委', '市财政局、市人社局', '2027年6月底前', '运营管理委员会建立'],
      [2, '', '推进业财融合。', '市卫生健康委员会', '市财政局\n市医保局', '2027年第二季度', ''],
      ['', '二、加强绩效考核', '完善绩效考核指标。', '市人社局、市卫生健康委', '', '每年12月底前', ''],
    ];
    rows.forEach((r, i) => (ws.getRow(4 + i).values = r));
    const data = Buffer.from(await wb.xlsx.writeBuffer());

    const before = await count('policies');
    const dry = await upload('/api/import/policies/excel?dryRun=true', data);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, policy: null, measures: 3, areas: ['强化运营管理', '加强绩效考核'] });
    expect(dry.json()).toMatchObject({ ready: true, blockers: [], unknownDepartments: [], title: { text: '关于加强公立医院运营管理的若干措施', source: 'sheet', row: 1 } });
    expect(dry.json().preview).toMatchObject([
      { row: 4, seq: 1, area: '强化运营管理', title: '健全运营管理体系', deadlineText: '2027年6月底前', leadDepartmentId: 'health', cooperatingDepartmentIds: ['finance', 'hrss'] },
      { row: 5, seq: 2, area: '强化运营管理', title: '推进业财融合', deadlineText: '2027年第二季度', leadDepartmentId: 'health', cooperatingDepartmentIds: ['finance', 'medsec'] },
      { row: 6, seq: 3, area: '加强绩效考核', title: '完善绩效考核指标', deadlineText: '每年12月底前', leadDepartmentId: 'hrss', cooperatingDepartmentIds: ['health'] },
    ]);
    // Each row's deadline as read: the kind, the last day, how it reads, the text as written.
    expect(dry.json().preview[0].deadline).toEqual({ text: '2027年6月底前', kind: 'date', date: '2027-06-30', description: '2027年6月30日', passed: false });
    expect(dry.json().preview[2].deadline).toMatchObject({ text: '每年12月底前', kind: 'yearly', date: expect.stringMatching(/^\d{4}-12-31$/), description: '每年12月31日', passed: false });
    expect(dry.json().preview[0].leadDepartment).toEqual({ name: '市卫生健康委', id: 'health' });
    // Two lead departments: the first leads, the other cooperates, and the office is told.
    expect(dry.json().warnings).toEqual([{ row: 6, column: '牵头单位', message: expect.stringContaining('第6行「牵头单位」：填写了2个牵头单位，以「市人社局」为牵头单位') }]);
    expect(await count('policies')).toBe(before);

    const res = await upload('/api/import/policies/excel', data);
    expect(res.statusCode, res.body).toBe(201);
    const policy = res.json().policy;
    // No title or code given: the title comes from the sheet's title row, the code is generated.
    expect(policy.title).toBe('关于加强公立医院运营管理的若干措施');
    expect(policy.code).toMatch(/^IMP-\d{8}-[0-9a-f]{6}$/);
    expect(policy.measureCounts).toEqual({ draft: 3 });
    const measures = (await api.get('office', `/api/policies/${policy.id}/measures`)).json();
    expect(measures[0]).toMatchObject({ title: '健全运营管理体系', content: '健全运营管理体系。建立运营管理委员会。', target: '运营管理委员会建立', status: 'draft' });
  });
});

describe('JSON import', () => {
  it('reports every bad item and field at once, and writes nothing', async () => {
    const before = [await count('policies'), await count('measures'), await count('areas')];
    const res = await api.post('office', '/api/import/policies', {
      policy: { code: 'JSON-BAD', title: '有错误的文件' },
      measures: [
        { seq: 1, area: '甲', content: '措施一', leadDepartment: '市卫生健康委', cooperatingDepartments: ['市财政局', '市不存在局'], deadline: '2026年底前' },
        { seq: 1, area: '甲', content: '', leadDepartment: '', deadline: '' },
        { seq: 'x', content: '措施三', leadDepartment: '查无此局', deadline: '2026年2月30日' },
      ],
    });
    expectErrorShape(res, 422, 'IMPORT_INVALID');
    expect(res.json().errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).toEqual([
      '1:配合单位',
      '2:序号',
      '2:措施',
      '2:牵头单位',
      '2:完成时限',
      '3:序号',
      '3:牵头单位',
      '3:完成时限',
    ]);
    // An unknown department is one problem (not one per cell), which says how to go on.
    expect(res.json().errors[0]).toMatchObject({ field: 'createDepartments', message: expect.stringMatching(/^第1项「配合单位」：未找到部门「市不存在局」。可填写已有部门的全称或简称；或随导入新建/) });
    expect(res.json().errors[1]).toMatchObject({ field: 'measures.1.seq', message: '第2项「序号」：序号1与第1项重复' });
    expect(res.json().errors[7].message).toContain('2026年2月没有30日');
    expect([await count('policies'), await count('measures'), await count('areas')]).toEqual(before);
  });

  it('imports a clean package, matching departments by name, short name or id, with cooperating departments as text', async () => {
    const res = await api.post('office', '/api/import/policies', {
      policy: { code: 'JSON-OK', title: '干净的文件', issuedOn: '2025-05-01' },
      measures: [
        { seq: 1, area: '一、方面甲', title: '自拟名称', content: '措施一的内容很长。第二句。', leadDepartment: '市卫生健康委', cooperatingDepartments: '市财政局；medsec，市人力资源和社会保障局', deadline: '2026年底前', target: '目标一' },
        { seq: 2, content: '措施二', leadDepartment: 'finance', deadline: '长期坚持' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ measures: 2, areas: ['方面甲'], warnings: [] });
    const measures = (await api.get('office', `/api/policies/${res.json().policy.id}/measures`)).json();
    expect(measures.map((m: { title: string; areaTitle: string | null }) => [m.title, m.areaTitle])).toEqual([
      ['自拟名称', '方面甲'],
      ['措施二', '方面甲'], // a blank 方面 takes the one above
    ]);
    expect(measures[0].assignments.map((a: { departmentId: string }) => a.departmentId).sort()).toEqual(['finance', 'health', 'hrss', 'medsec']);
  });
});
