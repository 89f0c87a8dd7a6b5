// Reference data and measure inputs for workflow tests, with every due time in seconds.
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { auditEvents, departments, listEntries, measures, notificationOutbox, policies } from '../../db/schema/index.js';
import type { MeasureInput } from '../../workflows/measure.js';
import type { Actor } from '../../workflows/measure-types.js';
import type { EscalationRules } from '../../workflows/rules/escalation.js';

export const sec = (amount: number) => ({ unit: 'seconds' as const, amount });

/** Rules on a seconds scale; a test overrides what it looks at. */
export const FAST_RULES: EscalationRules = {
  version: 1,
  acknowledgeDue: sec(60),
  acknowledgeLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(1) }, { level: 3, after: sec(1) }],
  cadence: { kind: 'every', every: sec(600) },
  reportDue: sec(60),
  reportLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(1) }, { level: 3, after: sec(1) }],
  dueSoon: sec(1),
  behindPlanPoints: 20,
  deadlineLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(1) }, { level: 3, after: sec(1) }, { level: 4, after: sec(1) }],
  reviewDue: sec(600),
  reviewLadder: [{ level: 1, after: sec(0) }, { level: 3, after: sec(1) }],
};

export const DEPARTMENTS = [
  { id: 'office', name: '省医改领导小组秘书处', kind: 'coordination_office' as const },
  { id: 'health', name: '省卫生健康委', kind: 'line_department' as const },
  { id: 'finance', name: '省财政厅', kind: 'line_department' as const },
  { id: 'hrss', name: '省人力资源社会保障厅', kind: 'line_department' as const },
  { id: 'medsec', name: '省医保局', kind: 'line_department' as const },
];

export const office: Actor = { id: 'office-staff', role: 'coordination_office', departmentId: 'office' };
export const dept = (departmentId: string): Actor => ({ id: `${departmentId}-staff`, role: 'department', departmentId });

export async function seedDepartments(db: Database): Promise<void> {
  await db.insert(departments).values(DEPARTMENTS).onConflictDoNothing();
}

let counter = 0;
/** A policy and a draft measure in PostgreSQL, and the workflow input that dispatches it. */
export async function newMeasure(
  db: Database,
  opts: { rules?: Partial<EscalationRules>; deadlineInSeconds?: number | null; lead?: string; cooperating?: string[]; continueAsNewAfterEvents?: number } = {},
): Promise<MeasureInput> {
  await seedDepartments(db);
  const [policy] = await db.insert(policies).values({ code: `test-${randomUUID()}`, title: '关于进一步深化医改的若干措施' }).returning();
  const seq = ++counter;
  const title = `测试措施${seq}`;
  const deadlineAt = opts.deadlineInSeconds === null || opts.deadlineInSeconds === undefined ? undefined : new Date(Date.now() + opts.deadlineInSeconds * 1000).toISOString();
  const deadline = deadlineAt
    ? { text: '测试时限', spec: { kind: 'date' as const, date: deadlineAt.slice(0, 10), granularity: 'day' as const }, at: deadlineAt }
    : { text: '长期坚持', spec: { kind: 'ongoing' as const } };
  const [measure] = await db.insert(measures).values({ policyId: policy!.id, seq, title, deadlineText: deadline.text, deadlineSpec: deadline.spec }).returning();
  return {
    measureId: measure!.id,
    seq,
    title,
    leadDepartmentId: opts.lead ?? 'health',
    cooperatingDepartmentIds: opts.cooperating ?? ['finance'],
    deadline,
    rules: { ...FAST_RULES, ...opts.rules },
    dispatchedBy: office,
    continueAsNewAfterEvents: opts.continueAsNewAfterEvents,
  };
}

export async function listEntry(db: Database, measureId: string) {
  const [row] = await db.select().from(listEntries).where(eq(listEntries.measureId, measureId));
  return row;
}

export async function trail(db: Database, measureId: string) {
  return db.select().from(auditEvents).where(eq(auditEvents.measureId, measureId)).orderBy(asc(auditEvents.seq));
}

export async function outbox(db: Database, measureId: string) {
  return db.select().from(notificationOutbox).where(eq(notificationOutbox.measureId, measureId)).orderBy(asc(notificationOutbox.id));
}

export const escalations = async (db: Database, measureId: string) =>
  (await trail(db, measureId))
    .filter((e) => e.action === 'escalate')
    .map((e) => ({ item: (e.detail as { item: string }).item, level: (e.detail as { level: number }).level, at: e.occurredAt.getTime() }));

/**
 * Every rung a measure reached, in order: those that fired alone and those passed over when rungs
 * came due together and fired once, at the highest (the escalate step's detail.passedLevels). On a
 * loaded machine second-scale rungs may come due together; each is still accounted for exactly once.
 */
export const rungsReached = async (db: Database, measureId: string) =>
  (await trail(db, measureId))
    .filter((e) => e.action === 'escalate')
    .flatMap((e) => {
      const d = e.detail as { item: string; level: number; passedLevels?: number[] };
      return [...(d.passedLevels ?? []), d.level].map((level) => ({ item: d.item, level, at: e.occurredAt.getTime() }));
    });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
