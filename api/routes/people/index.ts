// 人员管理 (admin only): list, create, change, deactivate; a leader's departments and areas.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../../db/queries/audit.js';
import { principalOf } from '../../plugins/auth.js';
import { errors, idParams } from '../../schemas/common.js';
import { createPersonBody, person, updatePersonBody } from '../../schemas/people.js';
import { withDepartmentIds } from '../departments/service.js';
import { createPerson, peopleViews, personView, updatePerson } from './service.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const config = { roles: ['admin' as const] };

  app.get('/', { config, schema: { tags: ['people'], summary: '人员列表', response: { 200: z.array(person), ...errors(401, 403) } } }, () => peopleViews(db));

  app.get('/:id', { config, schema: { tags: ['people'], summary: '人员详情', params: idParams, response: { 200: person, ...errors(401, 403, 404) } } }, (request) =>
    personView(db, request.params.id),
  );

  app.post(
    '/',
    { config, schema: { tags: ['people'], summary: '新增人员', body: createPersonBody, response: { 201: person, ...errors(401, 403, 409, 422) } } },
    async (request, reply) => {
      const created = await createPerson(db, await withDepartmentIds(db, request.body, ['departmentId', 'leaderDepartmentIds']));
      const { password: _password, ...detail } = request.body;
      await audit(db, { actor: principalOf(request), action: 'person_created', detail: { personId: created.id, ...detail } });
      return reply.status(201).send(created);
    },
  );

  app.patch(
    '/:id',
    { config, schema: { tags: ['people'], summary: '修改人员（改密码、角色、部门或停用会使其会话失效）', params: idParams, body: updatePersonBody, response: { 200: person, ...errors(401, 403, 404, 409, 422) } } },
    async (request) => {
      const p = principalOf(request);
      const updated = await updatePerson(db, request.params.id, await withDepartmentIds(db, request.body, ['departmentId', 'leaderDepartmentIds']), p.id);
      const { password, ...detail } = request.body;
      await audit(db, { actor: p, action: 'person_updated', detail: { personId: updated.id, ...detail, ...(password ? { passwordReset: true } : {}) } });
      return updated;
    },
  );
};

export default routes;
