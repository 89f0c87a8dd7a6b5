// 措施: drafts, dispatch (交办), the detail page, and every action of the measure workflow as a
// Temporal Update. The workflow decides; its rejection becomes the HTTP error (FORBIDDEN → 403,
// INVALID_STATE → 409, VALIDATION → 422, …). Reads come from PostgreSQL only.
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { audit } from '../../../db/queries/audit.js';
import { listEntryOf, measureHistory, measureSummaries, policyOf } from '../../../db/queries/measures.js';
import { measures } from '../../../db/schema/index.js';
import { MeasureActionError, MeasureActionUnconfirmedError, type MeasureAction, type MeasureActionArgs } from '../../measure-client.js';
import { conflict, forbidden, invalid } from '../../errors.js';
import { findVisibleMeasure, isOffice, OFFICE_ROLES } from '../../plugins/access.js';
import { actorOf, principalOf, type Principal } from '../../plugins/auth.js';
import { idempotencyKeyOf } from '../../plugins/idempotency.js';
import { errors, idParams, type Role } from '../../schemas/common.js';
import { actionBodies, createMeasureBody, dispatchResult, measureDetail, measureState, measureSummary, updateMeasureBody } from '../../schemas/measures.js';
import { withDepartmentIds } from '../departments/service.js';
import { describeDeadline, parseDeadline } from '../../../workflows/rules/deadline.js';
import { allowedActions } from '../../../common/allowed-actions.js';
import { checkEvidenceFiles } from '../evidence/service.js';
import { createDraft, dispatchMeasure, rulesFor, updateDraft } from './service.js';

/** Whether the read model's snapshot holds an extension request awaiting the office. */
const hasPendingExtension = (snapshot: unknown) => Boolean((snapshot as { pendingExtension?: unknown } | null)?.pendingExtension);

const DEPARTMENT: Role[] = ['department'];
const OFFICE: Role[] = [...OFFICE_ROLES];

/** Each workflow action: its URL segment, who may call it, and what it is called. */
const ACTIONS: Record<MeasureAction, { path: string; roles: Role[]; summary: string; ownDepartment?: boolean }> = {
  acknowledge: { path: 'acknowledge', roles: DEPARTMENT, summary: '签收（牵头单位签收后进入督办清单）', ownDepartment: true },
  decline: { path: 'decline', roles: DEPARTMENT, summary: '申请调整（不予签收，说明理由）', ownDepartment: true },
  submitProgress: { path: 'submit-progress', roles: DEPARTMENT, summary: '进展反馈', ownDepartment: true },
  applyClosure: { path: 'apply-closure', roles: DEPARTMENT, summary: '申请销号（牵头单位，附佐证材料）' },
  requestExtension: { path: 'request-extension', roles: DEPARTMENT, summary: '申请延期（牵头单位）' },
  reviewClosure: { path: 'review-closure', roles: OFFICE, summary: '销号审核：通过或退回' },
  decideExtension: { path: 'decide-extension', roles: OFFICE, summary: '审批延期申请' },
  reassignLead: { path: 'reassign-lead', roles: OFFICE, summary: '调整牵头单位' },
  cancel: { path: 'cancel', roles: OFFICE, summary: '撤销措施' },
  flag: { path: 'flag', roles: OFFICE, summary: '挂牌督办或取消挂牌' },
};

/**
 * A new deadline (延期) written as the import's 完成时限 is written — 2027年6月底前, 2027年第二季度 —
 * or as 2027-06-30: the day it names, which the workflow takes as YYYY-MM-DD.
 */
export function readNewDeadline(text: string): { text: string; date: string; description: string } {
  const parsed = parseDeadline(text);
  if (!parsed.ok) throw invalid(`新的完成时限（newDeadline）无法识别：${parsed.error}`, 'newDeadline');
  if (parsed.spec.kind !== 'date') {
    throw invalid(`新的完成时限（newDeadline）应落在某一天（如 2027年6月底前、2027-06-30），「${text}」读作“${describeDeadline(parsed.spec)}” / newDeadline must name a day`, 'newDeadline');
  }
  return { text, date: parsed.spec.date, description: describeDeadline(parsed.spec) };
}

