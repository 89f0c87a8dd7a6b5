// Which actions a person may take on a measure now: the conditions the measure workflow checks
// (workflows/measure.ts: requireDepartment, requireLead, requireOffice, requireStatus and each
// action's own), computed from the read model. The API answers them as a measure's
// `allowedActions` and the dashboard offers exactly those buttons. Pure: no I/O, no clock.

export const MEASURE_ACTIONS = [
  'acknowledge',
  'decline',
  'submitProgress',
  'applyClosure',
  'requestExtension',
  'reviewClosure',
  'decideExtension',
  'reassignLead',
  'cancel',
  'flag',
] as const;
export type MeasureActionName = (typeof MEASURE_ACTIONS)[number];

export interface ActingPerson {
  role: 'admin' | 'coordination_office' | 'department' | 'leader';
  departmentId: string | null;
}

export interface MeasureForActions {
  status: string;
  assignments: ReadonlyArray<{ departmentId: string; role: 'lead' | 'cooperating'; acknowledgedAt: string | null; declinedAt: string | null }>;
  /** The current deadline; null for an ongoing measure (长期坚持), which has none to extend. */
  deadlineAt: string | null;
  /** An extension request waiting for the office's decision. */
  extensionPending: boolean;
}

const OPEN = new Set(['dispatched', 'supervised', 'closure_review']);

export function allowedActions(person: ActingPerson, measure: MeasureForActions): MeasureActionName[] {
  if (!OPEN.has(measure.status)) return [];
  const actions: MeasureActionName[] = [];

  if (person.role === 'department') {
    const mine = measure.assignments.find((a) => a.departmentId === person.departmentId);
    if (!mine) return [];
    if (!mine.acknowledgedAt) actions.push('acknowledge');
    if (!mine.acknowledgedAt && !mine.declinedAt) actions.push('decline');
    if (measure.status === 'supervised') {
      actions.push('submitProgress');
      if (mine.role === 'lead') {
        actions.push('applyClosure');
        if (measure.deadlineAt && !measure.extensionPending) actions.push('requestExtension');
      }
    }
  }

  if (person.role === 'coordination_office' || person.role === 'admin') {
    if (measure.status === 'closure_review') actions.push('reviewClosure');
    if (measure.extensionPending) actions.push('decideExtension');
    if (measure.status === 'dispatched' || measure.status === 'supervised') actions.push('reassignLead');
    actions.push('flag', 'cancel');
  }
  // Leaders oversee; they take no action on a measure.
  return actions;
}
