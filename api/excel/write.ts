// Workbooks as an office prints them: a title across the page, the date and scope beneath, a bold
// bordered header that stays in view (frozen) and repeats on every printed page, sensible column
// widths, A4 landscape fitted to the page width, page numbers in the footer.
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'center' | 'right';
}

const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
export const border: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
export const BODY_FONT = { name: '宋体', size: 11 };
export const RAG_FILL: Record<string, string> = { red: 'FFF4B6B6', yellow: 'FFFFE699', green: 'FFC6E0B4' };

/**
 * A sheet with a title row, a subtitle row (date, scope) and a header row; returns it for rows to
 * be added, and the header's row number.
 */
export function officeSheet(wb: ExcelJS.Workbook, name: string, title: string, subtitle: string, columns: Column[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 3, xSplit: 0 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      printTitlesRow: '3:3',
    },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' },
  });
  ws.columns = columns.map((c) => ({ width: c.width }));
  const last = columns.length;

  ws.mergeCells(1, 1, 1, last);
  const t = ws.getCell(1, 1);
  t.value = title;
  t.font = { name: '黑体', size: 16, bold: true };
  t.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  ws.getRow(1).height = 32;

  ws.mergeCells(2, 1, 2, last);
  const s = ws.getCell(2, 1);
  s.value = subtitle;
  s.font = { ...BODY_FONT, size: 10 };
  s.alignment = { horizontal: 'right', vertical: 'middle' };
  ws.getRow(2).height = 20;

  const header = ws.getRow(3);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { name: '黑体', size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
    cell.border = border;
  });
  header.height = 28;
  return ws;
}

/** How wide text is in column-width units: a Chinese character takes two, a Latin one one. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

/**
 * The height a row needs for its wrapped text. Spreadsheet programs do not grow rows written by a
 * library when the file is opened, so without this long cells would print over one another.
 */
export function rowHeight(columns: Column[], values: Array<string | number | null>, pointsPerLine = 14.5): number {
  let lines = 1;
  values.forEach((v, i) => {
    if (v === null || v === '') return;
    const usable = Math.max(2, (columns[i]?.width ?? 10) - 1.5);
    const n = String(v)
      .split('\n')
      .reduce((sum, part) => sum + Math.max(1, Math.ceil(textWidth(part) / usable)), 0);
    lines = Math.max(lines, n);
  });
  return Math.min(409, Math.round(lines * pointsPerLine + 5));
}

/** Appends a bordered, wrapped data row, tall enough for its text. */
export function addRow(ws: ExcelJS.Worksheet, columns: Column[], values: Array<string | number | null>): ExcelJS.Row {
  const row = ws.addRow(values.map((v) => (v === null ? '' : v)));
  columns.forEach((c, i) => {
    const cell = row.getCell(i + 1);
    cell.font = BODY_FONT;
    cell.border = border;
    cell.alignment = { horizontal: c.align ?? 'left', vertical: 'middle', wrapText: true };
  });
  row.height = rowHeight(columns, values);
  return row;
}

/** A footnote beneath the table: one merged, wrapped row in small italics, tall enough to print whole. */
export function addNote(ws: ExcelJS.Worksheet, columns: Column[], text: string): ExcelJS.Row {
  const row = ws.addRow([text]);
  ws.mergeCells(row.number, 1, row.number, columns.length);
  const cell = row.getCell(1);
  cell.alignment = { wrapText: true, vertical: 'top' };
  cell.font = { name: '宋体', size: 10, italic: true };
  // Column widths count 11-point characters; these are 10-point, so more fit on a line.
  const width = (columns.reduce((sum, c) => sum + c.width, 0) * 11) / 10;
  row.height = rowHeight([{ header: '', width }], [text], 13);
  return row;
}

/** Sends the workbook as a download: its Chinese name, and an ASCII name for clients that need one. */
export async function sendWorkbook(reply: FastifyReply, wb: ExcelJS.Workbook, filename: string, asciiName: string): Promise<FastifyReply> {
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  const ascii = asciiName.replace(/[^\x20-\x7e]|"/g, '_');
  return reply
    .header('content-type', XLSX_TYPE)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('cache-control', 'no-store')
    .send(buffer);
}

export function newWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = '三张清单 three-lists';
  wb.created = new Date();
  return wb;
}
