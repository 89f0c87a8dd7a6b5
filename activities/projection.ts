// Projects the measure workflow's steps into PostgreSQL: the three-list read model, assignments,
// progress reports, the audit trail and notification requests, all in one transaction.
// Idempotent: each step carries the measure's sequence number, and a step at or below the one
// already stored is skipped whole, so a retried activity writes nothing twice. Notification
// entries it wrote are handed to `afterCommit` once the transaction has committed (a skipped step
// hands none: the sweeper starts whatever a crash left pending).
//
// A step PostgreSQL refuses for its data (U+0000 in a text, a department that does not exist) or
// that breaks the step's schema would fail the same way on every retry and, retried forever, hold
// up its measure: every later action and timer waits for it. Such a step is set aside instead
// (failed_steps, a warning in the log) for an admin to repair and replay, and the measure goes on.
// Anything else — PostgreSQL away or slow, an error we do not know — is retried without end.
import { Context } from '@temporalio/activity';
import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { incurableCause, type IncurableError } from '../db/errors.js';
import { assignments, auditEvents, failedSteps, listEntries, measures, notificationOutbox, progressReports } from '../db/schema/index.js';
import type { ProjectionStep } from '../workflows/measure-types.js';
import { stepProblem } from './projection-step.js';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type OutboxWritten = Array<{ id: number; idempotencyKey: string }>;

/**
 * Writes one step in `tx`. A step at or below the one the list entry holds is skipped — unless
 * `replay` (an admin replaying a step that was set aside while later ones were written): then only
 * what is the step's own is written — its report, its audit event, its notifications — and the list
 * entry, the measure's status and its assignments stay as the later step left them.
 */
export async function writeStep(tx: Transaction, step: ProjectionStep, opts: { replay?: boolean } = {}): Promise<'skipped' | { outbox: OutboxWritten; whole: boolean }> {
  // Lock the measure's entry so concurrent retries of the same step serialise.
  const [current] = await tx.select({ seq: listEntries.seq }).from(listEntries).where(eq(listEntries.measureId, step.measureId)).for('update');
  const later = current !== undefined && current.seq >= step.seq;
  if (later && !opts.replay) return 'skipped';

  const at = new Date(step.at);
  if (!later) {
    const e = step.entry;
    const row = {
      seq: step.seq,
      list: e.list,
      status: e.status,
      rag: e.rag,
      escalationLevel: e.escalationLevel,
      leadDepartmentId: e.leadDepartmentId,
      deadlineAt: e.deadlineAt ? new Date(e.deadlineAt) : null,
      acknowledgeDueAt: e.acknowledgeDueAt ? new Date(e.acknowledgeDueAt) : null,
      reportDueAt: e.reportDueAt ? new Date(e.reportDueAt) : null,
      reviewDueAt: e.reviewDueAt ? new Date(e.reviewDueAt) : null,
      progressPercent: e.progressPercent,
      lastReportAt: e.lastReportAt ? new Date(e.lastReportAt) : null,
      closedAt: e.closedAt ? new Date(e.closedAt) : null,
      calendarGapYears: e.calendarGapYears ?? [],
      snapshot: e.snapshot,
      updatedAt: at,
    };
    await tx
      .insert(listEntries)
      .values({ measureId: step.measureId, ...row })
      .onConflictDoUpdate({ target: listEntries.measureId, set: row });
    await tx.update(measures).set({ status: e.status, updatedAt: at }).where(eq(measures.id, step.measureId));

    for (const a of step.assignments ?? []) {
      const values = {
        role: a.role,
        acknowledgedAt: a.acknowledgedAt ? new Date(a.acknowledgedAt) : null,
        declinedAt: a.declinedAt ? new Date(a.declinedAt) : null,
        declineReason: a.declineReason ?? null,
      };
      await tx
        .insert(assignments)
        .values({ measureId: step.measureId, departmentId: a.departmentId, ...values })
        .onConflictDoUpdate({ target: [assignments.measureId, assignments.departmentId], set: values });
    }
    // A step carries every assignment: any other is gone (also one a set-aside step removed).
    if (step.assignments?.length) {
      const kept = step.assignments.map((a) => a.departmentId);
      await tx.delete(assignments).where(and(eq(assignments.measureId, step.measureId), notInArray(assignments.departmentId, kept)));
    }
    for (const departmentId of step.removedDepartmentIds ?? []) {
      await tx.delete(assignments).where(and(eq(assignments.measureId, step.measureId), eq(assignments.departmentId, departmentId)));
    }
  }

  if (step.report) {
    const r = step.report;
    await tx
      .insert(progressReports)
      .values({
        measureId: step.measureId,
        seq: step.seq,
        round: r.round,
        departmentId: r.departmentId,
        text: r.text,
        percent: r.percent ?? null,
        indicatorValue: r.indicatorValue === undefined ? null : String(r.indicatorValue),
        evidence: r.evidence,
        late: r.late,
        submittedBy: step.actor,
        submittedAt: at,
      })
      .onConflictDoNothing({ target: [progressReports.measureId, progressReports.seq] });
  }

  await tx
    .insert(auditEvents)
    .values({
      measureId: step.measureId,
      seq: step.seq,
      actor: step.actor,
      actorRole: step.actorRole ?? null,
      action: step.action,
      fromState: step.fromState ?? null,
      toState: step.entry.status,
      detail: step.detail ?? {},
      occurredAt: at,
    })
    .onConflictDoNothing({ target: [auditEvents.measureId, auditEvents.seq] });

  let outbox: OutboxWritten = [];
  if (step.notifications?.length) {
    outbox = await tx
      .insert(notificationOutbox)
      .values(
        step.notifications.map((n) => ({
          idempotencyKey: n.key,
          kind: n.kind,
          measureId: step.measureId,
          recipientDepartmentId: n.departmentId ?? null,
          recipientRole: n.role ?? null,
          payload: n.payload,
        })),
      )
      .onConflictDoNothing({ target: notificationOutbox.idempotencyKey })
      .returning({ id: notificationOutbox.id, idempotencyKey: notificationOutbox.idempotencyKey });
  }
  return { outbox, whole: !later };
}

