// Importing a policy package, from JSON or from an Excel workbook: every row is checked first and
// every problem reported at once (unknown department, unreadable 完成时限, missing 牵头单位, …);
// only a package without a single problem is written, in one transaction.
import type { Database } from '../../../db/client.js';
import { assignments, departments, measures } from '../../../db/schema/index.js';
import { parseDeadline, type DeadlineSpec } from '../../../workflows/rules/deadline.js';
import type { CellError } from '../../errors.js';
import { COLUMN_NAME, importFailed, type ImportColumn } from '../../excel/read-policy.js';
import { textProblem } from '../../schemas/common.js';
import { insertPolicy, type PolicyMeta } from '../policies/service.js';

export interface ImportRow {
  /** Sheet row (Excel) or 1-based position (JSON), for messages. */
  row: number;
  seq: string;
  area: string;
  /** The measure as written; its title is the first sentence unless given. */
  measure: string;
  title?: string | undefined;
  lead: string;
  cooperating: string | string[];
  deadline: string;
  target: string;
}

export interface PreparedMeasure {
  seq: number;
  area: string | null;
  title: string;
  content: string;
  target: string | null;
  deadlineText: string;
  deadlineSpec: DeadlineSpec;
  leadDepartmentId: string;
  cooperatingDepartmentIds: string[];
}

export interface ImportResult {
  areas: string[];
  measures: PreparedMeasure[];
  warnings: CellError[];
}

