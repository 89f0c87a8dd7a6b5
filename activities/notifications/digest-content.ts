// What a digest holds, gathered from the read model: what was escalated since the last digest,
// red measures by department, deadlines in the coming two weeks, closures, and the department
// scorecard. A leader's digest covers the departments and areas they oversee (分管); the
// coordination office's daily summary covers every measure. The scorecard is the scorecards
// query's, for the month, with the rows that leader (or the office) sees there.
import { and, eq, gt, inArray, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { calendarWarning } from '../../db/queries/calendar.js';
import { currentMonth, overseenDepartmentIds, type Period, type ScorecardRow, scorecards } from '../../db/queries/scorecards.js';
import { auditEvents, departments, leaderAreas, leaderDepartments, listEntries, measures, notificationOutbox, policies } from '../../db/schema/index.js';

export interface DigestMeasure {
  measureId: string;
  /** The policy the measure belongs to: messages say 《policy》第N项. */
  policyTitle: string;
  measureSeq: number;
  title: string;
  departmentId: string;
  departmentName: string;
}

export interface DigestContent {
  audience: 'leader' | 'office';
  personId?: string | undefined;
  personName?: string | undefined;
  since: string;
  until: string;
  escalations: Array<DigestMeasure & { level: number; levelName: string; message: string; at: string }>;
  red: Array<{ departmentId: string; departmentName: string; measures: Array<DigestMeasure & { deadlineAt: string | null; escalationLevel: number; escalationName: string | null }> }>;
  dueSoon: Array<DigestMeasure & { deadlineAt: string }>;
  closures: Array<DigestMeasure & { closedAt: string }>;
  /**
   * The office's summary only: from 1 November, next year's arrangement still missing; and how many
   * open measures have a due time counted through a year without holiday data.
   */
  calendar?: { warning: string | null; gapMeasures: number } | undefined;
  /** The office's summary only: closures awaiting its review. */
  pendingReview?: Array<DigestMeasure & { reviewDueAt: string | null }> | undefined;
  /** The 成绩单: this month's scorecards, the rows GET /api/scorecards shows the same person (same function, same numbers). */
  scorecardPeriod: Period;
  scorecardRulesVersion: number;
  scorecard: ScorecardRow[];
}

export type DigestScope = { kind: 'all' } | { kind: 'leader'; leaderId: string };

const LEVEL_NAMES: Record<number, string> = { 1: '提醒', 2: '催办', 3: '督办', 4: '挂牌督办' };
const ITEM_NAMES: Record<string, string> = { acknowledge: '签收', report: '进展反馈', deadline: '完成时限', review: '销号审核' };
const OPEN = new Set(['dispatched', 'supervised', 'closure_review']);
const TWO_WEEKS_MS = 14 * 24 * 3600 * 1000;

/** The measures a leader oversees: led by a department of theirs, or in an area of theirs. */
export async function leaderScope(db: Database, leaderId: string): Promise<{ departmentIds: string[]; areaIds: string[] }> {
  const [ds, as] = await Promise.all([
    db.select({ id: leaderDepartments.departmentId }).from(leaderDepartments).where(eq(leaderDepartments.leaderId, leaderId)),
    db.select({ id: leaderAreas.areaId }).from(leaderAreas).where(eq(leaderAreas.leaderId, leaderId)),
  ]);
  return { departmentIds: ds.map((d) => d.id), areaIds: as.map((a) => a.id) };
}

export async function gatherDigest(
  db: Database,
  opts: { scope: DigestScope; since: Date; until: Date; person?: { id: string; name: string } | undefined },
): Promise<DigestContent> {
  const { since, until } = opts;
  const names = new Map((await db.select({ id: departments.id, name: departments.name }).from(departments)).map((d) => [d.id, d.name]));
  const name = (id: string) => names.get(id) ?? id;

  let filter;
  let scorecardDepartments: string[] | undefined;
  if (opts.scope.kind === 'leader') {
    const oversees = await leaderScope(db, opts.scope.leaderId);
    const { departmentIds, areaIds } = oversees;
    scorecardDepartments = await overseenDepartmentIds(db, oversees);
    const parts = [
      ...(departmentIds.length ? [inArray(listEntries.leadDepartmentId, departmentIds)] : []),
      ...(areaIds.length ? [inArray(measures.areaId, areaIds)] : []),
    ];
    filter = parts.length ? or(...parts) : sql`false`;
  }
  const entries = await db
    .select({
      measureId: listEntries.measureId,
      policyTitle: policies.title,
      measureSeq: measures.seq,
      title: measures.title,
      status: listEntries.status,
      rag: listEntries.rag,
      escalationLevel: listEntries.escalationLevel,
      departmentId: listEntries.leadDepartmentId,
      deadlineAt: listEntries.deadlineAt,
      reviewDueAt: listEntries.reviewDueAt,
      closedAt: listEntries.closedAt,
    })
    .from(listEntries)
    .innerJoin(measures, eq(measures.id, listEntries.measureId))
    .innerJoin(policies, eq(policies.id, measures.policyId))
    .where(filter)
    .orderBy(listEntries.leadDepartmentId, measures.seq);
  const ids = entries.map((e) => e.measureId);
  const byId = new Map(entries.map((e) => [e.measureId, e]));
  const base = (e: (typeof entries)[number]): DigestMeasure => ({
    measureId: e.measureId,
    policyTitle: e.policyTitle,
    measureSeq: e.measureSeq,
    title: e.title,
    departmentId: e.departmentId,
    departmentName: name(e.departmentId),
  });
  const open = entries.filter((e) => OPEN.has(e.status));

  // What was escalated: to the leader, the steps addressed to leaders; to the office, every rung.
  const escalations: DigestContent['escalations'] = [];
  if (ids.length) {
    if (opts.scope.kind === 'leader') {
      const rows = await db
        .select()
        .from(notificationOutbox)
        .where(and(eq(notificationOutbox.recipientRole, 'leader'), inArray(notificationOutbox.measureId, ids), gt(notificationOutbox.createdAt, since), lte(notificationOutbox.createdAt, until)))
        .orderBy(notificationOutbox.createdAt, notificationOutbox.id);
      for (const r of rows) {
        const e = byId.get(r.measureId!)!;
        const p = r.payload as Record<string, unknown>;
        const level = Number(p.level ?? 0);
        const departmentId = typeof p.departmentId === 'string' ? p.departmentId : e.departmentId;
        escalations.push({
          ...base(e),
          departmentId,
          departmentName: name(departmentId),
          level,
          levelName: String(p.levelName ?? LEVEL_NAMES[level] ?? ''),
          message: String(p.message ?? ''),
          at: r.createdAt.toISOString(),
        });
      }
    } else {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'escalate'), gt(auditEvents.occurredAt, since), lte(auditEvents.occurredAt, until)))
        .orderBy(auditEvents.occurredAt, auditEvents.id);
      for (const r of rows) {
        const e = byId.get(r.measureId!);
        if (!e) continue;
        const d = r.detail as { level?: number; name?: string; item?: string; departmentId?: string };
        const level = Number(d.level ?? 0);
        const levelName = d.name ?? LEVEL_NAMES[level] ?? '';
        const departmentId = d.departmentId ?? e.departmentId;
        escalations.push({
          ...base(e),
          departmentId,
          departmentName: name(departmentId),
          level,
          levelName,
          message: `${ITEM_NAMES[d.item ?? ''] ?? d.item ?? ''}逾期${levelName}`,
          at: r.occurredAt.toISOString(),
        });
      }
    }
  }

  const redByDept = new Map<string, DigestContent['red'][number]>();
  for (const e of open.filter((x) => x.rag === 'red')) {
    const group = redByDept.get(e.departmentId) ?? { departmentId: e.departmentId, departmentName: name(e.departmentId), measures: [] };
    group.measures.push({ ...base(e), deadlineAt: e.deadlineAt?.toISOString() ?? null, escalationLevel: e.escalationLevel, escalationName: LEVEL_NAMES[e.escalationLevel] ?? null });
    redByDept.set(e.departmentId, group);
  }

  const dueSoon = open
    .filter((e) => e.deadlineAt && e.deadlineAt.getTime() >= until.getTime() && e.deadlineAt.getTime() <= until.getTime() + TWO_WEEKS_MS)
    .sort((a, b) => a.deadlineAt!.getTime() - b.deadlineAt!.getTime())
    .map((e) => ({ ...base(e), deadlineAt: e.deadlineAt!.toISOString() }));

  const closures = entries
    .filter((e) => e.status === 'closed' && e.closedAt && e.closedAt > since && e.closedAt <= until)
    .map((e) => ({ ...base(e), closedAt: e.closedAt!.toISOString() }));

  const card = await scorecards(db, currentMonth(until), scorecardDepartments, until);

  return {
    audience: opts.scope.kind === 'leader' ? 'leader' : 'office',
    ...(opts.person ? { personId: opts.person.id, personName: opts.person.name } : {}),
    since: since.toISOString(),
    until: until.toISOString(),
    escalations,
    red: [...redByDept.values()],
    dueSoon,
    closures,
    ...(opts.scope.kind === 'all' ? { calendar: await calendarNotice(db, until) } : {}),
    ...(opts.scope.kind === 'all'
      ? { pendingReview: open.filter((e) => e.status === 'closure_review').map((e) => ({ ...base(e), reviewDueAt: e.reviewDueAt?.toISOString() ?? null })) }
      : {}),
    scorecardPeriod: card.period,
    scorecardRulesVersion: card.rules.version,
    scorecard: card.rows,
  };
}

async function calendarNotice(db: Database, until: Date): Promise<{ warning: string | null; gapMeasures: number }> {
  const w = await calendarWarning(db, until);
  return { warning: w?.message ?? null, gapMeasures: w?.gapMeasures ?? 0 };
}
