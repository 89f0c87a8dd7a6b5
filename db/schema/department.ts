import { relations } from 'drizzle-orm';
import { type AnyPgColumn, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** 统筹协调部门（督办办公室）or 职能部门. */
export const departmentKind = pgEnum('department_kind', ['coordination_office', 'line_department']);

export const departments = pgTable('departments', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  shortName: text('short_name'),
  kind: departmentKind('kind').notNull().default('line_department'),
  // For cascades: a district office under a provincial one, a bureau under a commission.
  parentId: text('parent_id').references((): AnyPgColumn => departments.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const departmentsRelations = relations(departments, ({ one, many }) => ({
  parent: one(departments, { fields: [departments.parentId], references: [departments.id], relationName: 'parent' }),
  children: many(departments, { relationName: 'parent' }),
}));
