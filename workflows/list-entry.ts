// A measure's row in the three lists, as the workflow's view gives it: written by each projection
// step, and compared with list_entries by the chaos run's checks. Pure (types only), so both the
// workflow and scripts outside it may import it.
import type { MeasureView } from './measure.js';
import type { ProjectionStep } from './measure-types.js';

export function listEntryOf(v: MeasureView): ProjectionStep['entry'] {
  return {
    list: v.list,
    status: v.status,
    rag: v.rag,
    escalationLevel: v.escalationLevel,
    leadDepartmentId: v.leadDepartmentId,
    deadlineAt: v.deadlineAt,
    acknowledgeDueAt: v.acknowledgeDueAt,
    reportDueAt: v.reportDueAt,
    reviewDueAt: v.reviewDueAt,
    progressPercent: v.lastReport?.percent ?? null,
    lastReportAt: v.lastReport?.at ?? null,
    closedAt: v.closedAt,
    calendarGapYears: v.calendarGapYears,
    snapshot: { pending: v.pending, round: v.round, nextRoundAt: v.nextRoundAt, flagged: v.flagged, pendingExtension: v.pendingExtension, rulesVersion: v.rulesVersion, workflowId: v.workflowId },
  };
}
