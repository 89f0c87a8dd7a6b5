// What the exports print: the three lists (numbered 1…n with a 政策文件 column when they span
// policies; filters named as people know them) and the scorecards (with the formula and the
// weights they were scored under as a footnote). Every date is written by common/dates.ts.
import type ExcelJS from 'exceljs';
import { eq, or } from 'drizzle-orm';
import { formatDate, formatDateTime, formatDay, formatDayRange } from '../../../common/dates.js';
import { describeScoring, formatRate, LEVEL_KEYS, RUNG_NAMES } from '../../../common/scoring.js';
import type { Database } from '../../../db/client.js';
import type { ListFilters, ListItem } from '../../../db/queries/lists.js';
import type { Scorecards } from '../../../db/queries/scorecards.js';
import { areas, departments, policies } from '../../../db/schema/index.js';
import { LEVEL_NAMES, type Level } from '../../../workflows/rules/escalation.js';
import type { ListKind } from '../../../workflows/measure-types.js';
import { bookTitle } from '../../../activities/notifications/render.js';
import { addNote, addRow, newWorkbook, officeSheet, RAG_FILL, type Column } from '../../excel/write.js';
import { LIST_NAMES } from '../../schemas/lists.js';

const RAG_NAMES = { green: '绿', yellow: '黄', red: '红' } as const;
const STATUS_NAMES: Record<string, string> = { dispatched: '待签收', supervised: '督办中', closure_review: '销号审核中', closed: '已销号', cancelled: '已撤销' };
export const ROLE_NAMES = { admin: '管理员', coordination_office: '统筹协调部门', department: '部门', leader: '分管领导' } as const;

const dept = (d: { name: string; shortName: string | null }) => d.shortName ?? d.name;

/**
 * The 措施 cell: the title, then the content — unless the content already opens with the title,
 * as imported measures do, their title being the first sentence, or its first 38 characters and
 * "……" when the sentence is long.
 */
export function measureText(title: string, content: string | null): string {
  if (!content) return title;
  const flat = (s: string) => s.replace(/\s+/g, '');
  const stem = flat(title).replace(/(?:……|…|\.\.\.)$/, '');
  return stem && flat(content).startsWith(stem) ? content : `${title}\n${content}`;
}

/** The filters as people know them: names and titles, not ids. */
export async function describeFilters(db: Database, f: Omit<ListFilters, 'list'>): Promise<string> {
  const parts: string[] = [];
  if (f.policyId) {
    const [p] = await db.select({ title: policies.title }).from(policies).where(eq(policies.id, f.policyId));
    parts.push(`政策文件：${p ? bookTitle(p.title) : f.policyId}`);
  }
  if (f.areaId) {
    const [a] = await db.select({ title: areas.title }).from(areas).where(eq(areas.id, f.areaId));
    parts.push(`方面：${a?.title ?? f.areaId}`);
  }
  if (f.departmentId) {
    const ref = f.departmentId;
    const [d] = await db
      .select({ name: departments.name })
      .from(departments)
      .where(or(eq(departments.id, ref), eq(departments.name, ref), eq(departments.shortName, ref)));
    parts.push(`牵头单位：${d?.name ?? ref}`);
  }
  if (f.rag) parts.push(`${RAG_NAMES[f.rag]}灯`);
  if (f.level !== undefined) parts.push(`督办级别：${f.level === 0 ? '无' : LEVEL_NAMES[f.level as Level]}`);
  if (f.overdue !== undefined) parts.push(f.overdue ? '逾期' : '未逾期');
  if (f.q) parts.push(`关键词“${f.q}”`);
  return parts.join('，');
}

