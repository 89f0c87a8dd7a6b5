// The holiday calendar as the administration page reads and changes it. A year's view lists every
// day with its kind: 工作日 (workday), 周末 (weekend), 法定节假日 (holiday) and 调休上班 (makeup, a
// weekend day worked). The table stores only the last two (kind 'holiday' and 'workday').
import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { daysBetween, nextYearWarning, weekdayOf } from '../../common/calendar-arrangement.js';
import type { Database } from '../client.js';
import { auditEvents, calendarDays, calendarRolloutMeasures, calendarRollouts, calendarYears, listEntries, measures, people, policies } from '../schema/index.js';

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup';
export const CALENDAR_ACTIONS = ['calendar_year_entered', 'calendar_day_corrected'] as const;

export interface StoredDay {
  day: string;
  kind: 'holiday' | 'workday';
  name: string | null;
}

export const yearRange = (year: number) => [`${year}-01-01`, `${year}-12-31`] as const;

/** The stored exceptions of one year, by day. */
export async function storedDays(db: Pick<Database, 'select'>, year: number): Promise<StoredDay[]> {
  const [from, to] = yearRange(year);
  return db
    .select({ day: calendarDays.day, kind: calendarDays.kind, name: calendarDays.name })
    .from(calendarDays)
    .where(and(gte(calendarDays.day, from), lte(calendarDays.day, to)))
    .orderBy(asc(calendarDays.day));
}

export function kindOf(day: string, stored: StoredDay | undefined): DayKind {
  if (stored) return stored.kind === 'holiday' ? 'holiday' : 'makeup';
  const wd = weekdayOf(day);
  return wd === 0 || wd === 6 ? 'weekend' : 'workday';
}

/** Every day of a year, what it is, and the ranges and make-up days as the notice would list them. */
export async function yearView(db: Database, year: number, proposed?: StoredDay[]) {
  const [known] = await db.select().from(calendarYears).where(eq(calendarYears.year, year));
  // A dry run shows the arrangement as it would be, before it is saved.
  const stored = new Map((proposed ?? (await storedDays(db, year))).map((d) => [d.day, d]));
  const [from, to] = yearRange(year);
  const days = daysBetween(from, to).map((day) => {
    const kind = kindOf(day, stored.get(day));
    return { day, weekday: weekdayOf(day), kind, working: kind === 'workday' || kind === 'makeup', name: stored.get(day)?.name ?? null };
  });
  // Consecutive holiday days under one name make a range (春节 2月15日至23日).
  const holidays: Array<{ from: string; to: string; name: string | null; days: number }> = [];
  for (const d of days) {
    if (d.kind !== 'holiday') continue;
    const last = holidays.at(-1);
    if (last && last.name === d.name && daysBetween(last.to, d.day).length === 2) {
      last.to = d.day;
      last.days += 1;
    } else holidays.push({ from: d.day, to: d.day, name: d.name, days: 1 });
  }
  const changes = await db
    .select({ at: auditEvents.occurredAt, actor: auditEvents.actor, actorName: people.displayName, action: auditEvents.action, detail: auditEvents.detail })
    .from(auditEvents)
    .leftJoin(people, sql`${people.id}::text = ${auditEvents.actor}`)
    .where(and(inArray(auditEvents.action, [...CALENDAR_ACTIONS]), sql`(${auditEvents.detail} ->> 'year')::int = ${year}`))
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(50);
  return {
    year,
    known: known !== undefined,
    source: (known?.source ?? null) as 'package' | 'admin' | null,
    updatedAt: known?.updatedAt.toISOString() ?? null,
    updatedBy: known?.updatedBy ?? null,
    holidays,
    makeupDays: days.filter((d) => d.kind === 'makeup').map((d) => ({ day: d.day, name: d.name })),
    days,
    changes: changes.map((c) => ({ ...c, at: c.at.toISOString(), detail: c.detail as Record<string, unknown> })),
  };
}

/** Every year with an arrangement, with its counts. */
export async function knownYears(db: Database) {
  const rows = await db.select().from(calendarYears).orderBy(asc(calendarYears.year));
  const counts = await db
    .select({ year: sql<number>`extract(year from ${calendarDays.day})::int`, kind: calendarDays.kind, n: sql<number>`count(*)::int` })
    .from(calendarDays)
    .groupBy(sql`1`, calendarDays.kind);
  const count = (year: number, kind: 'holiday' | 'workday') => counts.find((c) => c.year === year && c.kind === kind)?.n ?? 0;
  return rows.map((r) => ({
    year: r.year,
    source: r.source as 'package' | 'admin',
    updatedAt: r.updatedAt.toISOString(),
    updatedBy: r.updatedBy,
    holidayDays: count(r.year, 'holiday'),
    makeupDays: count(r.year, 'workday'),
  }));
}

/** A rollout and, with `measuresToo`, what each measure answered (moved ones first). */
export async function rolloutView(db: Database, id: string) {
  const [r] = await db.select().from(calendarRollouts).where(eq(calendarRollouts.id, id));
  if (!r) return undefined;
  const rows = await db
    .select({
      measureId: calendarRolloutMeasures.measureId,
      title: measures.title,
      seq: measures.seq,
      policyCode: policies.code,
      before: calendarRolloutMeasures.before,
      after: calendarRolloutMeasures.after,
      moved: calendarRolloutMeasures.moved,
      calendarGapYears: calendarRolloutMeasures.calendarGapYears,
      at: calendarRolloutMeasures.at,
    })
    .from(calendarRolloutMeasures)
    .innerJoin(measures, eq(measures.id, calendarRolloutMeasures.measureId))
    .innerJoin(policies, eq(policies.id, measures.policyId))
    .where(eq(calendarRolloutMeasures.rolloutId, id))
    .orderBy(desc(calendarRolloutMeasures.moved), asc(policies.code), asc(measures.seq));
  return { ...rolloutSummary(r), measures: rows.map((m) => ({ ...m, at: m.at.toISOString(), before: (m.before ?? []) as DueRow[], after: (m.after ?? []) as DueRow[] })) };
}

type DueRow = { kind: string; departmentId?: string; round?: number; dueAt: string; nextRungAt: string | null };

export function rolloutSummary(r: typeof calendarRollouts.$inferSelect) {
  return {
    id: r.id,
    change: r.change,
    years: r.years,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    status: r.status,
    measuresDone: r.measuresDone,
    measuresMoved: r.measuresMoved,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

export async function recentRollouts(db: Database, limit = 50) {
  const rows = await db.select().from(calendarRollouts).orderBy(desc(calendarRollouts.createdAt)).limit(limit);
  return rows.map(rolloutSummary);
}

/**
 * From 1 November, when next year's arrangement is missing: the warning, and how many open measures
 * already have a due time counted through a year without data. Null otherwise.
 */
export async function calendarWarning(db: Database, now: Date): Promise<{ year: number; message: string; gapMeasures: number } | null> {
  const years = await db.select({ year: calendarYears.year }).from(calendarYears);
  const warning = nextYearWarning(now, years.map((y) => y.year));
  if (!warning) return null;
  const [gap] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(listEntries)
    .where(and(inArray(listEntries.status, ['dispatched', 'supervised', 'closure_review']), sql`cardinality(${listEntries.calendarGapYears}) > 0`));
  return { ...warning, gapMeasures: gap?.n ?? 0 };
}
