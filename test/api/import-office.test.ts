// Imports as offices send them (issue 13 point 5): the title found or asked for, never a
// placeholder; a repeat of the same content refused unless confirmed, also when sent twice at once;
// unknown departments created only when the office says which; the template's drop-downs and its
// help sheets on one page each.
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, expectErrorShape, type ApiEnv } from '../support/api.js';

const XLSX = { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('import-office', { worker: false });
});
afterAll(async () => api?.close());

const count = async (table: 'policies' | 'departments') => ((await api.env.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0] as { n: number }).n;
const upload = (query: string, data: Buffer) => api.post('office', `/api/import/policies/excel${query}`, data, XLSX);

async function template(): Promise<ExcelJS.Workbook> {
  const res = await api.get('office', '/api/import/template.xlsx');
  expect(res.statusCode).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return wb;
}

/** A sheet with these rows above the header and one clean measure below it. */
async function sheet(above: string[], measure: Array<string | number> = [1, '一、方面', '推进一项工作。', '市财政局', '', '2030年底前', '']): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('清单');
  for (const text of above) ws.addRow([text]);
  ws.addRow(['序号', '方面', '措施', '牵头单位', '配合单位', '完成时限', '工作目标/预期成果']);
  ws.addRow(measure);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const json = (title: string, measures: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({ policy: { code: `J-${Math.random().toString(36).slice(2, 10)}`, title }, measures, ...extra });

describe('the title', () => {
  it('is never the template’s placeholder: the template imported unchanged asks for one', async () => {
    const data = Buffer.from(await (await template()).xlsx.writeBuffer());
    const dry = await upload('?dryRun=true', data);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ title: null, ready: false, measures: 1 });
    expect(dry.json().blockers).toEqual([{ field: 'title', message: expect.stringContaining('未找到文件标题') }]);

    const before = await count('policies');
    expect(expectErrorShape(await upload('', data), 422, 'VALIDATION').field).toBe('title');
    for (const placeholder of ['（政策文件名称）', '附件1', 'XXX若干措施']) {
      expect(expectErrorShape(await upload(`?title=${encodeURIComponent(placeholder)}`, data), 422, 'VALIDATION').field).toBe('title');
    }
    expect(await count('policies')).toBe(before);
    // Asked for and given, it imports.
    const res = await upload(`?title=${encodeURIComponent('关于模板测试的若干措施')}`, data);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ title: { text: '关于模板测试的若干措施', source: 'query', row: null }, policy: { title: '关于模板测试的若干措施' } });
  });

  it('is read from the 《…》 row past an annex label, a note and a date; an annex label alone is no title', async () => {
    const found = await upload('?dryRun=true', await sheet(['附件1', '注：本表由市医改办汇总', '《关于进一步改善医疗服务的若干措施》责任分工清单', '（2026年5月）'], [1, '一、方面', '改善就医体验。', '市财政局', '', '2031年底前', '']));
    expect(found.json().title).toEqual({ text: '关于进一步改善医疗服务的若干措施', source: 'sheet', row: 3 });
    const none = await upload('?dryRun=true', await sheet(['附件1'], [1, '一、方面', '另一项工作。', '市财政局', '', '2031年底前', '']));
    expect(none.json()).toMatchObject({ title: null, ready: false });
    expect(expectErrorShape(await upload('', await sheet(['附件 2：'])), 422, 'VALIDATION').field).toBe('title');
  });

  it('given in JSON, must be a title too', async () => {
    const res = await api.post('office', '/api/import/policies', json('（政策文件名称）', [{ content: '措施', leadDepartment: '市财政局', deadline: '2030年底前' }]));
    expect(expectErrorShape(res, 422, 'VALIDATION').field).toBe('policy.title');
  });
});

describe('a repeat import', () => {
  const measures = [
    { seq: 1, area: '一、重复测试', content: '重复导入测试措施一。', leadDepartment: '市卫生健康委', deadline: '2031年6月底前' },
    { seq: 2, content: '重复导入测试措施二。', leadDepartment: 'finance', cooperatingDepartments: '市人社局', deadline: '长期坚持' },
  ];

  it('is refused with the earlier policy named, shown in the dry run, and imported only when confirmed', async () => {
    const first = await api.post('office', '/api/import/policies', json('关于重复导入测试的若干措施', measures));
    expect(first.statusCode, first.body).toBe(201);
    const earlier = first.json().policy;

    // Another title and code, the same measures: the same content.
    const again = expectErrorShape(await api.post('office', '/api/import/policies', json('另一个标题', measures)), 409, 'REPEAT_IMPORT');
    expect(again).toMatchObject({ field: 'confirmRepeat', existingPolicy: { id: earlier.id, code: earlier.code, title: '关于重复导入测试的若干措施' } });
    expect(again.message).toContain('《关于重复导入测试的若干措施》');

    const dry = (await api.post('office', '/api/import/policies?dryRun=true', json('另一个标题', measures))).json();
    expect(dry).toMatchObject({ ready: false, repeatOf: { id: earlier.id }, blockers: [{ field: 'confirmRepeat' }] });
    expect((await api.post('office', '/api/import/policies?dryRun=true&confirmRepeat=true', json('另一个标题', measures))).json()).toMatchObject({ ready: true, blockers: [] });

    const confirmed = await api.post('office', '/api/import/policies?confirmRepeat=true', json('另一个标题', measures));
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    expect(confirmed.json().repeatOf.id).toBe(earlier.id);
    // A changed measure is new content.
    const changed = await api.post('office', '/api/import/policies', json('改过的文件', [{ ...measures[0]!, deadline: '2031年9月底前' }, measures[1]!]));
    expect(changed.statusCode, changed.body).toBe(201);
  });

  it('sent twice at once makes one policy', async () => {
    const package_ = [{ content: '并发导入测试措施。', leadDepartment: '市医保局', deadline: '2032年底前' }];
    const before = await count('policies');
    const answers = await Promise.all([1, 2, 3].map(() => api.post('office', '/api/import/policies', json('关于并发导入测试的若干措施', package_))));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    expect(await count('policies')).toBe(before + 1);
  });
});