export function listWorkbook(list: ListKind, items: ListItem[], heading: { exportedBy: string; filters: string; now: Date }): ExcelJS.Workbook {
  const name = LIST_NAMES[list];
  const policyTitles = [...new Set(items.map((i) => i.policyTitle))];
  const single = policyTitles.length <= 1;
  const title = single && policyTitles[0] ? `${bookTitle(policyTitles[0])}${name}` : name;
  const subtitle = `导出日期：${formatDate(heading.now)}  导出人：${heading.exportedBy}  共${items.length}项${heading.filters ? `  筛选：${heading.filters}` : ''}`;

  // One policy: its own 序号. Several: rows numbered 1…n, and the policy (with the measure's 序号 in it) beside them.
  const common: Column[] = [
    { header: '序号', width: 6, align: 'center' },
    ...(single ? [] : [{ header: '政策文件', width: 20 } satisfies Column]),
    { header: '方面', width: 14 },
    { header: '措施', width: 46 },
    { header: '牵头单位', width: 14, align: 'center' },
    { header: '配合单位', width: 20 },
    { header: '完成时限', width: 13, align: 'center' },
  ];
  const extra: Record<ListKind, Column[]> = {
    responsibility: [
      { header: '签收情况', width: 20 },
      { header: '签收期限', width: 15, align: 'center' },
      { header: '红黄灯', width: 7, align: 'center' },
      { header: '督办级别', width: 10, align: 'center' },
    ],
    supervision: [
      { header: '状态', width: 11, align: 'center' },
      { header: '完成进度', width: 9, align: 'center' },
      { header: '最近反馈', width: 13, align: 'center' },
      { header: '反馈期限', width: 15, align: 'center' },
      { header: '红黄灯', width: 7, align: 'center' },
      { header: '督办级别', width: 10, align: 'center' },
    ],
    closure: [
      { header: '销号日期', width: 13, align: 'center' },
      { header: '工作目标/预期成果', width: 30 },
    ],
  };
  const columns = [...common, ...extra[list]];
  const wb = newWorkbook();
  const ws = officeSheet(wb, name, title, subtitle, columns);
  const ragCol = columns.findIndex((c) => c.header === '红黄灯');
  items.forEach((i, n) => {
    const base = [
      single ? i.seq : n + 1,
      ...(single ? [] : [`${bookTitle(i.policyTitle)}第${i.seq}项`]),
      i.areaTitle,
      measureText(i.title, i.content),
      dept({ name: i.leadDepartmentName, shortName: i.leadDepartmentShortName }),
      i.cooperating.map(dept).join('、'),
      i.deadlineText,
    ];
    const level = i.escalationName ?? '—';
    const more: Record<ListKind, Array<string | number | null>> = {
      responsibility: [
        [`牵头：${i.leadAcknowledgedAt ? '已签收' : '未签收'}`, ...i.cooperating.map((c) => `${dept(c)}：${c.acknowledgedAt ? '已签收' : '未签收'}`)].join('\n'),
        formatDateTime(i.acknowledgeDueAt),
        RAG_NAMES[i.rag],
        level,
      ],
      supervision: [STATUS_NAMES[i.status] ?? i.status, i.progressPercent === null ? '—' : `${i.progressPercent}%`, formatDate(i.lastReportAt), formatDateTime(i.reportDueAt), RAG_NAMES[i.rag], level],
      closure: [formatDate(i.closedAt), i.target],
    };
    const row = addRow(ws, columns, [...base, ...more[list]]);
    if (ragCol >= 0) row.getCell(ragCol + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: RAG_FILL[i.rag]! } };
  });
  return wb;
}

export function scorecardWorkbook(card: Scorecards, heading: { exportedBy: string; now: Date }): ExcelJS.Workbook {
  const c = (header: string, width = 8): Column => ({ header, width, align: 'center' });
  const columns: Column[] = [
    c('排名', 6),
    { header: '部门', width: 28 },
    c('牵头措施数'),
    c('签收数', 7),
    c('按时签收'),
    c('逾期未签收'),
    c('签收及时率', 9),
    c('反馈次数'),
    c('按时反馈'),
    c('逾期未反馈'),
    c('反馈及时率', 9),
    c('按期销号'),
    c('逾期销号'),
    c('到期未销号'),
    c('按期销号率', 9),
    ...LEVEL_KEYS.map((k) => c(`${RUNG_NAMES[k]}次数`)),
    c('督办扣分'),
    c('当前逾期'),
    c('报送表单数'),
    c('填报项数'),
    c('综合得分'),
  ];
  const { period, rules, rows } = card;
  const wb = newWorkbook();
  const ws = officeSheet(
    wb,
    '部门考核',
    `部门工作落实情况考核表（${period.label}）`,
    `统计区间：${formatDayRange(period.from, period.to)}  导出日期：${formatDate(heading.now)}  导出人：${heading.exportedBy}`,
    columns,
  );
  for (const r of rows) {
    addRow(ws, columns, [
      r.rank ?? '—',
      r.departmentName,
      r.measuresLed,
      r.acknowledged,
      r.acknowledgedOnTime,
      r.acknowledgeOverdue,
      formatRate(r.acknowledgeOnTimeRate),
      r.reports,
      r.reportsOnTime,
      r.reportsOverdue,
      formatRate(r.reportOnTimeRate),
      r.closedOnTime,
      r.closedLate,
      r.dueOpen,
      formatRate(r.closureOnTimeRate),
      ...LEVEL_KEYS.map((k) => r.escalations[k]),
      r.deduction,
      r.overdue,
      r.formsFiled,
      r.fieldsFilled,
      r.score === null ? '—' : r.score.toFixed(1),
    ]);
  }
  addNote(ws, columns, `说明（考核规则第${rules.version}版，${formatDay(rules.effectiveFrom)}起施行）：${describeScoring(rules.rules)}`);
  addNote(
    ws,
    columns,
    '报送负担（“最多报一次”）：报送表单数为本期填报的进展反馈、申请销号、延期申请和申请调整的份数，填报项数为其中填写的文字、数字项和佐证材料份数；仅作参考，不计入得分。逾期未签收、逾期未反馈、到期未销号均截至统计期末（期末在今日之后的，截至今日）；当前逾期为导出时的情况。',
  );
  return wb;
}
