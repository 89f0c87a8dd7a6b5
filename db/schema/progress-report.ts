import { relations } from 'drizzle-orm';
import { boolean, integer, jsonb, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { departments } from './department.js';
import { measures } from './measure.js';

/** 进展反馈: a department's answer to a dispatch round (调度), with evidence. */
export const progressReports = pgTable(
  'progress_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    measureId: uuid('measure_id').notNull().references(() => measures.id, { onDelete: 'cascade' }),
    // The projection step that wrote it: a retried projection finds it and stops.
    seq: integer('seq').notNull(),
    round: integer('round').notNull(),
    departmentId: text('department_id').notNull().references(() => departments.id),
    text: text('text').notNull(),
    percent: integer('percent'),
    indicatorValue: numeric('indicator_value'),
    evidence: jsonb('evidence').notNull().default([]),
    late: boolean('late').notNull().default(false),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique().on(t.measureId, t.seq)],
);

export const progressReportsRelations = relations(progressReports, ({ one }) => ({
  measure: one(measures, { fields: [progressReports.measureId], references: [measures.id] }),
  department: one(departments, { fields: [progressReports.departmentId], references: [departments.id] }),
}));
