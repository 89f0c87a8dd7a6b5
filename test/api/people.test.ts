// 人员管理 (admins): people of each role, a leader's departments and areas, changes that end
// sessions, and the guards that keep at least one administrator.
import { spawnSync } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema/index.js';
import { createApiEnv, createPolicy, dispatchedMeasure, expectErrorShape, PASSWORD, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('people');
});
afterAll(async () => api?.close());

describe('people', () => {
  it('lists everyone with their department, and shows one', async () => {
    const list = (await api.get('admin', '/api/people')).json();
    expect(list.map((p: { username: string }) => p.username)).toEqual(['admin', 'finance', 'health', 'hrss', 'leader', 'office']);
    expect(list.find((p: { username: string }) => p.username === 'health')).toMatchObject({ role: 'department', departmentId: 'health', departmentName: '市卫生健康委员会', active: true });
    expect(JSON.stringify(list)).not.toMatch(/password|\$2[aby]\$/i);
    const leader = (await api.get('admin', `/api/people/${api.ids.leader}`)).json();
    expect(leader).toMatchObject({ role: 'leader', leaderDepartmentIds: ['health'], leaderAreaIds: [] });
  });

  it('creates a person who can sign in, audited without the password; a taken username is 409', async () => {
    const res = await api.post('admin', '/api/people', { username: 'zhang.wei', displayName: '张伟', role: 'coordination_office', departmentId: 'office', password: PASSWORD, email: 'zhangwei@example.gov.cn' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ username: 'zhang.wei', role: 'coordination_office', departmentId: 'office', email: 'zhangwei@example.gov.cn' });
    const token = await api.login('zhang.wei');
    expect((await api.withToken(token, 'GET', '/api/auth/me')).json().displayName).toBe('张伟');
    const [created] = await api.env.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'person_created'));
    expect(created!.actor).toBe(api.ids.admin);
    expect(JSON.stringify(created!.detail)).not.toContain(PASSWORD);
    const taken = expectErrorShape(await api.post('admin', '/api/people', { username: 'zhang.wei', displayName: '另一个张伟', role: 'leader', password: PASSWORD }), 409, 'USERNAME_TAKEN');
    expect(taken.field).toBe('username');
  });

  it('gives a leader the areas they oversee, and the measures there become visible to them', async () => {
    const policy = await createPolicy(api);
    const measureId = await dispatchedMeasure(api, { leadDepartmentId: 'finance', cooperatingDepartmentIds: ['hrss'] }, policy);
    const res = await api.post('admin', '/api/people', { username: 'li.lingdao', displayName: '李领导', role: 'leader', password: PASSWORD, leaderAreaIds: [policy.areaId] });
    expect(res.statusCode, res.body).toBe(201);
    const token = await api.login('li.lingdao');
    expect((await api.withToken(token, 'GET', `/api/measures/${measureId}`)).statusCode).toBe(200);
    // A change of scope applies at the leader's next request, session kept.
    const patched = await api.req('admin', 'PATCH', `/api/people/${res.json().id}`, { leaderAreaIds: [], leaderDepartmentIds: ['hrss'] });
    expect(patched.json()).toMatchObject({ leaderAreaIds: [], leaderDepartmentIds: ['hrss'] });
    // hrss cooperates on the measure: overseeing hrss still shows it.
    expect((await api.withToken(token, 'GET', `/api/measures/${measureId}`)).statusCode).toBe(200);
    await api.req('admin', 'PATCH', `/api/people/${res.json().id}`, { leaderDepartmentIds: ['medsec'] });
    expectErrorShape(await api.withToken(token, 'GET', `/api/measures/${measureId}`), 404);
    // Only leaders oversee.
    expectErrorShape(await api.post('admin', '/api/people', { username: 'x1', displayName: '某', role: 'department', departmentId: 'health', password: PASSWORD, leaderDepartmentIds: ['health'] }), 422, 'VALIDATION');
  });

  it('ends a person’s sessions when their password, role or department changes', async () => {
    const res = await api.post('admin', '/api/people', { username: 'wang.fang', displayName: '王芳', role: 'department', departmentId: 'finance', password: PASSWORD });
    const id = res.json().id;
    let token = await api.login('wang.fang');
    expect((await api.req('admin', 'PATCH', `/api/people/${id}`, { displayName: '王芳芳' })).statusCode).toBe(200);
    expect((await api.withToken(token, 'GET', '/api/auth/me')).json().displayName).toBe('王芳芳'); // a new name keeps the session
    expect((await api.req('admin', 'PATCH', `/api/people/${id}`, { departmentId: 'hrss' })).json().departmentId).toBe('hrss');
    expectErrorShape(await api.withToken(token, 'GET', '/api/auth/me'), 401);
    token = await api.login('wang.fang');
    expect((await api.req('admin', 'PATCH', `/api/people/${id}`, { password: 'Reset-by-admin-1' })).statusCode).toBe(200);
    expectErrorShape(await api.withToken(token, 'GET', '/api/auth/me'), 401);
    expect((await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'wang.fang', password: 'Reset-by-admin-1' } })).statusCode).toBe(200);
    const audit = await api.env.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'person_updated'));
    expect(audit.some((a) => (a.detail as { passwordReset?: boolean }).passwordReset === true)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('Reset-by-admin-1');
  });

  it('keeps at least one active administrator, and an admin cannot demote or deactivate themself', async () => {
    expectErrorShape(await api.req('admin', 'PATCH', `/api/people/${api.ids.admin}`, { active: false }), 409, 'INVALID_STATE');
    expectErrorShape(await api.req('admin', 'PATCH', `/api/people/${api.ids.admin}`, { role: 'leader' }), 409, 'INVALID_STATE');
    const second = await api.post('admin', '/api/people', { username: 'admin2', displayName: '第二管理员', role: 'admin', password: PASSWORD });
    const token = await api.login('admin2');
    // admin2 may demote the first admin, but then cannot demote itself: it is the last.
    expect((await api.withToken(token, 'PATCH', `/api/people/${api.ids.admin}`, { role: 'coordination_office', departmentId: 'office' })).statusCode).toBe(200);
    expectErrorShape(await api.withToken(token, 'PATCH', `/api/people/${second.json().id}`, { active: false }), 409, 'INVALID_STATE');
    expect((await api.withToken(token, 'PATCH', `/api/people/${api.ids.admin}`, { role: 'admin', departmentId: null })).statusCode).toBe(200);
  });

  it('adds people from the command line: npm run person:add', async () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/person-add.ts', ...args], {
        env: { ...process.env, DATABASE_URL: api.env.databaseUrl },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const ok = run('--username', 'cli.user', '--role', 'department', '--department', '市财政局', '--name', '命令行用户');
    expect(ok.status, ok.stderr).toBe(0);
    const password = /initial password: (\S+)/.exec(ok.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const token = await api.login('cli.user', password);
    expect((await api.withToken(token, 'GET', '/api/auth/me')).json()).toMatchObject({ role: 'department', departmentId: 'finance', displayName: '命令行用户' });

    const leader = run('--username', 'cli.leader', '--role', 'leader', '--oversees', 'health,市人社局', '--password', 'Given-passw0rd');
    expect(leader.status, leader.stderr).toBe(0);
    expect(leader.stdout).not.toContain('Given-passw0rd');
    expect((await api.withToken(await api.login('cli.leader', 'Given-passw0rd'), 'GET', '/api/auth/me')).json().leaderDepartmentIds.sort()).toEqual(['health', 'hrss']);

    const unknown = run('--username', 'cli.x', '--role', 'department', '--department', '不存在的部门');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('部门「不存在的部门」不存在');
    const taken = run('--username', 'cli.user', '--role', 'leader');
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('已被使用');
    expect(run('--role', 'leader').stderr).toContain('usage');
  });
});
