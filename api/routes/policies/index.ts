// 政策文件: list, create, areas, the policy's measures, dispatching all its drafts at once, and the
// versions of its escalation policy. A new version applies to measures dispatched after it;
// moving running measures to it is not offered here (see README).
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../../db/queries/audit.js';
import { measureSummaries } from '../../../db/queries/measures.js';
import { areas, measures } from '../../../db/schema/index.js';
import { escalationRulesSchema } from '../../../workflows/rules/escalation-schema.js';
import { ApiError, invalid } from '../../errors.js';
import { OFFICE_ROLES, visibleMeasures } from '../../plugins/access.js';
import { actorOf, principalOf } from '../../plugins/auth.js';
import { errors, fieldLabel, idParams, text } from '../../schemas/common.js';
import { measureSummary } from '../../schemas/measures.js';
import { createPolicyBody, dispatchAllResult, escalationVersion, newEscalationVersionBody, policy } from '../../schemas/policies.js';
import { dispatchMeasure } from '../measures/service.js';
import { addEscalationVersion, currentRules, escalationVersions, insertPolicy, policyView, visiblePolicyIds } from './service.js';
import type { Database } from '../../../db/client.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const office = { roles: [...OFFICE_ROLES] };

  const seen = { description: '统筹协调部门与管理员看到全部政策文件；部门与分管领导只看到有本人可见措施（已交办）的文件，方面与计数也只含这些措施。' };

  app.get('/', { schema: { tags: ['policies'], summary: '政策文件列表', ...seen, response: { 200: z.array(policy), ...errors(401) } } }, async (request) => {
    const viewer = principalOf(request);
    return Promise.all((await visiblePolicyIds(db, viewer)).map((id) => policyView(db, id, viewer)));
  });

  app.post(
    '/',
    { config: office, schema: { tags: ['policies'], summary: '新建政策文件（同时建立督办规则第1版）', body: createPolicyBody, response: { 201: policy, ...errors(401, 403, 409, 422) } } },
    async (request, reply) => {
      const { areas: areaTitles, ...meta } = request.body;
      if (new Set(areaTitles).size !== areaTitles.length) throw invalid('方面名称重复 / duplicate area titles', 'areas');
      const { policy: created } = await db.transaction((tx) => insertPolicy(tx as unknown as Database, meta, areaTitles));
      await audit(db, { actor: principalOf(request), action: 'policy_created', detail: { policyId: created.id, code: created.code } });
      return reply.status(201).send(await policyView(db, created.id));
    },
  );

  app.get('/:id', { schema: { tags: ['policies'], summary: '政策文件详情', ...seen, params: idParams, response: { 200: policy, ...errors(401, 404) } } }, (request) =>
    policyView(db, request.params.id, principalOf(request)),
  );

  app.post(
    '/:id/areas',
    { config: office, schema: { tags: ['policies'], summary: '增加方面', params: idParams, body: z.strictObject({ title: text(200) }), response: { 201: policy, ...errors(401, 403, 404, 409, 422) } } },
    async (request, reply) => {
      const p = await policyView(db, request.params.id);
      if (p.areas.some((a) => a.title === request.body.title)) throw new ApiError(409, 'AREA_EXISTS', '该方面已存在 / area exists', 'title');
      await db.insert(areas).values({ policyId: p.id, seq: (p.areas.at(-1)?.seq ?? 0) + 1, title: request.body.title });
      await audit(db, { actor: principalOf(request), action: 'area_created', detail: { policyId: p.id, title: request.body.title } });
      return reply.status(201).send(await policyView(db, p.id));
    },
  );

  app.get(
    '/:id/measures',
    { schema: { tags: ['policies'], summary: '政策文件的措施（统筹协调部门可见草稿）', params: idParams, response: { 200: z.array(measureSummary), ...errors(401, 404) } } },
    async (request) => {
      await policyView(db, request.params.id, principalOf(request));
      const rows = await db
        .select()
        .from(measures)
        .where(and(eq(measures.policyId, request.params.id), visibleMeasures(principalOf(request))))
        .orderBy(asc(measures.seq));
      return measureSummaries(db, rows);
    },
  );

  app.post(
    '/:id/dispatch',
    {
      config: office,
      schema: { tags: ['policies'], summary: '交办政策文件的全部草稿措施', params: idParams, response: { 200: dispatchAllResult, ...errors(401, 403, 404) } },
    },
    async (request) => {
      const p = principalOf(request);
      await policyView(db, request.params.id);
      const drafts = await db
        .select({ id: measures.id, seq: measures.seq })
        .from(measures)
        .where(and(eq(measures.policyId, request.params.id), eq(measures.status, 'draft')))
        .orderBy(asc(measures.seq));
      const dispatched: Array<{ id: string; seq: number }> = [];
      // Drafts whose workflow an earlier dispatch already started (its answer not yet projected), or
      // that another dispatch took meanwhile: not this dispatch's doing, so listed apart.
      const alreadyDispatched: Array<{ id: string; seq: number }> = [];
      const failed: Array<{ id: string; seq: number; code: string; message: string }> = [];
      // A few at a time: Temporal takes them quickly, and one failure does not stop the rest.
      for (let i = 0; i < drafts.length; i += 5) {
        await Promise.all(
          drafts.slice(i, i + 5).map(async (m) => {
            try {
              const { started } = await dispatchMeasure(db, app.measures, m.id, actorOf(p));
              (started ? dispatched : alreadyDispatched).push(m);
            } catch (err) {
              if (err instanceof ApiError && err.code === 'ALREADY_DONE') return void alreadyDispatched.push(m);
              const e = err as { code?: string; message: string };
              failed.push({ id: m.id, seq: m.seq, code: err instanceof ApiError ? err.code : 'DISPATCH_FAILED', message: err instanceof ApiError ? e.message : `交办失败 / dispatch failed: ${e.message}` });
            }
          }),
        );
      }
      const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
      [dispatched, alreadyDispatched, failed].forEach((l) => l.sort(bySeq));
      await audit(db, { actor: p, action: 'policy_dispatched', detail: { policyId: request.params.id, dispatched: dispatched.length, alreadyDispatched: alreadyDispatched.length, failed: failed.length } });
      return { dispatched: dispatched.map((m) => m.id), alreadyDispatched: alreadyDispatched.map((m) => m.id), failed };
    },
  );

  app.get(
    '/:id/escalation-policies',
    { config: office, schema: { tags: ['policies'], summary: '督办规则的各个版本（最新在前）', params: idParams, response: { 200: z.array(escalationVersion), ...errors(401, 403, 404) } } },
    async (request) => {
      await policyView(db, request.params.id);
      return escalationVersions(db, request.params.id);
    },
  );

  app.post(
    '/:id/escalation-policies',
    {
      config: office,
      schema: {
        tags: ['policies'],
        summary: '新建督办规则版本（此后交办的措施适用；已在运行的措施仍按原版本）',
        params: idParams,
        body: newEscalationVersionBody,
        response: { 201: escalationVersion, ...errors(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const base = await currentRules(db, request.params.id);
      const merged = escalationRulesSchema.safeParse({ ...base, ...request.body.rules });
      if (!merged.success) {
        const path = ['rules', ...merged.error.issues[0]!.path.map(String)];
        throw invalid(`督办规则无效（${fieldLabel(path)}）：${merged.error.issues[0]!.message}`, path.join('.'));
      }
      const version = await addEscalationVersion(db, request.params.id, merged.data);
      await audit(db, { actor: principalOf(request), action: 'escalation_policy_created', detail: { policyId: request.params.id, version, changes: request.body.rules } });
      const [created] = (await escalationVersions(db, request.params.id)).filter((v) => v.version === version);
      return reply.status(201).send(created!);
    },
  );
};

export default routes;
