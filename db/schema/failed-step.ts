import { bigserial, index, integer, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { people } from './person.js';

export const failedStepStatus = pgEnum('failed_step_status', ['open', 'replayed', 'discarded']);

/**
 * Projection steps PostgreSQL refused for their data (a text holding U+0000, a missing department):
 * set aside so that the measure goes on, listed for an admin, who replays them (possibly repaired)
 * or discards them. One row per workflow and step; a step that fails again updates its row.
 */
export const failedSteps = pgTable(
  'failed_steps',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workflowId: text('workflow_id').notNull(),
    // No reference: the step names the measure, and a step naming none must still be recorded.
    measureId: text('measure_id').notNull(),
    seq: integer('seq').notNull(),
    action: text('action').notNull(),
    // The step as JSON text, not jsonb: jsonb refuses U+0000, the very thing such a step may carry
    // (JSON.stringify writes it as the six characters \u0000).
    payload: text('payload').notNull(),
    errorCode: text('error_code').notNull(),
    errorMessage: text('error_message').notNull(),
    // Times its activity failed on it: once, or again if a worker died before Temporal heard.
    failures: integer('failures').notNull().default(1),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    status: failedStepStatus('status').notNull().default('open'),
    resolvedBy: uuid('resolved_by').references(() => people.id),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    // Why it was discarded, or that it was replayed repaired.
    resolution: text('resolution'),
  },
  (t) => [unique().on(t.workflowId, t.seq), index().on(t.status, t.firstSeenAt)],
);
