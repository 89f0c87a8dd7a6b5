// 政策文件: created by hand or imported whole. A new policy gets escalation policy version 1 (the
// default rules); later versions apply to measures dispatched after them.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { areas, escalationPolicies, measures, policies } from '../../../db/schema/index.js';
import { DEFAULT_RULES, type EscalationRules } from '../../../workflows/rules/escalation.js';
import { escalationRulesSchema } from '../../../workflows/rules/escalation-schema.js';
import { conflict, notFound } from '../../errors.js';
import { isOffice, visibleMeasures } from '../../plugins/access.js';
import type { Principal } from '../../plugins/auth.js';

export interface PolicyMeta {
  code: string;
  title: string;
  issuer?: string | null | undefined;
  issuedOn?: string | null | undefined;
}

/** Inserts the policy, its areas (in order) and escalation version 1; 409 when the code is taken. */
export async function insertPolicy(tx: Database, meta: PolicyMeta, areaTitles: string[], rules: EscalationRules = DEFAULT_RULES) {
  const [policy] = await tx
    .insert(policies)
    .values({ code: meta.code, title: meta.title, issuer: meta.issuer ?? null, issuedOn: meta.issuedOn ?? null, escalationPolicyVersion: 1 })
    .onConflictDoNothing({ target: policies.code })
    .returning();
  if (!policy) throw conflict('CODE_TAKEN', `文件编号「${meta.code}」已存在 / a policy with this code exists`, 'code');
  // Through the one schema: an import never stores rules the workflow would refuse.
  await tx.insert(escalationPolicies).values({ policyId: policy.id, version: 1, rules: escalationRulesSchema.parse({ ...rules, version: 1 }) });
  const areaRows = areaTitles.length
    ? await tx
        .insert(areas)
        .values(areaTitles.map((title, i) => ({ policyId: policy.id, seq: i + 1, title })))
        .returning()
    : [];
  return { policy, areas: areaRows };
}

/**
 * A policy as `viewer` may see it. The office and admins (and the API itself, without a viewer) see
 * every area and count; anyone else sees a policy only once a measure of it is theirs to see, and
 * only the areas and counts of those measures — no drafts, no other departments' work.
 */
export async function policyView(db: Database, id: string, viewer?: Principal) {
  const [p] = await db.select().from(policies).where(eq(policies.id, id));
  if (!p) throw notFound('政策文件', 'id');
  const everything = !viewer || isOffice(viewer);
  const counts = await db
    .select({ areaId: measures.areaId, status: measures.status, n: sql<number>`count(*)::int` })
    .from(measures)
    .where(and(eq(measures.policyId, id), viewer ? visibleMeasures(viewer) : undefined))
    .groupBy(measures.areaId, measures.status);
  if (!everything && counts.length === 0) throw notFound('政策文件', 'id');
  const areaRows = await db.select({ id: areas.id, seq: areas.seq, title: areas.title }).from(areas).where(eq(areas.policyId, id)).orderBy(asc(areas.seq));
  const sum = (rows: typeof counts) => rows.reduce((n, r) => n + r.n, 0);
  const measureCounts: Record<string, number> = {};
  for (const c of counts) measureCounts[c.status] = (measureCounts[c.status] ?? 0) + c.n;
  return {
    id: p.id,
    code: p.code,
    title: p.title,
    issuer: p.issuer,
    issuedOn: p.issuedOn,
    escalationPolicyVersion: p.escalationPolicyVersion,
    createdAt: p.createdAt.toISOString(),
    areas: areaRows.map((a) => ({ ...a, measures: sum(counts.filter((c) => c.areaId === a.id)) })).filter((a) => everything || a.measures > 0),
    measureCounts,
  };
}

/** The ids of the policies `viewer` may see, oldest first. */
export async function visiblePolicyIds(db: Database, viewer: Principal): Promise<string[]> {
  const scope = visibleMeasures(viewer);
  const rows = await db
    .select({ id: policies.id })
    .from(policies)
    .where(isOffice(viewer) ? undefined : sql`exists (select 1 from measures where measures.policy_id = ${policies.id} and ${scope})`)
    .orderBy(asc(policies.createdAt), asc(policies.code));
  return rows.map((r) => r.id);
}

export async function escalationVersions(db: Database, policyId: string) {
  const rows = await db.select().from(escalationPolicies).where(eq(escalationPolicies.policyId, policyId)).orderBy(desc(escalationPolicies.version));
  return rows.map((r) => ({ version: r.version, rules: r.rules as EscalationRules, createdAt: r.createdAt.toISOString() }));
}

/** A new escalation version: the current rules with the changes given; new dispatches use it. */
export async function addEscalationVersion(db: Database, policyId: string, rules: EscalationRules) {
  return db.transaction(async (tx) => {
    // Lock the policy row: two editors at once get consecutive versions, not the same one.
    const [p] = await tx.select().from(policies).where(eq(policies.id, policyId)).for('update');
    if (!p) throw notFound('政策文件', 'id');
    const [{ latest } = { latest: 0 }] = await tx
      .select({ latest: sql<number>`coalesce(max(${escalationPolicies.version}), 0)::int` })
      .from(escalationPolicies)
      .where(eq(escalationPolicies.policyId, policyId));
    const version = latest + 1;
    await tx.insert(escalationPolicies).values({ policyId, version, rules: { ...rules, version } });
    await tx.update(policies).set({ escalationPolicyVersion: version }).where(eq(policies.id, policyId));
    return version;
  });
}

export async function currentRules(db: Database, policyId: string): Promise<EscalationRules> {
  const [p] = await db.select().from(policies).where(eq(policies.id, policyId));
  if (!p) throw notFound('政策文件', 'id');
  const [row] = await db
    .select()
    .from(escalationPolicies)
    .where(and(eq(escalationPolicies.policyId, policyId), eq(escalationPolicies.version, p.escalationPolicyVersion)));
  return row ? (row.rules as EscalationRules) : { ...DEFAULT_RULES, version: p.escalationPolicyVersion };
}
