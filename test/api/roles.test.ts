// What each role sees (issue 13 point 8): a department sees only the dispatched policies it is
// assigned in, with its own counts; the Temporal UI link is the office's and admins'; the office's
// digest preview needs no parameters; dispatching a policy reports what it newly dispatched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, createDraft, createPolicy, expectErrorShape, waitForList, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('roles');
});
afterAll(async () => api?.close());

describe('policies as each role sees them', () => {
  it('a department sees a policy once a measure of it is dispatched to it, with only its own counts', async () => {
    const policy = await createPolicy(api, { code: 'ROLES-1', areas: ['甲方面', '乙方面'] });
    const full = (await api.get('office', `/api/policies/${policy.id}`)).json();
    const second = full.areas[1].id as string;
    // health leads one in 甲, finance leads one in 乙, hrss leads a draft never dispatched.
    const ours = await createDraft(api, { id: policy.id, areaId: policy.areaId }, { title: '卫健牵头', leadDepartmentId: 'health', cooperatingDepartmentIds: [] });
    const theirs = await createDraft(api, { id: policy.id, areaId: second }, { title: '财政牵头', leadDepartmentId: 'finance', cooperatingDepartmentIds: [] });
    await createDraft(api, { id: policy.id, areaId: second }, { title: '人社草稿', leadDepartmentId: 'hrss', cooperatingDepartmentIds: [] });

    // Drafts only: no department sees the policy yet.
    for (const user of ['health', 'finance', 'hrss'] as const) {
      expect((await api.get(user, '/api/policies')).json()).toEqual([]);
      expectErrorShape(await api.get(user, `/api/policies/${policy.id}`), 404, 'NOT_FOUND');
    }
    for (const id of [ours, theirs]) {
      expect((await api.post('office', `/api/measures/${id}/dispatch`)).statusCode).toBe(200);
      await waitForList(api, id, 'responsibility');
    }

    const mine = (await api.get('health', `/api/policies/${policy.id}`)).json();
    expect(mine.measureCounts).toEqual({ dispatched: 1 });
    expect(mine.areas.map((a: { title: string; measures: number }) => [a.title, a.measures])).toEqual([['甲方面', 1]]);
    expect((await api.get('health', '/api/policies')).json().map((p: { id: string }) => p.id)).toEqual([policy.id]);
    // hrss has only a draft in it: still nothing.
    expect((await api.get('hrss', '/api/policies')).json()).toEqual([]);
    expectErrorShape(await api.get('hrss', `/api/policies/${policy.id}/measures`), 404, 'NOT_FOUND');
    // The leader oversees health: the same view as health's.
    expect((await api.get('leader', `/api/policies/${policy.id}`)).json().measureCounts).toEqual({ dispatched: 1 });
    // The office sees everything, drafts included.
    const office = (await api.get('office', `/api/policies/${policy.id}`)).json();
    expect(office.measureCounts).toEqual({ dispatched: 2, draft: 1 });
    expect(office.areas.map((a: { measures: number }) => a.measures)).toEqual([1, 2]);
  });
});

describe('the Temporal UI link', () => {
  it('is given to the office and admins only', async () => {
    const policy = await createPolicy(api, { code: 'ROLES-2' });
    const id = await createDraft(api, policy);
    expect((await api.post('office', `/api/measures/${id}/dispatch`)).json().temporalUrl).toBe(`http://temporal-ui.test/namespaces/default/workflows/measure-${id}`);
    await waitForList(api, id, 'responsibility');
    for (const user of ['office', 'admin'] as const) expect((await api.get(user, `/api/measures/${id}`)).json().temporalUrl).toMatch(/^http:\/\/temporal-ui\.test\//);
    for (const user of ['health', 'finance', 'leader'] as const) {
      const res = await api.get(user, `/api/measures/${id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().temporalUrl).toBeNull();
      expect(res.body).not.toContain('temporal-ui.test');
    }
  });
});

describe('the office’s digest preview', () => {
  it('works without parameters: the daily summary; a leader still gets their own', async () => {
    for (const user of ['office', 'admin'] as const) {
      const res = await api.get(user, '/api/digests/preview');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().subject).toMatch(/^【每日督办汇总】/);
      expect(res.json().content).toMatchObject({ audience: 'office' });
    }
    // Naming a leader still previews that leader's digest.
    expect((await api.get('office', `/api/digests/preview?personId=${api.ids.leader}`)).json().content).toMatchObject({ audience: 'leader', personId: api.ids.leader });
    expect((await api.get('leader', '/api/digests/preview')).json().content).toMatchObject({ audience: 'leader', personId: api.ids.leader });
  });
});

describe('dispatching a policy', () => {
  it('reports only what it newly dispatched, even when asked again before the first is projected', async () => {
    const policy = await createPolicy(api, { code: 'ROLES-3' });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await createDraft(api, policy, { title: `交办${i + 1}` }));
    const first = (await api.post('office', `/api/policies/${policy.id}/dispatch`)).json();
    // At once: the measures may still read as drafts, but their workflows run already.
    const second = (await api.post('office', `/api/policies/${policy.id}/dispatch`)).json();
    expect(first).toEqual({ dispatched: ids, alreadyDispatched: [], failed: [] });
    expect(second.dispatched).toEqual([]);
    expect(second.failed).toEqual([]);
    for (const id of ids) await waitForList(api, id, 'responsibility');
    expect((await api.post('office', `/api/policies/${policy.id}/dispatch`)).json()).toEqual({ dispatched: [], alreadyDispatched: [], failed: [] });

    // One more draft later: a dispatch reports that one alone.
    const late = await createDraft(api, policy, { title: '后补的措施' });
    expect((await api.post('office', `/api/policies/${policy.id}/dispatch`)).json()).toEqual({ dispatched: [late], alreadyDispatched: [], failed: [] });
    // And a single measure dispatched twice says so.
    const single = await createDraft(api, policy, { title: '单项交办' });
    const [a, b] = await Promise.all([api.post('office', `/api/measures/${single}/dispatch`), api.post('office', `/api/measures/${single}/dispatch`)]);
    const answers = [a, b].map((r) => (r.statusCode === 200 ? r.json().newlyDispatched : r.json().code));
    expect(answers.filter((x) => x === true)).toHaveLength(1);
  });
});
