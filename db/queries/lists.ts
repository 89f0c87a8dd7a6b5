// The three lists, read from the read model (list_entries) the measure workflows keep: filters,
// sorting, pages, and for each filter the counts its values would give with the other filters
// applied (what a dashboard shows beside each choice).
import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { ListKind, Rag } from '../../workflows/measure-types.js';
import { LEVEL_NAMES, type Level } from '../../workflows/rules/escalation.js';
import type { Database } from '../client.js';
import { areas, departments, listEntries, measures, policies } from '../schema/index.js';

/** The office's work queues (统筹协调部门待办): what waits for its decision, across the lists. */
export const QUEUES = ['review', 'extensions', 'declines', 'escalations'] as const;
export type Queue = (typeof QUEUES)[number];

export interface ListFilters {
  /** One of the three lists; a queue instead looks across them. */
  list?: ListKind | undefined;
  queue?: Queue | undefined;
  policyId?: string | undefined;
  areaId?: string | undefined;
  departmentId?: string | undefined;
  rag?: Rag | undefined;
  level?: number | undefined;
  overdue?: boolean | undefined;
  q?: string | undefined;
}

export const SORTS = ['seq', 'deadline', 'rag', 'level', 'updated', 'progress', 'department'] as const;
export type ListSort = (typeof SORTS)[number];

