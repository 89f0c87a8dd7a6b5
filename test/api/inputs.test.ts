// Consistent inputs (issue 13 point 7): an unknown field is refused by name; every problem is listed
// in Chinese; a department is named the same way everywhere (id, full name, short name);
// request-extension reads the deadline forms the import reads and says how it read them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiEnv, dispatchedMeasure, expectErrorShape, PASSWORD, waitForList, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('inputs');
});
afterAll(async () => api?.close());

async function supervised(title: string): Promise<string> {
  const id = await dispatchedMeasure(api, { title });
  const ack = await api.post('health', `/api/measures/${id}/acknowledge`, {});
  if (ack.statusCode !== 200) throw new Error(ack.body);
  await waitForList(api, id, 'supervision');
  return id;
}

describe('unknown fields and every problem', () => {
  it('refuses {"percnt": 50} naming the field, lists every problem in Chinese, and changes nothing', async () => {
    const id = await supervised('字段测试措施');
    const before = (await api.get('office', `/api/measures/${id}`)).json();
    const res = await api.post('health', `/api/measures/${id}/submit-progress`, { text: '推进中', percnt: 50 });
    const body = expectErrorShape(res, 422, 'VALIDATION');
    expect(body.field).toBe('percnt');
    expect(body.errors).toEqual([{ field: 'percnt', message: '不允许的字段「percnt」：此处没有这个字段，是否应为「percent」？ / unknown field' }]);

    const several = expectErrorShape(await api.post('health', `/api/measures/${id}/submit-progress`, { percent: '50', evidence: [{ url: 'ftp://x' }] }), 422, 'VALIDATION');
    expect(several.errors).toEqual([
      { field: 'text', message: '请填写进展情况（text）' },
      { field: 'percent', message: '完成进度（percent）：应为数字（实际为文字）' },
      { field: 'evidence.0.name', message: '请填写名称（evidence.0.name）' },
      { field: 'evidence.0.url', message: expect.stringContaining('链接（evidence.0.url）：') },
    ]);
    // The first problem stays where it always was; no "另有…处问题".
    expect([several.field, several.message]).toEqual(['text', '请填写进展情况（text）']);
    expect(JSON.stringify(several)).not.toMatch(/另有|expected|received|Invalid/);
    expect((await api.get('office', `/api/measures/${id}`)).json().timeline).toEqual(before.timeline);
  });

  it('lists every bad query parameter too, an unknown one included', async () => {
    const res = expectErrorShape(await api.get('office', '/api/lists/supervision?rag=purple&level=9&deparmentId=health'), 400, 'BAD_REQUEST');
    expect(res.errors!.map((e) => e.field)).toEqual(['rag', 'level', 'deparmentId']);
    expect(res.errors![2]!.message).toContain('是否应为「departmentId」');
  });

  it('documents every request body as closed: additionalProperties false on each object', async () => {
    const doc = (await api.get(null, '/docs/json')).json() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>; components?: { schemas?: Record<string, unknown> } };
    const schemas = doc.components?.schemas ?? {};
    const open: string[] = [];
    const walk = (node: unknown, where: string, seen = new Set<unknown>()): void => {
      if (!node || typeof node !== 'object' || seen.has(node)) return;
      seen.add(node);
      const n = node as Record<string, unknown>;
      if (typeof n.$ref === 'string') return walk(schemas[n.$ref.split('/').pop()!], where, seen);
      if (n.type === 'object' && n.properties && n.additionalProperties !== false) open.push(where);
      for (const [k, v] of Object.entries(n)) if (typeof v === 'object') walk(v, `${where}.${k}`, seen);
    };
    let bodies = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const json = op.requestBody?.content['application/json'];
        if (!json) continue;
        bodies++;
        walk(json.schema, `${method.toUpperCase()} ${path}`);
      }
    }
    expect(bodies).toBeGreaterThan(20);
    expect(open).toEqual([]);
  });
});

