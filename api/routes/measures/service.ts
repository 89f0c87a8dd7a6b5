// Drafts (edited freely until dispatch) and dispatch (交办): the measure's workflow starts with an
// input built from PostgreSQL — its departments, its deadline, and the rules of its policy's
// current escalation version merged with the measure's own override.
import { and, eq, isNull, max } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { areaOfPolicy, existingDepartmentIds } from '../../../db/queries/measures.js';
import { assignments, escalationPolicies, measures, policies } from '../../../db/schema/index.js';
import type { MeasureClient } from '../../measure-client.js';
import type { MeasureInput } from '../../../workflows/measure.js';
import type { Actor } from '../../../workflows/measure-types.js';
import { parseDeadline, type DeadlineSpec } from '../../../workflows/rules/deadline.js';
import { DEFAULT_RULES, type EscalationRules } from '../../../workflows/rules/escalation.js';
import { escalationRulesSchema, firstProblem, mergeRules, rulesOverrideSchema, type RulesProblem } from '../../../workflows/rules/escalation-schema.js';
import { conflict, invalid, notFound } from '../../errors.js';
import { fieldLabel } from '../../schemas/common.js';

export interface DraftInput {
  areaId?: string | null | undefined;
  seq?: number | undefined;
  title?: string | undefined;
  content?: string | null | undefined;
  target?: string | null | undefined;
  deadline?: string | undefined;
  leadDepartmentId?: string | undefined;
  cooperatingDepartmentIds?: string[] | undefined;
  settingsOverride?: unknown;
}

export function parseDeadlineOrFail(text: string, field = 'deadline'): DeadlineSpec {
  const parsed = parseDeadline(text);
  if (!parsed.ok) throw invalid(`完成时限无法识别：${parsed.error}`, field);
  return parsed.spec;
}

async function checkDepartments(db: Database, lead: string, cooperating: string[]) {
  const found = await existingDepartmentIds(db, [lead, ...cooperating]);
  if (!found.has(lead)) throw invalid(`牵头单位「${lead}」不存在 / unknown department`, 'leadDepartmentId');
  const missing = cooperating.filter((d) => !found.has(d));
  if (missing.length) throw invalid(`配合单位不存在：${missing.join('、')} / unknown departments`, 'cooperatingDepartmentIds');
  if (cooperating.includes(lead)) throw invalid('牵头单位不能同时是配合单位 / the lead department cannot also cooperate', 'cooperatingDepartmentIds');
}

async function writeAssignments(db: Database, measureId: string, lead: string, cooperating: string[]) {
  await db.delete(assignments).where(eq(assignments.measureId, measureId));
  await db.insert(assignments).values([
    { measureId, departmentId: lead, role: 'lead' as const },
    ...[...new Set(cooperating)].map((departmentId) => ({ measureId, departmentId, role: 'cooperating' as const })),
  ]);
}

export async function createDraft(db: Database, policyId: string, input: DraftInput & { title: string; deadline: string; leadDepartmentId: string }): Promise<string> {
  const [policy] = await db.select({ id: policies.id }).from(policies).where(eq(policies.id, policyId));
  if (!policy) throw invalid('政策文件不存在 / unknown policy', 'policyId');
  if (input.areaId && !(await areaOfPolicy(db, policyId, input.areaId))) throw invalid('该方面不属于此政策文件 / unknown area of this policy', 'areaId');
  const deadlineSpec = parseDeadlineOrFail(input.deadline);
  const cooperating = [...new Set(input.cooperatingDepartmentIds ?? [])];
  await checkDepartments(db, input.leadDepartmentId, cooperating);
  const [{ next } = { next: 0 }] = await db.select({ next: max(measures.seq) }).from(measures).where(eq(measures.policyId, policyId));
  const seq = input.seq ?? (next ?? 0) + 1;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(measures)
      .values({
        policyId,
        areaId: input.areaId ?? null,
        seq,
        title: input.title,
        content: input.content ?? null,
        target: input.target ?? null,
        deadlineText: input.deadline,
        deadlineSpec,
        settingsOverride: input.settingsOverride ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: measures.id });
    if (!row) throw conflict('SEQ_TAKEN', `序号${seq}已被本政策文件的其他措施使用 / seq taken`, 'seq');
    await writeAssignments(tx as unknown as Database, row.id, input.leadDepartmentId, cooperating);
    return row.id;
  });
}

