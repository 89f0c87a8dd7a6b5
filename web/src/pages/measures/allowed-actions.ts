// Which actions the signed-in person may take on a measure: the same conditions the measure
// workflow checks (workflows/measure.ts), so the page offers exactly what would be accepted.
// Pure: unit-tested in web/src/dashboard.test.ts.
import type { MeasureAction, MeasureDetail, Person } from '../../api/types';

const OPEN = ['dispatched', 'supervised', 'closure_review'];

/** The part of the read model's snapshot the page needs (the API types it `unknown`). */
export interface Snapshot {
  pendingExtension: { at: string; newDeadline: string; reason: string; by: string } | null;
  flagged: { at: string; by: string; reason: string } | null;
}

export function snapshotOf(measure: Pick<MeasureDetail, 'entry'>): Snapshot {
  const s = (measure.entry?.snapshot ?? {}) as Partial<Snapshot>;
  return { pendingExtension: s.pendingExtension ?? null, flagged: s.flagged ?? null };
}

export function allowedActions(person: Pick<Person, 'role' | 'departmentId'>, measure: Pick<MeasureDetail, 'status' | 'assignments' | 'entry'>): MeasureAction[] {
  if (!OPEN.includes(measure.status)) return [];
  const { pendingExtension } = snapshotOf(measure);
  const actions: MeasureAction[] = [];

  if (person.role === 'department') {
    const mine = measure.assignments.find((a) => a.departmentId === person.departmentId);
    if (!mine) return [];
    if (!mine.acknowledgedAt) actions.push('acknowledge');
    if (!mine.acknowledgedAt && !mine.declinedAt) actions.push('decline');
    if (measure.status === 'supervised') {
      actions.push('submitProgress');
      if (mine.role === 'lead') {
        actions.push('applyClosure');
        if (measure.entry?.deadlineAt && !pendingExtension) actions.push('requestExtension');
      }
    }
  }

  if (person.role === 'coordination_office' || person.role === 'admin') {
    if (measure.status === 'closure_review') actions.push('reviewClosure');
    if (pendingExtension) actions.push('decideExtension');
    if (measure.status === 'dispatched' || measure.status === 'supervised') actions.push('reassignLead');
    actions.push('flag', 'cancel');
  }
  // Leaders oversee; they take no action on a measure.
  return actions;
}
