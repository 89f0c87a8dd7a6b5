// The world the fuzz test attacks, made through the API as an office would: policies with areas
// and escalation versions, measures in every state of their life (drafts; dispatched and running in
// Temporal; acknowledged, reported, under closure review, with an extension pending, closed,
// cancelled) and of several departments, notification channels (one that always fails, so there
// are failed deliveries to retry), inbox messages, a leader's digest subscription. Between
// requests it keeps that world usable: the signed-in people restored when a request changed or
// signed them out, fresh measures when the open ones run out, and no timers left to fire while
// the tables are compared.
import { type Client, ScheduleNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { eq, inArray } from 'drizzle-orm';
import { scheduleIds } from '../../../activities/notifications/schedules.js';
import { hashPassword } from '../../../api/auth/passwords.js';
import { leaderAreas, leaderDepartments, measures, people } from '../../../db/schema/index.js';
import { createDraft, createPolicy, dispatchedMeasure, PASSWORD, USERS, waitForList, type ApiEnv, type User } from '../api.js';
import type { PoolKind } from './values.js';
import type { Who } from './requests.js';

export type Pools = Record<PoolKind, string[]>;

const ok = async (what: string, res: { statusCode: number; body: string }, ...expected: number[]) => {
  if (!(expected.length ? expected : [200, 201]).includes(res.statusCode)) throw new Error(`fixture: ${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
};

export async function seedFixture(api: ApiEnv, settings: { scheduleIdPrefix: string }): Promise<void> {
  const policyA = await createPolicy(api, { title: '关于加快培育新质生产力的若干措施', areas: ['优化创新平台建设', '深化医药卫生体制改革'] });
  const policyB = await createPolicy(api, { title: '关于进一步改善医疗服务的若干措施' });
  await ok('escalation version', await api.post('office', `/api/policies/${policyA.id}/escalation-policies`, { rules: { behindPlanPoints: 30 } }));

  for (const lead of ['health', 'finance', 'health']) await createDraft(api, policyA, { leadDepartmentId: lead, cooperatingDepartmentIds: lead === 'finance' ? ['health'] : ['finance'], title: `草稿措施（${lead}）` });
  await createDraft(api, policyB, { leadDepartmentId: 'hrss', cooperatingDepartmentIds: ['health'] });

  const dispatch = (overrides: Record<string, unknown>) => dispatchedMeasure(api, overrides, policyA);
  await dispatch({ title: '卫健牵头、待签收' });
  await dispatch({ title: '财政牵头、人社配合', leadDepartmentId: 'finance', cooperatingDepartmentIds: ['hrss'] });
  await dispatchedMeasure(api, { title: '人社牵头、医保配合', leadDepartmentId: 'hrss', cooperatingDepartmentIds: ['medsec'] }, policyB);

  const act = async (who: User, id: string, action: string, body: unknown = {}) => ok(`${action} ${id}`, await api.post(who, `/api/measures/${id}/${action}`, body));
  const supervised = async (title: string) => {
    const id = await dispatch({ title });
    await act('health', id, 'acknowledge');
    await waitForList(api, id, 'supervision');
    return id;
  };
  await supervised('督办中');
  const reported = await supervised('督办中、已反馈');
  await act('health', reported, 'submit-progress', { text: '本月完成立项。', percent: 40, evidence: [{ name: '立项批复.pdf', url: 'https://example.gov.cn/1.pdf' }] });
  const review = await supervised('销号审核中');
  await act('health', review, 'apply-closure', { summary: '已全部完成。', evidence: [{ name: '验收报告.pdf' }] });
  const closed = await supervised('已销号');
  await act('health', closed, 'apply-closure', { summary: '已全部完成。', evidence: [{ name: '验收报告.pdf' }] });
  await act('office', closed, 'review-closure', { decision: 'approve' });
  const extension = await supervised('延期待批');
  await act('health', extension, 'request-extension', { newDeadline: '2031-06-30', reason: '需跨年度实施。' });
  const cancelled = await dispatch({ title: '已撤销' });
  await act('office', cancelled, 'cancel', { reason: '任务调整。' });

  // A robot nobody answers (nothing listens on port 9): deliveries to it fail, for the admin's retry.
  await ok('channel', await api.post('admin', '/api/notifications/channels', { departmentId: 'hrss', kind: 'wecom', target: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=fuzz-fixture' }));
  await ok('channel', await api.post('leader', '/api/notifications/channels', { personId: api.ids.leader, kind: 'email', target: 'leader@example.gov.cn' }));
  await ok('subscription', await api.req('leader', 'PUT', `/api/digests/subscriptions/${api.ids.leader}`, { schedule: { dayOfWeek: 'FRIDAY', hour: 9, minute: 0 } }));
  await dropDigestSchedules(api, settings, [api.ids.leader]);
  // A measure whose notifications go to the failing robot.
  await dispatchedMeasure(api, { title: '人社牵头（机器人不可达）', leadDepartmentId: 'hrss', cooperatingDepartmentIds: [] }, policyB);
}

/** Digest schedules fire on the clock: the fuzz test removes those it made, so none fires mid-comparison. */
export async function dropDigestSchedules(api: ApiEnv, settings: { scheduleIdPrefix: string }, personIds: string[]): Promise<void> {
  for (const personId of personIds) {
    try {
      await api.env.client.schedule.getHandle(scheduleIds(settings).leader(personId)).delete();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
}

/** Rows by kind, in a stable order (so a seed picks the same rows again); set-aside measures left out. */
export async function pools(api: ApiEnv, setAside: ReadonlySet<string>): Promise<Pools> {
  const q = (text: string) =>
    api.env.database.sql
      .unsafe<Array<{ id: string }>>(text)
      .then((rows) => rows.map((r) => String(r.id)).filter((id) => !setAside.has(id)));
  return {
    measure: await q('select id from measures order by created_at, id'),
    openMeasure: await q(`select id from measures where status in ('dispatched', 'supervised', 'closure_review') order by created_at, id`),
    policy: await q('select id from policies order by created_at, id'),
    area: await q('select id from areas order by policy_id, seq'),
    person: await q('select id from people order by created_at, id'),
    department: await q('select id from departments order by created_at, id'),
    channel: await q('select id from notification_channels order by created_at, id'),
    outbox: await q('select id from notification_outbox order by id'),
    inbox: await q('select id from inbox_messages order by id'),
  };
}

const OPEN = ['dispatched', 'supervised', 'closure_review'] as const;

/** An answer within the time the fuzz test allows, or undefined. */
export async function within<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Measures running on rules that fire within minutes (a time in seconds, minutes or hours, or a
 * fraction of a day; a zero is the default rungs' "at once" and fires only at its due time) —
 * rules the fuzz may write into an escalation version or a draft and then dispatch — are cancelled
 * at once: their timers would write to the tables while a rejected request is being checked.
 * Returns the measures whose cancel got no answer.
 */
export async function cancelFastMeasures(api: ApiEnv, setAside: ReadonlySet<string>): Promise<string[]> {
  const fast = await api.env.database.sql<Array<{ id: string }>>`
    select m.id from measures m
    join escalation_policies e on e.policy_id = m.policy_id and e.version = m.escalation_policy_version
    where m.status in ('dispatched', 'supervised', 'closure_review')
      and jsonb_path_exists(e.rules || coalesce(m.settings_override, '{}'::jsonb), '$.** ? (@.amount > 0 && (@.amount < 1 || @.unit == "seconds" || @.unit == "minutes" || @.unit == "hours"))')`;
  const stuck: string[] = [];
  for (const { id } of fast.filter((m) => !setAside.has(m.id))) {
    const res = await within(10_000, api.post('admin', `/api/measures/${id}/cancel`, { reason: '模糊测试：规则计时过短 / fuzz harness: timers too short' }));
    if (!res) stuck.push(id);
    else if (res.statusCode !== 200 && res.statusCode !== 409) throw new Error(`cancel fast measure ${id}: ${res.statusCode} ${res.body}`);
  }
  return stuck;
}

/** Open measures the departments can act on: new ones when fewer than a few are left. */
export async function replenish(api: ApiEnv, setAside: ReadonlySet<string>): Promise<number> {
  const open = (
    await api.env.database.db
      .select({ id: measures.id })
      .from(measures)
      .where(inArray(measures.status, [...OPEN]))
  ).filter((m) => !setAside.has(m.id));
  if (open.length >= 6) return 0;
  const policy = await createPolicy(api, { title: '补充措施' });
  for (let i = 0; i < 3; i++) await dispatchedMeasure(api, { title: `补充措施${i + 1}` }, policy);
  return 3;
}

/**
 * The signed-in people as the fixture made them: a request may have signed one out, changed their
 * password, role or department, or deactivated them. Returns whom it signed in again.
 */
export async function restorePeople(api: ApiEnv): Promise<Who[]> {
  const db = api.env.database.db;
  const restored: Who[] = [];
  for (const user of Object.keys(USERS) as User[]) {
    if (user === 'hrss') continue; // not one of the fuzz test's people
    const me = await api.get(user, '/api/auth/me');
    const def = USERS[user];
    const body = me.statusCode === 200 ? me.json() : undefined;
    const intact = body && body.role === def.role && body.departmentId === def.departmentId && (user !== 'leader' || (body.leaderDepartmentIds.join() === 'health' && body.leaderAreaIds.length === 0));
    if (intact) continue;
    await db
      .update(people)
      .set({ role: def.role, departmentId: def.departmentId, active: true, passwordHash: await hashPassword(PASSWORD, 4) })
      .where(eq(people.id, api.ids[user]));
    if (user === 'leader') {
      await db.delete(leaderDepartments).where(eq(leaderDepartments.leaderId, api.ids.leader));
      await db.delete(leaderAreas).where(eq(leaderAreas.leaderId, api.ids.leader));
      await db.insert(leaderDepartments).values({ leaderId: api.ids.leader, departmentId: 'health' });
    }
    api.tokens[user] = await api.login(user);
    restored.push(user as Who);
  }
  return restored;
}

/**
 * Every workflow the API or the worker starts, except the measures' own (they run for months):
 * deliveries and digests. The real client still starts them; this only keeps their handles, so the
 * harness can wait for them to finish — visibility queries lag behind a start by a moment.
 */
export function trackStartedWorkflows(client: Client): { running(): Promise<string[]> } {
  const started: WorkflowHandle[] = [];
  const workflows = client.workflow;
  const start = workflows.start.bind(workflows);
  workflows.start = (async (...args: Parameters<typeof start>) => {
    const handle = await start(...args);
    const type = typeof args[0] === 'string' ? args[0] : args[0].name;
    if (type !== 'measureWorkflow') started.push(handle);
    return handle;
  }) as typeof start;
  return {
    /** Those still running after a short wait for each. */
    async running() {
      const still: string[] = [];
      for (const handle of started.splice(0)) {
        const done = await within(
          20_000,
          handle.result().then(
            () => true,
            () => true,
          ),
        );
        if (!done) still.push(handle.workflowId);
      }
      return still;
    },
  };
}

/**
 * Work still going on in the background: outbox entries waiting for delivery, and dispatched
 * measures whose workflow has not yet written them into the lists (it does so right after it
 * starts). Measures set aside are not waited for.
 */
export async function backgroundWork(api: ApiEnv, setAside: ReadonlySet<string>): Promise<{ busy: number; unprojected: string[] }> {
  const sql = api.env.database.sql;
  const [outbox] = await sql<Array<{ n: number }>>`select count(*)::int as n from notification_outbox where status = 'pending'`;
  // A calendar change carries on after its request answered, until every open measure has moved.
  const [rollouts] = await sql<Array<{ n: number }>>`select count(*)::int as n from calendar_rollouts where status = 'pending'`;
  const unprojected = (
    await sql<Array<{ id: string }>>`select m.id from measures m where m.workflow_id is not null and not exists (select 1 from list_entries e where e.measure_id = m.id)`
  )
    .map((r) => r.id)
    .filter((id) => !setAside.has(id));
  return { busy: outbox!.n + rollouts!.n + unprojected.length, unprojected };
}
