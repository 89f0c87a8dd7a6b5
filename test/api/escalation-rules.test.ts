// One schema for the escalation rules: the API refuses what the workflow cannot run (0.5 working
// days), naming the field; rules stored before that check are refused at dispatch and at every
// action instead of starting (or waking) a workflow that fails; and a workflow started with such
// rules by anyone else fails at once, naming the field, instead of sitting as a draft.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationPolicies, measures, policies } from '../../db/schema/index.js';
import { DEFAULT_RULES } from '../../workflows/rules/escalation.js';
import { newMeasure } from '../support/measures.js';
import { createApiEnv, createDraft, createPolicy, dispatchedMeasure, expectErrorShape, type ApiEnv } from '../support/api.js';

let api: ApiEnv;
beforeAll(async () => {
  api = await createApiEnv('rules');
});
afterAll(async () => api?.close());

const half = { unit: 'working_days', amount: 0.5 };
const db = () => api.env.database.db;

/** Rules as an earlier version of the API stored them, unchecked. */
async function storeUncheckedVersion(policyId: string, change: Record<string, unknown>) {
  const [p] = await db().select().from(policies).where(eq(policies.id, policyId));
  const version = p!.escalationPolicyVersion + 1;
  await db().insert(escalationPolicies).values({ policyId, version, rules: { ...DEFAULT_RULES, ...change, version } });
  await db().update(policies).set({ escalationPolicyVersion: version }).where(eq(policies.id, policyId));
  return version;
}

describe('escalation rules', () => {
  it('are refused by the API exactly where the workflow cannot run them, naming the field', async () => {
    const policy = await createPolicy(api);
    const version = await api.post('office', `/api/policies/${policy.id}/escalation-policies`, { rules: { acknowledgeDue: half } });
    const body = expectErrorShape(version, 422, 'VALIDATION');
    expect(body).toMatchObject({ field: 'rules.acknowledgeDue.amount', message: expect.stringContaining('须为整数') });
    const ladder = await api.post('office', `/api/policies/${policy.id}/escalation-policies`, { rules: { reportLadder: [{ level: 1, after: { unit: 'calendar_days', amount: 1.5 } }] } });
    expect(expectErrorShape(ladder, 422, 'VALIDATION').field).toBe('rules.reportLadder.0.after.amount');
    const draft = await api.post('office', '/api/measures', { policyId: policy.id, title: '半天', deadline: '2030年底前', leadDepartmentId: 'health', settingsOverride: { dueSoon: half } });
    expect(expectErrorShape(draft, 422, 'VALIDATION').field).toBe('settingsOverride.dueSoon.amount');
    // What the workflow can run is accepted: whole days, fractional seconds.
    const fine = await api.post('office', `/api/policies/${policy.id}/escalation-policies`, { rules: { acknowledgeDue: { unit: 'working_days', amount: 2 }, reviewDue: { unit: 'hours', amount: 1.5 } } });
    expect(fine.statusCode, fine.body).toBe(201);
  });

  it('stored unchecked are refused at dispatch, and the measure stays an editable draft', async () => {
    const policy = await createPolicy(api);
    const id = await createDraft(api, policy);
    const version = await storeUncheckedVersion(policy.id, { acknowledgeDue: half });
    const res = await api.post('office', `/api/measures/${id}/dispatch`);
    const body = expectErrorShape(res, 422, 'VALIDATION');
    expect(body.field).toBe('rules.acknowledgeDue.amount');
    expect(body.message).toContain(`督办规则第${version}版`);
    const [m] = await db().select().from(measures).where(eq(measures.id, id));
    expect(m).toMatchObject({ status: 'draft', workflowId: null });

    const all = await api.post('office', `/api/policies/${policy.id}/dispatch`);
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ dispatched: [], failed: [{ id, code: 'VALIDATION' }] });

    // A corrected version lets it go.
    const fixed = await api.post('office', `/api/policies/${policy.id}/escalation-policies`, { rules: { acknowledgeDue: { unit: 'working_days', amount: 1 } } });
    expect(fixed.statusCode, fixed.body).toBe(201);
    const ok = await api.post('office', `/api/measures/${id}/dispatch`);
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('stored unchecked under a running measure refuse its actions at once (422, not 500), before the workflow hears of them', async () => {
    const policy = await createPolicy(api);
    const id = await dispatchedMeasure(api, {}, policy);
    const [m] = await db().select().from(measures).where(eq(measures.id, id));
    // Its version is rewritten as an earlier API would have stored it: the next rounds every half working day.
    await db()
      .update(escalationPolicies)
      .set({ rules: { ...DEFAULT_RULES, version: m!.escalationPolicyVersion, cadence: { kind: 'every', every: half } } })
      .where(and(eq(escalationPolicies.policyId, policy.id), eq(escalationPolicies.version, m!.escalationPolicyVersion!)));
    const res = await api.post('health', `/api/measures/${id}/acknowledge`, {});
    expect(expectErrorShape(res, 422, 'VALIDATION').field).toBe('rules.cadence.every.amount');
    const state = await api.app.measures.state(id);
    expect(state.status).toBe('dispatched');
    expect(state.timeline.map((t) => t.action)).not.toContain('acknowledge');
  });

  it('handed to the workflow by another starter fail its run at once, naming the field', async () => {
    const input = await newMeasure(db(), { rules: { reportDue: { unit: 'calendar_days', amount: 0.5 } } });
    const handle = await api.app.measures.start(input);
    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'INVALID_RULES', nonRetryable: true, message: expect.stringContaining('rules.reportDue.amount') });
    expect((cause as ApplicationFailure).details).toEqual([{ field: 'rules.reportDue.amount' }]);
    // Nothing of it reached the lists.
    const [m] = await db().select().from(measures).where(eq(measures.id, input.measureId));
    expect(m!.status).toBe('draft');
  });
});
