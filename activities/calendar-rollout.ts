// Carrying a calendar change to the open measures. The change and its progress live in PostgreSQL
// (calendar_rollouts); a small workflow (workflows/calendar-rollout.ts) runs one batch at a time
// through this activity. Each batch asks its measures, in id order after the cursor, to recompute
// their pending due times (an Update whose id names the rollout, so a retried batch is answered
// from the first time), records what each answered and moves the cursor — all in one transaction.
// A worker stopped halfway resumes after the cursor: resumeCalendarRollouts, at every worker start.
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { and, asc, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { calendarRolloutMeasures, calendarRollouts, measures } from '../db/schema/index.js';
import type { DueTimesRecalculated } from '../workflows/measure-types.js';
import { recalculateDueTimesUpdate } from '../workflows/measure.js';

export const ROLLOUT_BATCH_SIZE = 20;
const OPEN = ['dispatched', 'supervised', 'closure_review'] as const;

export const rolloutWorkflowId = (rolloutId: string) => `calendar-rollout-${rolloutId}`;

export function createCalendarRolloutActivities(deps: { db: Database; client: Client }) {
  const { db, client } = deps;
  return {
    /** One batch of a rollout; `done` once no open measure is left after the cursor. */
    async calendarRolloutBatch(args: { rolloutId: string; batchSize?: number | undefined }): Promise<{ done: boolean; measures: number }> {
      const batchSize = args.batchSize ?? ROLLOUT_BATCH_SIZE;
      const [rollout] = await db.select().from(calendarRollouts).where(eq(calendarRollouts.id, args.rolloutId));
      if (!rollout || rollout.status === 'done') return { done: true, measures: 0 };
      const batch = await db
        .select({ id: measures.id, workflowId: measures.workflowId })
        .from(measures)
        .where(and(inArray(measures.status, [...OPEN]), isNotNull(measures.workflowId), rollout.cursor ? gt(measures.id, rollout.cursor) : undefined))
        .orderBy(asc(measures.id))
        .limit(batchSize);
      const answers = await Promise.all(
        batch.map(async (m): Promise<DueTimesRecalculated | null> => {
          try {
            return await client.workflow.getHandle(m.workflowId!).executeUpdate(recalculateDueTimesUpdate, { args: [{ change: rollout.change }], updateId: `calendar-${rollout.id}` });
          } catch (err) {
            // Closed since it was listed (its workflow has ended): nothing pending to move.
            if (err instanceof WorkflowNotFoundError || (err instanceof Error && /workflow execution already completed/i.test(err.message))) return null;
            throw err;
          }
        }),
      );
      const done = batch.length < batchSize;
      await db.transaction(async (tx) => {
        const rows = batch.map((m, i) => {
          const a = answers[i];
          return { rolloutId: rollout.id, measureId: m.id, before: a?.before ?? null, after: a?.after ?? null, moved: a?.moved ?? false, calendarGapYears: a?.calendarGapYears ?? [] };
        });
        // A batch retried after its transaction committed finds its rows: they count once.
        const inserted = rows.length
          ? await tx.insert(calendarRolloutMeasures).values(rows).onConflictDoNothing().returning({ moved: calendarRolloutMeasures.moved })
          : [];
        await tx
          .update(calendarRollouts)
          .set({
            cursor: batch.at(-1)?.id ?? rollout.cursor,
            measuresDone: sql`${calendarRollouts.measuresDone} + ${inserted.length}`,
            measuresMoved: sql`${calendarRollouts.measuresMoved} + ${inserted.filter((r) => r.moved).length}`,
            ...(done ? { status: 'done' as const, finishedAt: new Date() } : {}),
          })
          .where(eq(calendarRollouts.id, rollout.id));
      });
      return { done, measures: batch.length };
    },
  };
}

/** Starts the rollout's workflow; one already running for it is left to go on. */
export async function startCalendarRollout(client: Client, taskQueue: string, rolloutId: string, batchSize?: number): Promise<void> {
  try {
    await client.workflow.start('calendarRolloutWorkflow', { taskQueue, workflowId: rolloutWorkflowId(rolloutId), args: [{ rolloutId, batchSize }] });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** At worker start: every rollout not done is (re)started, to go on after its cursor. */
export async function resumeCalendarRollouts(db: Database, client: Client, taskQueue: string): Promise<string[]> {
  const pending = await db.select({ id: calendarRollouts.id }).from(calendarRollouts).where(eq(calendarRollouts.status, 'pending'));
  for (const r of pending) await startCalendarRollout(client, taskQueue, r.id);
  return pending.map((r) => r.id);
}
