// 部门: everyone signed in reads them (forms need them); admins create and change them.
import { asc, eq, or } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { departments } from '../../../db/schema/index.js';
import { audit } from '../../../db/queries/audit.js';
import { conflict, invalid, notFound } from '../../errors.js';
import { principalOf } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { createDepartmentBody, department, departmentParams, updateDepartmentBody } from '../../schemas/departments.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const admin = { roles: ['admin' as const] };

  const find = async (id: string) => {
    const [row] = await db.select().from(departments).where(eq(departments.id, id));
    if (!row) throw notFound('部门', 'id');
    return row;
  };
  const nameTaken = async (name: string, shortName: string | null | undefined, except?: string) => {
    const rows = await db
      .select({ id: departments.id, name: departments.name, shortName: departments.shortName })
      .from(departments)
      .where(or(eq(departments.name, name), eq(departments.shortName, name), ...(shortName ? [eq(departments.name, shortName), eq(departments.shortName, shortName)] : [])));
    const clash = rows.find((r) => r.id !== except);
    if (clash) throw conflict('NAME_TAKEN', `名称或简称与部门「${clash.name}」重复，导入时将无法区分 / name clashes with ${clash.id}`, 'name');
  };
  const checkParent = async (parentId: string | null | undefined, self?: string) => {
    if (!parentId) return;
    if (parentId === self) throw invalid('上级部门不能是自己 / a department cannot be its own parent', 'parentId');
    const [p] = await db.select({ id: departments.id }).from(departments).where(eq(departments.id, parentId));
    if (!p) throw invalid(`上级部门「${parentId}」不存在 / unknown parent`, 'parentId');
  };

  app.get('/', { schema: { tags: ['departments'], summary: '部门列表', response: { 200: z.array(department), ...errors(401) } } }, () =>
    db.select({ id: departments.id, name: departments.name, shortName: departments.shortName, kind: departments.kind, parentId: departments.parentId }).from(departments).orderBy(asc(departments.name)),
  );

  app.get('/:id', { schema: { tags: ['departments'], summary: '部门详情', params: departmentParams, response: { 200: department, ...errors(401, 404) } } }, async (request) => {
    const { createdAt: _c, ...row } = await find(request.params.id);
    return row;
  });

  app.post(
    '/',
    { config: admin, schema: { tags: ['departments'], summary: '新增部门', body: createDepartmentBody, response: { 201: department, ...errors(401, 403, 409, 422) } } },
    async (request, reply) => {
      const b = request.body;
      const [exists] = await db.select({ id: departments.id }).from(departments).where(eq(departments.id, b.id));
      if (exists) throw conflict('ID_TAKEN', `部门编号「${b.id}」已存在 / id taken`, 'id');
      await nameTaken(b.name, b.shortName);
      await checkParent(b.parentId);
      await db.insert(departments).values({ id: b.id, name: b.name, shortName: b.shortName ?? null, kind: b.kind, parentId: b.parentId ?? null });
      await audit(db, { actor: principalOf(request), action: 'department_created', detail: b });
      const { createdAt: _c, ...row } = await find(b.id);
      return reply.status(201).send(row);
    },
  );

  app.patch(
    '/:id',
    { config: admin, schema: { tags: ['departments'], summary: '修改部门', params: departmentParams, body: updateDepartmentBody, response: { 200: department, ...errors(401, 403, 404, 409, 422) } } },
    async (request) => {
      const current = await find(request.params.id);
      const b = request.body;
      await nameTaken(b.name ?? current.name, b.shortName === undefined ? current.shortName : b.shortName, current.id);
      await checkParent(b.parentId, current.id);
      await db.update(departments).set(b).where(eq(departments.id, current.id));
      await audit(db, { actor: principalOf(request), action: 'department_updated', detail: { departmentId: current.id, ...b } });
      const { createdAt: _c, ...row } = await find(current.id);
      return row;
    },
  );
};

export default routes;
