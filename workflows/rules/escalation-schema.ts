// Validation of escalation rules arriving from outside (policy settings, per-measure overrides).
// Kept apart from escalation.ts so zod stays out of the workflow bundle.
import { z } from 'zod';
import { DEFAULT_RULES, type EscalationRules } from './escalation.js';

const dueSpec = z.object({
  unit: z.enum(['working_days', 'calendar_days', 'seconds', 'minutes', 'hours']),
  amount: z.number().nonnegative().max(3650),
});
const rung = z.object({ level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]), after: dueSpec });
const ladder = z
  .array(rung)
  .max(8)
  .refine((rungs) => rungs.every((r, i) => i === 0 || r.level >= rungs[i - 1]!.level), '督办级别须逐级上升 / levels must not go down');

export const escalationRulesSchema = z.object({
  version: z.number().int().positive(),
  acknowledgeDue: dueSpec,
  acknowledgeLadder: ladder,
  cadence: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('monthly'), day: z.number().int().min(1).max(31) }),
    z.object({ kind: z.literal('every'), every: dueSpec.refine((d) => d.amount > 0, '调度间隔须大于0 / must be positive') }),
  ]),
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
