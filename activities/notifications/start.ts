// Starting delivery workflows: one per outbox entry, its id derived from the entry's idempotency
// key (`notify-<key>`), so starting one twice is harmless. Used by the projection after its
// transaction commits, by the sweeper for entries nobody started, and by an admin's retry.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { notificationDeliveries, notificationOutbox } from '../../db/schema/index.js';
import type { NotificationWorkflowInput, notificationWorkflow } from '../../workflows/notification.js';
import type { NotificationSettings } from './settings.js';

export interface OutboxRef {
  id: number;
  idempotencyKey: string;
}

/**
 * Workflow ids come from the key rather than the row id: keys are unique across databases too
 * (they name the measure), so test files or environments sharing one Temporal namespace never collide.
 */
export const deliveryWorkflowId = (key: string) => `notify-${key}`;

export function deliveryInput(outboxId: number, s: NotificationSettings): NotificationWorkflowInput {
  return { outboxId, maxAttempts: s.maxAttempts, retryInitialMs: s.retryInitialMs, heartbeatTimeoutMs: s.heartbeatTimeoutMs };
}

/** Starts a delivery workflow per entry; one already running is left alone. */
export async function startDeliveries(client: Client, taskQueue: string, settings: NotificationSettings, entries: OutboxRef[]): Promise<number> {
  let started = 0;
  for (const e of entries) {
    try {
      await client.workflow.start<typeof notificationWorkflow>('notificationWorkflow', {
        taskQueue,
        workflowId: deliveryWorkflowId(e.idempotencyKey),
        args: [deliveryInput(e.id, settings)],
      });
      started++;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return started;
}

/**
 * An admin's retry of an entry that failed: its failed deliveries go back to pending and a new
 * delivery run starts. Deliveries already sent stay sent and are not sent again.
 */
export async function retryOutboxEntry(db: Database, client: Client, taskQueue: string, settings: NotificationSettings, outboxId: number): Promise<'started' | 'not_failed' | 'not_found'> {
  const entry = await db.transaction(async (tx) => {
    const [row] = await tx.select().from(notificationOutbox).where(eq(notificationOutbox.id, outboxId)).for('update');
    if (!row) return 'not_found' as const;
    if (row.status !== 'failed') return 'not_failed' as const;
    await tx
      .update(notificationDeliveries)
      .set({ status: 'pending' })
      .where(and(eq(notificationDeliveries.outboxId, outboxId), inArray(notificationDeliveries.status, ['failed'])));
    await tx.update(notificationOutbox).set({ status: 'pending' }).where(eq(notificationOutbox.id, outboxId));
    return row;
  });
  if (typeof entry === 'string') return entry;
  // The run that marked the entry failed may still be closing; a start meanwhile would be taken
  // for a duplicate and leave the entry to the sweeper. Let that run finish first (briefly).
  const previous = client.workflow.getHandle(deliveryWorkflowId(entry.idempotencyKey)).result().catch(() => undefined);
  await Promise.race([previous, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
  await startDeliveries(client, taskQueue, settings, [entry]);
  return 'started';
}
