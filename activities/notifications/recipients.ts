// Who an outbox entry reaches: the people whose inbox gets it, and the channels (email addresses,
// group robots) it is sent through. A department: its department users and its channels; the
// coordination office: its staff and the office department's channels; a leader: the leaders
// overseeing the measure's lead department or its area (分管); a person: that person. Personal
// channels of everyone reached are added; a channel set twice is sent once.
import { and, eq, exists, inArray, or } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { departments, leaderAreas, leaderDepartments, listEntries, measures, notificationChannels, people, policies } from '../../db/schema/index.js';

export interface OutboxAddress {
  measureId: string | null;
  recipientDepartmentId: string | null;
  recipientPersonId: string | null;
  recipientRole: string | null;
}

export interface ChannelTarget {
  kind: 'email' | 'wecom' | 'dingtalk';
  target: string;
}

export interface Recipients {
  personIds: string[];
  channels: ChannelTarget[];
}

/** The measure's lead department (as the read model last saw it), area and policy. */
export async function measurePlace(db: Database, measureId: string): Promise<{ leadDepartmentId: string | null; areaId: string | null; policyTitle: string | null }> {
  const [row] = await db
    .select({ leadDepartmentId: listEntries.leadDepartmentId, areaId: measures.areaId, policyTitle: policies.title })
    .from(measures)
    .innerJoin(policies, eq(policies.id, measures.policyId))
    .leftJoin(listEntries, eq(listEntries.measureId, measures.id))
    .where(eq(measures.id, measureId));
  return { leadDepartmentId: row?.leadDepartmentId ?? null, areaId: row?.areaId ?? null, policyTitle: row?.policyTitle ?? null };
}

export async function resolveRecipients(db: Database, to: OutboxAddress): Promise<Recipients> {
  const active = eq(people.active, true);
  let personIds: string[] = [];
  let departmentIds: string[] = [];

  if (to.recipientPersonId) {
    personIds = (await db.select({ id: people.id }).from(people).where(and(eq(people.id, to.recipientPersonId), active))).map((p) => p.id);
  } else if (to.recipientDepartmentId) {
    departmentIds = [to.recipientDepartmentId];
    personIds = (
      await db
        .select({ id: people.id })
        .from(people)
        .where(and(eq(people.departmentId, to.recipientDepartmentId), eq(people.role, 'department'), active))
    ).map((p) => p.id);
  } else if (to.recipientRole === 'coordination_office') {
    departmentIds = (await db.select({ id: departments.id }).from(departments).where(eq(departments.kind, 'coordination_office'))).map((d) => d.id);
    personIds = (await db.select({ id: people.id }).from(people).where(and(eq(people.role, 'coordination_office'), active))).map((p) => p.id);
  } else if (to.recipientRole === 'leader' && to.measureId) {
    const place = await measurePlace(db, to.measureId);
    const oversees = [
      ...(place.leadDepartmentId
        ? [exists(db.select().from(leaderDepartments).where(and(eq(leaderDepartments.leaderId, people.id), eq(leaderDepartments.departmentId, place.leadDepartmentId))))]
        : []),
      ...(place.areaId ? [exists(db.select().from(leaderAreas).where(and(eq(leaderAreas.leaderId, people.id), eq(leaderAreas.areaId, place.areaId))))] : []),
    ];
    if (oversees.length) {
      personIds = (await db.select({ id: people.id }).from(people).where(and(eq(people.role, 'leader'), active, or(...oversees)))).map((p) => p.id);
    }
  }

  const owners = [...(departmentIds.length ? [inArray(notificationChannels.departmentId, departmentIds)] : []), ...(personIds.length ? [inArray(notificationChannels.personId, personIds)] : [])];
  const rows = owners.length
    ? await db
        .select({ kind: notificationChannels.kind, target: notificationChannels.target })
        .from(notificationChannels)
        .where(and(eq(notificationChannels.enabled, true), or(...owners)))
        .orderBy(notificationChannels.createdAt)
    : [];
  const seen = new Set<string>();
  const channels = rows.filter((c) => {
    const key = `${c.kind}\n${c.target.trim().toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { personIds, channels: channels.map((c) => ({ kind: c.kind, target: c.target.trim() })) };
}
