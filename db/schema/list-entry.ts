import { relations } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { measures, measureStatus } from './measure.js';

/** 责任清单 / 督办清单 / 销号清单. */
export const listKind = pgEnum('list_kind', ['responsibility', 'supervision', 'closure']);
/** 红黄绿灯. */
export const ragStatus = pgEnum('rag_status', ['green', 'yellow', 'red']);

/**
 * The read model of the three lists: one row per dispatched measure, written only by the
 * measure workflow's projection activity. `seq` is the last projected step, so a retried
 * projection writes nothing twice.
 */
export const listEntries = pgTable(
  'list_entries',
  {
    measureId: uuid('measure_id').primaryKey().references(() => measures.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    list: listKind('list'),
    status: measureStatus('status').notNull(),
    rag: ragStatus('rag').notNull().default('green'),
    // 0 none, then 1 提醒, 2 催办, 3 督办, 4 挂牌督办.
    escalationLevel: integer('escalation_level').notNull().default(0),
    leadDepartmentId: text('lead_department_id').notNull(),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    acknowledgeDueAt: timestamp('acknowledge_due_at', { withTimezone: true }),
    reportDueAt: timestamp('report_due_at', { withTimezone: true }),
    reviewDueAt: timestamp('review_due_at', { withTimezone: true }),
    progressPercent: integer('progress_percent'),
    lastReportAt: timestamp('last_report_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    // Years without a holiday arrangement that a pending due time falls in (无节假日数据): the due
    // time was counted Monday to Friday and moves once the year is entered.
    calendarGapYears: integer('calendar_gap_years').array().notNull().default([]),
    // The workflow's own view, for the detail page: rounds, pending items, flags.
    snapshot: jsonb('snapshot').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.list, t.rag), index().on(t.leadDepartmentId)],
);

export const listEntriesRelations = relations(listEntries, ({ one }) => ({
  measure: one(measures, { fields: [listEntries.measureId], references: [measures.id] }),
}));
