// People, channels and waits for notification tests.
import { randomUUID } from 'node:crypto';
import { asc, eq, inArray } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../db/client.js';
import { inboxMessages, leaderDepartments, notificationChannels, notificationDeliveries, notificationOutbox, people } from '../../db/schema/index.js';
import { seedDepartments } from './measures.js';

export async function addPerson(db: Database, p: { role: 'department' | 'coordination_office' | 'leader' | 'admin'; departmentId?: string; name: string; oversees?: string[] }): Promise<string> {
  await seedDepartments(db);
  const [row] = await db
    .insert(people)
    .values({ username: `${p.name}-${randomUUID().slice(0, 8)}`, displayName: p.name, role: p.role, departmentId: p.departmentId ?? null })
    .returning({ id: people.id });
  for (const departmentId of p.oversees ?? []) await db.insert(leaderDepartments).values({ leaderId: row!.id, departmentId });
  return row!.id;
}

export async function addChannel(db: Database, c: { departmentId?: string; personId?: string; kind: 'email' | 'wecom' | 'dingtalk'; target: string; secret?: string; enabled?: boolean }): Promise<void> {
  await seedDepartments(db);
  await db.insert(notificationChannels).values({ departmentId: c.departmentId ?? null, personId: c.personId ?? null, kind: c.kind, target: c.target, secret: c.secret ?? null, enabled: c.enabled ?? true });
}

export async function outboxOf(db: Database, measureId: string) {
  return db.select().from(notificationOutbox).where(eq(notificationOutbox.measureId, measureId)).orderBy(asc(notificationOutbox.id));
}

/** Waits until every outbox entry of the measure has left `pending` (at least `count` of them). */
export async function settled(db: Database, measureId: string, count: number, timeout = 20_000) {
  await expect
    .poll(async () => (await outboxOf(db, measureId)).filter((e) => e.status !== 'pending').length, { timeout, interval: 200 })
    .toBeGreaterThanOrEqual(count);
  return outboxOf(db, measureId);
}

export async function deliveriesOf(db: Database, outboxIds: number[]) {
  return outboxIds.length ? db.select().from(notificationDeliveries).where(inArray(notificationDeliveries.outboxId, outboxIds)).orderBy(asc(notificationDeliveries.id)) : [];
}

export async function inboxOf(db: Database, personId: string) {
  return db.select().from(inboxMessages).where(eq(inboxMessages.personId, personId)).orderBy(asc(inboxMessages.id));
}