// eslint-disable-next-line no-control-regex -- the point is to find them
const CONTROL = /[\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/gu;
/** An error message as it can be stored and shown: control characters written as \uXXXX. */
export const printable = (s: string) => s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).slice(0, 2000);

/**
 * Records a step that cannot be written and returns its row's id. The payload is kept as JSON text
 * (JSON.stringify escapes U+0000 and unpaired surrogates, so it stores whatever the step holds).
 * The same step failing again (its activity run again after a worker died) updates the row it has.
 */
export async function recordFailedStep(db: Database, workflowId: string, step: Partial<ProjectionStep>, cause: IncurableError): Promise<number> {
  const now = new Date();
  const error = { errorCode: cause.code.slice(0, 64), errorMessage: printable(cause.message), lastSeenAt: now };
  const [row] = await db
    .insert(failedSteps)
    .values({
      workflowId,
      measureId: printable(String(step.measureId ?? '')),
      seq: Number.isInteger(step.seq) ? step.seq! : 0,
      action: printable(String(step.action ?? '')),
      payload: JSON.stringify(step),
      firstSeenAt: now,
      ...error,
    })
    .onConflictDoUpdate({ target: [failedSteps.workflowId, failedSteps.seq], set: { ...error, failures: sql`${failedSteps.failures} + 1` } })
    .returning({ id: failedSteps.id });
  return row!.id;
}

/** The running activity's workflow id and logger, or the measure's workflow id and the console outside one. */
function activityContext(step: Partial<ProjectionStep>): { workflowId: string; warn: (line: string) => void } {
  try {
    const ctx = Context.current();
    return { workflowId: ctx.info.workflowExecution?.workflowId ?? `measure-${String(step.measureId)}`, warn: (line) => ctx.log.warn(line) };
  } catch {
    return { workflowId: `measure-${String(step.measureId)}`, warn: (line) => console.warn(line) };
  }
}

export function createProjectionActivities(db: Database, opts: { afterCommit?: (entries: OutboxWritten) => Promise<void> } = {}) {
  /** Records a step that cannot be written, says so in the log, and lets the measure go on. */
  async function setAside(step: ProjectionStep, cause: { code: string; message: string }): Promise<'set_aside'> {
    const { workflowId, warn } = activityContext(step);
    const id = await recordFailedStep(db, workflowId, step, cause);
    warn(
      `措施投影步骤无法写入，已记入失败步骤 #${id}，请管理员修复后重放或放弃 / projection step set aside as failed step #${id}: ` +
        `workflow ${workflowId}, step ${String(step.seq)} (${String(step.action)}), ${cause.code} ${cause.message}`,
    );
    return 'set_aside';
  }

  return {
    async projectMeasure(step: ProjectionStep): Promise<'applied' | 'skipped' | 'set_aside'> {
      const problem = stepProblem(step);
      if (problem) return setAside(step, { code: 'VALIDATION', message: problem });
      let result: Awaited<ReturnType<typeof writeStep>>;
      try {
        result = await db.transaction((tx) => writeStep(tx, step));
      } catch (err) {
        const cause = incurableCause(err);
        if (!cause) throw err;
        return setAside(step, cause);
      }
      if (result === 'skipped') return 'skipped';
      if (result.outbox.length && opts.afterCommit) await opts.afterCommit(result.outbox);
      return 'applied';
    },
  };
}
