// Reads a policy's measures from a workbook laid out as offices keep them: above the header an
// annex label ("附件1"), the 《…》 title row, perhaps a note or a date; then the header 序号 | 方面 |
// 措施 | 牵头单位 | 配合单位 | 完成时限 | 工作目标/预期成果, one measure a row. 方面 is often a merged
// cell, written once for a group, or a heading row of its own ("一、…" across the sheet); note rows
// ("注：…", "填表人：…") may stand between or after the measures and are skipped, with a warning.
import ExcelJS from 'exceljs';
import { ApiError, type CellError } from '../errors.js';
import { textProblem } from '../schemas/common.js';
import { titleFromRows, type SheetTitle } from './title.js';

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
  /** The policy's title found above the header, or null when none is there (only placeholders, annex labels, notes). */
  title: SheetTitle | null;
  sheetName: string;
  rows: SheetRow[];
  /** Rows read as notes and skipped, for the office to see. */
  skipped: CellError[];
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

/** A 序号 as offices write it: 12, １２, 12., （12）, 第12条. */
export const SEQ = /^(?:第|[（(])?\d{1,6}(?:[条项.、)）])?$/;

/** "一、优化…", "（一）…", "第一部分 …": a heading that names the 方面 of the rows below it. */
const AREA_HEADING = /^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十\d]+(?:部分|方面))/;

/**
 * What a row below the header is: a measure; a heading naming the 方面 of the rows below (a cell
 * merged across the sheet, or only 方面 filled); or a note ("注：…", "填表人：…", anything merged
 * across that is not a measure). A row with a number in 序号, or its own text in 措施 or 完成时限, is a
 * measure however wrong the rest is: its errors are reported, never skipped.
 */
function kindOf(cells: Record<ImportColumn, string>): 'measure' | 'area' | 'note' {
  const seq = cells.seq.normalize('NFKC').replace(/\s+/g, '');
  if (SEQ.test(seq)) return 'measure';
  // A merged cell repeats its text in every column it covers: text only "its own" when it differs.
  const own = (k: ImportColumn) => cells[k] !== '' && !(['seq', 'area'] as ImportColumn[]).some((o) => o !== k && cells[o] === cells[k]);
  // Its own content or deadline makes a measure (a signature line may well have text under 牵头单位).
  if (own('measure') || own('deadline')) return 'measure';
  const text = [cells.seq, cells.area, cells.measure].find((t) => t !== '') ?? '';
  return AREA_HEADING.test(text.normalize('NFKC').trim()) ? 'area' : 'note';
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

      // Above the header: the annex label, the title, notes, a date. Each row's texts, once each
      // (a merged title repeats in every cell it covers).
      const above: Array<{ row: number; text: string }> = [];
      for (let t = 1; t < r; t++) {
        const texts: string[] = [];
        ws.getRow(t).eachCell({ includeEmpty: false }, (cell) => {
          const x = cellText(cell.value);
          const problem = textProblem(x, 'multiline');
          if (problem) errors.push({ row: t, column: '标题', message: `第${t}行「标题」：${problem}` });
          if (x && !texts.includes(x)) texts.push(x);
        });
        if (texts.length) above.push({ row: t, text: texts.join(' ').replace(/\s+/g, ' ') });
      }
      if (errors.length) throw importFailed(errors);

      const rows: SheetRow[] = [];
      const skipped: CellError[] = [];
      let heading = '';
      for (let i = r + 1; i <= ws.rowCount; i++) {
        const cells = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, found.has(c.key) ? cellText(ws.getRow(i).getCell(found.get(c.key)!).value) : ''])) as Record<ImportColumn, string>;
        if (Object.values(cells).every((v) => v === '')) continue;
        const kind = kindOf(cells);
        if (kind === 'area') {
          heading = [cells.seq, cells.area, cells.measure].find((t) => t !== '')!;
          continue;
        }
        if (kind === 'note') {
          const text = [...new Set(Object.values(cells).filter(Boolean))].join(' ');
          const shown = [...text.replace(/\s+/g, ' ')].slice(0, 30).join('');
          skipped.push({ row: i, column: COLUMN_NAME.seq, message: `第${i}行不是措施（没有序号和措施内容），作为说明行跳过：「${shown}${[...text].length > 30 ? '……' : ''}」` });
          continue;
        }
        // A heading row names the 方面 of the measures below it that name none themselves.
        if (!cells.area && heading) cells.area = heading;
        else if (cells.area) heading = '';
        rows.push({ row: i, cells });
      }
      return { title: titleFromRows(above), sheetName: ws.name, rows, skipped };
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
  return new ApiError(422, 'IMPORT_INVALID', `导入失败，共${errors.length}处错误，未导入任何内容：${shown}${errors.length > 3 ? '……' : ''}`, errors[0]?.field, errors);
}
