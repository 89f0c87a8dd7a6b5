import { relations } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { departments } from './department.js';
import { notificationOutbox } from './outbox.js';
import { people } from './person.js';

export const channelKind = pgEnum('channel_kind', ['email', 'wecom', 'dingtalk']);

/**
 * Where a department's or a person's notifications go besides the in-app inbox (which is always
 * on): an email address or a group robot's webhook.
 */
export const notificationChannels = pgTable(
  'notification_channels',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'cascade' }),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'cascade' }),
    kind: channelKind('kind').notNull(),
    // An email address, or a webhook URL.
    target: text('target').notNull(),
    // DingTalk's signing secret, when the robot requires one.
    secret: text('secret'),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.departmentId), index().on(t.personId)],
);

export const deliveryStatus = pgEnum('delivery_status', ['pending', 'sent', 'failed']);

/** One outbox entry through one channel to one target: the unit that is sent exactly once. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull().references(() => notificationOutbox.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    target: text('target').notNull(),
    status: deliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.outboxId, t.channel, t.target), index().on(t.status)],
);

/** The in-app inbox: one message per person per outbox entry. */
export const inboxMessages = pgTable(
  'inbox_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: uuid('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
    outboxId: bigint('outbox_id', { mode: 'number' }).references(() => notificationOutbox.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    link: text('link'),
    measureId: uuid('measure_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [unique().on(t.personId, t.outboxId), index().on(t.personId, t.readAt)],
);

/** A leader's digest rhythm (weekly by default, Monday 09:00 Asia/Shanghai). */
export const digestSubscriptions = pgTable('digest_subscriptions', {
  personId: uuid('person_id').primaryKey().references(() => people.id, { onDelete: 'cascade' }),
  // Temporal Schedule calendar spec: { dayOfWeek, hour, minute }.
  schedule: jsonb('schedule').notNull().default({ dayOfWeek: 'MONDAY', hour: 9, minute: 0 }),
  enabled: boolean('enabled').notNull().default(true),
  lastDigestAt: timestamp('last_digest_at', { withTimezone: true }),
});

export const notificationDeliveriesRelations = relations(notificationDeliveries, ({ one }) => ({
  entry: one(notificationOutbox, { fields: [notificationDeliveries.outboxId], references: [notificationOutbox.id] }),
}));
export const inboxMessagesRelations = relations(inboxMessages, ({ one }) => ({
  person: one(people, { fields: [inboxMessages.personId], references: [people.id] }),
}));
