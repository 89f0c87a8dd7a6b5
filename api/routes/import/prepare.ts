// Reading an import's rows, from JSON or from an Excel workbook: every row is checked and every
// problem reported at once (unreadable 完成时限, missing 牵头单位, …). A department the system does not
// know yet is noted once, with every cell that names it (not one error per cell); the package's
// fingerprint recognises the same content sent again. Writing it is service.ts's.
import { createHash } from 'node:crypto';
import type { Database } from '../../../db/client.js';
import { departmentResolver, normaliseName, similarNames } from '../../../db/queries/departments.js';
import { deadlineEndMs, describeDeadline, parseDeadline, type DeadlineSpec } from '../../../workflows/rules/deadline.js';
import type { CellError, FieldError } from '../../errors.js';
import { COLUMN_NAME, importFailed, type ImportColumn } from '../../excel/read-policy.js';
import { textProblem } from '../../schemas/common.js';

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

/** A department as a row names it: its id when known, null when the import is to create it. */
export interface NamedDepartment {
  name: string;
  id: string | null;
}

export interface PreparedMeasure {
  row: number;
  seq: number;
  area: string | null;
  title: string;
  content: string;
  target: string | null;
  deadlineText: string;
  deadlineSpec: DeadlineSpec;
  /** The end of the deadline, when it has one: for the dry run, and the warning when it has passed. */
  deadlineEndsAt: number | undefined;
  lead: NamedDepartment;
  cooperating: NamedDepartment[];
}

export interface UnknownDepartment {
  /** As first written in the package. */
  name: string;
  /** Every cell that names it. */
  uses: Array<{ row: number; column: string }>;
  /** Known departments with a name like it: perhaps a typo, not a new department. */
  similar: string[];
  /** The office asked for it to be created by this import. */
  create: boolean;
}

export interface ImportResult {
  areas: string[];
  measures: PreparedMeasure[];
  warnings: FieldError[];
  unknownDepartments: UnknownDepartment[];
  /** What was read, as written: the same package sent twice has the same fingerprint. */
  fingerprint: string;
  where: 'excel' | 'json';
}

export interface ImportOptions {
  /** Create unknown departments: every one (`'all'`), or those named. */
  createDepartments?: 'all' | string[] | undefined;
  /** Compare deadlines with this instant (default now): a deadline already past is warned about. */
  now?: number | undefined;
}

const MAX_ROWS = 2000;
/** A cell read as a name or a title: one line, however the cell was wrapped. */
export const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

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

/** 2026年12月31日, the day a past deadline ended, for the warning. */
const dayOf = (spec: DeadlineSpec) => describeDeadline(spec);

