// The rules of a measure's life as data and pure functions: when each due time falls, which rung
// of the escalation ladder comes next, what colour (红黄绿灯) the measure shows. No I/O and no
// clock: `now` is always an argument, so the same code drives the workflow and a simulator.
import { addDays, computeDueAt, endOfShanghaiDay, isWorkingDay, shanghaiDate, type DueAt, type DueSpec, type WorkingCalendar } from './calendar.js';

/** 1 提醒, 2 催办, 3 督办 (coordination office), 4 挂牌督办 (leader). */
export type Level = 1 | 2 | 3 | 4;
export const LEVEL_NAMES: Record<Level, string> = { 1: '提醒', 2: '催办', 3: '督办', 4: '挂牌督办' };

/** One rung: its level, and how long after the previous rung (the first: after the miss) it fires. */
export interface Rung {
  level: Level;
  after: DueSpec;
}

export type RoundCadence =
  /** On a day of every month (the month's last day when shorter), at 09:00 Shanghai. */
  | { kind: 'monthly'; day: number }
  /** Every fixed span after the measure enters supervision. */
  | { kind: 'every'; every: DueSpec };

export interface EscalationRules {
  version: number;
  acknowledgeDue: DueSpec;
  acknowledgeLadder: Rung[];
  cadence: RoundCadence;
  reportDue: DueSpec;
  reportLadder: Rung[];
  /** Yellow when the deadline is this close. */
  dueSoon: DueSpec;
  /** Yellow when the reported percent trails the straight-line plan by more than this many points. */
  behindPlanPoints: number;
  deadlineLadder: Rung[];
  reviewDue: DueSpec;
  reviewLadder: Rung[];
}

const now0: DueSpec = { unit: 'seconds', amount: 0 };
const wd = (amount: number): DueSpec => ({ unit: 'working_days', amount });

/** Defaults drawn from supervision offices' published rules (see shared/NOTES.md). */
export const DEFAULT_RULES: EscalationRules = {
  version: 1,
  acknowledgeDue: wd(3),
  acknowledgeLadder: [
    { level: 1, after: now0 },
    { level: 2, after: wd(1) },
    { level: 3, after: wd(2) },
  ],
  cadence: { kind: 'monthly', day: 25 },
  reportDue: wd(5),
  reportLadder: [
    { level: 1, after: now0 },
    { level: 2, after: wd(2) },
    { level: 3, after: wd(3) },
  ],
  dueSoon: wd(3),
  behindPlanPoints: 20,
  deadlineLadder: [
    { level: 1, after: now0 },
    { level: 2, after: wd(1) },
    { level: 3, after: wd(5) },
    { level: 4, after: wd(5) },
  ],
  reviewDue: wd(5),
  reviewLadder: [
    { level: 1, after: now0 },
    { level: 3, after: wd(3) },
  ],
};

export type LadderKind = 'acknowledge' | 'report' | 'deadline' | 'review';

export function ladderOf(rules: EscalationRules, kind: LadderKind): Rung[] {
  return { acknowledge: rules.acknowledgeLadder, report: rules.reportLadder, deadline: rules.deadlineLadder, review: rules.reviewLadder }[kind];
}

/** Something owed by a due time; once missed it climbs its ladder until met. */
export interface Tracker {
  kind: LadderKind;
  departmentId?: string | undefined;
  round?: number | undefined;
  dueAt: number;
  /** Where dueAt came from, so a calendar correction can move it; absent for a fixed deadline. */
  due?: { from: number; spec: DueSpec } | undefined;
  /** When each rung fired so far. */
  firedAt: number[];
  /** The ladder resumes from here after a pause (closure returned, lead reassigned). */
  since?: number | undefined;
}

/** When the next rung of a tracker fires, or undefined when its ladder is exhausted. */
export function nextRungAt(cal: WorkingCalendar, rules: EscalationRules, t: Tracker): number | undefined {
  return nextRungDue(cal, rules, t)?.dueAt;
}

/** nextRungAt with the years it counted without a known arrangement. */
export function nextRungDue(cal: WorkingCalendar, rules: EscalationRules, t: Tracker): DueAt | undefined {
  const rung = ladderOf(rules, t.kind)[t.firedAt.length];
  if (!rung) return undefined;
  const base = Math.max(t.firedAt.at(-1) ?? t.dueAt, t.since ?? 0);
  return computeDueAt(cal, base, rung.after);
}

export function trackerLevel(rules: EscalationRules, t: Tracker): number {
  return t.firedAt.length === 0 ? 0 : ladderOf(rules, t.kind)[t.firedAt.length - 1]!.level;
}

/** The start of the yellow window before a deadline: within `dueSoon` of it. */
export function dueSoonFrom(cal: WorkingCalendar, deadlineAt: number, dueSoon: DueSpec): number {
  switch (dueSoon.unit) {
    case 'working_days': {
      // The measure turns yellow at the start of the n-th working day counted back from the
      // deadline's own day (inclusive): "3 working days left".
      let day = shanghaiDate(deadlineAt - 1);
      let counted = isWorkingDay(cal, day) ? 1 : 0;
      while (counted < dueSoon.amount) {
        day = addDays(day, -1);
        if (isWorkingDay(cal, day)) counted++;
      }
      return endOfShanghaiDay(addDays(day, -1));
    }
    case 'calendar_days':
      return deadlineAt - dueSoon.amount * 86_400_000;
    default:
      return deadlineAt - computeDueAt(cal, 0, dueSoon).dueAt; // a plain duration measured from 0
  }
}

/** The opening time of the next dispatch round strictly after `after`. */
export function nextRoundAt(cal: WorkingCalendar, cadence: RoundCadence, after: number): number {
  if (cadence.kind === 'every') return computeDueAt(cal, after, cadence.every).dueAt;
  const today = shanghaiDate(after);
  let [year, month] = today.split('-').map(Number) as [number, number];
  for (;;) {
    const last = lastDayOfMonth(year, month);
    const day = Math.min(cadence.day, last);
    const opens = endOfShanghaiDay(`${year}-${pad(month)}-${pad(day)}`) - 15 * 3_600_000; // 09:00
    if (opens > after) return opens;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export type Rag = 'green' | 'yellow' | 'red';

export interface RagInput {
  now: number;
  open: boolean;
  dispatchedAt: number;
  deadlineAt: number | null;
  yellowFrom: number | null;
  /** Any acknowledgment or report past its due time. */
  somethingOverdue: boolean;
  lastPercent: number | null;
  behindPlanPoints: number;
}

/** 红: the deadline has passed. 黄: due soon, a missed acknowledgment or report, or behind plan. */
export function ragOf(m: RagInput): Rag {
  if (!m.open) return 'green';
  if (m.deadlineAt !== null && m.now >= m.deadlineAt) return 'red';
  if (m.yellowFrom !== null && m.now >= m.yellowFrom) return 'yellow';
  if (m.somethingOverdue) return 'yellow';
  if (m.deadlineAt !== null && m.lastPercent !== null && m.deadlineAt > m.dispatchedAt) {
    const planned = (100 * (m.now - m.dispatchedAt)) / (m.deadlineAt - m.dispatchedAt);
    if (planned - m.lastPercent > m.behindPlanPoints) return 'yellow';
  }
  return 'green';
}
