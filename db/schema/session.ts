import { relations } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { people } from './person.js';

/** A signed-in session: the bearer token's SHA-256 is kept, never the token itself. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    personId: uuid('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index().on(t.personId)],
);

/**
 * The answer given to a POST carrying an Idempotency-Key, replayed when the same person sends
 * the same key again, so a retried request changes nothing twice.
 */
export const idempotentRequests = pgTable(
  'idempotent_requests',
  {
    personId: uuid('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    responseBody: jsonb('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.key] })],
);

export const sessionsRelations = relations(sessions, ({ one }) => ({
  person: one(people, { fields: [sessions.personId], references: [people.id] }),
}));
