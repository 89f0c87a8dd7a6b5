// 监督考核 through the API: each department's record over a period scored under versioned rules,
// escalations and late closures counted, ranks over every department whoever looks, a leader's
// scope by departments and by areas, the digest's 成绩单 equal to the scorecard, and the reporting
// burden (最多报一次).
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema/index.js';
import { createApiEnv, dispatchedMeasure, expectErrorShape, PASSWORD, waitForList, type ApiEnv } from '../support/api.js';
import { sleep } from '../support/measures.js';

let api: ApiEnv;
let areaLeader: string;
const sec = (amount: number) => ({ unit: 'seconds', amount });
const fastAck = { settingsOverride: { acknowledgeDue: sec(1) } };
// Its deadline passed years ago: once acknowledged, the ladder climbs a rung a second to 挂牌督办.
const fastLadder = { settingsOverride: { deadlineLadder: [1, 2, 3, 4].map((level) => ({ level, after: sec(level === 1 ? 0 : 1) })) } };

type Row = { departmentId: string; rank: number | null } & Record<string, unknown>;

beforeAll(async () => {
  api = await createApiEnv('scorecards');
  const policy = (await api.post('office', '/api/policies', { code: 'SC-1', title: '关于进一步深化医改的若干措施', areas: ['优化创新平台建设', '强化医保支撑'] })).json();
  const [area1, area2] = policy.areas as Array<{ id: string }>;
  const inArea1 = { id: policy.id, areaId: area1!.id };
  const inArea2 = { id: policy.id, areaId: area2!.id };
  expect((await api.post('admin', '/api/departments', { id: 'civil', name: '市民政局' })).statusCode).toBe(201);
  expect((await api.post('admin', '/api/people', { username: 'civil', displayName: '民政局联络员', role: 'department', departmentId: 'civil', password: PASSWORD })).statusCode).toBe(201);
  const arealeader = await api.post('admin', '/api/people', { username: 'arealeader', displayName: '分管医保的领导', role: 'leader', leaderAreaIds: [area2!.id], password: PASSWORD });
  expect(arealeader.statusCode, arealeader.body).toBe(201);
  areaLeader = arealeader.json().id;

  const civil = await api.login('civil');
  const ok = async (user: 'health' | 'finance' | 'office' | string, id: string, action: string, body: unknown = {}) => {
    const res = user === civil ? await api.withToken(civil, 'POST', `/api/measures/${id}/${action}`, body) : await api.post(user as 'health', `/api/measures/${id}/${action}`, body);
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.body}`);
  };
  // Health: one acknowledgment late, one on time; one report on time (text, percent, one file); an extension asked for.
  const late = await dispatchedMeasure(api, { ...fastAck, cooperatingDepartmentIds: [] }, inArea1);
  const onTime = await dispatchedMeasure(api, { cooperatingDepartmentIds: [] }, inArea1);
  // Finance: acknowledged, reported and closed, all on time.
  const closed = await dispatchedMeasure(api, { leadDepartmentId: 'finance', cooperatingDepartmentIds: [] }, inArea1);
  // Hrss: never acknowledges a measure due in a second.
  await dispatchedMeasure(api, { ...fastAck, leadDepartmentId: 'hrss', cooperatingDepartmentIds: [] }, inArea1);
  // Medsec: a measure past its deadline and still open, in the second area, with hrss cooperating.
  await dispatchedMeasure(api, { leadDepartmentId: 'medsec', cooperatingDepartmentIds: ['hrss'], deadline: '2025年6月底前' }, inArea2);
  // Civil: due six years ago; acknowledged and reported at once, escalated to 挂牌督办, then closed.
  const sixYearsLate = await dispatchedMeasure(api, { ...fastLadder, leadDepartmentId: 'civil', cooperatingDepartmentIds: [], deadline: '2020年6月底前' }, inArea1);
  await sleep(1500);
  await ok('health', late, 'acknowledge');
  await ok('health', onTime, 'acknowledge');
  await ok('health', onTime, 'submit-progress', { text: '按计划推进', percent: 30, evidence: [{ name: '现场照片.jpg' }] });
  await ok('health', onTime, 'request-extension', { newDeadline: '2031-06-30', reason: '资金下达推迟' });
  await ok('finance', closed, 'acknowledge');
  await ok('finance', closed, 'submit-progress', { text: '已完成', percent: 100 });
  await ok('finance', closed, 'apply-closure', { summary: '已完成', evidence: [{ name: '总结.pdf' }] });
  await ok('office', closed, 'review-closure', { decision: 'approve' });
  await ok(civil, sixYearsLate, 'acknowledge');
  await ok(civil, sixYearsLate, 'submit-progress', { text: '正在推进' });
  for (let tries = 0; (await api.get('office', `/api/measures/${sixYearsLate}`)).json().entry?.escalationLevel !== 4; tries++) {
    if (tries > 200) throw new Error('the ladder did not reach 挂牌督办');
    await sleep(100);
  }
  await ok(civil, sixYearsLate, 'apply-closure', { summary: '终于完成', evidence: [{ name: '验收报告.pdf' }] });
  await ok('office', sixYearsLate, 'review-closure', { decision: 'approve' });
  await waitForList(api, closed, 'closure');
  await waitForList(api, sixYearsLate, 'closure');
});
afterAll(async () => api?.close());

const cards = async (user: Parameters<ApiEnv['get']>[0], query = '') => {
  const res = await api.get(user, `/api/scorecards${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const asPerson = async (username: string, url: string) => {
  const res = await api.withToken(await api.login(username), 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const byId = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.departmentId, r]));

describe('scorecards', () => {
  it('scores each department this month under the rules in force, and ranks them', async () => {
    const { period, rules, rows } = await cards('office');
    expect(period.label).toMatch(/^\d{4}年\d{1,2}月$/);
    expect(rules).toMatchObject({ version: 1, effectiveFrom: '2000-01-01', weights: { acknowledge: 30, report: 30, closure: 40 }, deductions: { remind: 0, urge: 1, supervise: 2, flag: 5 } });
    expect(rules.formula).toContain('综合得分＝（签收及时率×30＋反馈及时率×30＋按期销号率×40）');
    const by = byId(rows);
    expect(Object.keys(by).sort()).toEqual(['civil', 'finance', 'health', 'hrss', 'medsec']); // line departments, not the office
    // Nothing of health's is due yet: no closure rate, neither credit nor blame. (30×0.5 + 30×1) ÷ 60 × 100.
    expect(by.health).toMatchObject({ measuresLed: 2, acknowledged: 2, acknowledgedOnTime: 1, acknowledgeOnTimeRate: 0.5, reports: 1, reportsOnTime: 1, reportOnTimeRate: 1, closureOnTimeRate: null, score: 75, rank: 2 });
    expect(by.finance).toMatchObject({ measuresLed: 1, acknowledgeOnTimeRate: 1, reportOnTimeRate: 1, closedOnTime: 1, closedLate: 0, closureOnTimeRate: 1, deduction: 0, score: 100, rank: 1 });
    expect(by.hrss).toMatchObject({ acknowledged: 0, acknowledgeOverdue: 1, acknowledgeOnTimeRate: 0, overdue: 1, closureOnTimeRate: null, score: 0, rank: 4 });
    expect(by.hrss!.escalationCount).toBeGreaterThan(0);
    expect(by.medsec).toMatchObject({ measuresLed: 1, acknowledgeOnTimeRate: null, reportOnTimeRate: null, closedOnTime: 0, dueOpen: 1, closureOnTimeRate: 0, overdue: 1, red: 1, score: 0, rank: 4 });
    expect(rows.map((r: Row) => r.departmentId)).toEqual(['finance', 'health', 'civil', 'hrss', 'medsec']);
    // A department with nothing to score has no score and no rank.
    await api.post('admin', '/api/departments', { id: 'idle', name: '市无任务局' });
    expect(byId((await cards('office')).rows).idle).toMatchObject({ measuresLed: 0, score: null, rank: null });
  });

  it('counts a closure six years late and its climb to 挂牌督办: no 100, no first place', async () => {
    const civil = byId((await cards('office')).rows).civil!;
    expect(civil).toMatchObject({
      acknowledgeOnTimeRate: 1,
      reportOnTimeRate: 1,
      closedOnTime: 0,
      closedLate: 1,
      closureOnTimeRate: 0,
      // Its deadline had passed at the acknowledgment: the rungs due together fired once, at 挂牌督办.
      escalations: { remind: 0, urge: 0, supervise: 0, flag: 1 },
      deduction: 5,
      score: 55, // (30×1 + 30×1 + 40×0) ÷ 100 × 100 − 5
      rank: 3,
    });
  });

  it('gives a department the rank the office sees, whoever looks', async () => {
    const office = byId((await cards('office')).rows);
    for (const user of ['health', 'finance', 'hrss'] as const) {
      const own = (await cards(user)).rows;
      expect(own.map((r: Row) => r.departmentId)).toEqual([user]);
      expect(own[0]).toEqual(office[user]);
    }
    const civil = (await asPerson('civil', '/api/scorecards')).rows;
    expect(civil).toEqual([office.civil]);
    expect(civil[0].rank).toBe(3);
    // The leader overseeing health sees health's row, ranked among all.
    expect((await cards('leader')).rows).toEqual([office.health]);
  });

  it('shows a leader overseeing an area the departments with measures there, with their true ranks', async () => {
    const office = byId((await cards('office')).rows);
    const rows = (await asPerson('arealeader', '/api/scorecards')).rows;
    // Area 2 holds medsec's measure, with hrss cooperating.
    expect(rows.map((r: Row) => r.departmentId).sort()).toEqual(['hrss', 'medsec']);
    for (const r of rows) expect(r).toEqual(office[r.departmentId]);
  });

  it('gives the digest’s 成绩单 the scorecard’s numbers: a leader’s, by area, and the office’s', async () => {
    const leaderDigest = (await asPerson('arealeader', '/api/digests/preview')).content;
    const leaderCard = await asPerson('arealeader', '/api/scorecards');
    expect(leaderDigest.scorecardPeriod).toEqual(leaderCard.period);
    expect(leaderDigest.scorecardRulesVersion).toBe(leaderCard.rules.version);
    expect(leaderDigest.scorecard).toEqual(leaderCard.rows);
    const officeDigest = await api.get('office', `/api/digests/preview?audience=office`);
    expect(officeDigest.statusCode, officeDigest.body).toBe(200);
    expect(officeDigest.json().content.scorecard).toEqual((await cards('office')).rows);
    // And the office previewing that leader's digest sees the same rows.
    const preview = await api.get('office', `/api/digests/preview?personId=${areaLeader}`);
    expect(preview.json().content.scorecard).toEqual(leaderCard.rows);
    expect(preview.json().text).toContain(`部门成绩单（${leaderCard.period.label}`);
  });

  it('makes the reporting burden visible: forms filled and their fields (最多报一次)', async () => {
    const by = byId((await cards('office')).rows);
    // Health: a report (text, percent, one file: 3 fields) and an extension request (date, reason: 2).
    expect(by.health).toMatchObject({ formsFiled: 2, fieldsFilled: 5 });
    // Finance: a report (text, percent: 2) and a closure application (summary, one file: 2).
    expect(by.finance).toMatchObject({ formsFiled: 2, fieldsFilled: 4 });
    // Civil: a report (text: 1) and a closure application (summary, one file: 2).
    expect(by.civil).toMatchObject({ formsFiled: 2, fieldsFilled: 3 });
    expect(by.hrss).toMatchObject({ formsFiled: 0, fieldsFilled: 0 });
  });

  it('counts nothing in a period before any of it happened, and names periods as offices do', async () => {
    const { period, rows } = await cards('office', '?period=2025');
    expect(period).toEqual({ from: '2025-01-01', to: '2025-12-31', label: '2025年' });
    // Medsec's measure was due in 2025 but dispatched later: it owed nothing then.
    for (const r of rows) expect(r).toMatchObject({ acknowledged: 0, reports: 0, closedOnTime: 0, dueOpen: 0, formsFiled: 0, score: null, rank: null });
    expect((await cards('office', '?period=2026-Q4')).period).toEqual({ from: '2026-10-01', to: '2026-12-31', label: '2026年第四季度' });
    expect((await cards('office', '?period=2026-H1')).period).toEqual({ from: '2026-01-01', to: '2026-06-30', label: '2026年上半年' });
    expect((await cards('office', '?period=2024-02')).period).toEqual({ from: '2024-02-01', to: '2024-02-29', label: '2024年2月' });
    const now = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const range = await cards('office', `?from=${now.slice(0, 4)}-01-01&to=${now}`);
    expect(range.period.label).toBe(`${now.slice(0, 4)}年1月1日至${Number(now.slice(0, 4))}年${Number(now.slice(5, 7))}月${Number(now.slice(8, 10))}日`);
    expect(byId(range.rows).finance).toMatchObject({ closedOnTime: 1 });
  });

  it('keeps the weights as versioned data: the office adds a version, older periods keep theirs', async () => {
    const listed = await api.get('health', '/api/scorecards/rules');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().map((v: { version: number }) => v.version)).toEqual([1]);

    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const body = { effectiveFrom: today, weights: { acknowledge: 0, report: 0, closure: 100 }, deductions: { remind: 0, urge: 0, supervise: 0, flag: 0 }, note: '只考核按期销号' };
    expectErrorShape(await api.post('health', '/api/scorecards/rules', body), 403);
    expect(expectErrorShape(await api.post('office', '/api/scorecards/rules', { ...body, weights: { acknowledge: 0, report: 0, closure: 0 } }), 422).field).toBe('weights');
    expect(expectErrorShape(await api.post('office', '/api/scorecards/rules', { ...body, deductions: { ...body.deductions, flag: -1 } }), 422).field).toBe('deductions.flag');
    expect(expectErrorShape(await api.post('office', '/api/scorecards/rules', { ...body, effectiveFrom: '2026-02-30' }), 422).field).toBe('effectiveFrom');

    const added = await api.post('office', '/api/scorecards/rules', body);
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ version: 2, effectiveFrom: today, note: '只考核按期销号', createdBy: api.ids.office });
    expect(added.json().formula).toContain('综合得分＝（按期销号率×100）');
    expectErrorShape(await api.post('office', '/api/scorecards/rules', body), 409, 'RULES_VERSION_EXISTS');
    const [trail] = await api.env.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'scoring_rules_added'), eq(auditEvents.actor, api.ids.office)));
    expect(trail!.detail).toMatchObject({ version: 2, effectiveFrom: today });

    // This month ends after today: scored under version 2. Only closures count now.
    const now = await cards('office');
    expect(now.rules.version).toBe(2);
    const by = byId(now.rows);
    expect(by.civil).toMatchObject({ score: 0, deduction: 0 });
    expect(by.finance).toMatchObject({ score: 100, rank: 1 });
    expect(by.health).toMatchObject({ score: null, rank: null });
    // A period that ended before it keeps version 1.
    expect((await cards('office', '?period=2025')).rules.version).toBe(1);
  });
});
