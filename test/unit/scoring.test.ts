// The scoring, defined once: weighted rates, deductions per rung, ranks over all, the formula in words.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_RULES, describeScoring, rank, scoreOf, scoringRulesSchema, type ScoreCounts } from '../../common/scoring.js';

const none = { remind: 0, urge: 0, supervise: 0, flag: 0 };
const counts = (c: Partial<ScoreCounts>): ScoreCounts => ({
  acknowledged: 0,
  acknowledgedOnTime: 0,
  acknowledgeOverdue: 0,
  reports: 0,
  reportsOnTime: 0,
  reportsOverdue: 0,
  closedOnTime: 0,
  closedLate: 0,
  dueOpen: 0,
  escalations: none,
  ...c,
});

describe('scoreOf', () => {
  it('weighs the three rates 30/30/40 by default', () => {
    const s = scoreOf(counts({ acknowledged: 2, acknowledgedOnTime: 2, reports: 4, reportsOnTime: 2, closedOnTime: 1, dueOpen: 1 }), DEFAULT_SCORING_RULES);
    expect(s).toEqual({ acknowledgeOnTimeRate: 1, reportOnTimeRate: 0.5, closureOnTimeRate: 0.5, deduction: 0, score: 65 });
  });

  it('leaves out a rate with nothing to count, and its weight', () => {
    const s = scoreOf(counts({ acknowledged: 2, acknowledgedOnTime: 1, reports: 1, reportsOnTime: 1 }), DEFAULT_SCORING_RULES);
    expect(s).toMatchObject({ closureOnTimeRate: null, score: 75 });
    expect(scoreOf(counts({}), DEFAULT_SCORING_RULES)).toMatchObject({ acknowledgeOnTimeRate: null, reportOnTimeRate: null, closureOnTimeRate: null, score: null });
  });

  it('does not score a measure closed six years late and escalated to 挂牌督办 as perfect', () => {
    // Acknowledged and reported on time, then closed long after its deadline; the ladder climbed to the top.
    const late = counts({ acknowledged: 1, acknowledgedOnTime: 1, reports: 1, reportsOnTime: 1, closedLate: 1, escalations: { remind: 1, urge: 1, supervise: 1, flag: 1 } });
    const s = scoreOf(late, DEFAULT_SCORING_RULES);
    expect(s.closureOnTimeRate).toBe(0);
    expect(s.deduction).toBe(1 + 2 + 5);
    expect(s.score).toBe(60 - 8);
  });

  it('takes points off per rung and never goes below 0 or above 100', () => {
    const many = counts({ acknowledged: 1, acknowledgedOnTime: 1, escalations: { remind: 0, urge: 0, supervise: 0, flag: 30 } });
    expect(scoreOf(many, DEFAULT_SCORING_RULES)).toMatchObject({ deduction: 150, score: 0 });
    const bonus = { ...DEFAULT_SCORING_RULES, deductions: { remind: 0, urge: 0, supervise: 0, flag: 0 } };
    expect(scoreOf(counts({ acknowledged: 1, acknowledgedOnTime: 1 }), bonus).score).toBe(100);
  });

  it('follows the weights it is given', () => {
    const c = counts({ acknowledged: 1, acknowledgedOnTime: 1, closedLate: 1 });
    expect(scoreOf(c, { ...DEFAULT_SCORING_RULES, weights: { acknowledge: 1, report: 1, closure: 0 } }).score).toBe(100);
    expect(scoreOf(c, { ...DEFAULT_SCORING_RULES, weights: { acknowledge: 1, report: 0, closure: 3 } }).score).toBe(25);
  });
});

describe('rank', () => {
  it('ranks by score, then fewer overdue items; equal rows share a rank; no score, no rank', () => {
    const rows = [
      { id: 'a', score: 80, overdue: 1, rank: null as number | null },
      { id: 'b', score: 90, overdue: 0, rank: null as number | null },
      { id: 'c', score: 80, overdue: 0, rank: null as number | null },
      { id: 'd', score: 80, overdue: 0, rank: null as number | null },
      { id: 'e', score: null, overdue: 5, rank: 7 as number | null },
    ];
    rank(rows);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.rank]))).toEqual({ b: 1, c: 2, d: 2, a: 4, e: null });
  });
});

describe('the rules as data', () => {
  it('accepts the defaults and refuses what cannot score', () => {
    expect(scoringRulesSchema.parse(DEFAULT_SCORING_RULES)).toEqual(DEFAULT_SCORING_RULES);
    expect(scoringRulesSchema.safeParse({ ...DEFAULT_SCORING_RULES, weights: { acknowledge: 0, report: 0, closure: 0 } }).success).toBe(false);
    expect(scoringRulesSchema.safeParse({ ...DEFAULT_SCORING_RULES, deductions: { ...DEFAULT_SCORING_RULES.deductions, flag: -1 } }).success).toBe(false);
    expect(scoringRulesSchema.safeParse({ ...DEFAULT_SCORING_RULES, bonus: 1 }).success).toBe(false);
  });

  it('writes the formula and the weights in words', () => {
    const text = describeScoring(DEFAULT_SCORING_RULES);
    expect(text).toContain('综合得分＝（签收及时率×30＋反馈及时率×30＋按期销号率×40）÷参与计算的权重之和×100');
    expect(text).toContain('每次催办扣1分、每次督办扣2分、每次挂牌督办扣5分（提醒不扣分）');
    expect(text).toContain('按期销号率＝按期销号÷（本期销号＋到期未销号）');
    expect(text).toContain('排名在全部部门中计算');
    expect(describeScoring({ weights: { acknowledge: 50, report: 50, closure: 0 }, deductions: { remind: 0.5, urge: 1, supervise: 2, flag: 5 } })).toContain('（签收及时率×50＋反馈及时率×50）');
  });
});
