import { relations } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { measures } from './measure.js';

/** The audit trail: who did what, when, from which state. Append-only. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // Null for actions outside any measure (a login, a calendar correction).
    measureId: uuid('measure_id').references(() => measures.id, { onDelete: 'cascade' }),
    // The measure's projection step; unique per measure so a retry adds nothing.
    seq: integer('seq'),
    actor: text('actor').notNull(),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    detail: jsonb('detail').notNull().default({}),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique().on(t.measureId, t.seq), index().on(t.occurredAt)],
);

export const auditEventsRelations = relations(auditEvents, ({ one }) => ({
  measure: one(measures, { fields: [auditEvents.measureId], references: [measures.id] }),
}));
