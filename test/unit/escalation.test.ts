import { describe, expect, it } from 'vitest';
import { calendarFromDays, computeDueAt, type DueSpec } from '../../workflows/rules/calendar.js';
import { escalationRulesSchema, mergeRules, rulesProblem } from '../../workflows/rules/escalation-schema.js';
import { DEFAULT_RULES, dueSoonFrom, nextRoundAt, nextRungAt, ragOf, trackerLevel, type Tracker } from '../../workflows/rules/escalation.js';
import { packageCalendarDays, packageCalendarYears } from '../../db/calendar-seed.js';

const cal = calendarFromDays(packageCalendarDays(), packageCalendarYears());
const at = (iso: string) => Date.parse(iso);
const sh = (local: string) => Date.parse(`${local}+08:00`);

describe('dispatch rounds', () => {
  it('open monthly on the given day at 09:00 Shanghai, on the last day in shorter months', () => {
    expect(new Date(nextRoundAt(cal, { kind: 'monthly', day: 25 }, sh('2026-01-10T12:00:00'))).toISOString()).toBe('2026-01-25T01:00:00.000Z');
    // Past this month's round: next month's.
    expect(nextRoundAt(cal, { kind: 'monthly', day: 25 }, sh('2026-01-25T09:00:00'))).toBe(sh('2026-02-25T09:00:00'));
    expect(nextRoundAt(cal, { kind: 'monthly', day: 31 }, sh('2026-02-01T00:00:00'))).toBe(sh('2026-02-28T09:00:00'));
    expect(nextRoundAt(cal, { kind: 'monthly', day: 5 }, sh('2026-12-20T00:00:00'))).toBe(sh('2027-01-05T09:00:00'));
  });

  it('open every fixed span', () => {
    expect(nextRoundAt(cal, { kind: 'every', every: { unit: 'seconds', amount: 3 } }, 1000)).toBe(4000);
    // Every 5 working days from Friday 2026-09-25: Sep 28, 29, 30, then National Day (Oct 1–7) is
    // skipped, Oct 8 and 9: the round opens at the end of Oct 9.
    const due = nextRoundAt(cal, { kind: 'every', every: { unit: 'working_days', amount: 5 } }, sh('2026-09-25T10:00:00'));
    expect(due).toBe(sh('2026-10-10T00:00:00'));
  });
});

describe('the yellow window before a deadline', () => {
  it('counts working days back from the deadline day, skipping holidays', () => {
    // Deadline: end of Friday 2026-10-09. Counted back: Oct 9 (1), Oct 8 (2), then the National Day
    // holiday (Oct 1–7), Sep 30 (3): yellow from the start of Sep 30.
    const deadline = sh('2026-10-10T00:00:00');
    expect(dueSoonFrom(cal, deadline, { unit: 'working_days', amount: 3 })).toBe(sh('2026-09-30T00:00:00'));
    expect(dueSoonFrom(cal, deadline, { unit: 'calendar_days', amount: 2 })).toBe(sh('2026-10-08T00:00:00'));
    expect(dueSoonFrom(cal, 10_000, { unit: 'seconds', amount: 3 })).toBe(7_000);
  });
});

describe('the escalation ladder', () => {
  const tracker: Tracker = { kind: 'deadline', dueAt: sh('2026-02-13T00:00:00'), firedAt: [] };

  it('fires the first rung at the miss and each next one a working span after the last', () => {
    expect(nextRungAt(cal, DEFAULT_RULES, tracker)).toBe(tracker.dueAt);
    // 催办 one working day after 提醒: the Spring Festival (Feb 15–23) is skipped, Feb 14 is a make-up day.
    const fired = { ...tracker, firedAt: [tracker.dueAt] };
    expect(nextRungAt(cal, DEFAULT_RULES, fired)).toBe(sh('2026-02-15T00:00:00'));
    expect(trackerLevel(DEFAULT_RULES, fired)).toBe(1);
    const exhausted = { ...tracker, firedAt: [1, 2, 3, 4] };
    expect(nextRungAt(cal, DEFAULT_RULES, exhausted)).toBeUndefined();
    expect(trackerLevel(DEFAULT_RULES, exhausted)).toBe(4);
  });

  it('resumes from a pause rather than firing every overdue rung at once', () => {
    const paused = { ...tracker, firedAt: [tracker.dueAt], since: sh('2026-03-02T10:00:00') };
    expect(nextRungAt(cal, DEFAULT_RULES, paused)).toBe(sh('2026-03-04T00:00:00'));
  });
});

describe('红黄绿灯', () => {
  const base = { now: at('2026-03-01T00:00:00Z'), open: true, dispatchedAt: at('2026-01-01T00:00:00Z'), deadlineAt: at('2026-06-30T16:00:00Z'), yellowFrom: at('2026-06-25T16:00:00Z'), somethingOverdue: false, lastPercent: null, behindPlanPoints: 20 };
  it('is green on track, yellow when due soon, overdue on an item or behind plan, red past the deadline', () => {
    expect(ragOf(base)).toBe('green');
    expect(ragOf({ ...base, now: at('2026-06-26T00:00:00Z') })).toBe('yellow');
    expect(ragOf({ ...base, somethingOverdue: true })).toBe('yellow');
    // Two months of six gone (~33% planned): 10% reported is behind by more than 20 points, 20% is not.
    expect(ragOf({ ...base, lastPercent: 10 })).toBe('yellow');
    expect(ragOf({ ...base, lastPercent: 20 })).toBe('green');
    expect(ragOf({ ...base, now: at('2026-07-01T00:00:00Z') })).toBe('red');
    expect(ragOf({ ...base, now: at('2026-07-01T00:00:00Z'), open: false })).toBe('green');
  });
  it('never turns an ongoing measure red by deadline', () => {
    expect(ragOf({ ...base, deadlineAt: null, yellowFrom: null, now: at('2030-01-01T00:00:00Z') })).toBe('green');
  });
});

