// A calendar change carried to every open measure, one batch at a time (activities/calendar-rollout.ts
// keeps the cursor in PostgreSQL, so this loop holds no state of its own).
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

const { calendarRolloutBatch } = proxyActivities<ReturnType<typeof createActivities>>({
  // A batch waits for its measures' answers, each a reload and a projection.
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function calendarRolloutWorkflow(args: { rolloutId: string; batchSize?: number | undefined }): Promise<number> {
  let measures = 0;
  for (;;) {
    const batch = await calendarRolloutBatch(args);
    measures += batch.measures;
    if (batch.done) return measures;
  }
}
