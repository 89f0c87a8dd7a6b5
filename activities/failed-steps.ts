// Steps set aside by the projection activity (recorded by projection.ts) and what an admin does with them:
// replay — write the step now, as recorded or repaired — or discard it, with a reason.
import { count, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { audit } from '../db/queries/audit.js';
import { incurableCause, type IncurableError } from '../db/errors.js';
import { failedSteps } from '../db/schema/index.js';
import type { ProjectionStep } from '../workflows/measure-types.js';
import { type OutboxWritten, printable, writeStep } from './projection.js';
import { stepProblem } from './projection-step.js';

export type FailedStepRow = typeof failedSteps.$inferSelect;

export async function countOpenFailedSteps(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(failedSteps).where(eq(failedSteps.status, 'open'));
  return row?.n ?? 0;
}

export type ReplayOutcome =
  | { kind: 'not_found' }
  | { kind: 'not_open'; row: FailedStepRow }
  | { kind: 'mismatch'; field: 'measureId' | 'seq' }
  | { kind: 'refused'; cause: IncurableError }
  | { kind: 'replayed'; row: FailedStepRow; written: 'whole' | 'own'; outbox: OutboxWritten };

type By = { id: string; role: string };

/**
 * Writes a set-aside step now — as recorded, or as the admin repaired it (same measure, same step
 * number) — marks it replayed and audits that, in one transaction. When later steps of the measure
 * are written already, only the step's own records are (its report, audit event and notifications:
 * see writeStep). A step PostgreSQL or the schema refuses again changes nothing and says why;
 * PostgreSQL being away throws (the caller answers 503).
 */
export async function replayFailedStep(db: Database, id: number, by: By, repaired?: ProjectionStep): Promise<ReplayOutcome> {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.select().from(failedSteps).where(eq(failedSteps.id, id)).for('update');
      if (!row) return { kind: 'not_found' } as const;
      if (row.status !== 'open') return { kind: 'not_open', row } as const;
      if (repaired && repaired.measureId !== row.measureId) return { kind: 'mismatch', field: 'measureId' } as const;
      if (repaired && repaired.seq !== row.seq) return { kind: 'mismatch', field: 'seq' } as const;
      const step = repaired ?? (JSON.parse(row.payload) as ProjectionStep);
      const problem = stepProblem(step);
      if (problem) return { kind: 'refused', cause: { code: 'VALIDATION', message: problem } } as const;
      const written = await writeStep(tx, step, { replay: true });
      if (written === 'skipped') throw new Error('a replay is never skipped');
      const [updated] = await tx
        .update(failedSteps)
        .set({ status: 'replayed', resolvedBy: by.id, resolvedAt: new Date(), resolution: repaired ? '以修复后的内容重放 / replayed repaired' : '按原内容重放 / replayed as recorded', ...(repaired ? { payload: JSON.stringify(step) } : {}) })
        .where(eq(failedSteps.id, id))
        .returning();
      await audit(tx, {
        actor: by,
        action: 'failed_step_replayed',
        detail: { failedStepId: id, workflowId: row.workflowId, measureId: row.measureId, seq: row.seq, repaired: repaired !== undefined, written: written.whole ? 'whole' : 'own' },
      });
      return { kind: 'replayed', row: updated!, written: written.whole ? 'whole' : 'own', outbox: written.outbox } as const;
    });
  } catch (err) {
    const cause = incurableCause(err);
    if (!cause) throw err;
    return { kind: 'refused', cause: { code: cause.code, message: printable(cause.message) } };
  }
}

/** Marks an open step discarded — it will never be written — and audits that, with the reason. */
export async function discardFailedStep(db: Database, id: number, by: By, reason: string): Promise<{ kind: 'not_found' } | { kind: 'not_open' | 'discarded'; row: FailedStepRow }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(failedSteps).where(eq(failedSteps.id, id)).for('update');
    if (!row) return { kind: 'not_found' } as const;
    if (row.status !== 'open') return { kind: 'not_open', row } as const;
    const [updated] = await tx.update(failedSteps).set({ status: 'discarded', resolvedBy: by.id, resolvedAt: new Date(), resolution: reason }).where(eq(failedSteps.id, id)).returning();
    await audit(tx, { actor: by, action: 'failed_step_discarded', detail: { failedStepId: id, workflowId: row.workflowId, measureId: row.measureId, seq: row.seq, reason } });
    return { kind: 'discarded', row: updated! } as const;
  });
}
