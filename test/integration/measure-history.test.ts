// Determinism and long life: replaying recorded histories, continue-as-new carrying all state,
// and a holiday-calendar correction moving pending due times.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureClient } from '../../api/measure-client.js';
import { calendarDays } from '../../db/schema/index.js';
import { shanghaiDate } from '../../workflows/rules/calendar.js';
import { createTestEnv, workflowBundle, type TestEnv } from '../support/env.js';
import { dept, newMeasure, office, sec, trail } from '../support/measures.js';

const FIXTURES = new URL('../fixtures/histories/', import.meta.url);
// RECORD_HISTORIES=1 npx vitest run test/integration/measure-history.test.ts refreshes the fixtures:
// do it only when a change is meant to apply to new measures alone (and guard it with patched()).
const RECORD = process.env.RECORD_HISTORIES === '1';

let env: TestEnv;
let measures: MeasureClient;

beforeAll(async () => {
  env = await createTestEnv('history');
  await env.startWorker();
  measures = new MeasureClient(env.client, env.taskQueue);
});
afterAll(async () => env?.close());

async function replay(workflowId: string, runId?: string) {
  const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
  return history;
}

describe('continue-as-new', () => {
  it('carries every piece of state into the new run, idempotency keys included', async () => {
    const input = await newMeasure(db(), {
      deadlineInSeconds: 3600,
      cooperating: ['finance'],
      continueAsNewAfterEvents: 40,
      rules: { cadence: { kind: 'every', every: sec(0.4) }, reportDue: sec(60) },
    });
    const firstRunId = (await (await measures.start(input)).describe()).runId;
    await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' }, 'ack-before-can');
    await measures.act(input.measureId, 'submitProgress', { actor: dept('health'), departmentId: 'health', text: '第一次反馈', percent: 25 });
    await measures.act(input.measureId, 'flag', { actor: office, flagged: true, reason: '进度滞后' });
    // Rounds open every 0.4 s, each a few events: the run soon passes 40 events and continues as new.
    await expect.poll(async () => (await env.client.workflow.getHandle(`measure-${input.measureId}`).describe()).runId, { timeout: 20_000 }).not.toBe(firstRunId);

    // Rounds keep opening in the new run.
    await expect.poll(async () => (await measures.state(input.measureId)).round?.n, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const view = await measures.state(input.measureId);
    expect(view).toMatchObject({ status: 'supervised', escalationLevel: 4, flagged: { reason: '进度滞后' }, lastReport: { percent: 25, text: '第一次反馈' } });
    expect(view.assignments.find((a) => a.departmentId === 'finance')!.acknowledgedAt).toBeNull();
    // The timeline runs on without a gap, and matches the audit trail.
    expect(view.timeline.map((t) => t.seq)).toEqual(view.timeline.map((_, i) => i + 1));
    // The last step may still be on its way to PostgreSQL when the view is read.
    await expect.poll(async () => (await trail(db(), input.measureId)).map((e) => e.seq), { timeout: 5000 }).toEqual(view.timeline.map((t) => t.seq));
    // The same idempotency key after continue-as-new is still a no-op.
    const again = await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' }, 'ack-before-can');
    expect(again.timeline.filter((t) => t.action === 'acknowledge')).toHaveLength(1);

    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
    const history = await replay(`measure-${input.measureId}`, firstRunId);
    if (RECORD) await writeFile(new URL('measure-continue-as-new.json', FIXTURES), historyToJSON(history));
  });
});

describe('holiday calendar corrections', () => {
  it('moves a pending working-day due time when an admin adds a holiday', async () => {
    const input = await newMeasure(db(), { cooperating: [], rules: { acknowledgeDue: { unit: 'working_days', amount: 2 } } });
    await measures.start(input);
    await expect.poll(async () => (await measures.state(input.measureId)).acknowledgeDueAt, { timeout: 5000 }).not.toBeNull();
    const before = await measures.state(input.measureId);
    const dueDay = shanghaiDate(Date.parse(before.acknowledgeDueAt!) - 1);
    await db().insert(calendarDays).values({ day: dueDay, kind: 'holiday', name: '临时调整', source: 'admin' }).onConflictDoUpdate({ target: calendarDays.day, set: { kind: 'holiday', source: 'admin' } });
    try {
      await measures.calendarChanged([input.measureId]);
      await expect.poll(async () => (await measures.state(input.measureId)).acknowledgeDueAt, { timeout: 5000 }).not.toBe(before.acknowledgeDueAt);
      const after = await measures.state(input.measureId);
      expect(Date.parse(after.acknowledgeDueAt!)).toBeGreaterThan(Date.parse(before.acknowledgeDueAt!));
      expect(after.timeline.at(-1)!.action).toBe('calendar_changed');
    } finally {
      await db().delete(calendarDays).where(eqDay(dueDay));
    }
    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  });
});

describe('replay', () => {
  it('replays fresh histories of every path without nondeterminism', async () => {
    const input = await newMeasure(db(), { deadlineInSeconds: 1, cooperating: ['finance'], rules: { deadlineLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(0.5) }] } });
    await measures.start(input);
    const id = input.measureId;
    await measures.act(id, 'acknowledge', { actor: dept('finance'), departmentId: 'finance' });
    await measures.act(id, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    await expect.poll(async () => (await measures.state(id)).escalationLevel, { timeout: 10_000 }).toBe(2);
    await measures.act(id, 'requestExtension', { actor: dept('health'), newDeadline: '2099-12-31', reason: '需跨年度实施' });
    await measures.act(id, 'decideExtension', { actor: office, approve: true });
    await measures.act(id, 'submitProgress', { actor: dept('health'), departmentId: 'health', text: '进展顺利', percent: 80, evidence: [{ name: '照片.jpg' }] });
    await measures.act(id, 'applyClosure', { actor: dept('health'), summary: '完成', evidence: [{ name: '总结.pdf' }] });
    await measures.act(id, 'reviewClosure', { actor: office, decision: 'return', reason: '请补充验收材料' });
    await measures.act(id, 'applyClosure', { actor: dept('health'), summary: '完成', evidence: [{ name: '总结.pdf' }, { name: '验收.pdf' }] });
    await measures.act(id, 'reviewClosure', { actor: office, decision: 'approve' });
    expect(await measures.handle(id).result()).toBe('closed');
    const history = await replay(`measure-${id}`);
    if (RECORD) await writeFile(new URL('measure-full-lifecycle.json', FIXTURES), historyToJSON(history));
  });

  it('replays the committed histories recorded by earlier versions', async () => {
    const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(await readFile(new URL(file, FIXTURES), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
    }
  });
});

function db() {
  return env.database.db;
}

function eqDay(day: string) {
  return eq(calendarDays.day, day);
}