const MAX_ROWS = 2000;
const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
/** A cell read as a name or a title: one line, however the cell was wrapped. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** 配合单位 cells list several departments, separated by 、，, ; ； or new lines. */
export function splitDepartments(cell: string | string[]): string[] {
  const parts = Array.isArray(cell) ? cell : cell.split(/[、，,;；\r\n]+/);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** "一、优化创新平台建设" → "优化创新平台建设": the numbering belongs to the layout, not the name. */
export function areaTitle(cell: string): string {
  return oneLine(cell)
    .replace(/^(?:[（(]?[一二三四五六七八九十]+[)）]?[、.．]?|\d+[、.．]|第[一二三四五六七八九十\d]+[部分方面条]?[、：:]?)\s*/, '')
    .trim();
}

/** The measure's title: its first clause when short (offices lead with it), else its start. */
export function titleOf(text: string): string {
  const first = oneLine(text.split(/[。；;：:\n]/)[0]!);
  if (first && first.length <= 40) return first;
  // Cut by characters, not UTF-16 units: half an emoji is a lone surrogate jsonb cannot store.
  const flat = [...oneLine(text)];
  return flat.length <= 40 ? flat.join('') : `${flat.slice(0, 38).join('')}……`;
}

export async function departmentMatcher(db: Database) {
  const rows = await db.select({ id: departments.id, name: departments.name, shortName: departments.shortName }).from(departments);
  const byName = new Map<string, string>();
  for (const d of rows) {
    byName.set(norm(d.name), d.id);
    if (d.shortName) byName.set(norm(d.shortName), d.id);
    byName.set(norm(d.id), d.id);
  }
  return (name: string) => byName.get(norm(name));
}

/** Checks every row; throws one 422 listing every bad cell, or returns what to write. */
export async function prepareImport(db: Database, rows: ImportRow[], where: 'excel' | 'json'): Promise<ImportResult> {
  const errors: CellError[] = [];
  const warnings: CellError[] = [];
  const at = (row: number, column: ImportColumn, message: string) => {
    const list = message.startsWith('!') ? warnings : errors;
    const text = message.replace(/^!/, '');
    list.push({ row, column: COLUMN_NAME[column], message: `${where === 'excel' ? `第${row}行` : `第${row}项`}「${COLUMN_NAME[column]}」：${text}` });
  };
  if (rows.length === 0) throw importFailed([{ row: 0, column: COLUMN_NAME.measure, message: '没有可导入的措施 / no measures' }]);
  if (rows.length > MAX_ROWS) throw importFailed([{ row: 0, column: COLUMN_NAME.measure, message: `一次最多导入${MAX_ROWS}项措施，实际${rows.length}项` }]);

  const match = await departmentMatcher(db);
  const areas: string[] = [];
  const out: PreparedMeasure[] = [];
  const seqs = new Map<number, number>();
  let currentArea: string | null = null;
  let lastSeq = 0;

  for (const r of rows) {
    let ok = true;
    const fail = (column: ImportColumn, message: string) => {
      ok = false;
      at(r.row, column, message);
    };
    // A cell may be wrapped over lines, but no control character may reach the database.
    const cells: Array<[ImportColumn, string | string[]]> = [['seq', r.seq], ['area', r.area], ['measure', r.measure], ['lead', r.lead], ['cooperating', r.cooperating], ['deadline', r.deadline], ['target', r.target]];
    for (const [column, value] of cells) {
      const problem = [value].flat().map((v) => textProblem(v, 'multiline')).find(Boolean);
      if (problem) fail(column, problem);
    }

    let seq: number;
    const seqText = r.seq.normalize('NFKC').replace(/^第|[条项.、)）\s]$/g, '').replace(/^[（(]/, '').trim();
    if (seqText === '') seq = lastSeq + 1;
    else if (/^\d{1,6}$/.test(seqText) && Number(seqText) >= 1) seq = Number(seqText);
    else {
      fail('seq', `序号应为正整数，实际为「${r.seq}」`);
      seq = lastSeq + 1;
    }
    if (seqs.has(seq)) fail('seq', `序号${seq}与${where === 'excel' ? `第${seqs.get(seq)}行` : `第${seqs.get(seq)}项`}重复`);
    seqs.set(seq, r.row);
    lastSeq = seq;

    if (r.area.trim()) {
      currentArea = areaTitle(r.area) || oneLine(r.area);
      if (currentArea.length > 200) fail('area', '方面名称过长（最多200字）');
      if (!areas.includes(currentArea)) areas.push(currentArea);
    }

    const content = r.measure.trim();
    if (!content) fail('measure', '措施内容为空');
    else if (content.length > 10_000) fail('measure', '措施内容过长（最多10000字）');

    const leads = splitDepartments(r.lead);
    let leadId: string | undefined;
    if (leads.length === 0) fail('lead', '缺少牵头单位');
    else {
      const unknown = leads.filter((n) => !match(n));
      for (const n of unknown) fail('lead', `未找到部门「${n}」（可填写部门全称或简称）`);
      leadId = match(leads[0]!);
      if (leads.length > 1 && !unknown.length) at(r.row, 'lead', `!填写了${leads.length}个牵头单位，以「${leads[0]}」为牵头单位，其余作为配合单位`);
    }

    const cooperating: string[] = [];
    for (const n of [...leads.slice(1), ...splitDepartments(r.cooperating)]) {
      const id = match(n);
      if (!id) {
        if (!leads.slice(1).includes(n)) fail('cooperating', `未找到部门「${n}」（可填写部门全称或简称）`);
        continue;
      }
      if (id !== leadId && !cooperating.includes(id)) cooperating.push(id);
    }

    const deadlineText = oneLine(r.deadline);
    let spec: DeadlineSpec | undefined;
    if (!deadlineText) fail('deadline', '缺少完成时限');
    else {
      const parsed = parseDeadline(deadlineText);
      if (parsed.ok) spec = parsed.spec;
      else fail('deadline', `无法识别「${deadlineText}」：${parsed.error}`);
    }
    const target = r.target.trim();
    if (target.length > 5_000) fail('target', '工作目标过长（最多5000字）');

    if (ok && leadId && spec) {
      out.push({
        seq,
        area: currentArea,
        title: oneLine(r.title ?? '') || titleOf(content),
        content,
        target: target || null,
        deadlineText,
        deadlineSpec: spec,
        leadDepartmentId: leadId,
        cooperatingDepartmentIds: cooperating,
      });
    }
  }
  if (errors.length) throw importFailed(errors);
  return { areas, measures: out, warnings };
}

/** Writes the policy, its areas, escalation version 1 and its measures as drafts: all or nothing. */
export async function writeImport(db: Database, meta: PolicyMeta, prepared: ImportResult) {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Database;
    const { policy, areas } = await insertPolicy(t, meta, prepared.areas);
    const areaId = new Map(areas.map((a) => [a.title, a.id]));
    const rows = await t
      .insert(measures)
      .values(
        prepared.measures.map((m) => ({
          policyId: policy.id,
          areaId: m.area ? areaId.get(m.area)! : null,
          seq: m.seq,
          title: m.title,
          content: m.content,
          target: m.target,
          deadlineText: m.deadlineText,
          deadlineSpec: m.deadlineSpec,
        })),
      )
      .returning({ id: measures.id, seq: measures.seq });
    const idOf = new Map(rows.map((r) => [r.seq, r.id]));
    await t.insert(assignments).values(
      prepared.measures.flatMap((m) => [
        { measureId: idOf.get(m.seq)!, departmentId: m.leadDepartmentId, role: 'lead' as const },
        ...m.cooperatingDepartmentIds.map((departmentId) => ({ measureId: idOf.get(m.seq)!, departmentId, role: 'cooperating' as const })),
      ]),
    );
    return policy;
  });
}
