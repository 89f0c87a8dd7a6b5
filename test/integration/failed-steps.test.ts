// A step PostgreSQL refuses for its data — here a progress report holding U+0000, sent straight to
// the workflow as an Update (below the API's door, which refuses it with 422) — must not hold up
// its measure. The step is set aside in failed_steps; the measure goes on answering Updates, its
// timers go on firing, and the office can cancel it.
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, failedSteps, progressReports } from '../../db/schema/index.js';
import type { Actor } from '../../workflows/measure-types.js';
import { createApiEnv, createDraft, createPolicy, type ApiEnv, waitForList } from '../support/api.js';
import { listEntry, outbox, sec, trail } from '../support/measures.js';

let api: ApiEnv;
const db = () => api.env.database.db;
let healthActor: Actor;
let officeActor: Actor;

beforeAll(async () => {
  api = await createApiEnv('failedsteps');
  healthActor = { id: api.ids.health, role: 'department', departmentId: 'health' };
  officeActor = { id: api.ids.office, role: 'coordination_office', departmentId: 'office' };
});
afterAll(async () => api?.close());

/** A dispatched measure whose cooperating department (finance) is chased within seconds. */
async function fastMeasure(): Promise<string> {
  const policy = await createPolicy(api);
  const id = await createDraft(api, policy, {
    settingsOverride: { acknowledgeDue: sec(4), acknowledgeLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(1) }] },
  });
  const res = await api.post('office', `/api/measures/${id}/dispatch`);
  expect(res.statusCode, res.body).toBe(200);
  await waitForList(api, id, 'responsibility');
  return id;
}

const failedOf = (measureId: string) => db().select().from(failedSteps).where(eq(failedSteps.measureId, measureId)).orderBy(asc(failedSteps.seq));

