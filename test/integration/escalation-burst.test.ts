// A deadline that passed before the measure was dispatched: its rungs all come due together at the
// acknowledgment. They fire once, at the highest rung due, with one notice (README, "到期的督办级别");
// before the change (patched 'escalate-once-when-due-together') four notices went out in a second.
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MeasureClient } from '../../api/measure-client.js';
import { createTestEnv, workflowBundle, type TestEnv } from '../support/env.js';
import { dept, escalations, newMeasure, office, outbox, sec, sleep, trail } from '../support/measures.js';

let env: TestEnv;
let measures: MeasureClient;
beforeAll(async () => {
  env = await createTestEnv('burst');
  await env.startWorker();
  measures = new MeasureClient(env.client, env.taskQueue);
});
afterAll(async () => env?.close());

it('fires the rungs of a deadline passed before dispatch once, at the highest rung, with one notice', async () => {
  const db = env.database.db;
  // Due an hour ago; the ladder's four rungs a second apart: all four are due at the acknowledgment.
  const input = await newMeasure(db, { deadlineInSeconds: -3600, cooperating: [] });
  await measures.start(input);
  await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
  await expect.poll(async () => (await escalations(db, input.measureId)).length, { timeout: 10_000 }).toBeGreaterThan(0);
  await sleep(1500); // time for a second notice, were there one
  expect((await escalations(db, input.measureId)).map((e) => [e.item, e.level])).toEqual([['deadline', 4]]);
  const step = (await trail(db, input.measureId)).find((e) => e.action === 'escalate')!;
  expect(step.detail).toMatchObject({ item: 'deadline', level: 4, name: '挂牌督办', passedLevels: [1, 2, 3] });
  // One notice, to each recipient of the highest rung.
  const notes = (await outbox(db, input.measureId)).filter((n) => n.kind === 'escalation.deadline');
  expect(notes.map((n) => `${(n.payload as { levelName: string }).levelName}→${n.recipientDepartmentId ?? n.recipientRole}`)).toEqual([
    '挂牌督办→health',
    '挂牌督办→coordination_office',
    '挂牌督办→leader',
  ]);
  const view = await measures.state(input.measureId);
  // The ladder's 挂牌督办 is the same level 4 as the office's, named by how it came: not flagged by hand.
  expect(view).toMatchObject({ escalationLevel: 4, rag: 'red', flagged: null, flaggedBy: 'ladder' });
  expect(view.pending.find((p) => p.kind === 'deadline')).toMatchObject({ level: 4 });

  // A calendar change answers the rollout's Update; then the history replays as recorded.
  const answer = await measures.handle(input.measureId).executeUpdate('recalculateDueTimes', { args: [{ change: '测试' }] });
  expect(answer).toMatchObject({ open: true, moved: false });
  await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  const history = await measures.handle(input.measureId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, input.measureId);
  // RECORD_HISTORIES=1 keeps it among the committed histories every later version must replay.
  if (process.env.RECORD_HISTORIES === '1') await writeFile(new URL('../fixtures/histories/measure-burst-and-calendar.json', import.meta.url), historyToJSON(history));
});

it('still climbs one rung at a time when the rungs come due apart', async () => {
  const db = env.database.db;
  // The deadline and the rungs seconds apart, wider than a loaded machine's lateness.
  const input = await newMeasure(db, { deadlineInSeconds: 5, cooperating: [], rules: { deadlineLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(3) }] } });
  await measures.start(input);
  await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
  await expect.poll(async () => (await escalations(db, input.measureId)).map((e) => e.level), { timeout: 20_000 }).toEqual([1, 2]);
  await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
});
