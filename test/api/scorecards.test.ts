// 监督考核: each department's acknowledgments and reports on time, overdue items, closure rate and
// rank over a period, from the audit trail and the read model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, createPolicy, dispatchedMeasure, waitForList, type ApiEnv } from '../support/api.js';
import { sleep } from '../support/measures.js';

let api: ApiEnv;
const fastAck = { settingsOverride: { acknowledgeDue: { unit: 'seconds', amount: 1 } } };

beforeAll(async () => {
  api = await createApiEnv('scorecards');
  const policy = await createPolicy(api);
  const ok = async (user: 'health' | 'finance' | 'office', id: string, action: string, body: unknown = {}) => {
    const res = await api.post(user, `/api/measures/${id}/${action}`, body);
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.body}`);
  };
  // Health: one acknowledgment late, one on time, one report on time, nothing closed.
  const late = await dispatchedMeasure(api, { ...fastAck, cooperatingDepartmentIds: [] }, policy);
  const onTime = await dispatchedMeasure(api, { cooperatingDepartmentIds: [] }, policy);
  // Finance: acknowledged, reported and closed, all on time.
  const closed = await dispatchedMeasure(api, { leadDepartmentId: 'finance', cooperatingDepartmentIds: [] }, policy);
  // Hrss: never acknowledges a measure due in a second.
  await dispatchedMeasure(api, { ...fastAck, leadDepartmentId: 'hrss', cooperatingDepartmentIds: [] }, policy);
  // Medsec: a measure past its deadline and still open.
  await dispatchedMeasure(api, { leadDepartmentId: 'medsec', cooperatingDepartmentIds: [], deadline: '2025年6月底前' }, policy);
  await sleep(1500);
  await ok('health', late, 'acknowledge');
  await ok('health', onTime, 'acknowledge');
  await ok('health', onTime, 'submit-progress', { text: '按计划推进', percent: 30 });
  await ok('finance', closed, 'acknowledge');
  await ok('finance', closed, 'submit-progress', { text: '已完成', percent: 100 });
  await ok('finance', closed, 'apply-closure', { summary: '已完成', evidence: [{ name: '总结.pdf' }] });
  await ok('office', closed, 'review-closure', { decision: 'approve' });
  await waitForList(api, closed, 'closure');
});
afterAll(async () => api?.close());

const cards = async (user: Parameters<ApiEnv['get']>[0], query = '') => {
  const res = await api.get(user, `/api/scorecards${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('scorecards', () => {
  it('scores each department this month, and ranks them', async () => {
    const { period, rows } = await cards('office');
    expect(period.label).toMatch(/^\d{4}年\d{1,2}月$/);
    const by = Object.fromEntries(rows.map((r: { departmentId: string }) => [r.departmentId, r]));
    expect(Object.keys(by).sort()).toEqual(['finance', 'health', 'hrss', 'medsec']); // line departments, not the office
    // Nothing of health's is due yet: no closure rate, neither credit nor blame.
    expect(by.health).toMatchObject({ measuresLed: 2, acknowledged: 2, acknowledgedOnTime: 1, acknowledgeOnTimeRate: 0.5, reports: 1, reportsOnTime: 1, reportOnTimeRate: 1, closed: 0, closureRate: null, score: 75, rank: 2 });
    expect(by.finance).toMatchObject({ measuresLed: 1, acknowledgeOnTimeRate: 1, reportOnTimeRate: 1, closed: 1, closureRate: 1, score: 100, rank: 1 });
    expect(by.hrss).toMatchObject({ acknowledged: 0, acknowledgeOverdue: 1, acknowledgeOnTimeRate: 0, overdue: 1, closureRate: null, score: 0, rank: 3 });
    expect(by.hrss.escalations).toBeGreaterThan(0);
    expect(by.medsec).toMatchObject({ measuresLed: 1, acknowledgeOnTimeRate: null, reportOnTimeRate: null, closed: 0, closureRate: 0, overdue: 1, red: 1, score: 0, rank: 3 });
    expect(rows.map((r: { departmentId: string }) => r.departmentId)).toEqual(['finance', 'health', 'hrss', 'medsec']);
    // A department with nothing to score has no score and no rank.
    await api.post('admin', '/api/departments', { id: 'idle', name: '市无任务局' });
    expect((await cards('office')).rows.find((r: { departmentId: string }) => r.departmentId === 'idle')).toMatchObject({ measuresLed: 0, score: null, rank: null });
  });

  it('counts nothing in a period before any of it happened, and names periods as offices do', async () => {
    const { period, rows } = await cards('office', '?period=2025');
    expect(period).toEqual({ from: '2025-01-01', to: '2025-12-31', label: '2025年' });
    for (const r of rows) expect(r).toMatchObject({ acknowledged: 0, reports: 0, closed: 0, closureRate: null });
    expect((await cards('office', '?period=2026-Q4')).period).toEqual({ from: '2026-10-01', to: '2026-12-31', label: '2026年第四季度' });
    expect((await cards('office', '?period=2026-H1')).period).toEqual({ from: '2026-01-01', to: '2026-06-30', label: '2026年上半年' });
    expect((await cards('office', '?period=2024-02')).period).toEqual({ from: '2024-02-01', to: '2024-02-29', label: '2024年2月' });
    expect((await cards('office', '?from=2026-01-01&to=2026-12-31')).rows.find((r: { departmentId: string }) => r.departmentId === 'finance').closed).toBe(1);
  });

  it('shows a department its own row and a leader the departments they oversee', async () => {
    expect((await cards('health')).rows.map((r: { departmentId: string }) => r.departmentId)).toEqual(['health']);
    expect((await cards('leader')).rows.map((r: { departmentId: string }) => r.departmentId)).toEqual(['health']);
  });
});
