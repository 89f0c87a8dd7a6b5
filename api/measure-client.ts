// The API's (and tests') way to start, act on and read measure workflows. An Update's rejection
// comes back as a MeasureActionError with the code and field the workflow named. For the API no call
// waits without end (timeoutMs): Temporal, a worker or the database behind them may be down, and a
// person is waiting.
import { ApplicationFailure } from '@temporalio/common';
import {
  isGrpcDeadlineError,
  isGrpcServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
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

/**
 * An action sent whose outcome did not arrive in time: Temporal may have accepted it and may still
 * apply it (a worker or the database behind it being slow or down). The Update id is the caller's
 * Idempotency-Key, so sending the same action with the same key again applies it at most once.
 */
export class MeasureActionUnconfirmedError extends Error {
  readonly code = 'ACTION_UNCONFIRMED';
  constructor(readonly withKey: boolean) {
    super(
      withKey
        ? '操作未能及时得到确认，可能已被受理；使用相同的 Idempotency-Key 重试是安全的，不会重复生效 / the action was not confirmed in time and may already be accepted; retrying with the same Idempotency-Key is safe (it applies at most once)'
        : '操作未能及时得到确认，可能已被受理；本次请求未携带 Idempotency-Key，重试前请先查看措施的当前状态 / the action was not confirmed in time and may already be accepted; this request carried no Idempotency-Key, so check the measure before retrying',
    );
  }
}

/** gRPC status codes of a server that is away or overloaded: UNAVAILABLE, RESOURCE_EXHAUSTED. */
const GRPC_UNAVAILABLE = new Set([14, 8]);

/** Temporal could not be reached, or did not answer in time. */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const x: unknown = e;
    if (x instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(x)) return true;
    if (isGrpcServiceError(x) && GRPC_UNAVAILABLE.has(x.code)) return true;
  }
  return false;
}

export const measureWorkflowId = (measureId: string) => `measure-${measureId}`;

/** How long the API waits for Temporal on a person's behalf before answering 503. */
export const TEMPORAL_CALL_TIMEOUT_MS = 8000;

export class MeasureClient {
  /**
   * `timeoutMs`: every call ends by then (gRPC gives up with DEADLINE_EXCEEDED) — the API passes
   * TEMPORAL_CALL_TIMEOUT_MS; scripts and tests that may wait as long as Temporal takes pass none.
   */
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly opts: { timeoutMs?: number | undefined } = {},
  ) {}

  private bounded<T>(call: () => Promise<T>): Promise<T> {
    return this.opts.timeoutMs === undefined ? call() : this.client.withDeadline(Date.now() + this.opts.timeoutMs, call);
  }

  /** Starts the measure's workflow; starting one already running is not an error (dispatch retried). */
  async start(input: MeasureInput): Promise<WorkflowHandle<typeof measureWorkflow>> {
    await this.startOnce(input);
    return this.handle(input.measureId);
  }

  /** Starts the measure's workflow: true when this call started it, false when it ran already (a dispatch retried, or two at once). */
  async startOnce(input: MeasureInput): Promise<boolean> {
    try {
      await this.bounded(() => this.client.workflow.start(measureWorkflow, { taskQueue: this.taskQueue, workflowId: measureWorkflowId(input.measureId), args: [input] }));
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
   * Runs one action. With an idempotency key (the Update id), a repeat of an accepted action
   * answers with the current state and changes nothing — also after a MeasureActionUnconfirmedError.
   */
  async act<A extends MeasureAction>(measureId: string, action: A, args: MeasureActionArgs[A], idempotencyKey?: string): Promise<MeasureView> {
    try {
      return await this.bounded(() =>
        this.handle(measureId).executeUpdate(measureActions[action] as never, {
          args: [args] as never,
          ...(idempotencyKey ? { updateId: idempotencyKey } : {}),
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const field = (err.cause.details?.[0] as { field?: string } | undefined)?.field;
        throw new MeasureActionError(err.cause.type ?? 'REJECTED', err.cause.message, field);
      }
      if (isTemporalUnavailable(err)) throw new MeasureActionUnconfirmedError(idempotencyKey !== undefined);
      throw err;
    }
  }

  state(measureId: string): Promise<MeasureView> {
    return this.bounded(() => this.handle(measureId).query(stateQuery));
  }

  /** Tells open measures the holiday calendar changed, so pending due times move with it. */
  async calendarChanged(measureIds: string[]): Promise<void> {
    await Promise.all(measureIds.map((id) => this.bounded(() => this.handle(id).signal(calendarChangedSignal)).catch(() => undefined)));
  }
}
