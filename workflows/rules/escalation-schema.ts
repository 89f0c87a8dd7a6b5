// The one schema of escalation rules. The API checks every version and override with it, the import
// stores version 1 through it, and the measure workflow checks the rules it is started with: so the
// API refuses exactly what the workflow would refuse. It says what the pure rules can compute:
// working and calendar days are counted whole (computeDueAt refuses 0.5 working days), plain
// durations may be fractional (they are rounded to the millisecond), and a dispatch round cadence
// must move time forward. zod is deterministic, so it may run inside the workflow.
import { z } from 'zod';
import { DEFAULT_RULES, type EscalationRules } from './escalation.js';

const MAX_AMOUNT = 3650;
const UNIT_MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000 } as const;

const notNegative = '不能为负数 / must not be negative';
const atMost = `不能超过${MAX_AMOUNT} / at most ${MAX_AMOUNT}`;

const dueSpec = z.discriminatedUnion(
  'unit',
  [
    z.strictObject({
      unit: z.enum(['working_days', 'calendar_days']),
      amount: z.number().int('工作日、自然日须为整数 / days must be whole numbers').min(0, notNegative).max(MAX_AMOUNT, atMost),
    }),
    z.strictObject({
      unit: z.enum(['seconds', 'minutes', 'hours']),
      amount: z.number().min(0, notNegative).max(MAX_AMOUNT, atMost),
    }),
  ],
  { error: '应为 {unit, amount}，unit 为 working_days、calendar_days、seconds、minutes 或 hours / must be {unit, amount} with a known unit' },
);

/** A round cadence that does not move time forward would open rounds without end. */
const positiveSpan = (d: z.infer<typeof dueSpec>) => (d.unit === 'working_days' || d.unit === 'calendar_days' ? d.amount >= 1 : Math.round(d.amount * UNIT_MS[d.unit]) >= 1);

const rung = z.strictObject({ level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], { error: '督办级别应为1–4 / level must be 1–4' }), after: dueSpec });
const ladder = z
  .array(rung)
  .max(8)
  .refine((rungs) => rungs.every((r, i) => i === 0 || r.level >= rungs[i - 1]!.level), '督办级别须逐级上升 / levels must not go down');

export const escalationRulesSchema = z.strictObject({
  version: z.number().int().positive(),
  acknowledgeDue: dueSpec,
  acknowledgeLadder: ladder,
  cadence: z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('monthly'), day: z.number().int('日期须为整数 / day must be a whole number').min(1).max(31) }),
      z.strictObject({ kind: z.literal('every'), every: dueSpec.refine(positiveSpan, '调度间隔须大于0 / the interval must be positive') }),
    ],
    { error: '应为 {kind: "monthly", day} 或 {kind: "every", every} / must be monthly or every' },
  ),
  reportDue: dueSpec,
  reportLadder: ladder,
  dueSoon: dueSpec,
  behindPlanPoints: z.number().min(0).max(100),
  deadlineLadder: ladder,
  reviewDue: dueSpec,
  reviewLadder: ladder,
}) satisfies z.ZodType<EscalationRules>;

/** A per-measure override: any subset of the fields, merged over the policy's rules. */
export const rulesOverrideSchema = escalationRulesSchema.omit({ version: true }).partial();

export function mergeRules(base: EscalationRules = DEFAULT_RULES, override?: z.infer<typeof rulesOverrideSchema>): EscalationRules {
  return escalationRulesSchema.parse({ ...base, ...override });
}

export interface RulesProblem {
  /** Where, e.g. `acknowledgeDue.amount` or `deadlineLadder.1.after.amount`. */
  path: string;
  message: string;
}

export function firstProblem(error: z.ZodError): RulesProblem {
  const issue = error.issues[0]!;
  return { path: issue.path.map(String).join('.'), message: issue.message };
}

/** What is wrong with these rules, or undefined when the workflow can run them. */
export function rulesProblem(rules: unknown): RulesProblem | undefined {
  const result = escalationRulesSchema.safeParse(rules);
  return result.success ? undefined : firstProblem(result.error);
}
