// 部门: everyone reads them; admins add and change them, with names unambiguous for imports.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema/index.js';
import { createApiEnv, expectErrorShape, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('departments', { worker: false });
});
afterAll(async () => api?.close());

describe('departments', () => {
  it('lists them for everyone signed in, and shows one', async () => {
    const list = (await api.get('health', '/api/departments')).json();
    expect(list.map((d: { id: string }) => d.id).sort()).toEqual(['finance', 'health', 'hrss', 'medsec', 'office']);
    expect((await api.get('leader', '/api/departments/office')).json()).toEqual({ id: 'office', name: '市深化医改领导小组办公室', shortName: '市医改办', kind: 'coordination_office', parentId: null });
  });

  it('adds one with a parent, audited; refuses a taken id, a clashing name or short name, an unknown parent', async () => {
    const res = await api.post('admin', '/api/departments', { id: 'health-sci', name: '市卫生健康委员会科技教育处', shortName: '科教处', parentId: 'health' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ id: 'health-sci', kind: 'line_department', parentId: 'health' });
    const [audit] = await api.env.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'department_created'));
    expect(audit).toMatchObject({ actor: api.ids.admin, measureId: null });

    expectErrorShape(await api.post('admin', '/api/departments', { id: 'health-sci', name: '别的名字' }), 409, 'ID_TAKEN');
    // A short name equal to another's name (or the reverse) would make imports ambiguous.
    const clash = expectErrorShape(await api.post('admin', '/api/departments', { id: 'h2', name: '市卫生健康委' }), 409, 'NAME_TAKEN');
    expect(clash.message).toContain('市卫生健康委员会');
    expectErrorShape(await api.post('admin', '/api/departments', { id: 'h3', name: '新部门', shortName: '市财政局' }), 409, 'NAME_TAKEN');
    expectErrorShape(await api.post('admin', '/api/departments', { id: 'h4', name: '新部门', parentId: 'nowhere' }), 422, 'VALIDATION');
  });

  it('renames one, keeping names unambiguous', async () => {
    const res = await api.req('admin', 'PATCH', '/api/departments/medsec', { name: '市医疗保障局（市医保中心）', shortName: '市医保局' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().name).toBe('市医疗保障局（市医保中心）');
    expectErrorShape(await api.req('admin', 'PATCH', '/api/departments/medsec', { shortName: '市人社局' }), 409, 'NAME_TAKEN');
    expectErrorShape(await api.req('admin', 'PATCH', '/api/departments/medsec', { parentId: 'medsec' }), 422, 'VALIDATION');
    expectErrorShape(await api.req('admin', 'PATCH', '/api/departments/nowhere', { name: '无' }), 404, 'NOT_FOUND');
  });
});
