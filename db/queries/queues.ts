// The office's work queues beside the lists (which measures each holds: QUEUE_CONDITIONS in
// lists.ts): how many each holds, and what each item waits on — the extension asked for, the
// departments that declined and why, the items that are escalated and how far.
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { LEVEL_NAMES, type Level } from '../../workflows/rules/escalation.js';
import type { Database } from '../client.js';
import { assignments, departments, listEntries, measures, people } from '../schema/index.js';
import { QUEUE_CONDITIONS, QUEUES, type Queue } from './lists.js';

export async function queueCounts(db: Database): Promise<Record<Queue, number>> {
  const fields = Object.fromEntries(QUEUES.map((q) => [q, sql<number>`count(*) filter (where ${QUEUE_CONDITIONS[q]})::int`]));
  const [row] = await db
    .select(fields as Record<Queue, ReturnType<typeof sql<number>>>)
    .from(listEntries)
    .innerJoin(measures, eq(measures.id, listEntries.measureId));
  return Object.fromEntries(QUEUES.map((q) => [q, Number(row?.[q] ?? 0)])) as Record<Queue, number>;
}

interface Snapshot {
  pending?: Array<{ kind: string; departmentId?: string; round?: number; dueAt: string; level: number }>;
  pendingExtension?: { at: string; newDeadline: string; reason: string; by: string } | null;
  flagged?: { at: string; by: string; reason: string } | null;
}

export interface QueueDetail {
  pendingExtension: { at: string; newDeadline: string; reason: string; by: string; byName: string | null } | null;
  declines: Array<{ departmentId: string; departmentName: string; role: 'lead' | 'cooperating'; declinedAt: string; reason: string | null }>;
  escalated: Array<{ kind: string; departmentId: string | null; departmentName: string | null; dueAt: string; level: number; levelName: string | null }>;
  flagged: { at: string; reason: string } | null;
}

/** What each measure waits on, for the queue items on one page. */
export async function queueDetails(db: Database, measureIds: string[]): Promise<Map<string, QueueDetail>> {
  if (measureIds.length === 0) return new Map();
  const [entries, declined] = await Promise.all([
    db.select({ id: listEntries.measureId, snapshot: listEntries.snapshot }).from(listEntries).where(inArray(listEntries.measureId, measureIds)),
    db
      .select({ measureId: assignments.measureId, departmentId: assignments.departmentId, departmentName: departments.name, role: assignments.role, declinedAt: assignments.declinedAt, reason: assignments.declineReason })
      .from(assignments)
      .innerJoin(departments, eq(departments.id, assignments.departmentId))
      .where(and(inArray(assignments.measureId, measureIds), isNotNull(assignments.declinedAt))),
  ]);
  const snapshots = new Map(entries.map((e) => [e.id, (e.snapshot ?? {}) as Snapshot]));
  const askers = [...new Set([...snapshots.values()].flatMap((s) => (s.pendingExtension ? [s.pendingExtension.by] : [])))];
  const departmentIds = [...new Set([...snapshots.values()].flatMap((s) => (s.pending ?? []).flatMap((p) => (p.departmentId ? [p.departmentId] : []))))];
  const [askerRows, departmentRows] = await Promise.all([
    askers.length ? db.select({ id: people.id, name: people.displayName }).from(people).where(inArray(people.id, askers)) : [],
    departmentIds.length ? db.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, departmentIds)) : [],
  ]);
  const personName = new Map(askerRows.map((r) => [r.id, r.name]));
  const departmentName = new Map(departmentRows.map((r) => [r.id, r.name]));

  return new Map(
    measureIds.map((id) => {
      const s = snapshots.get(id) ?? {};
      const ext = s.pendingExtension ?? null;
      return [
        id,
        {
          pendingExtension: ext && { ...ext, byName: personName.get(ext.by) ?? null },
          declines: declined
            .filter((d) => d.measureId === id)
            .map((d) => ({ departmentId: d.departmentId, departmentName: d.departmentName, role: d.role, declinedAt: d.declinedAt!.toISOString(), reason: d.reason })),
          escalated: (s.pending ?? [])
            .filter((p) => p.level > 0)
            .sort((a, b) => b.level - a.level)
            .map((p) => ({
              kind: p.kind,
              departmentId: p.departmentId ?? null,
              departmentName: p.departmentId ? (departmentName.get(p.departmentId) ?? null) : null,
              dueAt: p.dueAt,
              level: p.level,
              levelName: LEVEL_NAMES[p.level as Level] ?? null,
            })),
          flagged: s.flagged ? { at: s.flagged.at, reason: s.flagged.reason } : null,
        },
      ];
    }),
  );
}
