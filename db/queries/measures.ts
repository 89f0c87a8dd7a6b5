// Reading measures as the API shows them: a summary with its departments, and the detail page's
// timeline, reports, escalations and evidence — all from PostgreSQL, never from the workflow.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { describeDeadline, type DeadlineSpec } from '../../workflows/rules/deadline.js';
import { LEVEL_NAMES, type Level } from '../../workflows/rules/escalation.js';
import type { Database } from '../client.js';
import type { measures} from '../schema/index.js';
import { areas, assignments, auditEvents, departments, evidenceFiles, listEntries, people, policies, progressReports } from '../schema/index.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export type MeasureRow = typeof measures.$inferSelect;

export async function assignmentsOf(db: Database, measureIds: string[]) {
  if (measureIds.length === 0) return [];
  const rows = await db
    .select({
      measureId: assignments.measureId,
      departmentId: assignments.departmentId,
      departmentName: departments.name,
      shortName: departments.shortName,
      role: assignments.role,
      acknowledgedAt: assignments.acknowledgedAt,
      declinedAt: assignments.declinedAt,
      declineReason: assignments.declineReason,
    })
    .from(assignments)
    .innerJoin(departments, eq(departments.id, assignments.departmentId))
    .where(inArray(assignments.measureId, measureIds))
    .orderBy(sql`${assignments.role} = 'cooperating'`, asc(departments.name));
  return rows.map((r) => ({ ...r, acknowledgedAt: iso(r.acknowledgedAt), declinedAt: iso(r.declinedAt) }));
}

export async function measureSummaries(db: Database, rows: MeasureRow[]) {
  const all = await assignmentsOf(
    db,
    rows.map((r) => r.id),
  );
  const areaIds = [...new Set(rows.map((r) => r.areaId).filter((x): x is string => x !== null))];
  const areaRows = areaIds.length ? await db.select({ id: areas.id, title: areas.title }).from(areas).where(inArray(areas.id, areaIds)) : [];
  return rows.map((m) => ({
    id: m.id,
    policyId: m.policyId,
    areaId: m.areaId,
    areaTitle: areaRows.find((a) => a.id === m.areaId)?.title ?? null,
    seq: m.seq,
    title: m.title,
    content: m.content,
    target: m.target,
    deadlineText: m.deadlineText,
    deadlineSpec: m.deadlineSpec,
    deadlineDescription: describeDeadline(m.deadlineSpec as DeadlineSpec),
    settingsOverride: m.settingsOverride ?? null,
    escalationPolicyVersion: m.escalationPolicyVersion,
    status: m.status,
    dispatchedAt: iso(m.dispatchedAt),
    workflowId: m.workflowId,
    assignments: all.filter((a) => a.measureId === m.id).map(({ measureId: _m, ...a }) => a),
  }));
}

/** 中文 names of the actions in a timeline. */
export const ACTION_NAMES: Record<string, string> = {
  create: '新建措施',
  update: '修改措施',
  dispatch: '交办',
  acknowledge: '签收',
  decline: '申请调整',
  report: '进展反馈',
  apply_closure: '申请销号',
  approve_closure: '销号',
  return_closure: '退回销号申请',
  request_extension: '申请延期',
  approve_extension: '批准延期',
  reject_extension: '不予延期',
  reassign_lead: '调整牵头单位',
  cancel: '撤销',
  flag: '挂牌督办',
  unflag: '取消挂牌督办',
  escalate: '逾期升级',
  round_opened: '开启调度',
  rag_changed: '红黄绿灯变化',
  calendar_changed: '节假日调整',
  evidence_uploaded: '上传佐证材料',
};

