// The import template (GET /api/import/template.xlsx): the list as offices lay it out with one
// example row; 牵头单位 and 配合单位 cells offer the known departments in a drop-down (a list kept on a
// hidden sheet); how to fill it in, and the department names, each printing on one page.
import type ExcelJS from 'exceljs';
import { IMPORT_COLUMNS } from './read-policy.js';
import { addRow, BODY_FONT, border, newWorkbook, officeSheet, type Column } from './write.js';

/** Rows of the list sheet that offer the drop-down: enough for any package offices send. */
const ROWS_WITH_DROPDOWN = 500;
const FIRST_ROW = 4;

/** Prints the sheet on one A4 page, however long its text. */
function onePage(ws: ExcelJS.Worksheet, orientation: 'portrait' | 'landscape') {
  ws.pageSetup = {
    ...ws.pageSetup,
    paperSize: 9,
    orientation,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 1,
    horizontalCentered: true,
    margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
}

export async function templateWorkbook(departments: Array<{ id: string; name: string; shortName: string | null }>): Promise<ExcelJS.Workbook> {
  const wb = newWorkbook();
  const columns: Column[] = IMPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width, align: c.key === 'seq' ? 'center' : 'left' }));
  const ws = officeSheet(wb, '措施清单', '《（政策文件名称）》责任分工清单', '填写说明见“填写说明”工作表；部门名称见“部门名称”工作表，牵头单位、配合单位可从下拉列表选择', columns);
  addRow(ws, columns, [
    1,
    '一、优化创新平台建设',
    '健全实验平台体系。推进重大科技基础设施等创新平台加快科研攻关，推动科技资源开放共享。',
    departments[0]?.shortName ?? departments[0]?.name ?? '省卫生健康委',
    departments.slice(1, 3).map((d) => d.shortName ?? d.name).join('、') || '省科技厅、省财政厅',
    '2025年底前',
    '建成一批高能级创新平台',
  ]);

  const help = wb.addWorksheet('填写说明');
  help.columns = [{ width: 16 }, { width: 84 }];
  const rows: Array<[string, string]> = [
    ['列', '填写要求'],
    ['标题', '第1行写《政策文件名称》，可写作“《……》责任分工清单”；其上可有“附件1”，其下可有说明行，都不作标题。标题仍为“（政策文件名称）”时导入会要求给出标题。'],
    ['序号', '正整数，同一文件内不重复，全角数字（１２）亦可；留空时按上一行加1。'],
    ['方面', '措施所属方面，如“一、优化创新平台建设”；同一方面的连续各行可只填第一行、合并单元格，或单独写一行“一、……”作为小标题。'],
    ['措施', '措施内容；第一句（句号前、40字以内）作为措施名称。'],
    ['牵头单位', '一个部门，填写全称、简称或从下拉列表选择（见“部门名称”表）；填写多个时第一个为牵头单位，其余作为配合单位。'],
    ['配合单位', '可填写多个，以顿号、逗号、分号或换行分隔；可留空。'],
    ['完成时限', '如：2025年6月底前、2025年底前、2025年第三季度、2025年10月31日、2026年3月、每年12月底前、2025年起持续推进、长期坚持。已经过去的时限在试导入时提示。'],
    ['工作目标/预期成果', '可留空。'],
    ['说明行', '表中“注：……”“填表人：……”等不是措施的行会被跳过，并在导入结果中列出。'],
    ['新部门', '系统中尚无的部门在试导入时逐个列出（每个一次，并列出用到它的单元格）；确认无误后可随导入一并新建。'],
    ['导入规则', '全部行检查无误才会导入；有错误时一次列出所有出错的行和列，不会导入任何内容。同一份清单再次导入时会提示已导入过。'],
  ];
  for (const [i, r] of rows.entries()) {
    const row = help.addRow(r);
    row.eachCell((c) => {
      c.border = border;
      c.alignment = { vertical: 'middle', wrapText: true };
      c.font = i === 0 ? { name: '黑体', size: 11, bold: true } : BODY_FONT;
    });
  }
  onePage(help, 'portrait');

  const names = wb.addWorksheet('部门名称');
  names.columns = [
    { header: '部门全称', width: 40 },
    { header: '简称', width: 20 },
    { header: '编号', width: 16 },
  ];
  names.getRow(1).font = { name: '黑体', size: 11, bold: true };
  for (const d of departments) names.addRow([d.name, d.shortName ?? '', d.id]);
  names.views = [{ state: 'frozen', ySplit: 1 }];
  onePage(names, 'portrait');

  // The drop-down's source: full names, one a row, on a sheet the office does not need to see.
  if (departments.length) {
    const list = wb.addWorksheet('部门列表', { state: 'hidden' });
    departments.forEach((d, i) => (list.getCell(i + 1, 1).value = d.name));
    const source = `'部门列表'!$A$1:$A$${departments.length}`;
    const col = (key: string) => IMPORT_COLUMNS.findIndex((c) => c.key === key) + 1;
    for (let r = FIRST_ROW; r < FIRST_ROW + ROWS_WITH_DROPDOWN; r++) {
      // A department not in the list is allowed: the import lists it and can create it.
      ws.getCell(r, col('lead')).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [source],
        showInputMessage: true,
        promptTitle: '牵头单位',
        prompt: '从列表选择，或填写部门全称、简称',
        showErrorMessage: true,
        errorStyle: 'information',
        errorTitle: '不在部门列表中',
        error: '该部门尚不在系统中：试导入时会列出，可随导入新建。',
      };
      // Several departments in one cell cannot be a list entry: offered, never enforced.
      ws.getCell(r, col('cooperating')).dataValidation = { type: 'list', allowBlank: true, formulae: [source], showErrorMessage: false };
    }
  }
  return wb;
}
