// A digest, started by a leader's schedule (`digest-<personId>`, weekly by default), the office's
// daily schedule (`digest-office-daily`) or on demand: gather what happened since the last one into
// an outbox entry, then deliver it like any other entry (inbox, email as HTML, robots as markdown).
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { DigestTarget } from '../activities/notifications/digest.js';

const { createDigest, startDeliveries } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function digestWorkflow(target: DigestTarget): Promise<{ outboxId: number } | null> {
  const { workflowId, runId } = workflowInfo();
  // The run names the digest: a retried activity finds the entry it wrote.
  const entry = await createDigest({ target, runKey: `${workflowId}:${runId}` });
  if (!entry) return null; // not (or no longer) an active leader
  await startDeliveries([entry]);
  return { outboxId: entry.id };
}