export async function measureHistory(db: Database, measureId: string) {
  const events = await db
    .select({
      seq: auditEvents.seq,
      at: auditEvents.occurredAt,
      action: auditEvents.action,
      actor: auditEvents.actor,
      actorName: people.displayName,
      actorRole: auditEvents.actorRole,
      fromState: auditEvents.fromState,
      toState: auditEvents.toState,
      detail: auditEvents.detail,
    })
    .from(auditEvents)
    .leftJoin(people, sql`${people.id}::text = ${auditEvents.actor}`)
    .where(eq(auditEvents.measureId, measureId))
    .orderBy(asc(auditEvents.occurredAt), asc(auditEvents.id));
  const reports = await db
    .select({
      round: progressReports.round,
      departmentId: progressReports.departmentId,
      departmentName: departments.name,
      text: progressReports.text,
      percent: progressReports.percent,
      indicatorValue: progressReports.indicatorValue,
      evidence: progressReports.evidence,
      late: progressReports.late,
      submittedBy: progressReports.submittedBy,
      submittedByName: people.displayName,
      submittedAt: progressReports.submittedAt,
    })
    .from(progressReports)
    .leftJoin(departments, eq(departments.id, progressReports.departmentId))
    .leftJoin(people, sql`${people.id}::text = ${progressReports.submittedBy}`)
    .where(eq(progressReports.measureId, measureId))
    .orderBy(asc(progressReports.submittedAt));

  type Ev = { name: string; url?: string; note?: string; fileId?: string };
  const named: Array<Ev & { source: 'report' | 'closure'; at: string; departmentId: string | null }> = [];
  for (const r of reports) for (const e of r.evidence as Ev[]) named.push({ ...e, source: 'report', at: r.submittedAt.toISOString(), departmentId: r.departmentId });
  for (const e of events) {
    if (e.action !== 'apply_closure') continue;
    const d = e.detail as { evidence?: Ev[] };
    for (const x of d.evidence ?? []) named.push({ ...x, source: 'closure', at: e.at.toISOString(), departmentId: null });
  }
  // Uploaded files named by `fileId`: their size, type and checksum, and where to download them.
  const fileIds = [...new Set(named.flatMap((e) => (e.fileId ? [e.fileId] : [])))];
  const files = fileIds.length ? await db.select().from(evidenceFiles).where(and(eq(evidenceFiles.measureId, measureId), inArray(evidenceFiles.id, fileIds))) : [];
  const fileById = new Map(files.map((f) => [f.id, f]));
  const evidence = named.map((e) => {
    const f = e.fileId ? fileById.get(e.fileId) : undefined;
    return {
      ...e,
      file: f
        ? { id: f.id, measureId: f.measureId, departmentId: f.departmentId, name: f.name, contentType: f.contentType, size: f.size, sha256: f.sha256, uploadedAt: f.createdAt.toISOString(), url: `/api/evidence/${f.id}` }
        : null,
    };
  });

  return {
    timeline: events.map((e) => ({ ...e, at: e.at.toISOString(), actionName: ACTION_NAMES[e.action] ?? e.action, actorName: e.actorName ?? (e.actor === 'system' ? '系统' : null) })),
    reports: reports.map((r) => ({ ...r, evidence: r.evidence as Ev[], submittedAt: r.submittedAt.toISOString() })),
    escalations: events
      .filter((e) => e.action === 'escalate')
      .map((e) => {
        const d = e.detail as { item: string; level: number; departmentId?: string; round?: number };
        return { at: e.at.toISOString(), item: d.item, level: d.level, levelName: LEVEL_NAMES[d.level as Level] ?? String(d.level), departmentId: d.departmentId ?? null, round: d.round ?? null };
      }),
    evidence,
  };
}

export async function listEntryOf(db: Database, measureId: string) {
  const [e] = await db.select().from(listEntries).where(eq(listEntries.measureId, measureId));
  if (!e) return null;
  return {
    list: e.list,
    rag: e.rag,
    escalationLevel: e.escalationLevel,
    escalationName: e.escalationLevel ? (LEVEL_NAMES[e.escalationLevel as Level] ?? null) : null,
    deadlineAt: iso(e.deadlineAt),
    acknowledgeDueAt: iso(e.acknowledgeDueAt),
    reportDueAt: iso(e.reportDueAt),
    reviewDueAt: iso(e.reviewDueAt),
    progressPercent: e.progressPercent,
    lastReportAt: iso(e.lastReportAt),
    closedAt: iso(e.closedAt),
    calendarGapYears: e.calendarGapYears,
    updatedAt: e.updatedAt.toISOString(),
    snapshot: e.snapshot,
  };
}

export async function policyOf(db: Database, policyId: string) {
  const [p] = await db.select({ id: policies.id, code: policies.code, title: policies.title }).from(policies).where(eq(policies.id, policyId));
  return p!;
}

/** Department ids that exist, of those given. */
export async function existingDepartmentIds(db: Database, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: departments.id }).from(departments).where(inArray(departments.id, ids));
  return new Set(rows.map((r) => r.id));
}

export async function areaOfPolicy(db: Database, policyId: string, areaId: string) {
  const [a] = await db.select().from(areas).where(and(eq(areas.id, areaId), eq(areas.policyId, policyId)));
  return a;
}
