// The Sichuan package (demo/sichuan-2025.json, also npm start's demo) as an office would keep it in Excel: a
// merged title row, the header, 方面 written as "一、…" in a cell merged down its measures,
// 配合单位 separated every way offices separate them, one 完成时限 typed as a real Excel date.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { ApiEnv } from './api.js';

export interface SichuanFixture {
  policy: { code: string; title: string; issuer: string; issuedOn: string };
  departments: Array<{ id: string; name: string; shortName: string }>;
  areas: string[];
  measures: Array<{ seq: number; area: string; content: string; leadDepartment: string; cooperatingDepartments: string[]; deadline: string; target: string }>;
}

export const sichuan: SichuanFixture = JSON.parse(readFileSync(new URL('../../demo/sichuan-2025.json', import.meta.url), 'utf8'));

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const SEPARATORS = ['、', '，', ',', ';', '；', '\n'];

export async function sichuanWorkbook(mutate?: (ws: ExcelJS.Worksheet, rowOf: (seq: number) => number) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('责任分工');
  ws.mergeCells('A1:G1');
  ws.getCell('A1').value = `《${sichuan.policy.title}》责任分工清单`;
  ws.addRow([]);
  ws.getRow(3).values = ['序号', '方面', '措施', '牵头单位', '配合单位', '完成时限', '工作目标/预期成果'];
  let row = 4;
  const rowOfSeq = new Map<number, number>();
  for (const [ai, area] of sichuan.areas.entries()) {
    const ms = sichuan.measures.filter((m) => m.area === area);
    const first = row;
    for (const [i, m] of ms.entries()) {
      rowOfSeq.set(m.seq, row);
      const r = ws.getRow(row);
      r.getCell(1).value = m.seq;
      if (i === 0) r.getCell(2).value = `${NUMERALS[ai]}、${area}`;
      r.getCell(3).value = m.content;
      r.getCell(4).value = m.leadDepartment;
      r.getCell(5).value = m.cooperatingDepartments.join(SEPARATORS[m.seq % SEPARATORS.length]);
      // An office that typed 2026年12月31日 into a date-formatted cell stores a date.
      r.getCell(6).value = m.deadline === '2026年12月31日' ? new Date(Date.UTC(2026, 11, 31)) : m.deadline;
      r.getCell(7).value = m.target;
      row++;
    }
    if (ms.length > 1) ws.mergeCells(first, 2, row - 1, 2);
  }
  mutate?.(ws, (seq) => rowOfSeq.get(seq)!);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The fifteen issuing departments, created through the API as an admin would. */
export async function createSichuanDepartments(api: ApiEnv): Promise<void> {
  for (const d of sichuan.departments) {
    const res = await api.post('admin', '/api/departments', { id: d.id, name: d.name, shortName: d.shortName });
    if (res.statusCode !== 201) throw new Error(`department ${d.id}: ${res.statusCode} ${res.body}`);
  }
}
