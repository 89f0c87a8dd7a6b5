// The demo clock's schedule (demo/clock.ts): rules the workflow accepts, and due times spaced apart.
import { describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE, demoMeasure, demoRules, leaderEscalationIn, minutesText } from '../../demo/clock.js';
import { demoPackage } from '../../demo/load.js';
import { mergeRules, rulesProblem } from '../../workflows/rules/escalation-schema.js';

describe('the demo clock', () => {
  it('gives rules the workflow accepts, at any speed, merged with every measure’s own', () => {
    for (const speed of [1, 10, 100]) {
      expect(rulesProblem(demoRules(speed))).toBeUndefined();
      for (const m of demoPackage().measures) expect(() => mergeRules(demoRules(speed), demoMeasure(m.seq, 0, speed).override)).not.toThrow();
    }
    expect(demoRules(10).acknowledgeLadder.map((r) => r.after)).toEqual([
      { unit: 'seconds', amount: 0 },
      { unit: 'seconds', amount: 6 },
      { unit: 'seconds', amount: 6 },
    ]);
  });

  it('schedules every measure of the package, its first reminders at least a minute apart', () => {
    const seqs = demoPackage().measures.map((m) => m.seq);
    expect(Object.keys(DEMO_SCHEDULE).map(Number).sort((a, b) => a - b)).toEqual(seqs);
    const firsts = Object.values(DEMO_SCHEDULE)
      .map((s) => s.acknowledgeIn)
      .sort((a, b) => a - b);
    expect(firsts[0]).toBeGreaterThanOrEqual(60);
    for (let i = 1; i < firsts.length; i++) expect(firsts[i]! - firsts[i - 1]!).toBeGreaterThanOrEqual(60);
    const deadlines = Object.values(DEMO_SCHEDULE).flatMap((s) => (s.deadlineIn === undefined ? [] : [s.deadlineIn]));
    expect(new Set(deadlines).size).toBeGreaterThanOrEqual(deadlines.length - 1); // 3 (in review) and 4 (closed) share one
  });

  it('puts a measure’s deadline minutes after the load, faster at a higher speed', () => {
    expect(demoMeasure(8, 1_000_000).deadlineAt).toEqual(new Date(1_000_000 + 180_000));
    expect(demoMeasure(8, 1_000_000, 10).deadlineAt).toEqual(new Date(1_000_000 + 18_000));
    expect(demoMeasure(6, 0).deadlineAt).toBeUndefined();
    expect(leaderEscalationIn(8)).toBe(300);
    expect([minutesText(90), minutesText(300), minutesText(9)]).toEqual(['1分30秒', '5分钟', '9秒']);
  });
});