export async function updateDraft(db: Database, measure: typeof measures.$inferSelect, input: DraftInput): Promise<void> {
  if (measure.status !== 'draft' || measure.workflowId) throw conflict('INVALID_STATE', '措施已交办，不能再修改；如需调整请使用延期、调整牵头单位等操作 / only drafts can be edited');
  if (input.areaId && !(await areaOfPolicy(db, measure.policyId, input.areaId))) throw invalid('该方面不属于此政策文件 / unknown area of this policy', 'areaId');
  const deadlineSpec = input.deadline !== undefined ? parseDeadlineOrFail(input.deadline) : undefined;
  const current = await db.select().from(assignments).where(eq(assignments.measureId, measure.id));
  const lead = input.leadDepartmentId ?? current.find((a) => a.role === 'lead')?.departmentId;
  const cooperating = input.cooperatingDepartmentIds ?? current.filter((a) => a.role === 'cooperating').map((a) => a.departmentId);
  if (!lead) throw invalid('缺少牵头单位 / lead department required', 'leadDepartmentId');
  if (input.leadDepartmentId !== undefined || input.cooperatingDepartmentIds !== undefined) await checkDepartments(db, lead, [...new Set(cooperating)]);
  await db.transaction(async (tx) => {
    if (input.seq !== undefined && input.seq !== measure.seq) {
      const [taken] = await tx.select({ id: measures.id }).from(measures).where(and(eq(measures.policyId, measure.policyId), eq(measures.seq, input.seq)));
      if (taken) throw conflict('SEQ_TAKEN', `序号${input.seq}已被本政策文件的其他措施使用 / seq taken`, 'seq');
    }
    const updated = await tx
      .update(measures)
      .set({
        ...(input.areaId !== undefined ? { areaId: input.areaId } : {}),
        ...(input.seq !== undefined ? { seq: input.seq } : {}),
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.content !== undefined ? { content: input.content } : {}),
        ...(input.target !== undefined ? { target: input.target } : {}),
        ...(input.deadline !== undefined ? { deadlineText: input.deadline, deadlineSpec } : {}),
        ...(input.settingsOverride !== undefined ? { settingsOverride: input.settingsOverride } : {}),
        updatedAt: new Date(),
      })
      // Dispatch may have begun since the read above: the draft changes only while still a draft.
      .where(and(eq(measures.id, measure.id), eq(measures.status, 'draft'), isNull(measures.workflowId)))
      .returning({ id: measures.id });
    if (!updated.length) throw conflict('INVALID_STATE', '措施已交办，不能再修改 / only drafts can be edited');
    if (input.leadDepartmentId !== undefined || input.cooperatingDepartmentIds !== undefined) await writeAssignments(tx as unknown as Database, measure.id, lead, cooperating);
  });
}

/**
 * The rules a measure of this policy runs under: its escalation version with the measure's override,
 * checked with the schema the workflow checks them with. Rules stored before that schema was as
 * strict as the workflow (0.5 working days) are refused here (422 naming the field) rather than
 * handed to a workflow that cannot run them.
 */
export async function rulesFor(db: Database, policyId: string, version: number, override: unknown): Promise<EscalationRules> {
  const [row] = await db
    .select({ rules: escalationPolicies.rules })
    .from(escalationPolicies)
    .where(and(eq(escalationPolicies.policyId, policyId), eq(escalationPolicies.version, version)));
  const refuse = (where: string, what: string, problem: RulesProblem) => {
    const path = [where, ...problem.path.split('.').filter(Boolean)];
    return invalid(`${what}无法执行 — ${fieldLabel(path)}：${problem.message}（the escalation rules cannot run）`, path.join('.'));
  };
  const base = escalationRulesSchema.safeParse({ ...(row ? (row.rules as EscalationRules) : DEFAULT_RULES), version });
  if (!base.success) throw refuse('rules', `督办规则第${version}版`, firstProblem(base.error));
  const own = rulesOverrideSchema.safeParse(override ?? {});
  if (!own.success) throw refuse('settingsOverride', '本措施的督办规则覆盖设置', firstProblem(own.error));
  return mergeRules(base.data, own.data);
}

/**
 * Dispatches a draft; `started` is false when its workflow was already running (an earlier dispatch
 * that had not finished). `deadlineAt` pins the deadline to an instant instead of the end of the day
 * the text names: the demo clock's deadlines fall minutes after it is loaded.
 */
export async function dispatchMeasure(
  db: Database,
  client: MeasureClient,
  measureId: string,
  by: Actor,
  options: { deadlineAt?: Date | undefined } = {},
): Promise<{ workflowId: string; started: boolean }> {
  const [m] = await db.select().from(measures).where(eq(measures.id, measureId));
  if (!m) throw notFound('措施', 'id');
  if (m.status !== 'draft') throw conflict('ALREADY_DONE', '措施已交办 / already dispatched');
  const [policy] = await db.select().from(policies).where(eq(policies.id, m.policyId));
  // A dispatch that began but did not finish (workflowId set, still a draft) is finished now with
  // the rules it began with; starting the same workflow id twice starts it once.
  const version = m.workflowId && m.escalationPolicyVersion ? m.escalationPolicyVersion : policy!.escalationPolicyVersion;
  const rules = await rulesFor(db, m.policyId, version, m.settingsOverride);
  const as = await db.select().from(assignments).where(eq(assignments.measureId, m.id));
  const lead = as.find((a) => a.role === 'lead');
  if (!lead) throw invalid('缺少牵头单位，不能交办 / a lead department is required', 'leadDepartmentId');
  const workflowId = `measure-${m.id}`;
  const claimed = await db
    .update(measures)
    .set({ workflowId, dispatchedAt: m.dispatchedAt ?? new Date(), escalationPolicyVersion: rules.version, updatedAt: new Date() })
    .where(and(eq(measures.id, m.id), eq(measures.status, 'draft')))
    .returning({ id: measures.id });
  if (!claimed.length) throw conflict('ALREADY_DONE', '措施已交办 / already dispatched');
  const input: MeasureInput = {
    measureId: m.id,
    seq: m.seq,
    title: m.title,
    leadDepartmentId: lead.departmentId,
    cooperatingDepartmentIds: as.filter((a) => a.role === 'cooperating').map((a) => a.departmentId),
    deadline: { text: m.deadlineText, spec: m.deadlineSpec as DeadlineSpec, ...(options.deadlineAt ? { at: options.deadlineAt.toISOString() } : {}) },
    rules,
    dispatchedBy: by,
  };
  // Should Temporal refuse or be unreachable, the measure stays a draft with its workflowId set,
  // no longer editable, and dispatching it again finishes the job.
  const started = await client.startOnce(input);
  return { workflowId, started };
}
