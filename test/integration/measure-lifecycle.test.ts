// The measure workflow on a real Temporal server, projected into a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureActionError, MeasureClient } from '../../api/measure-client.js';
import type { MeasureView } from '../../workflows/measure.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { dept, escalations, listEntry, newMeasure, office, outbox, rungsReached, sec, sleep, trail } from '../support/measures.js';

let env: TestEnv;
let measures: MeasureClient;

beforeAll(async () => {
  env = await createTestEnv('lifecycle');
  await env.startWorker();
  measures = new MeasureClient(env.client, env.taskQueue);
});
afterAll(async () => env?.close());

const db = () => env.database.db;

/** The read model row agrees with the workflow's own view. */
async function expectProjected(view: MeasureView) {
  await expect.poll(async () => (await listEntry(db(), view.measureId))?.seq, { timeout: 5000 }).toBe(view.timeline.at(-1)!.seq);
  const row = (await listEntry(db(), view.measureId))!;
  expect({ status: row.status, list: row.list, rag: row.rag, level: row.escalationLevel, lead: row.leadDepartmentId, deadline: row.deadlineAt?.toISOString() ?? null }).toEqual({
    status: view.status,
    list: view.list,
    rag: view.rag,
    level: view.escalationLevel,
    lead: view.leadDepartmentId,
    deadline: view.deadlineAt,
  });
}

describe('the three lists, end to end', () => {
  it('walks a measure from the responsibility list through supervision to the closure list', async () => {
    const input = await newMeasure(db(), { deadlineInSeconds: 3600 });
    await measures.start(input);
    await expect.poll(async () => (await listEntry(db(), input.measureId))?.list, { timeout: 5000 }).toBe('responsibility');
    let view = await measures.state(input.measureId);
    expect(view).toMatchObject({ status: 'dispatched', list: 'responsibility', leadDepartmentId: 'health', rag: 'green' });
    await expectProjected(view);

    view = await measures.act(input.measureId, 'acknowledge', { actor: dept('finance'), departmentId: 'finance' });
    expect(view.status).toBe('dispatched'); // a cooperating department's 签收 does not move the measure
    view = await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    expect(view).toMatchObject({ status: 'supervised', list: 'supervision' });
    expect(view.assignments.every((a) => a.acknowledgedAt !== null)).toBe(true);
    await expectProjected(view);

    view = await measures.act(input.measureId, 'submitProgress', { actor: dept('health'), departmentId: 'health', text: '已完成方案起草', percent: 60, evidence: [{ name: '方案.docx' }] });
    expect(view.lastReport).toMatchObject({ percent: 60, text: '已完成方案起草' });
    await expectProjected(view);
    expect((await listEntry(db(), input.measureId))!.progressPercent).toBe(60);

    view = await measures.act(input.measureId, 'applyClosure', { actor: dept('health'), summary: '已印发实施', evidence: [{ name: '印发文件.pdf', url: 'https://example.gov.cn/doc/1' }] });
    expect(view).toMatchObject({ status: 'closure_review', list: 'supervision' });
    expect(view.reviewDueAt).not.toBeNull();
    await expectProjected(view);

    view = await measures.act(input.measureId, 'reviewClosure', { actor: office, decision: 'approve' });
    expect(view).toMatchObject({ status: 'closed', list: 'closure', pending: [] });
    expect(await measures.handle(input.measureId).result()).toBe('closed');
    await expectProjected(view);

    const actions = (await trail(db(), input.measureId)).map((e) => [e.action, e.actor, e.fromState, e.toState]);
    expect(actions).toEqual([
      ['dispatch', 'office-staff', null, 'dispatched'],
      ['acknowledge', 'finance-staff', 'dispatched', 'dispatched'],
      ['acknowledge', 'health-staff', 'dispatched', 'supervised'],
      ['report', 'health-staff', 'supervised', 'supervised'],
      ['apply_closure', 'health-staff', 'supervised', 'closure_review'],
      ['approve_closure', 'office-staff', 'closure_review', 'closed'],
    ]);
    const kinds = (await outbox(db(), input.measureId)).map((n) => `${n.kind}→${n.recipientDepartmentId ?? n.recipientRole}`);
    expect(kinds).toEqual(['measure.dispatched→health', 'measure.dispatched→finance', 'closure.applied→coordination_office', 'closure.approved→health']);
  });
});