describe('unknown departments', () => {
  const measures = [
    { seq: 1, content: '建设数据平台。', leadDepartment: '市数据局', cooperatingDepartments: ['市卫生健康委', '市教育局'], deadline: '2031年底前' },
    { seq: 2, content: '开展健康教育。', leadDepartment: '市教育局', cooperatingDepartments: '市数据局、市财政局', deadline: '每年6月底前' },
  ];

  it('are created only as the office names them, each once and audited', async () => {
    const departmentsBefore = await count('departments');
    const some = (await api.post('office', '/api/import/policies?dryRun=true', json('关于新部门测试的若干措施', measures, { createDepartments: ['市数据局', '市卫生健康委员会', '市不相干局'] }))).json();
    expect(some.unknownDepartments).toEqual([
      { name: '市数据局', uses: [{ row: 1, column: '牵头单位' }, { row: 2, column: '配合单位' }], similar: [], create: true },
      { name: '市教育局', uses: [{ row: 1, column: '配合单位' }, { row: 2, column: '牵头单位' }], similar: [], create: false },
    ]);
    expect(some).toMatchObject({ ready: false, blockers: [{ field: 'createDepartments', message: expect.stringContaining('市教育局') }] });
    // Names that need no creating are said so.
    expect(some.warnings.map((w: { message: string }) => w.message)).toEqual([expect.stringContaining('已是系统中的部门'), expect.stringContaining('未在清单中使用')]);
    expect(some.preview[0].cooperatingDepartments).toEqual([
      { name: '市卫生健康委', id: 'health' },
      { name: '市教育局', id: null },
    ]);

    const refused = expectErrorShape(await api.post('office', '/api/import/policies', json('关于新部门测试的若干措施', measures, { createDepartments: ['市数据局'] })), 422, 'IMPORT_INVALID');
    expect(refused.errors!).toHaveLength(1);
    expect(await count('departments')).toBe(departmentsBefore);

    const res = await api.post('office', '/api/import/policies', json('关于新部门测试的若干措施', measures, { createDepartments: ['市数据局', '市教育局'] }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().createdDepartments.map((d: { name: string }) => d.name)).toEqual(['市数据局', '市教育局']);
    expect(await count('departments')).toBe(departmentsBefore + 2);
    const audited = await api.env.database.sql`select detail->>'name' as name, actor_role from audit_events where action = 'department_created' order by id`;
    expect(audited.map((r) => [r.name, r.actor_role])).toEqual([
      ['市数据局', 'coordination_office'],
      ['市教育局', 'coordination_office'],
    ]);
  });

  it('in a workbook: listed by the dry run, created with createDepartments in the query', async () => {
    const data = await sheet(['《关于新部门工作簿测试的若干措施》'], [1, '一、方面', '组建市疾控中心实验室。', '市疾控局', '市卫生健康委、市体育局', '2031年底前', '']);
    const dry = (await upload('?dryRun=true', data)).json();
    expect(dry.unknownDepartments.map((u: { name: string }) => u.name)).toEqual(['市疾控局', '市体育局']);
    const res = await upload(`?createDepartments=${encodeURIComponent('市疾控局、市体育局')}`, data);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().createdDepartments).toHaveLength(2);
  });
});

describe('the template', () => {
  it('offers the known departments in a drop-down and prints each help sheet on one page', async () => {
    const wb = await template();
    const list = wb.getWorksheet('部门列表')!;
    expect(list.state).toBe('hidden');
    const names = (await api.get('office', '/api/departments')).json().map((d: { name: string }) => d.name);
    expect(list.getColumn(1).values.slice(1)).toEqual(names);
    const ws = wb.getWorksheet('措施清单')!;
    for (const address of ['D4', 'E4', 'D503', 'E503']) {
      expect(ws.getCell(address).dataValidation).toMatchObject({ type: 'list', formulae: [`'部门列表'!$A$1:$A$${names.length}`] });
    }
    // A department not on the list may still be typed: it is listed by the import, not refused by Excel.
    expect(ws.getCell('D4').dataValidation.errorStyle).toBe('information');
    for (const name of ['填写说明', '部门名称']) {
      expect(wb.getWorksheet(name)!.pageSetup).toMatchObject({ fitToPage: true, fitToWidth: 1, fitToHeight: 1, paperSize: 9 });
    }
  });
});
