import { relations } from 'drizzle-orm';
import { boolean, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { departments } from './department.js';
import { areas } from './policy.js';

export const role = pgEnum('role', ['admin', 'coordination_office', 'department', 'leader']);

export const people = pgTable('people', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash'),
  role: role('role').notNull(),
  // The department a department user acts for; the office for coordination staff.
  departmentId: text('department_id').references(() => departments.id),
  email: text('email'),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** 分管领导: the departments a leader oversees. */
export const leaderDepartments = pgTable(
  'leader_departments',
  {
    leaderId: uuid('leader_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
    departmentId: text('department_id').notNull().references(() => departments.id),
  },
  (t) => [primaryKey({ columns: [t.leaderId, t.departmentId] })],
);

/** 分管领导: the areas of a policy a leader oversees. */
export const leaderAreas = pgTable(
  'leader_areas',
  {
    leaderId: uuid('leader_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
    areaId: uuid('area_id').notNull().references(() => areas.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.leaderId, t.areaId] })],
);

export const peopleRelations = relations(people, ({ one, many }) => ({
  department: one(departments, { fields: [people.departmentId], references: [departments.id] }),
  leaderDepartments: many(leaderDepartments),
  leaderAreas: many(leaderAreas),
}));