describe('timers and the escalation ladder', () => {
  it('reminds and then escalates a missed acknowledgment at the configured times', async () => {
    const input = await newMeasure(db(), {
      // Rungs 3 s apart: rungs that come due together fire once, so spacing them wider than a loaded
      // machine's lateness keeps each rung's own notices to check.
      rules: { acknowledgeDue: sec(1), acknowledgeLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(3) }, { level: 3, after: sec(3) }] },
      cooperating: [],
    });
    const started = Date.now();
    await measures.start(input);
    await expect.poll(async () => (await rungsReached(db(), input.measureId)).length, { timeout: 20_000 }).toBe(3);
    const fired = await rungsReached(db(), input.measureId);
    expect(fired.map((f) => [f.item, f.level])).toEqual([['acknowledge', 1], ['acknowledge', 2], ['acknowledge', 3]]);
    // Timers are floors: each rung fires no earlier than due + its offsets.
    fired.forEach((f, i) => expect(f.at).toBeGreaterThanOrEqual(started + 1000 + i * 3000 - 50));
    const view = await measures.state(input.measureId);
    expect(view).toMatchObject({ escalationLevel: 3, escalationName: '督办', rag: 'yellow' });
    const notes = (await outbox(db(), input.measureId)).filter((n) => n.kind === 'escalation.acknowledge');
    expect(notes.map((n) => `${(n.payload as { levelName: string }).levelName}→${n.recipientDepartmentId ?? n.recipientRole}`)).toEqual([
      '提醒→health',
      '催办→health',
      '催办→coordination_office',
      '督办→health',
      '督办→coordination_office',
    ]);
    // Acknowledging meets the item: the level falls back and nothing more fires.
    const after = await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    expect(after).toMatchObject({ status: 'supervised', escalationLevel: 0 });
    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  });

  it('stops climbing as soon as the item is met', async () => {
    const input = await newMeasure(db(), {
      rules: { acknowledgeDue: sec(1), acknowledgeLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(2) }, { level: 3, after: sec(2) }] },
      cooperating: [],
    });
    await measures.start(input);
    await expect.poll(async () => (await escalations(db(), input.measureId)).length, { timeout: 10_000 }).toBe(1);
    await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    await sleep(4500);
    expect((await escalations(db(), input.measureId)).map((f) => f.level)).toEqual([1]);
    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  });

  it('opens dispatch rounds on the cadence and chases a missed report until it arrives', async () => {
    const input = await newMeasure(db(), {
      // Rounds 12 s apart: the first round's two rungs are seen before a second round opens, even late.
      rules: { cadence: { kind: 'every', every: sec(12) }, reportDue: sec(0.5), reportLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(0.5) }, { level: 3, after: sec(60) }] },
      cooperating: [],
    });
    await measures.start(input);
    await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    await expect.poll(async () => (await rungsReached(db(), input.measureId)).filter((e) => e.item === 'report').length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    let view = await measures.state(input.measureId);
    expect(view.round!.n).toBe(1);
    expect(view.escalationLevel).toBe(2);
    view = await measures.act(input.measureId, 'submitProgress', { actor: dept('health'), departmentId: 'health', text: '按计划推进', percent: 30 });
    // The report answers every round owed; a report after its round's due time is marked late.
    expect(view.pending.filter((p) => p.kind === 'report')).toEqual([]);
    const reports = (await trail(db(), input.measureId)).filter((e) => e.action === 'report');
    expect(reports.at(-1)!.detail).toMatchObject({ late: true });
    expect((await outbox(db(), input.measureId)).some((n) => n.kind === 'round.opened')).toBe(true);
    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  });

  it('climbs the deadline ladder step by step once the deadline passes, and stops when closure is applied', async () => {
    // Wide windows, so a loaded machine still sees yellow before the deadline and acts before rung 3.
    const input = await newMeasure(db(), {
      deadlineInSeconds: 6,
      cooperating: [],
      rules: { dueSoon: sec(4), deadlineLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(1) }, { level: 3, after: sec(60) }] },
    });
    await measures.start(input);
    await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    await expect.poll(async () => (await measures.state(input.measureId)).rag, { timeout: 6000 }).toBe('yellow');
    await expect.poll(async () => (await escalations(db(), input.measureId)).filter((e) => e.item === 'deadline').length, { timeout: 15_000 }).toBe(2);
    const view = await measures.state(input.measureId);
    expect(view).toMatchObject({ rag: 'red', escalationLevel: 2 });
    expect((await listEntry(db(), input.measureId))!.rag).toBe('red');
    await measures.act(input.measureId, 'applyClosure', { actor: dept('health'), summary: '已完成', evidence: [{ name: '总结.pdf' }] });
    await sleep(3000);
    expect((await escalations(db(), input.measureId)).filter((e) => e.item === 'deadline').map((e) => e.level)).toEqual([1, 2]);
    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  });

  it('sends a returned closure back to supervision with its history, then approves it', async () => {
    const input = await newMeasure(db(), { deadlineInSeconds: 3600, cooperating: [] });
    await measures.start(input);
    await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    await measures.act(input.measureId, 'applyClosure', { actor: dept('health'), summary: '已完成', evidence: [{ name: '总结.pdf' }] });
    let view = await measures.act(input.measureId, 'reviewClosure', { actor: office, decision: 'return', reason: '佐证材料不足' });
    expect(view).toMatchObject({ status: 'supervised', list: 'supervision' });
    // A returned measure is asked at once for a report on the rework.
    await expect.poll(async () => (await measures.state(input.measureId)).round?.n, { timeout: 5000 }).toBe(1);
    view = await measures.state(input.measureId);
    await expectProjected(view);
    view = await measures.act(input.measureId, 'applyClosure', { actor: dept('health'), summary: '已补充材料', evidence: [{ name: '总结.pdf' }, { name: '验收报告.pdf' }] });
    expect(view.closureApplication!.evidence).toHaveLength(2);
    view = await measures.act(input.measureId, 'reviewClosure', { actor: office, decision: 'approve' });
    expect(view.status).toBe('closed');
    expect(view.timeline.map((t) => t.action)).toEqual(['dispatch', 'acknowledge', 'apply_closure', 'return_closure', 'round_opened', 'apply_closure', 'approve_closure']);
    const returned = (await outbox(db(), input.measureId)).find((n) => n.kind === 'closure.returned')!;
    expect(returned.payload).toMatchObject({ reason: '佐证材料不足' });
  });

  it('moves the deadline on an approved extension and starts the ladder again', async () => {
    const input = await newMeasure(db(), { deadlineInSeconds: 1, cooperating: [], rules: { deadlineLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(1) }, { level: 3, after: sec(60) }] } });
    await measures.start(input);
    await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    await expect.poll(async () => (await measures.state(input.measureId)).escalationLevel, { timeout: 10_000 }).toBe(2);
    await measures.act(input.measureId, 'requestExtension', { actor: dept('health'), newDeadline: '2099-06-30', reason: '资金尚未到位' });
    const view = await measures.act(input.measureId, 'decideExtension', { actor: office, approve: true });
    expect(view).toMatchObject({ escalationLevel: 0, rag: 'green', deadlineAt: '2099-06-30T16:00:00.000Z', pendingExtension: null });
    expect(view.pending).toEqual([expect.objectContaining({ kind: 'deadline', level: 0 })]);
    await expectProjected(view);
    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  });

  it('asks the new lead department to acknowledge after reassignment', async () => {
    const input = await newMeasure(db(), { deadlineInSeconds: 3600, cooperating: ['finance'] });
    await measures.start(input);
    await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    let view = await measures.act(input.measureId, 'reassignLead', { actor: office, departmentId: 'medsec', reason: '职能划转' });
    expect(view).toMatchObject({ status: 'dispatched', list: 'responsibility', leadDepartmentId: 'medsec' });
    expect(view.assignments.map((a) => a.departmentId).sort()).toEqual(['finance', 'medsec']);
    expect(view.pending).toContainEqual(expect.objectContaining({ kind: 'acknowledge', departmentId: 'medsec' }));
    await expectProjected(view);
    const refused = await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'NOT_ASSIGNED' });
    view = await measures.act(input.measureId, 'acknowledge', { actor: dept('medsec'), departmentId: 'medsec' });
    expect(view.status).toBe('supervised');
    expect((await outbox(db(), input.measureId)).filter((n) => n.kind === 'measure.dispatched').map((n) => n.recipientDepartmentId)).toContain('medsec');
    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  });

  it('sends a decline (申请调整) to the coordination office and stops chasing that department', async () => {
    const input = await newMeasure(db(), { cooperating: ['finance'], rules: { acknowledgeDue: sec(1) } });
    await measures.start(input);
    const view = await measures.act(input.measureId, 'decline', { actor: dept('finance'), departmentId: 'finance', reason: '该项工作不属于本单位职责' });
    expect(view.assignments.find((a) => a.departmentId === 'finance')).toMatchObject({ declineReason: '该项工作不属于本单位职责' });
    await expect(measures.act(input.measureId, 'decline', { actor: dept('health'), departmentId: 'health', reason: ' ' })).rejects.toMatchObject({ code: 'VALIDATION', field: 'reason' });
    await expect.poll(async () => (await escalations(db(), input.measureId)).length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    // Only the lead department, which did not decline, is chased.
    expect(new Set((await trail(db(), input.measureId)).filter((e) => e.action === 'escalate').map((e) => (e.detail as { departmentId: string }).departmentId))).toEqual(new Set(['health']));
    const declined = (await outbox(db(), input.measureId)).find((n) => n.kind === 'assignment.declined')!;
    expect(declined).toMatchObject({ recipientRole: 'coordination_office', payload: expect.objectContaining({ departmentId: 'finance' }) });
    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  });

  it('holds the coordination office to its own review due time', async () => {
    const input = await newMeasure(db(), { deadlineInSeconds: 3600, cooperating: [], rules: { reviewDue: sec(1), reviewLadder: [{ level: 1, after: sec(0) }, { level: 3, after: sec(1) }] } });
    await measures.start(input);
    await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    await measures.act(input.measureId, 'applyClosure', { actor: dept('health'), summary: '完成', evidence: [{ name: '总结.pdf' }] });
    await expect.poll(async () => (await escalations(db(), input.measureId)).map((e) => `${e.item}:${e.level}`), { timeout: 10_000 }).toEqual(['review:1', 'review:3']);
    const notes = (await outbox(db(), input.measureId)).filter((n) => n.kind === 'escalation.review').map((n) => n.recipientRole);
    expect(notes).toEqual(['coordination_office', 'leader', 'coordination_office']);
    const view = await measures.act(input.measureId, 'reviewClosure', { actor: office, decision: 'approve' });
    expect(view).toMatchObject({ status: 'closed', escalationLevel: 0 });
  });

  it('ends every timer on cancel', async () => {
    const input = await newMeasure(db(), { cooperating: [], rules: { acknowledgeDue: sec(2) } });
    await measures.start(input);
    const view = await measures.act(input.measureId, 'cancel', { actor: office, reason: '政策调整' });
    expect(view).toMatchObject({ status: 'cancelled', list: null, pending: [] });
    expect(await measures.handle(input.measureId).result()).toBe('cancelled');
    await sleep(3000);
    expect(await escalations(db(), input.measureId)).toEqual([]);
    expect((await listEntry(db(), input.measureId))!.status).toBe('cancelled');
  });
});

