// The shape of a projection step (workflows/measure-types.ts ProjectionStep) as a schema: the
// projection activity checks each step with it before writing (a step it refuses fails the same way
// on every retry, and is set aside), and an admin's repaired step is checked with it before a replay.
// Texts are any strings here: what PostgreSQL cannot store it says itself; the API's door refuses
// control characters in a repaired step as in every request body.
import { z } from 'zod';
import type { ProjectionStep } from '../workflows/measure-types.js';

const instant = z.iso.datetime({ offset: true });
const status = z.enum(['dispatched', 'supervised', 'closure_review', 'closed', 'cancelled']);
const actorRole = z.enum(['admin', 'coordination_office', 'department', 'leader', 'system']);

/**
 * The step's shape, built with `object`: the activity's check lets through fields a later workflow
 * version may add (never setting aside a step for a field it does not know), while an admin's
 * repaired step is built strict, so a misspelt field is refused at the door and not silently dropped.
 */
function stepSchema(object: typeof z.object | typeof z.strictObject) {
  const evidence = object({ name: z.string(), url: z.string().optional(), note: z.string().optional(), fileId: z.string().optional() });
  return object({
    measureId: z.uuid(),
    seq: z.number().int().positive(),
    at: instant,
    actor: z.string(),
    actorRole: actorRole.optional(),
    action: z.string().min(1),
    fromState: status.nullable().optional(),
    detail: z.record(z.string(), z.unknown()).optional(),
    entry: object({
      list: z.enum(['responsibility', 'supervision', 'closure']).nullable(),
      status,
      rag: z.enum(['green', 'yellow', 'red']),
      escalationLevel: z.number().int().min(0).max(4),
      leadDepartmentId: z.string(),
      deadlineAt: instant.nullable(),
      acknowledgeDueAt: instant.nullable(),
      reportDueAt: instant.nullable(),
      reviewDueAt: instant.nullable(),
      progressPercent: z.number().int().min(0).max(100).nullable(),
      lastReportAt: instant.nullable(),
      closedAt: instant.nullable(),
      calendarGapYears: z.array(z.number().int()).optional(),
      snapshot: z.unknown(),
    }),
    assignments: z
      .array(
        object({
          departmentId: z.string(),
          role: z.enum(['lead', 'cooperating']),
          acknowledgedAt: instant.nullable(),
          declinedAt: instant.nullable(),
          declineReason: z.string().nullable(),
        }),
      )
      .optional(),
    removedDepartmentIds: z.array(z.string()).optional(),
    report: object({
        round: z.number().int().min(0),
        departmentId: z.string(),
        text: z.string(),
        percent: z.number().int().min(0).max(100).optional(),
        indicatorValue: z.number().finite().optional(),
        evidence: z.array(evidence),
        late: z.boolean(),
      })
      .optional(),
    notifications: z
      .array(
        object({
          key: z.string().min(1),
          kind: z.string().min(1),
          departmentId: z.string().optional(),
          role: actorRole.optional(),
          payload: z.record(z.string(), z.unknown()),
        }),
      )
      .optional(),
  });
}

export const projectionStep = stepSchema(z.object);
export const repairedStep = stepSchema(z.strictObject).meta({
  id: 'ProjectionStep',
  description: '措施工作流的一步投影（写入三张清单、审计记录、进展反馈与通知）/ one projection step of a measure workflow',
});

// The schema and the type the workflow sends must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _inSync: Same<z.infer<typeof projectionStep>, ProjectionStep> | 'differs' = true;
void _inSync;

/** Where a step breaks the schema, as one line for an admin. */
export function stepProblem(step: unknown): string | undefined {
  const parsed = projectionStep.safeParse(step);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((i) => `${i.path.join('.') || '(step)'}: ${i.message}`).join('; ');
}