describe('escalation rules as data', () => {
  it('accepts the defaults and a per-measure override', () => {
    expect(escalationRulesSchema.parse(DEFAULT_RULES)).toEqual(DEFAULT_RULES);
    const merged = mergeRules(DEFAULT_RULES, { reportDue: { unit: 'calendar_days', amount: 10 } });
    expect(merged.reportDue).toEqual({ unit: 'calendar_days', amount: 10 });
    expect(merged.deadlineLadder).toEqual(DEFAULT_RULES.deadlineLadder);
  });
  it('rejects bad rules and names the field', () => {
    const bad = escalationRulesSchema.safeParse({ ...DEFAULT_RULES, deadlineLadder: [{ level: 3, after: { unit: 'seconds', amount: 0 } }, { level: 1, after: { unit: 'seconds', amount: 0 } }] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['deadlineLadder']);
    const negative = escalationRulesSchema.safeParse({ ...DEFAULT_RULES, reportDue: { unit: 'working_days', amount: -1 } });
    expect(negative.error!.issues[0]!.path).toEqual(['reportDue', 'amount']);
    expect(escalationRulesSchema.safeParse({ ...DEFAULT_RULES, cadence: { kind: 'monthly', day: 32 } }).success).toBe(false);
  });
});

describe('the one rules schema says what the workflow can run', () => {
  const withDue = (acknowledgeDue: unknown) => ({ ...DEFAULT_RULES, acknowledgeDue });

  it('refuses fractional working and calendar days, naming the field', () => {
    expect(rulesProblem(withDue({ unit: 'working_days', amount: 0.5 }))).toEqual({ path: 'acknowledgeDue.amount', message: '工作日、自然日须为整数 / days must be whole numbers' });
    expect(rulesProblem(withDue({ unit: 'calendar_days', amount: 2.5 }))?.path).toBe('acknowledgeDue.amount');
    const ladder = { ...DEFAULT_RULES, deadlineLadder: [{ level: 1, after: { unit: 'seconds', amount: 0 } }, { level: 2, after: { unit: 'working_days', amount: 0.5 } }] };
    expect(rulesProblem(ladder)?.path).toBe('deadlineLadder.1.after.amount');
  });

  it('accepts fractional plain durations, which are rounded to the millisecond', () => {
    expect(rulesProblem(withDue({ unit: 'seconds', amount: 0.5 }))).toBeUndefined();
    expect(rulesProblem(withDue({ unit: 'hours', amount: 1.25 }))).toBeUndefined();
  });

  it('refuses unknown units, negative and huge amounts, and a cadence that does not move time forward', () => {
    expect(rulesProblem(withDue({ unit: 'weeks', amount: 1 }))?.path).toBe('acknowledgeDue.unit');
    expect(rulesProblem(withDue({ unit: 'hours', amount: -1 }))?.path).toBe('acknowledgeDue.amount');
    expect(rulesProblem(withDue({ unit: 'working_days', amount: 3651 }))?.path).toBe('acknowledgeDue.amount');
    expect(rulesProblem(withDue('3 working days'))?.path).toBe('acknowledgeDue');
    const every = (e: unknown) => rulesProblem({ ...DEFAULT_RULES, cadence: { kind: 'every', every: e } });
    expect(every({ unit: 'working_days', amount: 0 })?.path).toBe('cadence.every');
    expect(every({ unit: 'seconds', amount: 0.0001 })?.path).toBe('cadence.every');
    expect(every({ unit: 'seconds', amount: 0.4 })).toBeUndefined();
    expect(rulesProblem({ ...DEFAULT_RULES, cadence: { kind: 'monthly', day: 1.5 } })?.path).toBe('cadence.day');
    expect(rulesProblem({ ...DEFAULT_RULES, cadence: { kind: 'weekly' } })?.path).toBe('cadence.kind');
  });

  it('accepts a due time exactly when computeDueAt can compute it', () => {
    const units: DueSpec['unit'][] = ['working_days', 'calendar_days', 'seconds', 'minutes', 'hours'];
    const amounts = [0, 0.001, 0.5, 1, 1.5, 2, 7.25, 30, 365, 3650, -0.5, -1, Number.NaN, Number.POSITIVE_INFINITY];
    for (const unit of units) {
      for (const amount of amounts) {
        const spec = { unit, amount };
        const computes = (() => {
          try {
            return Number.isFinite(computeDueAt(cal, at('2026-03-02T01:00:00Z'), spec).dueAt);
          } catch {
            return false;
          }
        })();
        expect([unit, amount, rulesProblem(withDue(spec)) === undefined]).toEqual([unit, amount, computes]);
      }
    }
  });
});

