import { boolean, date, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { measures } from './measure.js';

/** A day that departs from the Monday–Friday rule: a statutory holiday, or a 调休 make-up workday. */
export const calendarDayKind = pgEnum('calendar_day_kind', ['holiday', 'workday']);

export const calendarDays = pgTable('calendar_days', {
  day: date('day').primaryKey(),
  kind: calendarDayKind('kind').notNull(),
  name: text('name'),
  // 'package' when seeded from chinese-days, 'admin' when entered or corrected by hand.
  source: text('source').notNull(),
  // Who entered it (a person's id), null for the package's data.
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The years whose arrangement is known: a due time in any other year is computed with a warning. */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  source: text('source').notNull(),
  // Who entered it (a person's id), null for the package's data.
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One change to the calendar (a year entered, a day corrected) being carried to the open measures:
 * each is asked, in batches ordered by id, to recompute its pending working-day due times.
 * `cursor` is the last measure id done, so a worker that stops halfway resumes after it.
 */
export const calendarRollouts = pgTable('calendar_rollouts', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** What changed, in words (录入2027年节假日安排, 更正2027-01-04). */
  change: text('change').notNull(),
  /** The years the change touched. */
  years: integer('years').array().notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  status: text('status', { enum: ['pending', 'done'] }).notNull().default('pending'),
  cursor: uuid('cursor'),
  /** Measures asked so far, and how many of them had a due time move. */
  measuresDone: integer('measures_done').notNull().default(0),
  measuresMoved: integer('measures_moved').notNull().default(0),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** What one measure answered in a rollout: its pending due times before and after. Once per pair. */
export const calendarRolloutMeasures = pgTable(
  'calendar_rollout_measures',
  {
    rolloutId: uuid('rollout_id')
      .notNull()
      .references(() => calendarRollouts.id, { onDelete: 'cascade' }),
    measureId: uuid('measure_id')
      .notNull()
      .references(() => measures.id, { onDelete: 'cascade' }),
    /** Pending due times [{kind, departmentId?, round?, dueAt}] before and after; null when the measure had closed. */
    before: jsonb('before'),
    after: jsonb('after'),
    moved: boolean('moved').notNull(),
    /** Years without an arrangement its due times still fall in. */
    calendarGapYears: integer('calendar_gap_years').array().notNull().default([]),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.rolloutId, t.measureId] })],
);
