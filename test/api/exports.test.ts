// Excel exports as an office prints them: title, date, frozen bold header, widths, A4 landscape,
// the list's filters (named, not ids) and the person's scope honoured; lists spanning policies
// numbered 1…n with a 政策文件 column; dates as every message writes them; and the scorecards with
// their formula and weights.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../common/dates.js';
import { titleOf } from '../../api/routes/import/prepare.js';
import { createApiEnv, dispatchedMeasure, waitForList, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
let policy: { id: string; areaId: string };
const m: Record<string, string> = {};

beforeAll(async () => {
  api = await createApiEnv('exports');
  const p = (await api.post('office', '/api/policies', { code: 'EXP', title: '导出测试文件', areas: ['方面一'] })).json();
  policy = { id: p.id, areaId: p.areas[0].id };
  m.a = await dispatchedMeasure(api, { title: '按期推进的措施', content: '按期推进的措施。具体内容。', deadline: '2030年底前' }, policy);
  m.b = await dispatchedMeasure(api, { title: '逾期的措施', deadline: '2025年6月底前', leadDepartmentId: 'finance', cooperatingDepartmentIds: ['hrss', 'health'] }, policy);
  m.c = await dispatchedMeasure(api, { title: '督办中的措施', deadline: '2029年底前' }, policy);
  for (const [action, body] of [
    ['acknowledge', {}],
    ['submit-progress', { text: '过半', percent: 55 }],
  ] as const) {
    const res = await api.post('health', `/api/measures/${m.c}/${action}`, body);
    if (res.statusCode !== 200) throw new Error(res.body);
  }
  await waitForList(api, m.c, 'supervision');
});
afterAll(async () => api?.close());

async function download(user: Parameters<ApiEnv['get']>[0], url: string) {
  const res = await api.get(user, url);
  expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
  expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return { res, ws: wb.worksheets[0]! };
}

const rowValues = (ws: ExcelJS.Worksheet, n: number) => (ws.getRow(n).values as unknown[]).slice(1);

describe('exports', () => {
  it('exports the responsibility list laid out for printing', async () => {
    const { res, ws } = await download('office', '/api/exports/lists/responsibility');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="responsibility-\d{4}-\d{2}-\d{2}\.xlsx"; filename\*=UTF-8''%E8%B4%A3%E4%BB%BB%E6%B8%85%E5%8D%95-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(ws.name).toBe('责任清单');
    expect(ws.getCell('A1').value).toBe('《导出测试文件》责任清单');
    expect(ws.getCell('A1').isMerged).toBe(true);
    expect(ws.getCell('A1').font).toMatchObject({ bold: true, size: 16 });
    expect(String(ws.getCell('A2').value)).toMatch(/^导出日期：\d{4}年\d{1,2}月\d{1,2}日 {2}导出人：office测试（统筹协调部门） {2}共2项$/);
    expect(rowValues(ws, 3)).toEqual(['序号', '方面', '措施', '牵头单位', '配合单位', '完成时限', '签收情况', '签收期限', '红黄灯', '督办级别']);
    expect(ws.getRow(3).getCell(1).font).toMatchObject({ bold: true });
    expect(ws.getRow(3).getCell(1).border?.bottom?.style).toBe('thin');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.getColumn(3).width).toBe(46);
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' });
    expect(ws.headerFooter.oddFooter).toContain('&P');

    expect(rowValues(ws, 4)).toEqual([1, '方面一', '按期推进的措施。具体内容。', '市卫生健康委', '市财政局', '2030年底前', '牵头：未签收\n市财政局：未签收', expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 24:00$/), '绿', '—']);
    expect(rowValues(ws, 5).slice(3, 6)).toEqual(['市财政局', '市人社局、市卫生健康委', '2025年6月底前']);
    expect(ws.getRow(5).getCell(9).value).toBe('红');
    expect((ws.getRow(5).getCell(9).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFF4B6B6');
    expect(ws.rowCount).toBe(5);
    // Rows grow with their wrapped text (three departments' 签收 on three lines).
    expect(ws.getRow(5).height).toBeGreaterThan(ws.getRow(4).height!);
  });

  it('writes a due time as the notification about it does, end of day as 24:00', async () => {
    const { ws } = await download('office', '/api/exports/lists/responsibility');
    const entry = (await api.get('office', `/api/measures/${m.a}`)).json().entry;
    const due = formatDateTime(entry.acknowledgeDueAt);
    expect(ws.getRow(4).getCell(8).value).toBe(due);
    // The dispatch notice in health's inbox names the same day and time.
    await expect
      .poll(async () => (await api.get('health', '/api/inbox?pageSize=50')).json().items.find((i: { measureId: string; kind: string }) => i.measureId === m.a && i.kind === 'measure.dispatched')?.body, { timeout: 15_000 })
      .toContain(`期限：${due}`);
  });

  it('honours the list’s filters, names them, and the person’s scope', async () => {
    const red = await download('office', '/api/exports/lists/responsibility?rag=red');
    expect(red.ws.rowCount).toBe(4);
    expect(String(rowValues(red.ws, 4)[2])).toMatch(/^逾期的措施\n/);
    expect(String(red.ws.getCell('A2').value)).toContain('筛选：红灯');
    const named = await download('office', `/api/exports/lists/responsibility?departmentId=finance&areaId=${policy.areaId}&policyId=${policy.id}&level=0`);
    expect(String(named.ws.getCell('A2').value)).toContain('筛选：政策文件：《导出测试文件》，方面：方面一，牵头单位：市财政局，督办级别：无');
    // Named even when nothing matches.
    const none = await download('office', '/api/exports/lists/closure?departmentId=hrss');
    expect(String(none.ws.getCell('A2').value)).toMatch(/共0项 {2}筛选：牵头单位：市人力资源和社会保障局$/);
    const hrss = await download('hrss', '/api/exports/lists/responsibility');
    expect(hrss.ws.rowCount).toBe(4); // it cooperates on one measure only
    expect(String(rowValues(hrss.ws, 4)[2])).toMatch(/^逾期的措施\n/);
    const empty = await download('hrss', '/api/exports/lists/closure');
    expect(empty.ws.rowCount).toBe(3);
    expect(String(empty.ws.getCell('A2').value)).toContain('共0项');
  });

  it('exports the supervision list with progress and report dates', async () => {
    const { ws } = await download('office', '/api/exports/lists/supervision');
    expect(rowValues(ws, 3)).toEqual(['序号', '方面', '措施', '牵头单位', '配合单位', '完成时限', '状态', '完成进度', '最近反馈', '反馈期限', '红黄灯', '督办级别']);
    expect(rowValues(ws, 4).slice(6, 9)).toEqual(['督办中', '55%', expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日$/)]);
  });

  it('numbers a list spanning policies 1…n, with the policy in a column of its own', async () => {
    const other = (await api.post('office', '/api/policies', { code: 'EXP-2', title: '另一份政策文件', areas: ['方面甲'] })).json();
    const content = '推动优质医疗资源扩容下沉和区域均衡布局，加快国家区域医疗中心、省级区域医疗中心建设，提升县级医院综合能力。完善分级诊疗。';
    const title = titleOf(content);
    expect(title.endsWith('……')).toBe(true); // the first sentence is too long for a title
    const long = await dispatchedMeasure(api, { title, content, deadline: '2029年底前' }, { id: other.id, areaId: other.areas[0].id });
    try {
      const { ws } = await download('office', '/api/exports/lists/responsibility');
      expect(ws.getCell('A1').value).toBe('责任清单');
      expect(rowValues(ws, 3).slice(0, 4)).toEqual(['序号', '政策文件', '方面', '措施']);
      const rows = [4, 5, 6].map((r) => rowValues(ws, r));
      expect(rows.map((r) => r[0])).toEqual([1, 2, 3]);
      expect(rows.map((r) => r[1]).sort()).toEqual(['《另一份政策文件》第1项', '《导出测试文件》第1项', '《导出测试文件》第2项'].sort());
      // A title cut from a long first sentence is not printed again before the content.
      expect(rows.find((r) => r[1] === '《另一份政策文件》第1项')![3]).toBe(content);
      // One policy chosen: its own 序号, no policy column.
      const one = await download('office', `/api/exports/lists/responsibility?policyId=${policy.id}`);
      expect(rowValues(one.ws, 3).slice(0, 2)).toEqual(['序号', '方面']);
    } finally {
      await api.post('office', `/api/measures/${long}/cancel`, { reason: '测试结束' });
    }
  });

  it('exports the scorecards with the period in the title', async () => {
    const { res, ws } = await download('office', '/api/exports/scorecards?period=2026-Q4');
    expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1]!)).toBe('部门考核-2026年第四季度.xlsx');
    expect(ws.getCell('A1').value).toBe('部门工作落实情况考核表（2026年第四季度）');
    expect(String(ws.getCell('A2').value)).toMatch(/^统计区间：2026年10月1日至2026年12月31日 {2}导出日期：\d{4}年\d{1,2}月\d{1,2}日 {2}导出人：office测试（统筹协调部门）$/);
    expect(rowValues(ws, 3)).toEqual([
      '排名', '部门', '牵头措施数', '签收数', '按时签收', '逾期未签收', '签收及时率', '反馈次数', '按时反馈', '逾期未反馈', '反馈及时率',
      '按期销号', '逾期销号', '到期未销号', '按期销号率', '提醒次数', '催办次数', '督办次数', '挂牌督办次数', '督办扣分', '当前逾期', '报送表单数', '填报项数', '综合得分',
    ]);
    const names = [4, 5, 6, 7].map((r) => ws.getRow(r).getCell(2).value);
    expect(names.sort()).toEqual(['市人力资源和社会保障局', '市医疗保障局', '市卫生健康委员会', '市财政局'].sort());
    const health = [4, 5, 6, 7].map((r) => rowValues(ws, r)).find((v) => v[1] === '市卫生健康委员会')!;
    expect(health[2]).toBe(2); // leads two measures
    expect(health[6]).toBe('100.0%'); // acknowledged on time
    // The footnote: the rules version, the formula and the weights in words; then the burden.
    const note = String(ws.getRow(8).getCell(1).value);
    expect(note).toMatch(/^说明（考核规则第1版，2000年1月1日起施行）：签收及时率＝按时签收÷（签收数＋逾期未签收）/);
    expect(note).toContain('综合得分＝（签收及时率×30＋反馈及时率×30＋按期销号率×40）÷参与计算的权重之和×100，再按本期督办升级每次催办扣1分、每次督办扣2分、每次挂牌督办扣5分（提醒不扣分）');
    expect(ws.getCell('A8').isMerged).toBe(true);
    expect(String(ws.getRow(9).getCell(1).value)).toMatch(/^报送负担（“最多报一次”）/);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
  });
});
