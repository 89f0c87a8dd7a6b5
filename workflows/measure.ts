// One workflow per measure (措施). This first cut dispatches the measure into the
// responsibility list and can be cancelled; the full lifecycle grows here.
import { allHandlersFinished, ApplicationFailure, condition, defineQuery, defineUpdate, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { Actor, ListEntryView, MeasureStatus } from './measure-types.js';

export interface MeasureInput {
  measureId: string;
  title: string;
  leadDepartmentId: string;
  cooperatingDepartmentIds: string[];
  deadlineAt: string | null;
  dispatchedBy: Actor;
}

export const cancelUpdate = defineUpdate<ListEntryView, [{ actor: Actor; reason: string }]>('cancel');
export const stateQuery = defineQuery<ListEntryView>('state');

const { projectMeasure } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
});

export async function measureWorkflow(input: MeasureInput): Promise<MeasureStatus> {
  let status: MeasureStatus = 'dispatched';
  let seq = 0;

  const view = (): ListEntryView => ({
    list: status === 'cancelled' ? null : 'responsibility',
    status,
    rag: 'green',
    escalationLevel: 0,
    leadDepartmentId: input.leadDepartmentId,
    deadlineAt: input.deadlineAt,
    acknowledgeDueAt: null,
    reportDueAt: null,
    reviewDueAt: null,
    progressPercent: null,
    lastReportAt: null,
    closedAt: null,
    snapshot: { workflowId: workflowInfo().workflowId },
  });

  const project = (action: string, actor: Actor, fromState: MeasureStatus | null, detail?: Record<string, unknown>) =>
    projectMeasure({
      measureId: input.measureId,
      seq: ++seq,
      at: new Date().toISOString(),
      actor: actor.id,
      actorRole: actor.role,
      action,
      fromState,
      detail,
      entry: view(),
    });

  setHandler(stateQuery, view);
  setHandler(
    cancelUpdate,
    async ({ actor, reason }) => {
      status = 'cancelled';
      await project('cancel', actor, 'dispatched', { reason });
      return view();
    },
    {
      validator: ({ actor }) => {
        if (status === 'cancelled') throw ApplicationFailure.nonRetryable('措施已撤销 / measure already cancelled', 'MEASURE_CLOSED');
        if (actor.role !== 'coordination_office' && actor.role !== 'admin') {
          throw ApplicationFailure.nonRetryable('仅统筹协调部门可撤销 / only the coordination office may cancel', 'FORBIDDEN');
        }
      },
    },
  );

  await project('dispatch', input.dispatchedBy, null);
  await condition(() => status === 'cancelled');
  await condition(allHandlersFinished);
  return status;
}