/** Checks every row; throws one 422 listing every problem, or returns what to write. */
export async function prepareImport(db: Database, rows: ImportRow[], where: 'excel' | 'json', options: ImportOptions = {}): Promise<ImportResult> {
  const errors: CellError[] = [];
  const warnings: FieldError[] = [];
  const place = (row: number) => (where === 'excel' ? `第${row}行` : `第${row}项`);
  const at = (list: FieldError[], row: number, column: ImportColumn, message: string) =>
    list.push({ row, column: COLUMN_NAME[column], message: `${place(row)}「${COLUMN_NAME[column]}」：${message}`, ...(where === 'json' ? { field: `measures.${row - 1}.${JSON_FIELD[column]}` } : {}) });
  if (rows.length === 0) throw importFailed([{ row: 0, column: COLUMN_NAME.measure, message: '没有可导入的措施 / no measures' }]);
  if (rows.length > MAX_ROWS) throw importFailed([{ row: 0, column: COLUMN_NAME.measure, message: `一次最多导入${MAX_ROWS}项措施，实际${rows.length}项` }]);

  const resolve = await departmentResolver(db);
  const unknown = new Map<string, UnknownDepartment>();
  const toCreate = options.createDepartments === 'all' ? 'all' : new Set((options.createDepartments ?? []).map(normaliseName));
  /** The department a cell names; an unknown one is noted once, with every cell that names it. */
  const department = (name: string, row: number, column: ImportColumn): NamedDepartment => {
    const id = resolve(name);
    if (id) return { name, id };
    const key = normaliseName(name);
    const entry = unknown.get(key) ?? { name, uses: [], similar: similarNames(name, resolve.rows), create: toCreate === 'all' || toCreate.has(key) };
    entry.uses.push({ row, column: COLUMN_NAME[column] });
    unknown.set(key, entry);
    return { name, id: null };
  };
  const same = (a: NamedDepartment, b: NamedDepartment) => (a.id ?? normaliseName(a.name)) === (b.id ?? normaliseName(b.name));

  const areas: string[] = [];
  const out: PreparedMeasure[] = [];
  const seqs = new Map<number, number>();
  const now = options.now ?? Date.now();
  let currentArea: string | null = null;
  let lastSeq = 0;

  for (const r of rows) {
    let ok = true;
    const fail = (column: ImportColumn, message: string) => {
      ok = false;
      at(errors, r.row, column, message);
    };
    // A cell may be wrapped over lines, but no control character may reach the database.
    const cells: Array<[ImportColumn, string | string[]]> = [['seq', r.seq], ['area', r.area], ['measure', r.measure], ['lead', r.lead], ['cooperating', r.cooperating], ['deadline', r.deadline], ['target', r.target]];
    for (const [column, value] of cells) {
      const problem = [value].flat().map((v) => textProblem(v, 'multiline')).find(Boolean);
      if (problem) fail(column, problem);
    }
    if (!ok) continue;

    let seq: number;
    // Full-width digits (１２) read as 12; 第12条, （12）, 12. as 12.
    const seqText = r.seq.normalize('NFKC').replace(/^第|[条项.、)）\s]$/g, '').replace(/^[（(]/, '').trim();
    if (seqText === '') seq = lastSeq + 1;
    else if (/^\d{1,6}$/.test(seqText) && Number(seqText) >= 1) seq = Number(seqText);
    else {
      fail('seq', `序号应为正整数，实际为「${r.seq}」`);
      seq = lastSeq + 1;
    }
    if (seqs.has(seq)) fail('seq', `序号${seq}与${place(seqs.get(seq)!)}重复`);
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

    const leads = splitDepartments(r.lead).map((n) => department(n, r.row, 'lead'));
    if (leads.length === 0) fail('lead', '缺少牵头单位');
    else if (leads.length > 1) at(warnings, r.row, 'lead', `填写了${leads.length}个牵头单位，以「${leads[0]!.name}」为牵头单位，其余作为配合单位`);
    const lead = leads[0];

    const cooperating: NamedDepartment[] = [];
    for (const d of [...leads.slice(1), ...splitDepartments(r.cooperating).map((n) => department(n, r.row, 'cooperating'))]) {
      if (lead && same(d, lead)) continue;
      if (!cooperating.some((c) => same(c, d))) cooperating.push(d);
    }

    const deadlineText = oneLine(r.deadline);
    let spec: DeadlineSpec | undefined;
    let endsAt: number | undefined;
    if (!deadlineText) fail('deadline', '缺少完成时限');
    else {
      const parsed = parseDeadline(deadlineText);
      if (parsed.ok) {
        spec = parsed.spec;
        endsAt = deadlineEndMs(spec, now);
        if (endsAt !== undefined && endsAt < now) {
          at(warnings, r.row, 'deadline', `「${deadlineText}」即${dayOf(spec)}，已经过去：交办后该措施立即逾期，督办按规则升级（可改写完成时限后再导入）`);
        }
      } else fail('deadline', `无法识别「${deadlineText}」：${parsed.error}`);
    }
    const target = r.target.trim();
    if (target.length > 5_000) fail('target', '工作目标过长（最多5000字）');

    if (ok && lead && spec) {
      out.push({
        row: r.row,
        seq,
        area: currentArea,
        title: oneLine(r.title ?? '') || titleOf(content),
        content,
        target: target || null,
        deadlineText,
        deadlineSpec: spec,
        deadlineEndsAt: endsAt,
        lead,
        cooperating,
      });
    }
  }
  const unknownDepartments = [...unknown.values()];
  if (toCreate !== 'all') {
    for (const name of options.createDepartments ?? []) {
      if (unknown.has(normaliseName(name))) continue;
      const known = resolve(name);
      warnings.push({ field: 'createDepartments', message: known ? `「${name}」已是系统中的部门，无需新建` : `「${name}」未在清单中使用，未新建` });
    }
  }
  if (errors.length) throw importFailed([...errors, ...unknownDepartmentErrors(unknownDepartments, where)].sort(byCell));
  return { areas, measures: out, warnings, unknownDepartments, fingerprint: fingerprintOf(rows), where };
}

const COLUMN_ORDER = Object.values(COLUMN_NAME);
/** Row by row, and within a row in the order of the columns. */
const byCell = (a: CellError, b: CellError) => a.row - b.row || COLUMN_ORDER.indexOf(a.column) - COLUMN_ORDER.indexOf(b.column);

const JSON_FIELD: Record<ImportColumn, string> = { seq: 'seq', area: 'area', measure: 'content', lead: 'leadDepartment', cooperating: 'cooperatingDepartments', deadline: 'deadline', target: 'target' };

/** One problem per unknown department the import is not to create, naming every cell that uses it. */
export function unknownDepartmentErrors(unknown: UnknownDepartment[], where: 'excel' | 'json'): CellError[] {
  const place = (row: number) => (where === 'excel' ? `第${row}行` : `第${row}项`);
  return unknown
    .filter((u) => !u.create)
    .map((u) => {
      const [first] = u.uses;
      const cells = u.uses.map((c) => `${place(c.row)}${c.column}`);
      const shown = cells.length > 8 ? `${cells.slice(0, 8).join('、')}等` : cells.join('、');
      const uses = u.uses.length > 1 ? `（共${u.uses.length}处：${shown}）` : '';
      const similar = u.similar.length ? `；相近的已有部门：${u.similar.join('、')}` : '';
      return {
        row: first!.row,
        column: first!.column,
        field: 'createDepartments',
        message: `${place(first!.row)}「${first!.column}」：未找到部门「${u.name}」${uses}。可填写已有部门的全称或简称${similar}；或随导入新建（createUnknownDepartments=true，或列入 createDepartments）`,
      };
    });
}

/** The package as written, reduced to what makes it the same package: its rows, not its title. */
export function fingerprintOf(rows: ImportRow[]): string {
  // Compared as normaliseName compares names: full-width as half-width, however the text was wrapped.
  const canonical = rows.map((r) => [
    normaliseName(r.seq),
    normaliseName(areaTitle(r.area)),
    normaliseName(r.measure),
    splitDepartments(r.lead).map(normaliseName),
    splitDepartments(r.cooperating).map(normaliseName).sort(),
    normaliseName(r.deadline),
    normaliseName(r.target),
  ]);
  return `v1:${createHash('sha256').update(JSON.stringify(canonical)).digest('hex')}`;
}