describe('a step PostgreSQL refuses', () => {
  it('is set aside, and the measure goes on: Updates answer, timers fire, the office cancels', async () => {
    const measureId = await fastMeasure();
    await api.app.measures.act(measureId, 'acknowledge', { actor: healthActor, departmentId: 'health' });
    await waitForList(api, measureId, 'supervision');

    // Below the door: the Update itself carries U+0000, as a client of Temporal could send it.
    const poisoned = await api.app.measures.act(measureId, 'submitProgress', { actor: healthActor, departmentId: 'health', text: '已完成\u0000方案制定', percent: 30 });
    expect(poisoned.lastReport?.text).toBe('已完成\u0000方案制定');
    const failedSeq = poisoned.timeline.at(-1)!.seq;

    const [failed] = await failedOf(measureId);
    expect(failed).toMatchObject({ workflowId: `measure-${measureId}`, seq: failedSeq, action: 'report', status: 'open', errorCode: '22021', failures: 1 });
    expect(failed!.errorMessage).toContain('0x00');
    expect(JSON.parse(failed!.payload).report.text).toBe('已完成\u0000方案制定');
    expect(await db().select().from(progressReports).where(eq(progressReports.measureId, measureId))).toEqual([]);

    // The next Update answers at once and is projected.
    const later = await api.post('health', `/api/measures/${measureId}/submit-progress`, { text: '第二次反馈：推进顺利', percent: 40 });
    expect(later.statusCode, later.body).toBe(200);
    await expect.poll(async () => (await listEntry(db(), measureId))?.progressPercent, { timeout: 5000 }).toBe(40);

    // The cooperating department's acknowledgment ladder climbs after the failed step.
    // (Under load the lead's own ladder may start before its acknowledgment: only finance's counts.)
    const financeRungs = async () =>
      (await trail(db(), measureId)).filter((e) => e.action === 'escalate' && (e.detail as { departmentId?: string }).departmentId === 'finance').map((e) => (e.detail as { level: number }).level);
    await expect.poll(financeRungs, { timeout: 20_000 }).toEqual([1, 2]);
    const trailSeqs = (await trail(db(), measureId)).map((e) => e.seq);
    expect(trailSeqs).not.toContain(failedSeq);
    expect(Math.max(...trailSeqs.map(Number))).toBeGreaterThan(failedSeq);

    // An admin sees it, and so does /health (still 200: every part is up).
    expect((await api.get('office', '/api/failed-steps')).statusCode).toBe(403);
    expect((await api.get('health', `/api/failed-steps/${failed!.id}`)).statusCode).toBe(403);
    const list = await api.get('admin', `/api/failed-steps?status=open&measureId=${measureId}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, open: 1, items: [{ id: failed!.id, measureId, seq: failedSeq, action: 'report', errorCode: '22021', status: 'open', resolvedBy: null }] });
    expect(list.json().items[0].measureTitle).toBe('健全实验平台体系');
    let health = await api.get(null, '/health');
    expect(health.statusCode).toBe(200);
    expect(health.json().status).toBe('warning');
    expect(failedStepWarnings(health.json())).toMatchObject([{ code: 'FAILED_STEPS', count: 1 }]);
    const shown = await api.get('admin', `/api/failed-steps/${failed!.id}`);
    expect(shown.statusCode, shown.body).toBe(200);
    const payload = shown.json().payload;
    expect(payload).toMatchObject({ measureId, seq: failedSeq, report: { text: '已完成\u0000方案制定' } });

    // Replayed as recorded, PostgreSQL refuses it again: 422, and nothing changes.
    const again = await api.post('admin', `/api/failed-steps/${failed!.id}/replay`, {});
    expect(again.statusCode, again.body).toBe(422);
    expect(again.json()).toMatchObject({ code: 'STEP_REFUSED', field: 'payload' });
    expect((await failedOf(measureId))[0]).toEqual(failed);
    // A repair must keep the measure and the step number, and is checked at the door and by the schema.
    const repaired = { ...payload, report: { ...payload.report, text: '已完成方案制定' } };
    const otherStep = await api.post('admin', `/api/failed-steps/${failed!.id}/replay`, { payload: { ...repaired, seq: failedSeq + 1 } });
    expect(otherStep.json()).toMatchObject({ code: 'VALIDATION', field: 'payload.seq' });
    const stillPoisoned = await api.post('admin', `/api/failed-steps/${failed!.id}/replay`, { payload });
    expect(stillPoisoned.json()).toMatchObject({ code: 'VALIDATION', field: 'payload.report.text' });
    const malformed = await api.post('admin', `/api/failed-steps/${failed!.id}/replay`, { payload: { ...repaired, at: 'yesterday' } });
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json().field).toBe('payload.at');
    expect((await failedOf(measureId))[0]).toEqual(failed);

    // Repaired: the report is written under its own step number; the list keeps the later state.
    const replayed = await api.post('admin', `/api/failed-steps/${failed!.id}/replay`, { payload: repaired });
    expect(replayed.statusCode, replayed.body).toBe(200);
    expect(replayed.json()).toMatchObject({ status: 'replayed', written: 'own', resolvedBy: { username: 'admin' } });
    const reports = await db().select().from(progressReports).where(eq(progressReports.measureId, measureId)).orderBy(asc(progressReports.seq));
    // (A rung may fire between the two reports.)
    expect(reports.map((r) => [r.seq > failedSeq ? 'later' : r.seq, r.text, r.percent])).toEqual([
      [failedSeq, '已完成方案制定', 30],
      ['later', '第二次反馈：推进顺利', 40],
    ]);
    expect((await trail(db(), measureId)).find((e) => e.seq === failedSeq)).toMatchObject({ action: 'report', actor: api.ids.health });
    expect((await listEntry(db(), measureId))?.progressPercent).toBe(40);
    expect((await api.post('admin', `/api/failed-steps/${failed!.id}/replay`, {})).statusCode).toBe(409);
    expect(failedStepWarnings((await api.get(null, '/health')).json())).toEqual([]);

    // Another poisoned report, discarded with a reason (audited).
    const second = await api.app.measures.act(measureId, 'submitProgress', { actor: healthActor, departmentId: 'health', text: '\u0000', percent: 50 });
    const secondFailed = (await failedOf(measureId)).find((f) => f.seq === second.timeline.at(-1)!.seq)!;
    expect(secondFailed.status).toBe('open');
    expect((await api.post('admin', `/api/failed-steps/${secondFailed.id}/discard`, {})).statusCode).toBe(422);
    const discarded = await api.post('admin', `/api/failed-steps/${secondFailed.id}/discard`, { reason: '误操作产生的空白反馈，不再补录' });
    expect(discarded.statusCode, discarded.body).toBe(200);
    expect(discarded.json()).toMatchObject({ status: 'discarded', resolution: '误操作产生的空白反馈，不再补录', resolvedBy: { username: 'admin' } });
    expect((await api.post('admin', `/api/failed-steps/${secondFailed.id}/discard`, { reason: '再次' })).statusCode).toBe(409);
    expect((await api.post('admin', `/api/failed-steps/${secondFailed.id}/replay`, {})).statusCode).toBe(409);
    const audited = await db().select().from(auditEvents).where(inArray(auditEvents.action, ['failed_step_replayed', 'failed_step_discarded'])).orderBy(asc(auditEvents.id));
    expect(audited.map((e) => [e.action, e.actor, (e.detail as { failedStepId: number }).failedStepId])).toEqual([
      ['failed_step_replayed', api.ids.admin, failed!.id],
      ['failed_step_discarded', api.ids.admin, secondFailed.id],
    ]);
    expect(audited[1]!.detail).toMatchObject({ reason: '误操作产生的空白反馈，不再补录', seq: secondFailed.seq });
    health = await api.get(null, '/health');
    expect(failedStepWarnings(health.json())).toEqual([]);
    expect((await api.get('admin', '/api/failed-steps?status=open')).json()).toMatchObject({ total: 0, open: 0, items: [] });

    const cancel = await api.post('office', `/api/measures/${measureId}/cancel`, { reason: '测试结束，撤销措施' });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json().status).toBe('cancelled');
    await waitForList(api, measureId, null);
  });

  it('when it is the last step (a cancel), leaves the list behind until a repaired replay brings it up to date', async () => {
    const measureId = await fastMeasure();
    // The office's cancel with U+0000 in its reason: detail and notifications are jsonb.
    const cancelled = await api.app.measures.act(measureId, 'cancel', { actor: officeActor, reason: '撤销\u0000' });
    expect(cancelled.status).toBe('cancelled');
    expect(await api.app.measures.handle(measureId).result()).toBe('cancelled');
    const [failed] = await failedOf(measureId);
    expect(failed).toMatchObject({ action: 'cancel', status: 'open', errorCode: '22P05' });
    const entry = await listEntry(db(), measureId);
    expect(entry).toMatchObject({ list: 'responsibility', status: 'dispatched' });

    const payload = (await api.get('admin', `/api/failed-steps/${failed!.id}`)).json().payload;
    const repair = (v: unknown): unknown =>
      typeof v === 'string' ? v.replaceAll('\u0000', '') : Array.isArray(v) ? v.map(repair) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, repair(x)])) : v;
    const replayed = await api.post('admin', `/api/failed-steps/${failed!.id}/replay`, { payload: repair(payload) });
    expect(replayed.statusCode, replayed.body).toBe(200);
    expect(replayed.json()).toMatchObject({ status: 'replayed', written: 'whole' });
    await waitForList(api, measureId, null);
    expect(await listEntry(db(), measureId)).toMatchObject({ status: 'cancelled', seq: failed!.seq });
    const detail = (await api.get('office', `/api/measures/${measureId}`)).json();
    expect(detail.status).toBe('cancelled');
    expect((await trail(db(), measureId)).filter((e) => e.action === 'cancel')).toMatchObject([{ seq: failed!.seq, detail: { reason: '撤销' } }]);
    // Its notifications are in the outbox now, one per assigned department.
    expect((await outbox(db(), measureId)).filter((o) => o.kind === 'measure.cancelled').map((o) => o.recipientDepartmentId).sort()).toEqual(['finance', 'health']);
  });
});

/** /health's FAILED_STEPS warning (from 1 November it may also say next year's holidays are missing). */
function failedStepWarnings(health: { warnings: Array<{ code: string }> }) {
  return health.warnings.filter((w) => w.code === 'FAILED_STEPS');
}
