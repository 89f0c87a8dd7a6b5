// People: created and changed by admins (and by `npm run person:add`), with the rules that keep
// roles coherent: a department user belongs to a department; a leader oversees departments and areas.
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { areas, departments, leaderAreas, leaderDepartments, people, sessions } from '../../../db/schema/index.js';
import { generatePassword, hashPassword, passwordProblem } from '../../auth/passwords.js';
import { conflict, invalid, notFound } from '../../errors.js';
import type { Role } from '../../schemas/common.js';
import type { PersonView } from '../../schemas/people.js';

export interface PersonInput {
  username: string;
  displayName: string;
  role: Role;
  departmentId?: string | null | undefined;
  password: string;
  email?: string | null | undefined;
  active?: boolean | undefined;
  leaderDepartmentIds?: string[] | undefined;
  leaderAreaIds?: string[] | undefined;
}

export async function personView(db: Database, id: string): Promise<PersonView> {
  const views = await peopleViews(db, [id]);
  if (!views[0]) throw notFound('人员', 'id');
  return views[0];
}

export async function peopleViews(db: Database, ids?: string[]): Promise<PersonView[]> {
  if (ids && ids.length === 0) return [];
  const rows = await db
    .select({
      id: people.id,
      username: people.username,
      displayName: people.displayName,
      role: people.role,
      departmentId: people.departmentId,
      departmentName: departments.name,
      email: people.email,
      active: people.active,
      createdAt: people.createdAt,
    })
    .from(people)
    .leftJoin(departments, eq(departments.id, people.departmentId))
    .where(ids ? inArray(people.id, ids) : undefined)
    .orderBy(asc(people.username));
  const leaderIds = rows.filter((r) => r.role === 'leader').map((r) => r.id);
  const ld = leaderIds.length ? await db.select().from(leaderDepartments).where(inArray(leaderDepartments.leaderId, leaderIds)) : [];
  const la = leaderIds.length ? await db.select().from(leaderAreas).where(inArray(leaderAreas.leaderId, leaderIds)) : [];
  return rows.map((r) => ({
    ...r,
    departmentName: r.departmentName ?? null,
    createdAt: r.createdAt.toISOString(),
    leaderDepartmentIds: ld.filter((x) => x.leaderId === r.id).map((x) => x.departmentId),
    leaderAreaIds: la.filter((x) => x.leaderId === r.id).map((x) => x.areaId),
  }));
}

async function checkReferences(db: Database, p: { role: Role; departmentId?: string | null | undefined; leaderDepartmentIds?: string[] | undefined; leaderAreaIds?: string[] | undefined }) {
  if (p.role === 'department' && !p.departmentId) throw invalid('部门用户须指定所属部门 / a department user needs departmentId', 'departmentId');
  if (p.departmentId) {
    const [d] = await db.select({ id: departments.id }).from(departments).where(eq(departments.id, p.departmentId));
    if (!d) throw invalid(`部门「${p.departmentId}」不存在 / unknown department`, 'departmentId');
  }
  if (p.leaderDepartmentIds?.length) {
    const found = await db.select({ id: departments.id }).from(departments).where(inArray(departments.id, p.leaderDepartmentIds));
    const missing = p.leaderDepartmentIds.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) throw invalid(`分管部门不存在：${missing.join('、')} / unknown departments`, 'leaderDepartmentIds');
  }
  if (p.leaderAreaIds?.length) {
    const found = await db.select({ id: areas.id }).from(areas).where(inArray(areas.id, p.leaderAreaIds));
    const missing = p.leaderAreaIds.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) throw invalid(`分管方面不存在：${missing.join('、')} / unknown areas`, 'leaderAreaIds');
  }
  if (p.role !== 'leader' && (p.leaderDepartmentIds?.length || p.leaderAreaIds?.length)) {
    throw invalid('只有分管领导可以设置分管部门或方面 / only leaders oversee departments or areas', p.leaderDepartmentIds?.length ? 'leaderDepartmentIds' : 'leaderAreaIds');
  }
}

export async function createPerson(db: Database, input: PersonInput): Promise<PersonView> {
  await checkReferences(db, input);
  const problem = passwordProblem(input.password, input.username);
  if (problem) throw invalid(problem, 'password');
  const [taken] = await db.select({ id: people.id }).from(people).where(eq(people.username, input.username));
  if (taken) throw conflict('USERNAME_TAKEN', `用户名「${input.username}」已被使用 / username taken`, 'username');
  const passwordHash = await hashPassword(input.password);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(people)
      .values({
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        departmentId: input.departmentId ?? null,
        email: input.email ?? null,
        passwordHash,
        active: input.active ?? true,
      })
      .onConflictDoNothing({ target: people.username })
      .returning({ id: people.id });
    if (!row) throw conflict('USERNAME_TAKEN', `用户名「${input.username}」已被使用 / username taken`, 'username');
    await setLeaderScope(tx as unknown as Database, row.id, input.leaderDepartmentIds, input.leaderAreaIds);
    return row.id;
  });
  return personView(db, id);
}

