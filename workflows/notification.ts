// One workflow per outbox entry (`notify-<idempotency key>`): resolve its recipients and fill
// their inboxes, then send it through every channel, each delivery its own activity with retries
// and backoff. A delivery that keeps failing is marked failed, and so is the entry, for an admin to
// see and retry. Sending twice is prevented in the activities (see activities/notifications/delivery.ts).
import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

export interface NotificationWorkflowInput {
  outboxId: number;
  /** Attempts per delivery before it is marked failed. */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles, up to a minute. */
  retryInitialMs: number;
  /** A send whose worker stops heartbeating this long is retried on another. */
  heartbeatTimeoutMs: number;
}

type Activities = ReturnType<typeof createActivities>;

// Database work: retried until PostgreSQL answers, as the projection is.
const db = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** How often a delivery may wait on a robot's rate limit (20–60 s each) before it counts as failed. */
const RATE_LIMIT_WAITS = 60;
/** How often it may wait for a free sending slot (from 0.5–2 s, doubling up to 30 s): sends are bounded, so a backlog drains. */
const BUSY_WAITS = 200;

export async function notificationWorkflow(input: NotificationWorkflowInput): Promise<'delivered' | 'failed' | 'skipped'> {
  const send = proxyActivities<Activities>({
    // Bounded by the channels' own timeouts (SMTP 20 s, webhooks 10 s) plus the wait for a connection.
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: input.heartbeatTimeoutMs,
    retry: {
      initialInterval: input.retryInitialMs,
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: input.maxAttempts,
    },
  }).sendDelivery;

  const plan = await db.prepareDelivery(input.outboxId);
  if (plan.status !== 'pending') return 'skipped';

  await Promise.all(
    plan.deliveries.map(async (d) => {
      for (let limited = 0, busy = 0; ; ) {
        try {
          const outcome = await send(d.id);
          if (outcome.status !== 'rate_limited' && outcome.status !== 'busy') return;
          if (outcome.status === 'rate_limited' && ++limited > RATE_LIMIT_WAITS) throw ApplicationFailure.nonRetryable('群机器人持续限流 / robot rate limit persisted');
          if (outcome.status === 'busy' && ++busy > BUSY_WAITS) throw ApplicationFailure.nonRetryable('发送长期繁忙 / no sending slot for too long');
          await sleep(outcome.status === 'busy' ? Math.min(30_000, outcome.retryAfterMs * 2 ** Math.min(busy - 1, 6)) : outcome.retryAfterMs);
        } catch (err) {
          const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
          await db.markDeliveryFailed({ deliveryId: d.id, error: cause instanceof Error ? cause.message : String(cause) });
          return;
        }
      }
    }),
  );
  return db.finishDelivery(input.outboxId);
}

/** Run by a schedule every minute: starts delivery of entries whose starter crashed. */
export async function sweepOutboxWorkflow(): Promise<{ stale: number; started: number }> {
  return db.sweepOutbox();
}
