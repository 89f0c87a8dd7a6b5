// 政策文件: created with its areas and escalation version 1 (the default rules), later versions of
// the rules, and dispatching every draft at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../workflows/rules/escalation.js';
import { createApiEnv, createDraft, expectErrorShape, waitForList, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('policies');
});
afterAll(async () => api?.close());

describe('policies', () => {
  it('creates a policy with its areas and escalation version 1, lists and shows it', async () => {
    const res = await api.post('office', '/api/policies', { code: 'YG-2025-1', title: '关于进一步深化医改的若干措施', issuer: '市医改办', issuedOn: '2025-03-15', areas: ['优化创新平台建设', '加强高水平科研攻关'] });
    expect(res.statusCode, res.body).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({ code: 'YG-2025-1', issuer: '市医改办', issuedOn: '2025-03-15', escalationPolicyVersion: 1, measureCounts: {} });
    expect(p.areas.map((a: { seq: number; title: string }) => [a.seq, a.title])).toEqual([
      [1, '优化创新平台建设'],
      [2, '加强高水平科研攻关'],
    ]);
    const versions = (await api.get('office', `/api/policies/${p.id}/escalation-policies`)).json();
    expect(versions).toEqual([{ version: 1, rules: DEFAULT_RULES, createdAt: expect.any(String) }]);
    // A department sees a policy only once a measure of it is dispatched to it (test/api/roles.test.ts).
    expect((await api.get('health', '/api/policies')).json().map((x: { code: string }) => x.code)).not.toContain('YG-2025-1');
    expectErrorShape(await api.get('health', `/api/policies/${p.id}`), 404, 'NOT_FOUND');

    expectErrorShape(await api.post('office', '/api/policies', { code: 'YG-2025-1', title: '重号' }), 409, 'CODE_TAKEN');
    expectErrorShape(await api.post('office', '/api/policies', { code: 'YG-2025-2', title: '方面重复', areas: ['甲', '甲'] }), 422, 'VALIDATION');
    const area = await api.post('office', `/api/policies/${p.id}/areas`, { title: '加快成果转化应用' });
    expect(area.statusCode).toBe(201);
    expect(area.json().areas.at(-1)).toMatchObject({ seq: 3, title: '加快成果转化应用', measures: 0 });
    expectErrorShape(await api.post('office', `/api/policies/${p.id}/areas`, { title: '加快成果转化应用' }), 409, 'AREA_EXISTS');
  });

  it('adds escalation versions over the current one; running measures keep theirs', async () => {
    const p = (await api.post('office', '/api/policies', { code: 'YG-ESC', title: '督办规则测试' })).json();
    const first = await createDraft(api, p);
    expect((await api.post('office', `/api/measures/${first}/dispatch`)).statusCode).toBe(200);

    const v2 = await api.post('office', `/api/policies/${p.id}/escalation-policies`, { rules: { cadence: { kind: 'monthly', day: 5 }, reportDue: { unit: 'working_days', amount: 3 } } });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ version: 2, rules: { ...DEFAULT_RULES, version: 2, cadence: { kind: 'monthly', day: 5 }, reportDue: { unit: 'working_days', amount: 3 } } });
    const v3 = (await api.post('admin', `/api/policies/${p.id}/escalation-policies`, { rules: { behindPlanPoints: 10 } })).json();
    expect(v3.rules).toMatchObject({ version: 3, behindPlanPoints: 10, cadence: { kind: 'monthly', day: 5 } });
    expect((await api.get('office', `/api/policies/${p.id}`)).json().escalationPolicyVersion).toBe(3);
    expect((await api.get('office', `/api/policies/${p.id}/escalation-policies`)).json().map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);

    const bad = expectErrorShape(await api.post('office', `/api/policies/${p.id}/escalation-policies`, { rules: { acknowledgeLadder: [{ level: 3, after: { unit: 'seconds', amount: 0 } }, { level: 1, after: { unit: 'seconds', amount: 0 } }] } }), 422, 'VALIDATION');
    expect(bad.field).toContain('acknowledgeLadder');
    expectErrorShape(await api.post('office', `/api/policies/${p.id}/escalation-policies`, { rules: { reportDue: { unit: 'fortnights', amount: 1 } } }), 422, 'VALIDATION');

    const second = await createDraft(api, p, { title: '按新规则运行' });
    expect((await api.post('office', `/api/measures/${second}/dispatch`)).statusCode).toBe(200);
    await waitForList(api, second, 'responsibility');
    await waitForList(api, first, 'responsibility');
    const a = (await api.get('office', `/api/measures/${first}`)).json();
    const b = (await api.get('office', `/api/measures/${second}`)).json();
    expect([a.escalationPolicyVersion, a.entry.snapshot.rulesVersion]).toEqual([1, 1]);
    expect([b.escalationPolicyVersion, b.entry.snapshot.rulesVersion]).toEqual([3, 3]);
  });

  it('dispatches every draft of a policy at once, and shows its measures (drafts to the office only)', async () => {
    const p = (await api.post('office', '/api/policies', { code: 'YG-ALL', title: '批量交办测试', areas: ['甲方面'] })).json();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await createDraft(api, { id: p.id, areaId: p.areas[0].id }, { title: `措施${i + 1}` }));
    expectErrorShape(await api.get('health', `/api/policies/${p.id}/measures`), 404, 'NOT_FOUND');
    const res = await api.post('office', `/api/policies/${p.id}/dispatch`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().dispatched.sort()).toEqual([...ids].sort());
    expect(res.json()).toMatchObject({ alreadyDispatched: [], failed: [] });
    for (const id of ids) await waitForList(api, id, 'responsibility');
    const seen = (await api.get('health', `/api/policies/${p.id}/measures`)).json();
    expect(seen.map((m: { seq: number; status: string }) => [m.seq, m.status])).toEqual([
      [1, 'dispatched'],
      [2, 'dispatched'],
      [3, 'dispatched'],
    ]);
    // Nothing left to dispatch: an empty answer, not an error.
    expect((await api.post('office', `/api/policies/${p.id}/dispatch`)).json()).toEqual({ dispatched: [], alreadyDispatched: [], failed: [] });
    expect((await api.get('office', `/api/policies/${p.id}`)).json().measureCounts).toEqual({ dispatched: 3 });
  });
});
