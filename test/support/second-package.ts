// A second package, written as a city office would send it (not through our template): the annex
// label "附件1" on the first row, the 《…》 title row, a note above the header, header words of its
// own (重点任务, 牵头部门, 完成时间, 预期成果), one 方面 as a heading row across the sheet and the
// others as merged cells, full-width 序号 (１２), a note between the measures and a signature line
// after them, every deadline form of DESIGN.md ("Deadlines as offices write them") plus one already
// past, one typed as an Excel date and one in full-width digits — and departments the system does
// not know yet (市科技局, 市数据局, …) beside the known city departments of test/support/api.ts.
import ExcelJS from 'exceljs';

export const SECOND_TITLE = '关于促进卫生健康科技创新的若干措施';

/** Departments the package names that are not in the system yet, and the cells naming each. */
export const NEW_DEPARTMENTS = ['市科技局', '市数据局', '市教育局', '市市场监管局', '市中医药局'] as const;

export interface SecondMeasure {
  /** 序号 as written: full-width. */
  seq: string;
  area: string;
  content: string;
  lead: string;
  cooperating: string;
  /** 完成时限 as written; a Date is a cell typed as a date. */
  deadline: string | Date;
  target: string;
}

/** Years relative to now, so the package reads the same whenever the tests run. */
export function secondPackage(now = new Date()) {
  const y = now.getUTCFullYear();
  const areas = ['构建科技创新工作体系', '凝练攻关任务', '推进平台建设', '完善评估评价'];
  const fw = (s: string | number) => String(s).replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  const measures: SecondMeasure[] = [
    { seq: fw(1), area: areas[0]!, content: '建立科技创新领导小组。统筹全市卫生健康科技创新工作，定期研究重大事项。', lead: '市卫生健康委', cooperating: '市科技局、市财政局', deadline: `${y + 1}年6月底前`, target: '领导小组建立并运行' },
    { seq: fw(2), area: areas[0]!, content: '完善科技创新组织管理体系。明确委属医疗机构和科研院所的职责分工。', lead: '市卫生健康委', cooperating: '市中医药局', deadline: `${y + 1}年底前`, target: '形成组织管理体系' },
    { seq: fw(3), area: areas[0]!, content: '健全科技创新政策协同机制。', lead: '市科技局', cooperating: '市教育局；市人社局', deadline: `${y}年起持续推进`, target: '' },
    { seq: fw(4), area: areas[1]!, content: '梳理重大需求清单。面向群众健康需求凝练关键科学问题。', lead: '市科技局', cooperating: '市卫生健康委\n市医保局', deadline: `${y + 1}年第三季度`, target: '形成需求清单' },
    { seq: fw(5), area: areas[1]!, content: '建立攻关任务清单动态调整机制。', lead: '市卫生健康委', cooperating: '市科技局', deadline: `${y + 1}年10月31日`, target: '' },
    { seq: fw(6), area: areas[1]!, content: '推进数据要素在医学研究中的应用。建设卫生健康数据开放平台。', lead: '市数据局', cooperating: '市卫生健康委、市科技局', deadline: `${y + 2}年3月`, target: '数据开放平台上线' },
    { seq: fw(7), area: areas[2]!, content: '建设临床医学研究中心。', lead: '市卫生健康委', cooperating: '市科技局、市财政局', deadline: '每年12月底前', target: '每年新增1家' },
    { seq: fw(8), area: areas[2]!, content: '推动医疗器械创新服务站建设。', lead: '市市场监管局', cooperating: '市卫生健康委', deadline: '长期坚持', target: '' },
    { seq: fw(9), area: areas[2]!, content: '共建医学教育创新平台。', lead: '市教育局', cooperating: '市卫生健康委', deadline: new Date(Date.UTC(y + 1, 8, 30)), target: '' },
    { seq: fw(10), area: areas[3]!, content: '完善科技成果评价机制。', lead: '市科技局', cooperating: '市卫生健康委、市人社局', deadline: `${fw(y + 1)}年${fw(6)}月底前`, target: '' },
    { seq: fw(11), area: areas[3]!, content: '开展科技创新工作年度评估。', lead: '市卫生健康委', cooperating: '市数据局', deadline: `${y - 1}年底前`, target: '' },
    { seq: fw(12), area: areas[3]!, content: '将科技创新成效纳入医疗机构绩效考核。', lead: '市人社局', cooperating: '市卫生健康委、市医保局', deadline: `${y + 1}年12月31日`, target: '纳入考核指标' },
  ];
  return { title: SECOND_TITLE, areas, measures, year: y };
}

/** The rows of the sheet each thing is written on, for tests that name cells. */
export const SECOND_LAYOUT = {
  titleRow: 2,
  headerRow: 4,
  /** The heading row of the first 方面 (no 方面 column for its measures). */
  areaHeadingRow: 5,
  /** The note between areas two and three, and the signature line after the last measure. */
  noteRows: [12, 19],
} as const;

export async function secondPackageWorkbook(now = new Date()): Promise<{ data: Buffer; rowOf: Map<number, number> }> {
  const pkg = secondPackage(now);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('重点任务分工');
  ws.getCell('A1').value = '附件1';
  ws.mergeCells('A2:G2');
  ws.getCell('A2').value = `《${pkg.title}》重点任务分工清单`;
  ws.mergeCells('A3:G3');
  ws.getCell('A3').value = '注：牵头部门为第一责任单位，配合部门按职责分工负责；完成时间为最迟完成时间。';
  ws.getRow(4).values = ['序号', '方面', '重点任务', '牵头部门', '配合部门', '完成时间', '预期成果'];

  const rowOf = new Map<number, number>();
  let row = 5;
  const put = (m: SecondMeasure, index: number, withArea: boolean) => {
    rowOf.set(index + 1, row);
    ws.getRow(row).values = [m.seq, withArea ? m.area : null, m.content, m.lead, m.cooperating, m.deadline, m.target || null];
    row++;
  };
  // 方面 one: a heading row across the sheet; its measures leave 方面 blank.
  ws.mergeCells(row, 1, row, 7);
  ws.getCell(row, 1).value = `一、${pkg.areas[0]}`;
  row++;
  pkg.measures.slice(0, 3).forEach((m, i) => put(m, i, false));
  // 方面 two: written once and merged down its measures.
  const numbered = (i: number) => `${['一', '二', '三', '四'][i]}、${pkg.areas[i]}`;
  const mergedArea = (from: number, to: number, area: number) => {
    const first = row;
    pkg.measures.slice(from, to).forEach((m, i) => put({ ...m, area: numbered(area) }, from + i, i === 0));
    ws.mergeCells(first, 2, row - 1, 2);
  };
  mergedArea(3, 6, 1);
  // A note between the measures, merged across.
  ws.mergeCells(row, 1, row, 7);
  ws.getCell(row, 1).value = '说明：第６项所需经费由市财政局统筹安排。';
  row++;
  mergedArea(6, 9, 2);
  mergedArea(9, 12, 3);
  // The signature line offices add under the table.
  ws.getCell(row, 1).value = '填表人：王某某';
  ws.getCell(row, 4).value = '联系电话：028-12345678';
  return { data: Buffer.from(await wb.xlsx.writeBuffer()), rowOf };
}
