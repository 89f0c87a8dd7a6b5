import { date, integer, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** A day that departs from the Monday–Friday rule: a statutory holiday, or a 调休 make-up workday. */
export const calendarDayKind = pgEnum('calendar_day_kind', ['holiday', 'workday']);

export const calendarDays = pgTable('calendar_days', {
  day: date('day').primaryKey(),
  kind: calendarDayKind('kind').notNull(),
  name: text('name'),
  // 'package' when seeded from chinese-days, 'admin' when entered or corrected by hand.
  source: text('source').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The years whose arrangement is known: a due time in any other year is computed with a warning. */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  source: text('source').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
