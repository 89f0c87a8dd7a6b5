// 三张清单: filters (area, department, RAG, escalation level, overdue, text), sorting, pages, and
// the counts beside each filter, each computed with the other filters applied; per-person scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, dispatchedMeasure, waitForList, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
const m: Record<string, string> = {};
let areas: { a1: string; a2: string };
let policyId: string;

beforeAll(async () => {
  api = await createApiEnv('lists');
  const p = (await api.post('office', '/api/policies', { code: 'LISTS', title: '清单测试文件', areas: ['方面一', '方面二'] })).json();
  policyId = p.id;
  areas = { a1: p.areas[0].id, a2: p.areas[1].id };
  const at = (areaId: string) => ({ id: policyId, areaId });
  m.green = await dispatchedMeasure(api, { title: '绿灯措施', deadline: '2030年底前' }, at(areas.a1));
  m.red = await dispatchedMeasure(api, { title: '已过时限的措施', deadline: '2025年6月底前', leadDepartmentId: 'finance', cooperatingDepartmentIds: ['hrss'] }, at(areas.a2));
  m.ongoing = await dispatchedMeasure(api, { title: '推进中医药传承创新', deadline: '长期坚持', leadDepartmentId: 'hrss', cooperatingDepartmentIds: [] }, at(areas.a1));
  m.flagged = await dispatchedMeasure(api, { title: '挂牌督办的措施', deadline: '2031年6月底前' }, at(areas.a1));
  m.closed = await dispatchedMeasure(api, { title: '已销号的措施', deadline: '2029年底前' }, at(areas.a2));

  const ok = async (user: 'health' | 'office', id: string, action: string, body: unknown = {}) => {
    const res = await api.post(user, `/api/measures/${id}/${action}`, body);
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.body}`);
  };
  await ok('health', m.flagged, 'acknowledge');
  await ok('office', m.flagged, 'flag', { flagged: true, reason: '滞后' });
  await ok('health', m.closed, 'acknowledge');
  await ok('health', m.closed, 'submit-progress', { text: '完成', percent: 100 });
  await ok('health', m.closed, 'apply-closure', { summary: '完成', evidence: [{ name: '总结.pdf' }] });
  await ok('office', m.closed, 'review-closure', { decision: 'approve' });
  await waitForList(api, m.closed, 'closure');
  await waitForList(api, m.flagged, 'supervision');
});
afterAll(async () => api?.close());

const list = async (user: Parameters<ApiEnv['get']>[0], path: string) => {
  const res = await api.get(user, `/api/lists/${path}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const ids = (page: { items: Array<{ measureId: string }> }) => page.items.map((i) => i.measureId);

describe('the three lists', () => {
  it('puts each measure on its list, with counts for every filter', async () => {
    const r = await list('office', 'responsibility');
    expect(r.name).toBe('责任清单');
    expect(ids(r)).toEqual([m.green, m.red, m.ongoing]); // by 序号
    expect(r.total).toBe(3);
    expect(r.counts.lists).toEqual({ responsibility: 3, supervision: 1, closure: 1 });
    expect(r.counts.rag).toEqual({ green: 2, yellow: 0, red: 1 });
    expect(r.counts.overdue).toEqual({ true: 1, false: 2 });
    expect(r.counts.departments.map((d: { id: string; count: number }) => [d.id, d.count]).sort()).toEqual([
      ['finance', 1],
      ['health', 1],
      ['hrss', 1],
    ]);
    expect(r.counts.areas.map((a: { title: string; count: number }) => [a.title, a.count])).toEqual([
      ['方面一', 2],
      ['方面二', 1],
    ]);
    const red = r.items.find((i: { measureId: string }) => i.measureId === m.red);
    expect(red).toMatchObject({ rag: 'red', overdue: true, leadDepartmentName: '市财政局', cooperating: [{ id: 'hrss', name: '市人力资源和社会保障局', shortName: '市人社局', acknowledgedAt: null }], areaTitle: '方面二', policyTitle: '清单测试文件' });

    const s = await list('office', 'supervision');
    expect(ids(s)).toEqual([m.flagged]);
    expect(s.items[0]).toMatchObject({ escalationLevel: 4, escalationName: '挂牌督办', flagged: true, flaggedBy: 'office', leadAcknowledgedAt: expect.any(String) });
    expect(s.counts.levels).toEqual({ '0': 0, '1': 0, '2': 0, '3': 0, '4': 1 });
    // The office's 挂牌督办 is the ladder's level 4: the scorecard deducts it like one.
    const health = (await api.get('office', '/api/scorecards')).json().rows.find((r: { departmentId: string }) => r.departmentId === 'health');
    expect(health.escalations.flag).toBe(1);

    const c = await list('office', 'closure');
    expect(ids(c)).toEqual([m.closed]);
    expect(c.items[0]).toMatchObject({ status: 'closed', progressPercent: 100, closedAt: expect.any(String), overdue: false });
  });

  it('filters by RAG, overdue, department, area, level and text; a filter’s own counts ignore it', async () => {
    const red = await list('office', 'responsibility?rag=red');
    expect(ids(red)).toEqual([m.red]);
    expect(red.counts.rag).toEqual({ green: 2, yellow: 0, red: 1 }); // what choosing another colour would give
    expect(red.counts.departments.map((d: { id: string }) => d.id)).toEqual(['finance']); // other facets narrow
    expect(ids(await list('office', 'responsibility?overdue=true'))).toEqual([m.red]);
    expect(ids(await list('office', 'responsibility?overdue=false'))).toEqual([m.green, m.ongoing]);
    expect(ids(await list('office', 'responsibility?departmentId=hrss'))).toEqual([m.ongoing]);
    expect(ids(await list('office', `responsibility?areaId=${areas.a2}`))).toEqual([m.red]);
    expect(ids(await list('office', `responsibility?areaId=${areas.a1}&departmentId=health`))).toEqual([m.green]);
    expect(ids(await list('office', 'supervision?level=4'))).toEqual([m.flagged]);
    expect(ids(await list('office', 'supervision?level=2'))).toEqual([]);
    expect(ids(await list('office', `responsibility?q=${encodeURIComponent('中医药')}`))).toEqual([m.ongoing]);
    expect(ids(await list('office', `responsibility?q=${encodeURIComponent('市财政')}`))).toEqual([m.red]); // the lead department's name
    expect(ids(await list('office', `responsibility?q=${encodeURIComponent('100%')}`))).toEqual([]); // % is a character, not a wildcard
    expect(ids(await list('office', `responsibility?policyId=${policyId}&rag=green&overdue=false`))).toEqual([m.green, m.ongoing]);
  });

  it('sorts and pages', async () => {
    expect(ids(await list('office', 'responsibility?sort=deadline&order=asc'))).toEqual([m.red, m.green, m.ongoing]); // no deadline last
    expect(ids(await list('office', 'responsibility?sort=deadline&order=desc'))).toEqual([m.green, m.red, m.ongoing]);
    expect(ids(await list('office', 'responsibility?sort=rag'))).toEqual([m.red, m.green, m.ongoing]);
    expect(ids(await list('office', 'responsibility?sort=seq&order=desc'))).toEqual([m.ongoing, m.red, m.green]);
    const page2 = await list('office', 'responsibility?pageSize=1&page=2');
    expect(ids(page2)).toEqual([m.red]);
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 1 });
    expect(ids(await list('office', 'responsibility?pageSize=2&page=3'))).toEqual([]);
  });

  it('shows each person only their measures, counts included', async () => {
    const hrss = await list('hrss', 'responsibility');
    expect(ids(hrss)).toEqual([m.red, m.ongoing]); // cooperating on one, leading the other
    expect(hrss.counts.lists).toEqual({ responsibility: 2, supervision: 0, closure: 0 });
    const finance = await list('finance', 'responsibility');
    expect(ids(finance)).toEqual([m.green, m.red]); // cooperating on the first, leading the second
    const leader = await list('leader', 'responsibility'); // oversees the health department
    expect(ids(leader)).toEqual([m.green]);
    expect((await list('leader', 'closure')).total).toBe(1);
  });
});
