import { relations } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { measures } from './measure.js';

export const outboxStatus = pgEnum('outbox_status', ['pending', 'delivered', 'failed']);

/**
 * Notification requests, written in the same transaction as the state change that caused them.
 * The idempotency key follows an entry end to end, so a retry never sends twice.
 */
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    kind: text('kind').notNull(),
    measureId: uuid('measure_id').references(() => measures.id, { onDelete: 'cascade' }),
    recipientDepartmentId: text('recipient_department_id'),
    recipientPersonId: uuid('recipient_person_id'),
    recipientRole: text('recipient_role'),
    payload: jsonb('payload').notNull(),
    status: outboxStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [index().on(t.status, t.createdAt)],
);

export const notificationOutboxRelations = relations(notificationOutbox, ({ one }) => ({
  measure: one(measures, { fields: [notificationOutbox.measureId], references: [measures.id] }),
}));
