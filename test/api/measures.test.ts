// 措施 over HTTP: drafts edited until dispatch, dispatch with the policy's rules and the measure's
// override, every workflow action as an Update with its rejections mapped to HTTP, idempotent
// retries, and the detail page read from PostgreSQL.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, idempotentRequests, policies, progressReports } from '../../db/schema/index.js';
import { createApiEnv, createDraft, createPolicy, dispatchedMeasure, expectErrorShape, waitForList, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('measures');
});
afterAll(async () => api?.close());

const act = (user: Parameters<ApiEnv['post']>[0], id: string, action: string, body: unknown = {}, headers?: Record<string, string>) => api.post(user, `/api/measures/${id}/${action}`, body, headers);
const detail = async (id: string) => (await api.get('office', `/api/measures/${id}`)).json();

describe('drafts and dispatch', () => {
  it('creates a draft, edits it, dispatches it once, and refuses edits after', async () => {
    const policy = await createPolicy(api);
    const res = await api.post('office', '/api/measures', {
      policyId: policy.id,
      areaId: policy.areaId,
      title: '打造临床研究平台',
      content: '完善临床医学研究中心体系。',
      target: '创建国家临床医学研究中心',
      deadline: '2027年第三季度',
      leadDepartmentId: 'health',
      cooperatingDepartmentIds: ['finance', 'hrss'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const draft = res.json();
    expect(draft).toMatchObject({ seq: 1, status: 'draft', deadlineSpec: { kind: 'date', date: '2027-09-30', granularity: 'quarter' }, deadlineDescription: '2027年9月30日', workflowId: null });
    expect(draft.assignments.map((a: { departmentId: string; role: string }) => `${a.role}:${a.departmentId}`).sort()).toEqual(['cooperating:finance', 'cooperating:hrss', 'lead:health']);
    expect(draft.assignments[0]).toMatchObject({ role: 'lead', departmentName: '市卫生健康委员会', acknowledgedAt: null });

    const edited = await api.req('office', 'PATCH', `/api/measures/${draft.id}`, { deadline: '长期坚持', cooperatingDepartmentIds: ['medsec'], leadDepartmentId: 'finance' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ deadlineText: '长期坚持', deadlineSpec: { kind: 'ongoing' } });
    expect(edited.json().assignments.map((a: { departmentId: string; role: string }) => `${a.role}:${a.departmentId}`)).toEqual(['lead:finance', 'cooperating:medsec']);
    expectErrorShape(await api.req('office', 'PATCH', `/api/measures/${draft.id}`, { cooperatingDepartmentIds: ['finance'] }), 422, 'VALIDATION');
    expectErrorShape(await api.post('office', '/api/measures', { policyId: policy.id, seq: 1, title: '重号', deadline: '2030年底前', leadDepartmentId: 'health' }), 409, 'SEQ_TAKEN');

    const dispatched = await api.post('office', `/api/measures/${draft.id}/dispatch`);
    expect(dispatched.statusCode, dispatched.body).toBe(200);
    expect(dispatched.json()).toEqual({ id: draft.id, workflowId: `measure-${draft.id}`, status: 'dispatched', newlyDispatched: true, temporalUrl: `http://temporal-ui.test/namespaces/default/workflows/measure-${draft.id}` });
    await waitForList(api, draft.id, 'responsibility');
    expectErrorShape(await api.post('office', `/api/measures/${draft.id}/dispatch`), 409, 'ALREADY_DONE');
    expectErrorShape(await api.req('office', 'PATCH', `/api/measures/${draft.id}`, { title: '交办后改名' }), 409, 'INVALID_STATE');
    // An action on a draft: nothing to act on yet (and departments do not see drafts at all).
    const other = await createDraft(api, policy);
    expectErrorShape(await act('office', other, 'cancel', { reason: '草稿' }), 409, 'INVALID_STATE');
    expectErrorShape(await act('health', other, 'acknowledge'), 404, 'NOT_FOUND');
  });

  it('runs under the policy’s current escalation version merged with the measure’s own override', async () => {
    const policy = await createPolicy(api);
    const v2 = await api.post('office', `/api/policies/${policy.id}/escalation-policies`, { rules: { behindPlanPoints: 30 } });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json().version).toBe(2);
    // The override makes acknowledgment due in one second: the first rung fires at once after.
    const id = await dispatchedMeasure(api, { settingsOverride: { acknowledgeDue: { unit: 'seconds', amount: 1 } } }, policy);
    const d = await detail(id);
    expect(d.escalationPolicyVersion).toBe(2);
    expect(d.entry.snapshot.rulesVersion).toBe(2);
    await expect.poll(async () => (await detail(id)).escalations.filter((e: { item: string }) => e.item === 'acknowledge').length, { timeout: 10_000 }).toBeGreaterThan(0);
    const esc = (await detail(id)).escalations[0];
    expect(esc).toMatchObject({ item: 'acknowledge', level: 1, levelName: '提醒' });
    expect((await act('office', id, 'cancel', { reason: '测试结束' })).statusCode).toBe(200);
  });
});

describe('every action of the measure workflow, over HTTP', () => {
  it('acknowledge, report, extension, flag, reassignment, closure returned and approved; each refusal mapped', async () => {
    const id = await dispatchedMeasure(api, { deadline: '2029年6月底前', cooperatingDepartmentIds: ['finance', 'hrss'] });

    // 申请调整 by a cooperating department, then it cannot acknowledge twice once it has.
    let res = await act('hrss', id, 'decline', { reason: '该项工作不属于本单位职责' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().assignments.find((a: { departmentId: string }) => a.departmentId === 'hrss')).toMatchObject({ declineReason: '该项工作不属于本单位职责' });
    expect((await act('finance', id, 'acknowledge')).statusCode).toBe(200);
    expectErrorShape(await act('finance', id, 'acknowledge'), 409, 'ALREADY_DONE');
    // Reporting before the lead has acknowledged: the measure is not under supervision yet.
    expectErrorShape(await act('health', id, 'submit-progress', { text: '抢先反馈' }), 409, 'INVALID_STATE');
    res = await act('health', id, 'acknowledge');
    expect(res.json()).toMatchObject({ status: 'supervised', list: 'supervision' });

    res = await act('health', id, 'submit-progress', { text: '已完成方案起草', percent: 40, indicatorValue: 3.5, evidence: [{ name: '方案.docx', note: '初稿' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().lastReport).toMatchObject({ percent: 40, text: '已完成方案起草' });

    res = await act('health', id, 'request-extension', { newDeadline: '2029-12-31', reason: '资金尚未到位' });
    expect(res.statusCode, res.body).toBe(200);
    expectErrorShape(await act('health', id, 'request-extension', { newDeadline: '2030-03-31', reason: '再延' }), 409, 'INVALID_STATE');
    // Refusing needs a reason: the workflow's own VALIDATION, with its field.
    const noReason = expectErrorShape(await act('office', id, 'decide-extension', { approve: false }), 422, 'VALIDATION');
    expect(noReason.field).toBe('reason');
    res = await act('office', id, 'decide-extension', { approve: true, newDeadline: '2029-11-30' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().deadlineAt).toBe('2029-11-30T16:00:00.000Z');

    res = await act('office', id, 'flag', { flagged: true, reason: '进度滞后，挂牌督办' });
    expect(res.json()).toMatchObject({ escalationLevel: 4, escalationName: '挂牌督办' });
    expectErrorShape(await act('office', id, 'flag', { flagged: true, reason: '再挂一次' }), 409, 'ALREADY_DONE');
    expect((await act('admin', id, 'flag', { flagged: false, reason: '已整改' })).json().escalationLevel).toBe(0);

    // 调整牵头单位: back to the responsibility list until the new lead acknowledges; the old lead loses sight of it.
    res = await act('office', id, 'reassign-lead', { departmentId: 'medsec', reason: '职能划转' });
    expect(res.json()).toMatchObject({ status: 'dispatched', leadDepartmentId: 'medsec', list: 'responsibility' });
    expectErrorShape(await api.get('health', `/api/measures/${id}`), 404);
    const medsec = await api.post('admin', '/api/people', { username: 'medsec', displayName: '医保局经办', role: 'department', departmentId: 'medsec', password: 'Passw0rd-for-tests' });
    expect(medsec.statusCode).toBe(201);
    const medsecToken = await api.login('medsec');
    expect((await api.withToken(medsecToken, 'POST', `/api/measures/${id}/acknowledge`, {})).json().status).toBe('supervised');

    // 申请销号 → 退回 (a reason is required) → 申请销号 → 销号.
    res = await api.withToken(medsecToken, 'POST', `/api/measures/${id}/apply-closure`, { summary: '已完成', evidence: [{ name: '总结.pdf', url: 'https://example.gov.cn/1.pdf' }] });
    expect(res.json().status).toBe('closure_review');
    expectErrorShape(await act('office', id, 'review-closure', { decision: 'return' }), 422, 'VALIDATION');
    res = await act('office', id, 'review-closure', { decision: 'return', reason: '佐证材料不足' });
    expect(res.json()).toMatchObject({ status: 'supervised' });
    res = await api.withToken(medsecToken, 'POST', `/api/measures/${id}/apply-closure`, { summary: '已补充验收报告', evidence: [{ name: '总结.pdf' }, { name: '验收报告.pdf' }] });
    expect(res.statusCode, res.body).toBe(200);
    res = await act('office', id, 'review-closure', { decision: 'approve' });
    expect(res.json()).toMatchObject({ status: 'closed', list: 'closure' });
    await waitForList(api, id, 'closure');
    expectErrorShape(await act('office', id, 'cancel', { reason: '已销号还想撤销' }), 409, 'MEASURE_CLOSED');
    expectErrorShape(await api.withToken(medsecToken, 'POST', `/api/measures/${id}/submit-progress`, { text: '销号后反馈' }), 409, 'MEASURE_CLOSED');

    // The detail page, from PostgreSQL: the whole story.
    const d = await detail(id);
    expect(d.timeline.filter((e: { seq: number | null }) => e.seq !== null).map((e: { actionName: string }) => e.actionName)).toEqual([
      '交办',
      '申请调整',
      '签收',
      '签收',
      '进展反馈',
      '申请延期',
      '批准延期',
      '挂牌督办',
      '取消挂牌督办',
      '调整牵头单位',
      '签收',
      '申请销号',
      '退回销号申请',
      '开启调度', // a returned closure opens a dispatch round at once
      '申请销号',
      '销号',
    ]);
    expect(d.timeline[0]).toMatchObject({ action: 'create', actorName: 'office测试' });
    expect(d.reports).toEqual([
      expect.objectContaining({ departmentId: 'health', departmentName: '市卫生健康委员会', percent: 40, indicatorValue: '3.5', late: false, submittedByName: 'health测试', evidence: [{ name: '方案.docx', note: '初稿' }] }),
    ]);
    expect(d.evidence.map((e: { name: string; source: string }) => `${e.source}:${e.name}`)).toEqual(['report:方案.docx', 'closure:总结.pdf', 'closure:总结.pdf', 'closure:验收报告.pdf']);
    expect(d.entry).toMatchObject({ list: 'closure', closedAt: expect.any(String) });
    expect(d.status).toBe('closed');
  });

  it('cancels a measure for good', async () => {
    const id = await dispatchedMeasure(api);
    expectErrorShape(await act('office', id, 'cancel', { reason: ' ' }), 422, 'VALIDATION');
    const res = await act('office', id, 'cancel', { reason: '政策调整，不再实施' });
    expect(res.json()).toMatchObject({ status: 'cancelled', list: null });
    await waitForList(api, id, null);
    expectErrorShape(await act('health', id, 'acknowledge'), 409, 'MEASURE_CLOSED');
    for (const list of ['responsibility', 'supervision', 'closure']) {
      expect((await api.get('office', `/api/lists/${list}`)).json().items.map((i: { measureId: string }) => i.measureId)).not.toContain(id);
    }
  });
});

describe('Idempotency-Key', () => {
  it('applies a repeated action once and answers the same; a different body with the key is refused', async () => {
    const id = await dispatchedMeasure(api);
    expect((await act('health', id, 'acknowledge')).statusCode).toBe(200);
    const key = { 'idempotency-key': 'report-2026-11-a' };
    const first = await act('health', id, 'submit-progress', { text: '第一次反馈', percent: 20 }, key);
    expect(first.statusCode).toBe(200);
    const again = await act('health', id, 'submit-progress', { text: '第一次反馈', percent: 20 }, key);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const reports = await api.env.database.db.select().from(progressReports).where(eq(progressReports.measureId, id));
    expect(reports).toHaveLength(1);
    const reused = expectErrorShape(await act('health', id, 'submit-progress', { text: '内容不同', percent: 30 }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(reused.field).toBe('Idempotency-Key');
    // Another person's identical key is theirs alone.
    expect((await act('finance', id, 'submit-progress', { text: '配合单位反馈' }, key)).statusCode).toBe(200);
    expect(await api.env.database.db.select().from(progressReports).where(eq(progressReports.measureId, id))).toHaveLength(2);
  });

  it('passes the key to Temporal as the Update id: even without the stored answer, the action applies once', async () => {
    const id = await dispatchedMeasure(api);
    expect((await act('health', id, 'acknowledge')).statusCode).toBe(200);
    const key = { 'idempotency-key': 'lost-answer-1' };
    expect((await act('health', id, 'submit-progress', { text: '网络中断前的反馈' }, key)).statusCode).toBe(200);
    // As if the process died after the Update and before keeping its answer.
    await api.env.database.db.delete(idempotentRequests).where(and(eq(idempotentRequests.personId, api.ids.health), eq(idempotentRequests.key, 'lost-answer-1')));
    const retried = await act('health', id, 'submit-progress', { text: '网络中断前的反馈' }, key);
    expect(retried.statusCode).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await api.env.database.db.select().from(progressReports).where(eq(progressReports.measureId, id))).toHaveLength(1);
  });

  it('replays a created policy instead of creating a second, and lets a failed request be retried with its key', async () => {
    const key = { 'idempotency-key': 'new-policy-1' };
    const body = { code: 'IDEM-1', title: '幂等测试文件' };
    const first = await api.post('office', '/api/policies', body, key);
    const second = await api.post('office', '/api/policies', body, key);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect(await api.env.database.db.select().from(policies).where(eq(policies.code, 'IDEM-1'))).toHaveLength(1);
    expectErrorShape(await api.post('office', '/api/policies', { ...body, title: '另一个标题' }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
    // A refused request keeps nothing: fixing nothing and retrying gets the same refusal, not a replay.
    const badKey = { 'idempotency-key': 'bad-policy-1' };
    expectErrorShape(await api.post('office', '/api/policies', { code: 'IDEM-1', title: '重号' }, badKey), 409, 'CODE_TAKEN');
    expect(await api.env.database.db.select().from(idempotentRequests).where(eq(idempotentRequests.key, 'bad-policy-1'))).toHaveLength(0);
    const audits = await api.env.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'policy_created'));
    expect(audits.filter((a) => (a.detail as { code: string }).code === 'IDEM-1')).toHaveLength(1);
  });
});