describe('rejected actions change nothing and say why', () => {
  it('refuses actions by the wrong party or in the wrong state', async () => {
    const input = await newMeasure(db(), { deadlineInSeconds: 3600, cooperating: ['finance'] });
    await measures.start(input);
    await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    const before = await measures.state(input.measureId);
    const attempt = (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => e as MeasureActionError);

    const cases = [
      [await attempt(measures.act(input.measureId, 'acknowledge', { actor: dept('hrss'), departmentId: 'hrss' })), 'NOT_ASSIGNED', 'departmentId'],
      [await attempt(measures.act(input.measureId, 'submitProgress', { actor: dept('hrss'), departmentId: 'health', text: '冒名' })), 'FORBIDDEN', 'departmentId'],
      [await attempt(measures.act(input.measureId, 'applyClosure', { actor: dept('health'), summary: '完成', evidence: [] })), 'VALIDATION', 'evidence'],
      [await attempt(measures.act(input.measureId, 'applyClosure', { actor: dept('finance'), summary: '完成', evidence: [{ name: 'x' }] })), 'FORBIDDEN', undefined],
      [await attempt(measures.act(input.measureId, 'reviewClosure', { actor: office, decision: 'approve' })), 'INVALID_STATE', undefined],
      [await attempt(measures.act(input.measureId, 'submitProgress', { actor: dept('health'), departmentId: 'health', text: '进展', percent: 140 })), 'VALIDATION', 'percent'],
      [await attempt(measures.act(input.measureId, 'requestExtension', { actor: dept('health'), newDeadline: '2020-01-01', reason: '理由' })), 'VALIDATION', 'newDeadline'],
      [await attempt(measures.act(input.measureId, 'cancel', { actor: dept('health'), reason: '不想做' })), 'FORBIDDEN', undefined],
    ] as const;
    for (const [error, code, field] of cases) {
      expect(error).toBeInstanceOf(MeasureActionError);
      expect(error).toMatchObject({ code, ...(field ? { field } : {}) });
      expect((error as MeasureActionError).message).toMatch(/[\u4e00-\u9fa5]/);
    }

    await measures.act(input.measureId, 'applyClosure', { actor: dept('health'), summary: '完成', evidence: [{ name: '总结.pdf' }] });
    const byDepartment = await attempt(measures.act(input.measureId, 'reviewClosure', { actor: dept('health'), decision: 'approve' }));
    expect(byDepartment).toMatchObject({ code: 'FORBIDDEN' });
    await measures.act(input.measureId, 'reviewClosure', { actor: office, decision: 'approve' });
    const afterClose = await attempt(measures.act(input.measureId, 'submitProgress', { actor: dept('health'), departmentId: 'health', text: '再报' }));
    // The workflow has completed: the server itself refuses the update.
    expect(afterClose).not.toBe('accepted');

    const seqBefore = before.timeline.at(-1)!.seq;
    const rows = await trail(db(), input.measureId);
    // Only the accepted actions were written: acknowledge, apply, approve after the snapshot.
    expect(rows.filter((r) => (r.seq ?? 0) > seqBefore).map((r) => r.action)).toEqual(['apply_closure', 'approve_closure']);
  });

  it('treats a repeated action with the same idempotency key as a no-op', async () => {
    const input = await newMeasure(db(), { deadlineInSeconds: 3600, cooperating: [] });
    await measures.start(input);
    const first = await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' }, 'ack-key-1');
    const again = await measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' }, 'ack-key-1');
    expect(again.status).toBe('supervised');
    expect(again.timeline.length).toBe(first.timeline.length);
    // Without the key, the same action is a genuine second attempt and is refused.
    await expect(measures.act(input.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' })).rejects.toMatchObject({ code: 'ALREADY_DONE' });
    expect((await trail(db(), input.measureId)).filter((e) => e.action === 'acknowledge')).toHaveLength(1);
    // Starting the same measure twice (a retried dispatch) is not an error and starts nothing new.
    await measures.start(input);
    expect((await trail(db(), input.measureId)).filter((e) => e.action === 'dispatch')).toHaveLength(1);
    await measures.act(input.measureId, 'cancel', { actor: office, reason: '测试结束' });
  });
});
