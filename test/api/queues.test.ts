// 统筹协调部门待办: a closure applied for waits in 销号审核, an extension asked for in 延期申请, a
// department's decline in 申请调整, a flagged measure in 督办升级 — each with what it waits on,
// counted, filtered as the lists are, and gone from the queue once the office has decided.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, createPolicy, dispatchedMeasure, expectErrorShape, waitForList, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
const m = {} as Record<'review' | 'extension' | 'declined' | 'flagged' | 'quiet', string>;

const ok = async (user: 'health' | 'finance' | 'office', id: string, action: string, body: unknown = {}) => {
  const res = await api.post(user, `/api/measures/${id}/${action}`, body);
  if (res.statusCode !== 200) throw new Error(`${action}: ${res.body}`);
};
const queue = async (path: string) => {
  const res = await api.get('office', `/api/queues/${path}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const ids = (page: { items: Array<{ measureId: string }> }) => page.items.map((i) => i.measureId);
/** The read model follows the workflow: wait until the queue shows what was just done. */
const until = async (path: string, check: (page: { items: Array<{ measureId: string }>; total: number }) => boolean) => {
  for (let i = 0; ; i++) {
    const page = await queue(path);
    if (check(page)) return page;
    if (i > 100) throw new Error(`queue ${path}: ${JSON.stringify(ids(page))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  api = await createApiEnv('queues');
  const policy = await createPolicy(api);
  m.review = await dispatchedMeasure(api, { title: '申请销号的措施' }, policy);
  m.extension = await dispatchedMeasure(api, { title: '申请延期的措施', leadDepartmentId: 'finance', cooperatingDepartmentIds: [] }, policy);
  m.declined = await dispatchedMeasure(api, { title: '申请调整的措施' }, policy);
  m.flagged = await dispatchedMeasure(api, { title: '挂牌督办的措施' }, policy);
  m.quiet = await dispatchedMeasure(api, { title: '无待办的措施' }, policy);

  await ok('health', m.review, 'acknowledge');
  await ok('health', m.review, 'apply-closure', { summary: '已完成', evidence: [{ name: '验收报告.pdf' }] });
  await ok('finance', m.extension, 'acknowledge');
  await ok('finance', m.extension, 'request-extension', { newDeadline: '2031-06-30', reason: '项目审批延后' });
  await ok('health', m.declined, 'decline', { reason: '不属于本单位职责' });
  await ok('health', m.flagged, 'acknowledge');
  await ok('office', m.flagged, 'flag', { flagged: true, reason: '进度滞后' });
  await waitForList(api, m.flagged, 'supervision');
}, 120_000);
afterAll(async () => api?.close());

describe('the office work queues', () => {
  it('holds each measure waiting for the office in its queue, with what it waits on', async () => {
    const review = await until('review', (p) => p.total === 1);
    expect(ids(review)).toEqual([m.review]);
    expect(review).toMatchObject({ queue: 'review', name: '销号审核', counts: { review: 1, extensions: 1, declines: 1, escalations: 1 } });
    expect(review.items[0]).toMatchObject({ status: 'closure_review', title: '申请销号的措施', reviewDueAt: expect.any(String) });

    const ext = await queue('extensions');
    expect(ids(ext)).toEqual([m.extension]);
    expect(ext.items[0].pendingExtension).toMatchObject({ newDeadline: '2031-06-30', reason: '项目审批延后', byName: 'finance测试' });

    const declines = await queue('declines');
    expect(ids(declines)).toEqual([m.declined]);
    expect(declines.items[0].declines).toEqual([{ departmentId: 'health', departmentName: '市卫生健康委员会', role: 'lead', declinedAt: expect.any(String), reason: '不属于本单位职责' }]);

    const esc = await queue('escalations');
    expect(ids(esc)).toEqual([m.flagged]);
    expect(esc.items[0]).toMatchObject({ flagged: true, escalationLevel: 4, flaggedDetail: { reason: '进度滞后', at: expect.any(String) } });
    expect(ids(esc)).not.toContain(m.quiet);
  });

  it('filters a queue as the lists are filtered', async () => {
    expect(ids(await queue('declines?departmentId=finance'))).toEqual([]);
    expect(ids(await queue('declines?departmentId=health'))).toEqual([m.declined]);
    expect(ids(await queue(`review?q=${encodeURIComponent('申请销号')}`))).toEqual([m.review]);
    expect((await queue('review?pageSize=1&page=2')).items).toEqual([]);
  });

  it('lets a measure leave its queue once the office has decided', async () => {
    await ok('office', m.review, 'review-closure', { decision: 'approve' });
    await ok('office', m.extension, 'decide-extension', { approve: true });
    await ok('office', m.declined, 'reassign-lead', { departmentId: 'hrss', reason: '按职责调整' });
    const after = await until('review', (p) => p.total === 0);
    await until('extensions', (p) => p.total === 0);
    await until('declines', (p) => p.total === 0);
    expect((await queue('review')).counts).toEqual({ review: 0, extensions: 0, declines: 0, escalations: 1 });
    expect(after.items).toEqual([]);
  });

  it('is the office’s: others are refused, an unknown queue is not found', async () => {
    for (const user of ['health', 'leader'] as const) expectErrorShape(await api.get(user, '/api/queues/review'), 403);
    expectErrorShape(await api.get(null, '/api/queues/review'), 401);
    expectErrorShape(await api.get('office', '/api/queues/everything'), 404);
    expectErrorShape(await api.get('office', '/api/queues/review?rag=blue'), 400);
  });
});
