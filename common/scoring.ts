// 监督考核: how a department's record becomes a score and a rank, defined once. The weights are data
// (a versioned table, `scoring_rules`, seeded with DEFAULT_SCORING_RULES): this module turns a
// department's counts and a version of the rules into rates, a score and ranks, and writes the
// formula in words for the export's footnote and the API. Pure: the API, the digests and the
// dashboard compute and describe the same thing.
//
//   签收及时率 = 按时签收 ÷ (签收 + 逾期未签收)
//   反馈及时率 = 按时反馈 ÷ (反馈 + 逾期未反馈)
//   按期销号率 = 按期销号 ÷ (本期销号 + 到期未销号)          (a late closure counts, but not as on time)
//   综合得分   = Σ(比率 × 权重) ÷ Σ(有比率的权重) × 100 − Σ(本期催办/督办/挂牌督办次数 × 每次扣分), 0–100
//   (挂牌督办 is level 4 of the ladder, reached by time or by the office's hand: both count, each time)
//
// A rate with nothing to count (no 签收 due, …) is left out and so is its weight; a department with
// no rate at all has no score and no rank. Ranks are computed over every department that has a
// score, whoever looks: equal scores share a rank, fewer current overdue items first.
import { z } from 'zod';

export const RATE_KEYS = ['acknowledge', 'report', 'closure'] as const;
export type RateKey = (typeof RATE_KEYS)[number];
/** The escalation ladder's rungs, mildest first (levels 1–4). */
export const LEVEL_KEYS = ['remind', 'urge', 'supervise', 'flag'] as const;
export type LevelKey = (typeof LEVEL_KEYS)[number];

export const RATE_NAMES: Record<RateKey, string> = { acknowledge: '签收及时率', report: '反馈及时率', closure: '按期销号率' };
export const RUNG_NAMES: Record<LevelKey, string> = { remind: '提醒', urge: '催办', supervise: '督办', flag: '挂牌督办' };

const weight = z.number().min(0, '不能为负数 / must not be negative').max(100, '不能超过100 / at most 100');

/** Relative weights of the three rates (only their proportions matter). */
export const scoringWeightsSchema = z.object({ acknowledge: weight, report: weight, closure: weight }).strict();
/** Points taken off the score for each rung of the escalation ladder reached in the period. */
export const scoringDeductionsSchema = z.object({ remind: weight, urge: weight, supervise: weight, flag: weight }).strict();
/** A score needs a weight to divide by. */
export const someWeight: [(r: { weights: Record<RateKey, number> }) => boolean, { message: string; path: string[] }] = [
  (r) => RATE_KEYS.some((k) => r.weights[k] > 0),
  { message: '三项权重不能全为0 / at least one weight must be positive', path: ['weights'] },
];

export const scoringRulesSchema = z.object({ weights: scoringWeightsSchema, deductions: scoringDeductionsSchema }).strict().refine(...someWeight);
export type ScoringRules = z.infer<typeof scoringRulesSchema>;

/**
 * The defaults, from how supervision offices score (签收、反馈、办结 on time; closure weighs most;
 * each formal 催办/督办/挂牌督办 costs points, an automatic 提醒 does not — the rate already counts that miss).
 */
export const DEFAULT_SCORING_RULES: ScoringRules = {
  weights: { acknowledge: 30, report: 30, closure: 40 },
  deductions: { remind: 0, urge: 1, supervise: 2, flag: 5 },
};

/** What is counted for a department over a period (see db/queries/scorecards.ts for where from). */
export interface ScoreCounts {
  acknowledged: number;
  acknowledgedOnTime: number;
  acknowledgeOverdue: number;
  reports: number;
  reportsOnTime: number;
  reportsOverdue: number;
  closedOnTime: number;
  closedLate: number;
  dueOpen: number;
  /** Rungs reached in the period, by level. */
  escalations: Record<LevelKey, number>;
}

export interface Score {
  acknowledgeOnTimeRate: number | null;
  reportOnTimeRate: number | null;
  closureOnTimeRate: number | null;
  /** Points taken off for escalations. */
  deduction: number;
  score: number | null;
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;
const rate = (num: number, den: number) => (den > 0 ? round(num / den, 3) : null);

export function scoreOf(c: ScoreCounts, rules: ScoringRules): Score {
  const rates: Record<RateKey, number | null> = {
    acknowledge: rate(c.acknowledgedOnTime, c.acknowledged + c.acknowledgeOverdue),
    report: rate(c.reportsOnTime, c.reports + c.reportsOverdue),
    closure: rate(c.closedOnTime, c.closedOnTime + c.closedLate + c.dueOpen),
  };
  let weighted = 0;
  let weights = 0;
  for (const k of RATE_KEYS) {
    const r = rates[k];
    if (r === null || rules.weights[k] === 0) continue;
    weighted += r * rules.weights[k];
    weights += rules.weights[k];
  }
  const deduction = round(
    LEVEL_KEYS.reduce((sum, k) => sum + c.escalations[k] * rules.deductions[k], 0),
    1,
  );
  const score = weights > 0 ? round(Math.min(100, Math.max(0, (weighted / weights) * 100 - deduction)), 1) : null;
  return { acknowledgeOnTimeRate: rates.acknowledge, reportOnTimeRate: rates.report, closureOnTimeRate: rates.closure, deduction, score };
}

/**
 * Ranks in place over every row given (pass all departments, then filter what a viewer sees):
 * higher score first, then fewer current overdue items; equal on both share a rank (1, 1, 3).
 * A row without a score has no rank.
 */
export function rank<T extends { score: number | null; overdue: number; rank: number | null }>(rows: T[]): T[] {
  const scored = rows.filter((r) => r.score !== null).sort((a, b) => b.score! - a.score! || a.overdue - b.overdue);
  scored.forEach((r, i) => {
    const prev = scored[i - 1];
    r.rank = prev && prev.score === r.score && prev.overdue === r.overdue ? prev.rank : i + 1;
  });
  for (const r of rows) if (r.score === null) r.rank = null;
  return rows;
}

/** A rate as the scorecard, its export and the digests print it: `87.5%`, or `—` when there is none. */
export const formatRate = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);

const num = (x: number) => String(round(x, 2));

/** The formula and this version's weights in words, as the export's footnote prints it. */
export function describeScoring(rules: ScoringRules): string {
  const w = rules.weights;
  const used = RATE_KEYS.filter((k) => w[k] > 0);
  const deductions = LEVEL_KEYS.filter((k) => rules.deductions[k] > 0).map((k) => `每次${RUNG_NAMES[k]}扣${num(rules.deductions[k])}分`);
  const free = LEVEL_KEYS.filter((k) => rules.deductions[k] === 0).map((k) => RUNG_NAMES[k]);
  return [
    '签收及时率＝按时签收÷（签收数＋逾期未签收）',
    '反馈及时率＝按时反馈÷（反馈次数＋逾期未反馈）',
    '按期销号率＝按期销号÷（本期销号＋到期未销号），逾期后销号计入分母、不计为按期',
    `综合得分＝（${used.map((k) => `${RATE_NAMES[k]}×${num(w[k])}`).join('＋')}）÷参与计算的权重之和×100${
      deductions.length ? `，再按本期督办升级${deductions.join('、')}` : ''
    }${free.length ? `（${free.join('、')}不扣分）` : ''}，结果在0至100分之间`,
    '某项比率无可统计事项时不参与计算；三项均无的部门不计分、不排名',
    '排名在全部部门中计算，得分相同的当前逾期少者在前',
  ].join('；') + '。';
}
