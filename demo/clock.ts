// The demo clock: the demo `npm start` loads runs a month's rhythm in minutes, so a newcomer who
// signs in sees reminders and escalations arrive while they look. Every due time is a plain
// duration in seconds (the rules accept seconds for exactly this), measured from the moment the
// demo is loaded; nothing here touches the working calendar. Each measure gets its own
// acknowledgment due time, deadline and round cadence, spaced apart, so notices come one measure
// at a time over half an hour rather than all at once.
//
// What a newcomer sees, at speed 1 (minutes after `npm start` printed 已就绪):
//   1:30  第18项: 省医保局 (and the other departments on it) gets 签收逾期提醒; 2:30 催办, 3:30 督办
//   2:00  第8项 turns yellow (完成时限临近, to 省卫生健康委); 3:00 red, 完成时限逾期提醒
//   5:00  第8项 reaches 挂牌督办: 分管领导 (leader) gets it, with 省卫生健康委 and the office
//   5:30  第3项's closure has waited for review: 提醒 to the office; 6:30 督办 to the leader and the office
//   from 5:35 the supervised measures open dispatch rounds (请反馈进展), one every half minute, and
//   every measure's departments that have not acknowledged get their 提醒 in turn, one a minute
import type { DueSpec } from '../workflows/rules/calendar.js';
import type { EscalationRules } from '../workflows/rules/escalation.js';

/** `demo`: the demo clock below; `real`: the package's own deadlines and the default rules on the working calendar. */
export type DemoClock = 'demo' | 'real';

/** Seconds after the load, at speed 1. */
interface MeasureSchedule {
  /** When the departments that have not acknowledged are due to (the 提醒 fires then). */
  acknowledgeIn: number;
  /** The deadline (a dated measure only; ongoing and yearly ones keep their own). */
  deadlineIn?: number;
  /** Dispatch rounds, once the measure is supervised: one every so many seconds. */
  roundEvery?: number;
}

/** The ladders' spacing, and the defaults a measure's schedule overrides. Seconds at speed 1. */
const RULES_SECONDS = {
  acknowledgeDue: 600,
  acknowledgeLadder: [0, 60, 60], // 提醒, 催办, 督办
  roundEvery: 360,
  reportDue: 120,
  reportLadder: [0, 60, 60],
  dueSoon: 60,
  deadlineLadder: [0, 40, 40, 40], // 提醒, 催办, 督办, 挂牌督办
  reviewDue: 330,
  reviewLadder: [0, 60], // 提醒 (office), 督办 (leader and office)
};

/**
 * By 序号. Measures 1–8 are acknowledged by their lead at load (2–4 reported, 3 under closure
 * review, 4 closed): their deadlines and rounds run; their cooperating departments still owe 签收.
 */
export const DEMO_SCHEDULE: Readonly<Record<number, MeasureSchedule>> = {
  18: { acknowledgeIn: 90 },
  8: { acknowledgeIn: 465, deadlineIn: 180, roundEvery: 485 },
  9: { acknowledgeIn: 165 },
  12: { acknowledgeIn: 225, deadlineIn: 1440 },
  10: { acknowledgeIn: 285, deadlineIn: 1320 },
  14: { acknowledgeIn: 345, deadlineIn: 1680 },
  17: { acknowledgeIn: 405, deadlineIn: 1920 },
  19: { acknowledgeIn: 525 },
  20: { acknowledgeIn: 585, deadlineIn: 2040 },
  11: { acknowledgeIn: 645 },
  13: { acknowledgeIn: 705, deadlineIn: 1560 },
  15: { acknowledgeIn: 765 },
  16: { acknowledgeIn: 825 },
  1: { acknowledgeIn: 885, deadlineIn: 1200, roundEvery: 335 },
  2: { acknowledgeIn: 945, deadlineIn: 600, roundEvery: 365 },
  5: { acknowledgeIn: 1005, deadlineIn: 1800, roundEvery: 395 },
  6: { acknowledgeIn: 1065, roundEvery: 425 },
  7: { acknowledgeIn: 1125, deadlineIn: 900, roundEvery: 455 },
  3: { acknowledgeIn: 1185, deadlineIn: 1500 },
  4: { acknowledgeIn: 1245, deadlineIn: 1500 },
};

const seconds = (amount: number, speed: number): DueSpec => ({ unit: 'seconds', amount: amount / speed });
const ladder = <L extends 1 | 2 | 3 | 4>(levels: readonly L[], spacing: readonly number[], speed: number) => levels.map((level, i) => ({ level, after: seconds(spacing[i]!, speed) }));

/** The policy's escalation rules on the demo clock; `speed` > 1 runs it faster (tests). */
export function demoRules(speed = 1): EscalationRules {
  const r = RULES_SECONDS;
  return {
    version: 1,
    acknowledgeDue: seconds(r.acknowledgeDue, speed),
    acknowledgeLadder: ladder([1, 2, 3], r.acknowledgeLadder, speed),
    cadence: { kind: 'every', every: seconds(r.roundEvery, speed) },
    reportDue: seconds(r.reportDue, speed),
    reportLadder: ladder([1, 2, 3], r.reportLadder, speed),
    dueSoon: seconds(r.dueSoon, speed),
    behindPlanPoints: 20,
    deadlineLadder: ladder([1, 2, 3, 4], r.deadlineLadder, speed),
    reviewDue: seconds(r.reviewDue, speed),
    reviewLadder: ladder([1, 3], r.reviewLadder, speed),
  };
}

/** A measure's own rules (merged over the policy's) and deadline on the demo clock. */
export function demoMeasure(seq: number, loadedAt: number, speed = 1): { override: Partial<EscalationRules>; deadlineAt?: Date } {
  const s = DEMO_SCHEDULE[seq];
  if (!s) return { override: {} };
  return {
    override: {
      acknowledgeDue: seconds(s.acknowledgeIn, speed),
      ...(s.roundEvery ? { cadence: { kind: 'every' as const, every: seconds(s.roundEvery, speed) } } : {}),
    },
    ...(s.deadlineIn !== undefined ? { deadlineAt: new Date(loadedAt + (s.deadlineIn * 1000) / speed) } : {}),
  };
}

/** When, in seconds after the load at speed 1, a deadline's ladder reaches 挂牌督办 (the leader). */
export function leaderEscalationIn(seq: number): number | undefined {
  const d = DEMO_SCHEDULE[seq]?.deadlineIn;
  return d === undefined ? undefined : d + RULES_SECONDS.deadlineLadder.reduce<number>((a, b) => a + b, 0);
}

/** "1分30秒" */
export function minutesText(totalSeconds: number): string {
  const m = Math.floor(totalSeconds / 60);
  const s = Math.round(totalSeconds % 60);
  return m === 0 ? `${s}秒` : s === 0 ? `${m}分钟` : `${m}分${s}秒`;
}
