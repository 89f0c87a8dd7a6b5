import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, departments, listEntries, measures, policies } from '../../db/schema/index.js';
import { cancelUpdate, measureWorkflow } from '../../workflows/measure.js';
import { createTestEnv, type TestEnv } from '../support/env.js';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv('foundation');
  await env.startWorker();
});
afterAll(async () => env?.close());

async function insertMeasure(): Promise<string> {
  const { db } = env.database;
  await db.insert(departments).values({ id: 'health', name: '省卫生健康委' }).onConflictDoNothing();
  const [policy] = await db.insert(policies).values({ code: `p-${randomUUID()}`, title: '若干措施' }).returning();
  const [measure] = await db
    .insert(measures)
    .values({ policyId: policy!.id, seq: 1, title: '完善分级诊疗', deadlineText: '长期坚持', deadlineSpec: { kind: 'ongoing' } })
    .returning();
  return measure!.id;
}

describe('a workflow on a real Temporal server writing to a real PostgreSQL', () => {
  it('projects the dispatched measure and its cancellation into the read model and audit trail', async () => {
    const measureId = await insertMeasure();
    const handle = await env.client.workflow.start(measureWorkflow, {
      taskQueue: env.taskQueue,
      workflowId: `measure-${measureId}`,
      args: [{ measureId, title: '完善分级诊疗', leadDepartmentId: 'health', cooperatingDepartmentIds: [], deadlineAt: null, dispatchedBy: { id: 'office-1', role: 'coordination_office' } }],
    });

    const { db } = env.database;
    await expect.poll(async () => (await db.select().from(listEntries).where(eq(listEntries.measureId, measureId)))[0]?.status, { timeout: 10_000 }).toBe('dispatched');

    // A department may not cancel: the Update's validator says why, and nothing changes.
    const refused = await handle.executeUpdate(cancelUpdate, { args: [{ actor: { id: 'dept-1', role: 'department', departmentId: 'health' }, reason: 'x' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(/仅统筹协调部门/);

    const view = await handle.executeUpdate(cancelUpdate, { args: [{ actor: { id: 'office-1', role: 'coordination_office' }, reason: '政策调整' }] });
    expect(view.status).toBe('cancelled');
    expect(await handle.result()).toBe('cancelled');

    const [entry] = await db.select().from(listEntries).where(eq(listEntries.measureId, measureId));
    expect(entry).toMatchObject({ status: 'cancelled', list: null, seq: 2 });
    const trail = await db.select().from(auditEvents).where(eq(auditEvents.measureId, measureId)).orderBy(auditEvents.seq);
    expect(trail.map((e) => [e.seq, e.action, e.actor, e.fromState, e.toState])).toEqual([
      [1, 'dispatch', 'office-1', null, 'dispatched'],
      [2, 'cancel', 'office-1', 'dispatched', 'cancelled'],
    ]);
    expect(trail[1]!.detail).toEqual({ reason: '政策调整' });
    const [row] = await db.select({ status: measures.status }).from(measures).where(eq(measures.id, measureId));
    expect(row!.status).toBe('cancelled');
  });
});