async function setLeaderScope(db: Database, id: string, departmentIds?: string[], areaIds?: string[]) {
  if (departmentIds) {
    await db.delete(leaderDepartments).where(eq(leaderDepartments.leaderId, id));
    if (departmentIds.length) await db.insert(leaderDepartments).values([...new Set(departmentIds)].map((departmentId) => ({ leaderId: id, departmentId })));
  }
  if (areaIds) {
    await db.delete(leaderAreas).where(eq(leaderAreas.leaderId, id));
    if (areaIds.length) await db.insert(leaderAreas).values([...new Set(areaIds)].map((areaId) => ({ leaderId: id, areaId })));
  }
}

export async function updatePerson(db: Database, id: string, patch: Partial<Omit<PersonInput, 'username'>>, byId: string): Promise<PersonView> {
  const [current] = await db.select().from(people).where(eq(people.id, id));
  if (!current) throw notFound('人员', 'id');
  const role = patch.role ?? current.role;
  const departmentId = patch.departmentId === undefined ? current.departmentId : patch.departmentId;
  await checkReferences(db, { role, departmentId, leaderDepartmentIds: patch.leaderDepartmentIds, leaderAreaIds: patch.leaderAreaIds });
  if (id === byId && ((patch.role && patch.role !== 'admin') || patch.active === false)) {
    throw conflict('INVALID_STATE', '不能停用自己或取消自己的管理员角色 / you cannot demote or deactivate yourself');
  }
  if (current.role === 'admin' && ((patch.role && patch.role !== 'admin') || patch.active === false)) {
    const others = await db.select({ id: people.id }).from(people).where(and(eq(people.role, 'admin'), eq(people.active, true), ne(people.id, id)));
    if (others.length === 0) throw conflict('INVALID_STATE', '至少需要保留一名启用的管理员 / at least one active admin must remain');
  }
  let passwordHash: string | undefined;
  if (patch.password !== undefined) {
    const problem = passwordProblem(patch.password, current.username);
    if (problem) throw invalid(problem, 'password');
    passwordHash = await hashPassword(patch.password);
  }
  const changes = {
    ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
    ...(patch.role !== undefined ? { role: patch.role } : {}),
    ...(patch.departmentId !== undefined ? { departmentId: patch.departmentId } : {}),
    ...(patch.email !== undefined ? { email: patch.email } : {}),
    ...(patch.active !== undefined ? { active: patch.active } : {}),
    ...(passwordHash ? { passwordHash } : {}),
  };
  await db.transaction(async (tx) => {
    if (Object.keys(changes).length) await tx.update(people).set(changes).where(eq(people.id, id));
    // A leader no longer: what they oversaw goes with the role.
    if (role !== 'leader') await setLeaderScope(tx as unknown as Database, id, [], []);
    else await setLeaderScope(tx as unknown as Database, id, patch.leaderDepartmentIds, patch.leaderAreaIds);
    // A new password, a new role or a deactivation ends every session of the person.
    if (passwordHash || patch.active === false || (patch.role && patch.role !== current.role) || patch.departmentId !== undefined) {
      await tx.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.personId, id));
    }
  });
  return personView(db, id);
}

/**
 * On first start: an administrator from ADMIN_USERNAME / ADMIN_PASSWORD when no active admin
 * exists. Without ADMIN_PASSWORD a password is generated and returned, for printing once.
 */
export async function ensureFirstAdmin(db: Database, opts: { username: string; password?: string | undefined }): Promise<{ created: boolean; generatedPassword?: string }> {
  const [admin] = await db.select({ id: people.id }).from(people).where(and(eq(people.role, 'admin'), eq(people.active, true))).limit(1);
  if (admin) return { created: false };
  const password = opts.password ?? generatePassword();
  const problem = passwordProblem(password, opts.username);
  if (problem) throw new Error(`ADMIN_PASSWORD: ${problem}`);
  const [existing] = await db.select({ id: people.id }).from(people).where(eq(people.username, opts.username));
  if (existing) throw new Error(`ADMIN_USERNAME: 用户名「${opts.username}」已被非管理员使用 / taken by a person who is not an active admin`);
  const inserted = await db
    .insert(people)
    .values({ username: opts.username, displayName: '系统管理员', role: 'admin', passwordHash: await hashPassword(password) })
    .onConflictDoNothing({ target: people.username })
    .returning({ id: people.id });
  // Another process starting at the same moment made it first: its password stands.
  if (!inserted.length) return { created: false };
  return { created: true, ...(opts.password ? {} : { generatedPassword: password }) };
}
