// The API's (and tests') way to start, act on and read measure workflows. An Update's rejection
// comes back as a MeasureActionError with the code and field the workflow named.
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  acknowledgeUpdate,
  applyClosureUpdate,
  calendarChangedSignal,
  cancelUpdate,
  decideExtensionUpdate,
  declineUpdate,
  flagUpdate,
  measureWorkflow,
  reassignLeadUpdate,
  requestExtensionUpdate,
  reviewClosureUpdate,
  stateQuery,
  submitProgressUpdate,
  type AcknowledgeArgs,
  type ApplyClosureArgs,
  type CancelArgs,
  type DecideExtensionArgs,
  type DeclineArgs,
  type FlagArgs,
  type MeasureInput,
  type MeasureView,
  type ProgressArgs,
  type ReassignArgs,
  type RequestExtensionArgs,
  type ReviewClosureArgs,
} from '../workflows/measure.js';

export const measureActions = {
  acknowledge: acknowledgeUpdate,
  decline: declineUpdate,
  submitProgress: submitProgressUpdate,
  applyClosure: applyClosureUpdate,
  reviewClosure: reviewClosureUpdate,
  requestExtension: requestExtensionUpdate,
  decideExtension: decideExtensionUpdate,
  reassignLead: reassignLeadUpdate,
  cancel: cancelUpdate,
  flag: flagUpdate,
} as const;
export type MeasureAction = keyof typeof measureActions;

/** What each action takes, by name. */
export interface MeasureActionArgs {
  acknowledge: AcknowledgeArgs;
  decline: DeclineArgs;
  submitProgress: ProgressArgs;
  applyClosure: ApplyClosureArgs;
  reviewClosure: ReviewClosureArgs;
  requestExtension: RequestExtensionArgs;
  decideExtension: DecideExtensionArgs;
  reassignLead: ReassignArgs;
  cancel: CancelArgs;
  flag: FlagArgs;
}

/** A rejected action: `code` is the workflow's (FORBIDDEN, NOT_ASSIGNED, INVALID_STATE, …). */
export class MeasureActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const measureWorkflowId = (measureId: string) => `measure-${measureId}`;

export class MeasureClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Starts the measure's workflow; starting one already running is not an error (dispatch retried). */
  async start(input: MeasureInput): Promise<WorkflowHandle<typeof measureWorkflow>> {
    await this.startOnce(input);
    return this.handle(input.measureId);
  }

  /** Starts the measure's workflow: true when this call started it, false when it ran already (a dispatch retried, or two at once). */
  async startOnce(input: MeasureInput): Promise<boolean> {
    try {
      await this.client.workflow.start(measureWorkflow, { taskQueue: this.taskQueue, workflowId: measureWorkflowId(input.measureId), args: [input] });
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    }
  }

  handle(measureId: string): WorkflowHandle<typeof measureWorkflow> {
    return this.client.workflow.getHandle(measureWorkflowId(measureId));
  }

  /**
   * Runs one action. With an idempotency key, a repeat of an accepted action answers with the
   * current state and changes nothing.
   */
  async act<A extends MeasureAction>(measureId: string, action: A, args: MeasureActionArgs[A], idempotencyKey?: string): Promise<MeasureView> {
    try {
      return await this.handle(measureId).executeUpdate(measureActions[action] as never, {
        args: [args] as never,
        ...(idempotencyKey ? { updateId: idempotencyKey } : {}),
      });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const field = (err.cause.details?.[0] as { field?: string } | undefined)?.field;
        throw new MeasureActionError(err.cause.type ?? 'REJECTED', err.cause.message, field);
      }
      throw err;
    }
  }

  state(measureId: string): Promise<MeasureView> {
    return this.handle(measureId).query(stateQuery);
  }

  /** Tells open measures the holiday calendar changed, so pending due times move with it. */
  async calendarChanged(measureIds: string[]): Promise<void> {
    await Promise.all(measureIds.map((id) => this.handle(id).signal(calendarChangedSignal).catch(() => undefined)));
  }
}
