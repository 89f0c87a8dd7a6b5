import { relations } from 'drizzle-orm';
import { integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { departments } from './department.js';
import { areas, policies } from './policy.js';

/** Where a measure stands in its lifecycle (DESIGN.md): draft until dispatched (交办). */
export const measureStatus = pgEnum('measure_status', [
  'draft',
  'dispatched',
  'supervised',
  'closure_review',
  'closed',
  'cancelled',
]);

/** 措施/任务: one accountable item. Editable while a draft; after dispatch its workflow owns it. */
export const measures = pgTable(
  'measures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    policyId: uuid('policy_id').notNull().references(() => policies.id, { onDelete: 'cascade' }),
    areaId: uuid('area_id').references(() => areas.id),
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
    content: text('content'),
    target: text('target'),
    // 完成时限 as the office wrote it, beside the parsed spec (a date, a yearly date, or ongoing).
    deadlineText: text('deadline_text').notNull(),
    deadlineSpec: jsonb('deadline_spec').notNull(),
    // Timer settings overriding the policy's escalation rules for this measure alone.
    settingsOverride: jsonb('settings_override'),
    escalationPolicyVersion: integer('escalation_policy_version'),
    status: measureStatus('status').notNull().default('draft'),
    workflowId: text('workflow_id').unique(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.policyId, t.seq)],
);

export const assignmentRole = pgEnum('assignment_role', ['lead', 'cooperating']);

/** A measure × department: 牵头单位 or 配合单位, and where its 签收 stands. */
export const assignments = pgTable(
  'assignments',
  {
    measureId: uuid('measure_id').notNull().references(() => measures.id, { onDelete: 'cascade' }),
    departmentId: text('department_id').notNull().references(() => departments.id),
    role: assignmentRole('role').notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    // 申请调整: the department declined, with a reason, for the coordination office to settle.
    declinedAt: timestamp('declined_at', { withTimezone: true }),
    declineReason: text('decline_reason'),
  },
  (t) => [primaryKey({ columns: [t.measureId, t.departmentId] })],
);

export const measuresRelations = relations(measures, ({ one, many }) => ({
  policy: one(policies, { fields: [measures.policyId], references: [policies.id] }),
  area: one(areas, { fields: [measures.areaId], references: [areas.id] }),
  assignments: many(assignments),
}));

export const assignmentsRelations = relations(assignments, ({ one }) => ({
  measure: one(measures, { fields: [assignments.measureId], references: [measures.id] }),
  department: one(departments, { fields: [assignments.departmentId], references: [departments.id] }),
}));