export function temporalUrl(settings: { temporalUiUrl: string | undefined; temporalNamespace: string }, measureId: string, workflowId: string | null): string | null {
  if (!settings.temporalUiUrl || !workflowId) return null;
  return `${settings.temporalUiUrl}/namespaces/${encodeURIComponent(settings.temporalNamespace)}/workflows/measure-${measureId}`;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const office = { roles: OFFICE };

  const summary = async (id: string) => {
    const [m] = await db.select().from(measures).where(eq(measures.id, id));
    return (await measureSummaries(db, [m!]))[0]!;
  };

  app.post(
    '/',
    { config: office, schema: { tags: ['measures'], summary: '新建措施（草稿）', body: createMeasureBody, response: { 201: measureSummary, ...errors(401, 403, 409, 422) } } },
    async (request, reply) => {
      const { policyId, ...input } = await withDepartmentIds(db, request.body, ['leadDepartmentId', 'cooperatingDepartmentIds']);
      const id = await createDraft(db, policyId, input);
      await audit(db, { actor: principalOf(request), action: 'create', measureId: id, detail: { policyId, title: input.title } });
      return reply.status(201).send(await summary(id));
    },
  );

  app.get(
    '/:id',
    { schema: { tags: ['measures'], summary: '措施详情：时间线、进展反馈、督办记录、佐证材料', params: idParams, response: { 200: measureDetail, ...errors(401, 404) } } },
    async (request) => {
      const p = principalOf(request);
      const m = await findVisibleMeasure(db, p, request.params.id);
      const [base] = await measureSummaries(db, [m]);
      const entry = await listEntryOf(db, m.id);
      return {
        ...base!,
        policy: await policyOf(db, m.policyId),
        entry,
        // The Temporal UI has no sign-in of its own and offers cancellation: the office's and admins' only.
        temporalUrl: isOffice(p) ? temporalUrl(app.settings, m.id, m.workflowId) : null,
        ...(await measureHistory(db, m.id)),
        allowedActions: allowedActions(p, { status: m.status, assignments: base!.assignments, deadlineAt: entry?.deadlineAt ?? null, extensionPending: hasPendingExtension(entry?.snapshot) }),
      };
    },
  );

  app.patch(
    '/:id',
    { config: office, schema: { tags: ['measures'], summary: '修改措施（仅限交办前）', params: idParams, body: updateMeasureBody, response: { 200: measureSummary, ...errors(401, 403, 404, 409, 422) } } },
    async (request) => {
      const p = principalOf(request);
      const m = await findVisibleMeasure(db, p, request.params.id);
      await updateDraft(db, m, await withDepartmentIds(db, request.body, ['leadDepartmentId', 'cooperatingDepartmentIds']));
      await audit(db, { actor: p, action: 'update', measureId: m.id, detail: request.body as Record<string, unknown> });
      return summary(m.id);
    },
  );

  app.post(
    '/:id/dispatch',
    { config: office, schema: { tags: ['measures'], summary: '交办：启动该措施的工作流', params: idParams, response: { 200: dispatchResult, ...errors(401, 403, 404, 409, 422) } } },
    async (request) => {
      const p = principalOf(request);
      const m = await findVisibleMeasure(db, p, request.params.id);
      const { workflowId, started } = await dispatchMeasure(db, app.measures, m.id, actorOf(p));
      return { id: m.id, workflowId, status: 'dispatched', newlyDispatched: started, temporalUrl: temporalUrl(app.settings, m.id, workflowId) };
    },
  );

  for (const [action, def] of Object.entries(ACTIONS) as Array<[MeasureAction, (typeof ACTIONS)[MeasureAction]]>) {
    app.post(
      `/:id/${def.path}`,
      {
        config: { roles: def.roles },
        schema: {
          tags: ['measures'],
          summary: def.summary,
          description: `工作流操作 \`${action}\`。携带 \`Idempotency-Key\` 时作为 Temporal Update 的 id，重复提交不会重复生效。`,
          params: idParams,
          body: actionBodies[action],
          response: { 200: measureState, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const m = await findVisibleMeasure(db, p, request.params.id);
        if (m.status === 'draft') throw conflict('INVALID_STATE', '措施尚未交办 / the measure has not been dispatched');
        if (m.status === 'closed' || m.status === 'cancelled') throw conflict('MEASURE_CLOSED', m.status === 'closed' ? '措施已销号，不能再操作 / the measure is closed' : '措施已撤销，不能再操作 / the measure is cancelled');
        // Rules stored before they were checked as the workflow checks them may be ones it cannot
        // run (0.5 working days): say so, naming the field, rather than wait on a failing workflow.
        await rulesFor(db, m.policyId, m.escalationPolicyVersion ?? 1, m.settingsOverride);
        const body = request.body as Record<string, unknown>;
        const readAs = typeof body.newDeadline === 'string' ? readNewDeadline(body.newDeadline) : undefined;
        const args = await argsFor(action, readAs ? { ...body, newDeadline: readAs.date } : body, p);
        // Uploaded files a report or closure names must be this department's, for this measure.
        if (action === 'submitProgress' || action === 'applyClosure') await checkEvidenceFiles(db, m.id, p.departmentId, (body as { evidence?: unknown }).evidence);
        const key = idempotencyKeyOf(request);
        try {
          // The key is scoped to the person: two people's keys never collide as Update ids.
          const state = await app.measures.act(m.id, action, args, key ? `${p.id}:${key}` : undefined);
          return readAs ? { ...state, newDeadlineReadAs: readAs } : state;
        } catch (err) {
          // Not a closed measure's refusal: the workflow answered, or could not be asked in time.
          if (err instanceof MeasureActionError || err instanceof MeasureActionUnconfirmedError) throw err;
          const [now] = await db.select({ status: measures.status }).from(measures).where(eq(measures.id, m.id));
          if (now?.status === 'closed' || now?.status === 'cancelled') throw conflict('MEASURE_CLOSED', '措施已办结，不能再操作 / the measure is no longer open');
          throw err;
        }
      },
    );
  }

  async function argsFor<A extends MeasureAction>(action: A, given: Record<string, unknown>, p: Principal): Promise<MeasureActionArgs[A]> {
    const actor = actorOf(p);
    const body = await withDepartmentIds(db, given, ['departmentId']);
    if (ACTIONS[action].ownDepartment) {
      const departmentId = (body.departmentId as string | undefined) ?? p.departmentId ?? undefined;
      if (!departmentId || departmentId !== p.departmentId) throw forbidden('只能以本部门身份操作 / you may act only for your own department', 'departmentId');
      return { ...body, departmentId, actor } as unknown as MeasureActionArgs[A];
    }
    return { ...body, actor } as unknown as MeasureActionArgs[A];
  }
};

export default routes;