export interface ListQuery extends ListFilters {
  sort: ListSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

/** Open and past any due time it has: the deadline, an acknowledgment, a report, a review. */
const overdueExpr = sql<boolean>`coalesce(${measures.status} in ('dispatched', 'supervised', 'closure_review') and (${listEntries.deadlineAt} < now() or ${listEntries.acknowledgeDueAt} < now() or ${listEntries.reportDueAt} < now() or ${listEntries.reviewDueAt} < now()), false)`;

const ragOrder = sql`case ${listEntries.rag} when 'red' then 0 when 'yellow' then 1 else 2 end`;

const OPEN = sql`${listEntries.status} in ('dispatched', 'supervised', 'closure_review')`;
/** What puts a measure in each queue. */
export const QUEUE_CONDITIONS: Record<Queue, SQL> = {
  // 销号审核: a closure applied for, awaiting the office's approval or return.
  review: sql`${listEntries.status} = 'closure_review'`,
  // 延期申请 awaiting a decision (the workflow's snapshot holds the request).
  extensions: sql`${OPEN} and jsonb_typeof(${listEntries.snapshot} -> 'pendingExtension') = 'object'`,
  // 申请调整: a department declined its part, with a reason, for the office to settle.
  declines: sql`${OPEN} and exists (select 1 from assignments a where a.measure_id = ${measures.id} and a.declined_at is not null)`,
  // 督办升级: escalated at least once (提醒 and above) or 挂牌督办, and still open.
  escalations: sql`${OPEN} and (${listEntries.escalationLevel} > 0 or jsonb_typeof(${listEntries.snapshot} -> 'flagged') = 'object')`,
};

type Facet = 'list' | 'policy' | 'area' | 'department' | 'rag' | 'level' | 'overdue' | 'q';

function conditions(f: ListFilters, scope: SQL | undefined): Record<Facet | 'scope' | 'queue', SQL | undefined> {
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return {
    scope,
    queue: f.queue ? QUEUE_CONDITIONS[f.queue] : undefined,
    list: f.list ? eq(listEntries.list, f.list) : undefined,
    policy: f.policyId ? eq(measures.policyId, f.policyId) : undefined,
    area: f.areaId ? eq(measures.areaId, f.areaId) : undefined,
    department: f.departmentId ? eq(listEntries.leadDepartmentId, f.departmentId) : undefined,
    rag: f.rag ? eq(listEntries.rag, f.rag) : undefined,
    level: f.level !== undefined ? eq(listEntries.escalationLevel, f.level) : undefined,
    overdue: f.overdue === undefined ? undefined : f.overdue ? overdueExpr : sql`not ${overdueExpr}`,
    q: like
      ? or(
          ilike(measures.title, like),
          ilike(measures.content, like),
          ilike(measures.target, like),
          ilike(measures.deadlineText, like),
          ilike(policies.title, like),
          ilike(departments.name, like),
          ilike(sql`coalesce(${departments.shortName}, '')`, like),
        )
      : undefined,
  };
}

const without = (c: Record<string, SQL | undefined>, facet?: Facet) => and(...Object.entries(c).filter(([k]) => k !== facet).map(([, v]) => v));

function base(db: Database) {
  return {
    select<T extends Record<string, unknown>>(fields: T) {
      return db
        .select(fields as never)
        .from(listEntries)
        .innerJoin(measures, eq(measures.id, listEntries.measureId))
        .innerJoin(policies, eq(policies.id, measures.policyId))
        .leftJoin(areas, eq(areas.id, measures.areaId))
        .innerJoin(departments, eq(departments.id, listEntries.leadDepartmentId));
    },
  };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function queryList(db: Database, q: ListQuery, scope: SQL | undefined) {
  const c = conditions(q, scope);
  const where = without(c);
  const dir = q.order === 'desc' ? desc : asc;
  const sortBy: Record<ListSort, SQL[]> = {
    seq: [dir(policies.code), dir(measures.seq)],
    deadline: [sql`${listEntries.deadlineAt} ${sql.raw(q.order)} nulls last`],
    rag: [dir(ragOrder)],
    level: [dir(listEntries.escalationLevel)],
    updated: [dir(listEntries.updatedAt)],
    progress: [sql`${listEntries.progressPercent} ${sql.raw(q.order)} nulls last`],
    department: [dir(departments.name)],
  };
  const fields = {
    measureId: measures.id,
    policyId: policies.id,
    policyCode: policies.code,
    policyTitle: policies.title,
    areaId: areas.id,
    areaSeq: areas.seq,
    areaTitle: areas.title,
    seq: measures.seq,
    title: measures.title,
    content: measures.content,
    target: measures.target,
    deadlineText: measures.deadlineText,
    status: listEntries.status,
    list: listEntries.list,
    rag: listEntries.rag,
    escalationLevel: listEntries.escalationLevel,
    leadDepartmentId: departments.id,
    leadDepartmentName: departments.name,
    leadDepartmentShortName: departments.shortName,
    leadAcknowledgedAt: sql<string | null>`(select a.acknowledged_at from assignments a where a.measure_id = "measures"."id" and a.role = 'lead')`,
    cooperating: sql<Array<{ id: string; name: string; shortName: string | null; acknowledgedAt: string | null }>>`coalesce((
      select json_agg(json_build_object('id', d2.id, 'name', d2.name, 'shortName', d2.short_name, 'acknowledgedAt', a2.acknowledged_at) order by d2.name)
      from assignments a2 join departments d2 on d2.id = a2.department_id
      where a2.measure_id = "measures"."id" and a2.role = 'cooperating'), '[]'::json)`,
    deadlineAt: listEntries.deadlineAt,
    acknowledgeDueAt: listEntries.acknowledgeDueAt,
    reportDueAt: listEntries.reportDueAt,
    reviewDueAt: listEntries.reviewDueAt,
    progressPercent: listEntries.progressPercent,
    lastReportAt: listEntries.lastReportAt,
    closedAt: listEntries.closedAt,
    dispatchedAt: measures.dispatchedAt,
    updatedAt: listEntries.updatedAt,
    overdue: overdueExpr,
    calendarGapYears: listEntries.calendarGapYears,
    // 挂牌督办 is level 4, whichever way it was reached; flaggedBy says which (the office's hand first).
    flagged: sql<boolean>`${listEntries.escalationLevel} >= 4`,
    flaggedBy: sql<'office' | 'ladder' | null>`case when coalesce(${listEntries.snapshot} -> 'flagged', 'null'::jsonb) <> 'null'::jsonb then 'office' when ${listEntries.escalationLevel} >= 4 then 'ladder' end`,
  };
  const rows = (await base(db)
    .select(fields)
    .where(where)
    .orderBy(...sortBy[q.sort], asc(policies.code), asc(measures.seq), asc(measures.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)) as unknown as Array<{ [K in keyof typeof fields]: unknown }>;

  const count = sql<number>`count(*)::int`;
  const facet = (f: Facet) => without(c, f);
  const [[totalRow], listRows, ragRows, levelRows, overdueRows, deptRows, areaRows] = await Promise.all([
    base(db).select({ n: count }).where(where) as unknown as Promise<Array<{ n: number }>>,
    base(db).select({ k: listEntries.list, n: count }).where(facet('list')).groupBy(listEntries.list) as unknown as Promise<Array<{ k: ListKind | null; n: number }>>,
    base(db).select({ k: listEntries.rag, n: count }).where(facet('rag')).groupBy(listEntries.rag) as unknown as Promise<Array<{ k: Rag; n: number }>>,
    base(db).select({ k: listEntries.escalationLevel, n: count }).where(facet('level')).groupBy(listEntries.escalationLevel) as unknown as Promise<Array<{ k: number; n: number }>>,
    base(db).select({ k: overdueExpr, n: count }).where(facet('overdue')).groupBy(overdueExpr) as unknown as Promise<Array<{ k: boolean; n: number }>>,
    base(db)
      .select({ id: departments.id, name: departments.name, shortName: departments.shortName, n: count })
      .where(facet('department'))
      .groupBy(departments.id, departments.name, departments.shortName)
      .orderBy(desc(count), asc(departments.name)) as unknown as Promise<Array<{ id: string; name: string; shortName: string | null; n: number }>>,
    base(db)
      .select({ id: areas.id, seq: areas.seq, title: areas.title, policyCode: policies.code, n: count })
      .where(facet('area'))
      .groupBy(areas.id, areas.seq, areas.title, policies.code)
      .orderBy(asc(policies.code), asc(areas.seq)) as unknown as Promise<Array<{ id: string | null; seq: number | null; title: string | null; policyCode: string; n: number }>>,
  ]);

  const pick = <K extends string>(rs: Array<{ k: K | null; n: number }>, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, rs.find((r) => r.k === k)?.n ?? 0])) as Record<K, number>;
  return {
    items: rows.map((r) => ({
      ...(r as Record<string, unknown>),
      escalationName: r.escalationLevel ? (LEVEL_NAMES[r.escalationLevel as Level] ?? null) : null,
      leadAcknowledgedAt: iso(r.leadAcknowledgedAt as string | null),
      deadlineAt: iso(r.deadlineAt as Date | null),
      acknowledgeDueAt: iso(r.acknowledgeDueAt as Date | null),
      reportDueAt: iso(r.reportDueAt as Date | null),
      reviewDueAt: iso(r.reviewDueAt as Date | null),
      lastReportAt: iso(r.lastReportAt as Date | null),
      closedAt: iso(r.closedAt as Date | null),
      dispatchedAt: iso(r.dispatchedAt as Date | null),
      updatedAt: iso(r.updatedAt as Date)!,
      cooperating: (r.cooperating as Array<{ id: string; name: string; shortName: string | null; acknowledgedAt: string | null }>).map((d) => ({ ...d, acknowledgedAt: iso(d.acknowledgedAt) })),
    })) as unknown as ListItem[],
    total: totalRow?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
    counts: {
      lists: pick(listRows, ['responsibility', 'supervision', 'closure'] as const),
      rag: pick(ragRows, ['green', 'yellow', 'red'] as const),
      levels: pick(
        levelRows.map((r) => ({ k: String(r.k) as '0' | '1' | '2' | '3' | '4', n: r.n })),
        ['0', '1', '2', '3', '4'] as const,
      ),
      overdue: { true: overdueRows.find((r) => r.k === true)?.n ?? 0, false: overdueRows.find((r) => r.k !== true)?.n ?? 0 },
      departments: deptRows.map((r) => ({ id: r.id, name: r.name, shortName: r.shortName, count: r.n })),
      areas: areaRows.filter((r) => r.id !== null).map((r) => ({ id: r.id!, seq: r.seq!, title: r.title!, policyCode: r.policyCode, count: r.n })),
    },
  };
}

export interface ListItem {
  measureId: string;
  policyId: string;
  policyCode: string;
  policyTitle: string;
  areaId: string | null;
  areaSeq: number | null;
  areaTitle: string | null;
  seq: number;
  title: string;
  content: string | null;
  target: string | null;
  deadlineText: string;
  status: string;
  list: ListKind | null;
  rag: Rag;
  escalationLevel: number;
  escalationName: string | null;
  leadDepartmentId: string;
  leadDepartmentName: string;
  leadDepartmentShortName: string | null;
  leadAcknowledgedAt: string | null;
  cooperating: Array<{ id: string; name: string; shortName: string | null; acknowledgedAt: string | null }>;
  deadlineAt: string | null;
  acknowledgeDueAt: string | null;
  reportDueAt: string | null;
  reviewDueAt: string | null;
  progressPercent: number | null;
  lastReportAt: string | null;
  closedAt: string | null;
  dispatchedAt: string | null;
  updatedAt: string;
  overdue: boolean;
  flagged: boolean;
  flaggedBy: 'office' | 'ladder' | null;
  /** Years without holiday data a pending due time falls in (无节假日数据). */
  calendarGapYears: number[];
}
