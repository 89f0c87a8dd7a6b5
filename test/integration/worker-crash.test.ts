// SIGKILL the worker in the middle of many measures' escalations: after a new worker starts,
// every timer has fired exactly once, and PostgreSQL holds no duplicate row or notification.
import type { ChildProcess } from 'node:child_process';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureClient } from '../../api/measure-client.js';
import { auditEvents, notificationOutbox } from '../../db/schema/index.js';
import type { MeasureInput } from '../../workflows/measure.js';
import { createTestEnv, spawnWorkerProcess, type TestEnv } from '../support/env.js';
import { dept, escalations, listEntry, newMeasure, rungsReached, sec, sleep } from '../support/measures.js';

let env: TestEnv;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  env = await createTestEnv('crash');
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await env?.close();
});

const MEASURES = 30;

describe('a worker killed mid-run', () => {
  it('loses no timer or escalation and writes nothing twice', { timeout: 300_000 }, async () => {
    const measures = new MeasureClient(env.client, env.taskQueue);
    const db = env.database.db;
    worker = await spawnWorkerProcess(env);

    // Half wait for acknowledgment (its ladder climbs 1→2→3), half are acknowledged with a deadline
    // about to pass (its ladder climbs 1→2→3→4).
    const rules = {
      acknowledgeDue: sec(2),
      acknowledgeLadder: [{ level: 1 as const, after: sec(0) }, { level: 2 as const, after: sec(1.5) }, { level: 3 as const, after: sec(1.5) }],
      deadlineLadder: [{ level: 1 as const, after: sec(0) }, { level: 2 as const, after: sec(1.5) }, { level: 3 as const, after: sec(1.5) }, { level: 4 as const, after: sec(1.5) }],
    };
    const inputs: Array<{ input: MeasureInput; acknowledged: boolean }> = [];
    for (let i = 0; i < MEASURES; i++) {
      const acknowledged = i % 2 === 1;
      // Measures to be acknowledged get a long acknowledgment due time, so a slow acknowledgment under
      // load cannot add an acknowledgment rung to the deadline rungs counted below.
      const own = acknowledged ? { ...rules, acknowledgeDue: sec(120) } : rules;
      inputs.push({ input: await newMeasure(db, { rules: own, cooperating: [], deadlineInSeconds: acknowledged ? 3 : null }), acknowledged });
    }
    await Promise.all(inputs.map(({ input }) => measures.start(input)));
    await Promise.all(inputs.filter((m) => m.acknowledged).map(({ input }) => measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' })));

    // Kill once the first rungs have fired and the rest are still ahead.
    await expect.poll(async () => (await escalations(db, inputs[0]!.input.measureId)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    const firedBeforeRestart = (await db.select().from(auditEvents).where(inArray(auditEvents.measureId, inputs.map((m) => m.input.measureId)))).filter((e) => e.action === 'escalate').length;
    await sleep(2000); // timers keep falling due with no worker alive
    worker = await spawnWorkerProcess(env);

    // Every rung accounted for once: fired alone, or passed over when rungs came due together.
    const expected = (m: (typeof inputs)[number]) => (m.acknowledged ? [1, 2, 3, 4] : [1, 2, 3]);
    for (const m of inputs) {
      await expect
        .poll(async () => (await rungsReached(db, m.input.measureId)).map((e) => e.level), { timeout: 60_000, interval: 250 })
        .toEqual(expected(m));
    }
    // Some rungs fired after the restart: the crash really was mid-run.
    const total = inputs.reduce((n, m) => n + expected(m).length, 0);
    expect(firedBeforeRestart).toBeLessThan(total);

    for (const m of inputs) {
      const view = await measures.state(m.input.measureId);
      expect(view.escalationLevel).toBe(expected(m).at(-1));
      // The read model holds the workflow's last step, and no step twice.
      expect((await listEntry(db, m.input.measureId))!.seq).toBe(view.timeline.at(-1)!.seq);
      const rows = await db.select().from(auditEvents).where(inArray(auditEvents.measureId, [m.input.measureId]));
      expect(new Set(rows.map((r) => r.seq)).size).toBe(rows.length);
      expect(rows.map((r) => r.seq).sort((a, b) => a! - b!)).toEqual(view.timeline.map((t) => t.seq));
      // One dispatch notice, then per rung: 提醒 to the department, 催办 and 督办 to it and the office,
      // 挂牌督办 also to the leader.
      const notes = await db.select().from(notificationOutbox).where(inArray(notificationOutbox.measureId, [m.input.measureId]));
      const perRung = { 1: 1, 2: 2, 3: 2, 4: 3 } as const;
      // Rungs that came due together while no worker ran fire once, at the highest, with its notices.
      const fired = await escalations(db, m.input.measureId);
      const rungNotes = fired.reduce((n, e) => n + perRung[e.level as 1 | 2 | 3 | 4], 0);
      const other = m.acknowledged ? notes.filter((n) => n.kind === 'deadline.due_soon').length : 0;
      expect(notes.length).toBe(1 + rungNotes + other);
      expect(new Set(notes.map((n) => n.idempotencyKey)).size).toBe(notes.length);
    }
  });
});
