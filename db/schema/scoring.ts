import { date, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * 考核规则: the weights and deductions scorecards are computed with (common/scoring.ts), as versions.
 * A period is scored under the version in force on its last day; a new version never edits an old
 * one, so a published scorecard can always be recomputed as it was. Version 1 holds the defaults.
 */
export const scoringRules = pgTable('scoring_rules', {
  version: integer('version').primaryKey(),
  effectiveFrom: date('effective_from').notNull().unique(),
  rules: jsonb('rules').notNull(),
  note: text('note'),
  // The person who entered it ('system' for the seeded defaults).
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
