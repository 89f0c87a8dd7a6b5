// Projects the measure workflow's steps into PostgreSQL: the three-list read model, assignments,
// progress reports, the audit trail and notification requests, all in one transaction.
// Idempotent: each step carries the measure's sequence number, and a step at or below the one
// already stored is skipped whole, so a retried activity writes nothing twice. Notification
// entries it wrote are handed to `afterCommit` once the transaction has committed (a skipped step
// hands none: the sweeper starts whatever a crash left pending).
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { assignments, auditEvents, listEntries, measures, notificationOutbox, progressReports } from '../db/schema/index.js';
import type { ProjectionStep } from '../workflows/measure-types.js';

export function createProjectionActivities(db: Database, opts: { afterCommit?: (entries: Array<{ id: number; idempotencyKey: string }>) => Promise<void> } = {}) {
  return {
    async projectMeasure(step: ProjectionStep): Promise<'applied' | 'skipped'> {
      let written: Array<{ id: number; idempotencyKey: string }> = [];
      const result = await db.transaction(async (tx) => {
        // Lock the measure's entry so concurrent retries of the same step serialise.
        const [current] = await tx
          .select({ seq: listEntries.seq })
          .from(listEntries)
          .where(eq(listEntries.measureId, step.measureId))
          .for('update');
        if (current && current.seq >= step.seq) return 'skipped';

        const at = new Date(step.at);
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
        if (step.removedDepartmentIds?.length) {
          for (const departmentId of step.removedDepartmentIds) {
            await tx.delete(assignments).where(and(eq(assignments.measureId, step.measureId), eq(assignments.departmentId, departmentId)));
          }
        }

        if (step.report) {
          const r = step.report;
          await tx.insert(progressReports).values({
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
          });
        }

        await tx.insert(auditEvents).values({
          measureId: step.measureId,
          seq: step.seq,
          actor: step.actor,
          actorRole: step.actorRole ?? null,
          action: step.action,
          fromState: step.fromState ?? null,
          toState: e.status,
          detail: step.detail ?? {},
          occurredAt: at,
        });

        if (step.notifications?.length) {
          written = await tx
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
        return 'applied' as const;
      });
      if (written.length && opts.afterCommit) await opts.afterCommit(written);
      return result;
    },
  };
}