describe('a department, named any way', () => {
  it('filters lists, exports and scorecards by id, full name or short name; an unknown one is named', async () => {
    await dispatchedMeasure(api, { title: '财政局牵头的措施', leadDepartmentId: '市财政局', cooperatingDepartmentIds: ['市卫生健康委员会'] });
    const ids = async (ref: string, list = 'responsibility') => (await api.get('office', `/api/lists/${list}?departmentId=${encodeURIComponent(ref)}`)).json().items.map((i: { leadDepartmentId: string }) => i.leadDepartmentId);
    for (const ref of ['finance', '市财政局', ' 市财政局 ']) expect(await ids(ref)).toEqual(['finance']);
    const health = await ids('health', 'supervision');
    expect(health.length).toBeGreaterThan(0);
    for (const ref of ['市卫生健康委', '市卫生健康委员会', 'ｈｅａｌｔｈ']) expect(await ids(ref, 'supervision')).toEqual(health);

    const bad = expectErrorShape(await api.get('office', `/api/lists/responsibility?departmentId=${encodeURIComponent('市卫生健康委员')}`), 400, 'BAD_REQUEST');
    expect(bad).toMatchObject({ field: 'departmentId' });
    expect(bad.message).toContain('未找到部门「市卫生健康委员」');
    expect(bad.message).toContain('相近的有：市卫生健康委');
    expectErrorShape(await api.get('office', `/api/exports/lists/responsibility?departmentId=${encodeURIComponent('不存在的局')}`), 400, 'BAD_REQUEST');

    const card = (await api.get('office', `/api/scorecards?departmentId=${encodeURIComponent('市财政局')}`)).json();
    expect(card.rows.map((r: { departmentId: string }) => r.departmentId)).toEqual(['finance']);
    expect((await api.get('office', `/api/exports/lists/responsibility?departmentId=${encodeURIComponent('市财政局')}`)).statusCode).toBe(200);
    expect((await api.get('office', `/api/exports/scorecards?departmentId=${encodeURIComponent('市人社局')}`)).statusCode).toBe(200);
  });

  it('is taken by name for people and drafts, every unknown one listed', async () => {
    const person = await api.post('admin', '/api/people', { username: 'byname', displayName: '按名称', role: 'department', departmentId: '市人社局', password: PASSWORD });
    expect(person.statusCode, person.body).toBe(201);
    expect(person.json().departmentId).toBe('hrss');
    const leader = await api.post('admin', '/api/people', { username: 'leader2', displayName: '分管领导二', role: 'leader', leaderDepartmentIds: ['市卫生健康委', 'finance'], password: PASSWORD });
    expect(leader.json().leaderDepartmentIds.sort()).toEqual(['finance', 'health']);
    const moved = await api.req('admin', 'PATCH', `/api/people/${person.json().id}`, { departmentId: '市医保局' });
    expect(moved.json().departmentId).toBe('medsec');

    const unknown = expectErrorShape(await api.post('admin', '/api/people', { username: 'nobody', displayName: '无', role: 'leader', leaderDepartmentIds: ['市财政局', '市甲局', '市乙局'], password: PASSWORD }), 422, 'VALIDATION');
    expect(unknown.errors!.map((e) => e.field)).toEqual(['leaderDepartmentIds.1', 'leaderDepartmentIds.2']);
  });
});

describe('request-extension', () => {
  it('reads 2031年6月底前 as the import does and says how it read it; a date that is no day is refused', async () => {
    const id = await supervised('延期测试措施');
    const yearly = expectErrorShape(await api.post('health', `/api/measures/${id}/request-extension`, { newDeadline: '每年12月底前', reason: '需要更多时间' }), 422, 'VALIDATION');
    expect(yearly).toMatchObject({ field: 'newDeadline', message: expect.stringContaining('应落在某一天') });
    expect(expectErrorShape(await api.post('health', `/api/measures/${id}/request-extension`, { newDeadline: '明年', reason: '需要更多时间' }), 422, 'VALIDATION').field).toBe('newDeadline');

    const res = await api.post('health', `/api/measures/${id}/request-extension`, { newDeadline: '2031年6月底前', reason: '需要更多时间' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().newDeadlineReadAs).toEqual({ text: '2031年6月底前', date: '2031-06-30', description: '2031年6月30日' });
    expect(res.json().pendingExtension).toMatchObject({ newDeadline: '2031-06-30' });

    const decided = await api.post('office', `/api/measures/${id}/decide-extension`, { approve: true, newDeadline: '2031年第三季度', reason: '同意' });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json().newDeadlineReadAs).toMatchObject({ date: '2031-09-30' });
    expect(decided.json().deadlineAt).toBe('2031-09-30T16:00:00.000Z');
  });

  it('still takes YYYY-MM-DD', async () => {
    const id = await supervised('延期测试措施二');
    const res = await api.post('health', `/api/measures/${id}/request-extension`, { newDeadline: '2031-01-31', reason: '需要更多时间' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().newDeadlineReadAs).toEqual({ text: '2031-01-31', date: '2031-01-31', description: '2031年1月31日' });
  });
});
