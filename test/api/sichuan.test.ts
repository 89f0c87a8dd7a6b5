// The Sichuan package end to end, over HTTP alone: departments and people created by the admin,
// the package imported from Excel (and from JSON), dispatched, and one measure walked from the
// responsibility list through supervision to the closure list, with the scorecard and export after.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, expectErrorShape, PASSWORD, type ApiEnv } from '../support/api.js';
import { createSichuanDepartments, sichuan, sichuanWorkbook } from '../support/sichuan.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let api: ApiEnv;

beforeAll(async () => {
  api = await createApiEnv('sichuan');
  await createSichuanDepartments(api);
});
afterAll(async () => api?.close());

describe('the Sichuan package (6 areas, 20 measures, 15 departments)', () => {
  let policyId: string;

  it('imports from the office workbook: areas from merged 方面 cells, departments by short name, every separator, a date cell', async () => {
    const res = await api.post('office', `/api/import/policies/excel?code=${encodeURIComponent(sichuan.policy.code)}&issuer=${encodeURIComponent(sichuan.policy.issuer)}&issuedOn=${sichuan.policy.issuedOn}`, await sichuanWorkbook(), {
      'content-type': XLSX,
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ dryRun: false, measures: 20, unknownDepartments: [], createdDepartments: [] });
    // The only warnings: deadlines that have already passed (the package was written for 2025–2026).
    expect(body.warnings.every((w: { column: string; message: string }) => w.column === '完成时限' && w.message.includes('已经过去'))).toBe(true);
    expect(body.areas).toEqual(sichuan.areas);
    expect(body.policy).toMatchObject({ code: sichuan.policy.code, title: sichuan.policy.title, issuedOn: sichuan.policy.issuedOn, escalationPolicyVersion: 1, measureCounts: { draft: 20 } });
    expect(body.policy.areas.map((a: { measures: number }) => a.measures)).toEqual([3, 3, 4, 2, 3, 5]);
    policyId = body.policy.id;

    const measures = (await api.get('office', `/api/policies/${policyId}/measures`)).json();
    expect(measures).toHaveLength(20);
    for (const m of sichuan.measures) {
      const got = measures.find((x: { seq: number }) => x.seq === m.seq);
      const lead = sichuan.departments.find((d) => d.shortName === m.leadDepartment)!;
      const cooperating = m.cooperatingDepartments.map((n) => sichuan.departments.find((d) => d.shortName === n)!.id).sort();
      expect(got.areaTitle).toBe(m.area);
      expect(got.content).toBe(m.content);
      expect(got.assignments.find((a: { role: string }) => a.role === 'lead').departmentId).toBe(lead.id);
      expect(got.assignments.filter((a: { role: string }) => a.role === 'cooperating').map((a: { departmentId: string }) => a.departmentId).sort()).toEqual(cooperating);
      expect(got.deadlineText).toBe(m.deadline);
    }
    expect(measures[0].title).toBe('健全实验平台体系');
    expect(measures.find((m: { seq: number }) => m.seq === 6).deadlineSpec).toEqual({ kind: 'ongoing' });
    expect(measures.find((m: { seq: number }) => m.seq === 9).deadlineSpec).toEqual({ kind: 'yearly', month: 12, day: 31 });
    expect(measures.find((m: { seq: number }) => m.seq === 20).deadlineSpec).toEqual({ kind: 'date', date: '2026-12-31', granularity: 'day' });
  });

  it('knows the same package sent as JSON for a repeat, imports it when confirmed, and refuses the same code twice', async () => {
    const payload = { policy: { ...sichuan.policy, code: `${sichuan.policy.code}-json` }, measures: sichuan.measures };
    const repeat = expectErrorShape(await api.post('office', '/api/import/policies', payload), 409, 'REPEAT_IMPORT');
    expect(repeat).toMatchObject({ field: 'confirmRepeat', existingPolicy: { id: policyId, code: sichuan.policy.code } });
    expect(repeat.message).toContain(`《${sichuan.policy.title}》`);
    const res = await api.post('office', '/api/import/policies?confirmRepeat=true', payload);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ measures: 20, areas: sichuan.areas, policy: { measureCounts: { draft: 20 } }, repeatOf: { id: policyId } });
    const again = await api.post('office', '/api/import/policies?confirmRepeat=true', payload);
    expectErrorShape(again, 409, 'CODE_TAKEN');
  });

  it('dispatches every draft and shows all twenty on the responsibility list', async () => {
    const res = await api.post('office', `/api/policies/${policyId}/dispatch`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().failed).toEqual([]);
    expect(res.json().dispatched).toHaveLength(20);
    await expect
      .poll(async () => (await api.get('office', `/api/lists/responsibility?policyId=${policyId}&pageSize=50`)).json().total, { timeout: 30_000, interval: 250 })
      .toBe(20);
    const list = (await api.get('office', `/api/lists/responsibility?policyId=${policyId}&pageSize=5`)).json();
    expect(list.items.map((i: { seq: number }) => i.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(list.counts.areas.map((a: { title: string; count: number }) => [a.title, a.count])).toEqual(sichuan.areas.map((t, i) => [t, [3, 3, 4, 2, 3, 5][i]]));
    expect(list.counts.departments.find((d: { id: string }) => d.id === 'sc-health').count).toBe(9);
  });

  it('walks measure 20 through all three lists, over HTTP alone', async () => {
    // The admin creates the people who act: one in the lead department, one cooperating.
    for (const [username, departmentId] of [
      ['sc-health-1', 'sc-health'],
      ['sc-samr-1', 'sc-samr'],
    ] as const) {
      const res = await api.post('admin', '/api/people', { username, displayName: `${departmentId}经办人`, role: 'department', departmentId, password: PASSWORD });
      expect(res.statusCode, res.body).toBe(201);
    }
    const health = await api.login('sc-health-1');
    const samr = await api.login('sc-samr-1');
    const find = async (token: string, list: string) =>
      (await api.withToken(token, 'GET', `/api/lists/${list}?policyId=${policyId}&pageSize=50`)).json().items.find((i: { seq: number }) => i.seq === 20);

    // 责任清单: the lead department sees it, awaiting its 签收.
    const item = await find(health, 'responsibility');
    expect(item).toMatchObject({ title: '优化发展环境', leadDepartmentId: 'sc-health', leadAcknowledgedAt: null, deadlineText: '2026年12月31日' });
    const id: string = item.measureId;
    // A department sees only its own: 省市场监管局 cooperates on measures 4 and 20 alone.
    const samrList = (await api.withToken(samr, 'GET', `/api/lists/responsibility?policyId=${policyId}`)).json();
    expect(samrList.items.map((i: { seq: number }) => i.seq).sort((a: number, b: number) => a - b)).toEqual([4, 20]);

    let res = await api.withToken(samr, 'POST', `/api/measures/${id}/acknowledge`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('dispatched');
    res = await api.withToken(health, 'POST', `/api/measures/${id}/acknowledge`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'supervised', list: 'supervision' });

    // 督办清单
    expect(await find(health, 'responsibility')).toBeUndefined();
    expect(await find(health, 'supervision')).toMatchObject({ status: 'supervised', leadAcknowledgedAt: expect.any(String) });
    res = await api.withToken(health, 'POST', `/api/measures/${id}/submit-progress`, { text: '容错机制文件已起草，正在征求意见', percent: 60, evidence: [{ name: '容错机制（征求意见稿）.docx' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect((await find(health, 'supervision')).progressPercent).toBe(60);
    res = await api.withToken(samr, 'POST', `/api/measures/${id}/apply-closure`, { summary: '已完成', evidence: [{ name: 'x.pdf' }] });
    expectErrorShape(res, 403, 'FORBIDDEN'); // only the lead department applies for closure
    res = await api.withToken(health, 'POST', `/api/measures/${id}/apply-closure`, {
      summary: '《科技创新容错机制》已印发实施',
      evidence: [{ name: '印发文件.pdf', url: 'https://wsjkw.sc.gov.cn/doc/20.pdf' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'closure_review', list: 'supervision' });
    res = await api.post('office', `/api/measures/${id}/review-closure`, { decision: 'approve' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'closed', list: 'closure' });

    // 销号清单
    expect(await find(health, 'supervision')).toBeUndefined();
    expect(await find(health, 'closure')).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    const detail = (await api.withToken(health, 'GET', `/api/measures/${id}`)).json();
    expect(detail.timeline.filter((e: { seq: number | null }) => e.seq !== null).map((e: { action: string }) => e.action)).toEqual([
      'dispatch',
      'acknowledge',
      'acknowledge',
      'report',
      'apply_closure',
      'approve_closure',
    ]);
    expect(detail.timeline.find((e: { action: string }) => e.action === 'report').actorName).toBe('sc-health经办人');
    expect(detail.reports).toMatchObject([{ departmentId: 'sc-health', percent: 60, text: '容错机制文件已起草，正在征求意见' }]);
    expect(detail.evidence.map((e: { name: string; source: string }) => [e.name, e.source])).toEqual([
      ['容错机制（征求意见稿）.docx', 'report'],
      ['印发文件.pdf', 'closure'],
    ]);
    // The Temporal UI link is the office's, not the department's.
    expect(detail.temporalUrl).toBeNull();
    expect((await api.get('office', `/api/measures/${id}`)).json().temporalUrl).toBe(`http://temporal-ui.test/namespaces/default/workflows/measure-${id}`);

    // The scorecard counts the 签收 and the report; the closure export lists the measure.
    const cards = (await api.withToken(health, 'GET', '/api/scorecards')).json();
    expect(cards.rows).toHaveLength(1);
    expect(cards.rows[0]).toMatchObject({ departmentId: 'sc-health', acknowledged: 1, acknowledgedOnTime: 1, reports: 1, reportsOnTime: 1, closedOnTime: 1 });
    const xlsx = await api.withToken(health, 'GET', `/api/exports/lists/closure?policyId=${policyId}`);
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe(`《${sichuan.policy.title}》销号清单`);
    expect(ws.getRow(4).getCell(1).value).toBe(20);
    expect(String(ws.getRow(4).getCell(3).value)).toContain('优化发展环境');
  });
});
