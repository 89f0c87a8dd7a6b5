// Reads a policy's measures from a workbook laid out as offices keep them: a title row, then a
// header 序号 | 方面 | 措施 | 牵头单位 | 配合单位 | 完成时限 | 工作目标/预期成果, one measure a row.
// 方面 is often a merged cell or written once for a group: a blank takes the one above.
import ExcelJS from 'exceljs';
import { ApiError, type CellError } from '../errors.js';
import { textProblem } from '../schemas/common.js';

export type ImportColumn = 'seq' | 'area' | 'measure' | 'lead' | 'cooperating' | 'deadline' | 'target';

export const IMPORT_COLUMNS: Array<{ key: ImportColumn; header: string; aliases: string[]; required: boolean; width: number }> = [
  { key: 'seq', header: '序号', aliases: ['序号', '编号', '序'], required: true, width: 7 },
  { key: 'area', header: '方面', aliases: ['方面', '领域', '类别', '重点领域', '任务类别'], required: false, width: 16 },
  { key: 'measure', header: '措施', aliases: ['措施', '重点措施', '具体措施', '任务', '工作任务', '重点任务', '措施内容', '主要任务'], required: true, width: 60 },
  { key: 'lead', header: '牵头单位', aliases: ['牵头单位', '牵头部门', '责任单位', '牵头'], required: true, width: 18 },
  { key: 'cooperating', header: '配合单位', aliases: ['配合单位', '配合部门', '参与单位', '协同单位'], required: false, width: 24 },
  { key: 'deadline', header: '完成时限', aliases: ['完成时限', '完成时间', '时限', '时间节点', '时限要求'], required: true, width: 16 },
  { key: 'target', header: '工作目标/预期成果', aliases: ['工作目标/预期成果', '工作目标', '预期成果', '目标', '预期目标', '工作目标（预期成果）'], required: false, width: 36 },
];

export const COLUMN_NAME: Record<ImportColumn, string> = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, c.header])) as Record<ImportColumn, string>;

export interface SheetRow {
  row: number;
  cells: Record<ImportColumn, string>;
}

export interface SheetContent {
  /** The title row above the header, if any (e.g. 《…若干措施》责任分工清单). */
  title: string | null;
  sheetName: string;
  rows: SheetRow[];
}

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')');

/** The text of a cell as a person reads it: rich text joined, formulas by result, dates as 2025年10月31日. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return `${value.getUTCFullYear()}年${value.getUTCMonth() + 1}月${value.getUTCDate()}日`;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('').trim();
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) return String((value as { text: unknown }).text).trim();
    if ('error' in value) return '';
    return '';
  }
  return String(value).trim();
}

export async function readPolicyWorkbook(data: Buffer): Promise<SheetContent> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new ApiError(400, 'BAD_EXCEL', '无法读取 Excel 文件：请上传 .xlsx 格式的工作簿（不支持 .xls 或已损坏的文件）/ not a readable .xlsx workbook', 'file');
  }
  const errors: CellError[] = [];
  for (const ws of wb.worksheets) {
    // The header is within the first rows: look for the row naming 序号 and 措施.
    for (let r = 1; r <= Math.min(ws.rowCount, 15); r++) {
      const row = ws.getRow(r);
      const found = new Map<ImportColumn, number>();
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const text = norm(cellText(cell.value));
        const column = IMPORT_COLUMNS.find((c) => c.aliases.some((a) => norm(a) === text));
        if (column && !found.has(column.key)) found.set(column.key, col);
      });
      if (!found.has('seq') || !found.has('measure')) continue;
      for (const c of IMPORT_COLUMNS) {
        if (c.required && !found.has(c.key)) errors.push({ row: r, column: c.header, message: `第${r}行表头缺少「${c.header}」列` });
      }
      if (errors.length) throw importFailed(errors);

      // The title is the top-most text above the header (a row beneath it may hold notes or a date).
      let title: string | null = null;
      for (let t = 1; t < r && title === null; t++) {
        const texts: string[] = [];
        ws.getRow(t).eachCell({ includeEmpty: false }, (cell) => {
          const x = cellText(cell.value);
          const problem = textProblem(x, 'multiline');
          if (problem) errors.push({ row: t, column: '标题', message: `第${t}行「标题」：${problem}` });
          if (x && !texts.includes(x)) texts.push(x);
        });
        if (errors.length) throw importFailed(errors);
        if (texts.length) title = texts.join(' ').replace(/\s+/g, ' ');
      }

      const rows: SheetRow[] = [];
      for (let i = r + 1; i <= ws.rowCount; i++) {
        const cells = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, found.has(c.key) ? cellText(ws.getRow(i).getCell(found.get(c.key)!).value) : ''])) as Record<ImportColumn, string>;
        if (Object.values(cells).every((v) => v === '')) continue;
        rows.push({ row: i, cells });
      }
      return { title, sheetName: ws.name, rows };
    }
  }
  throw new ApiError(
    422,
    'IMPORT_INVALID',
    `未找到表头：工作簿中没有含「序号」和「措施」的表头行（应为 ${IMPORT_COLUMNS.map((c) => c.header).join('、')}）/ no header row found`,
    'file',
  );
}

export function importFailed(errors: CellError[]): ApiError {
  const shown = errors.slice(0, 3).map((e) => e.message).join('；');
  return new ApiError(422, 'IMPORT_INVALID', `导入失败，共${errors.length}处错误，未导入任何内容：${shown}${errors.length > 3 ? '……' : ''}`, undefined, errors);
}
