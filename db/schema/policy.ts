import { relations } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/** 政策文件: a package of measures, e.g. 《若干措施》. */
export const policies = pgTable(
  'policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull().unique(),
    title: text('title').notNull(),
    issuer: text('issuer'),
    issuedOn: date('issued_on'),
    // The escalation policy version new measures of this policy run under.
    escalationPolicyVersion: integer('escalation_policy_version').notNull().default(1),
    // What an import read (its measures, as written): the same workbook sent twice is recognised
    // and refused unless the office confirms it. Null for policies made by hand.
    importFingerprint: text('import_fingerprint'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('policies_import_fingerprint_idx').on(t.importFingerprint)],
);

/** 方面: a group of measures inside a policy. */
export const areas = pgTable(
  'areas',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    policyId: uuid('policy_id').notNull().references(() => policies.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
  },
  (t) => [unique().on(t.policyId, t.seq)],
);

/**
 * Escalation policy as data, with a version: a measure records the version it runs under, and
 * changing the rules makes a new version rather than editing one that measures depend on.
 */
export const escalationPolicies = pgTable(
  'escalation_policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    policyId: uuid('policy_id').notNull().references(() => policies.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    rules: jsonb('rules').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.policyId, t.version)],
);

export const policiesRelations = relations(policies, ({ many }) => ({
  areas: many(areas),
  escalationPolicies: many(escalationPolicies),
}));

export const areasRelations = relations(areas, ({ one }) => ({
  policy: one(policies, { fields: [areas.policyId], references: [policies.id] }),
}));
