// The part of the read model's snapshot the measure page needs (the API types it `unknown`).
// Which actions to offer is the server's answer (`allowedActions`, common/allowed-actions.ts).
import type { MeasureDetail } from '../../api/types';

export interface Snapshot {
  pendingExtension: { at: string; newDeadline: string; reason: string; by: string } | null;
  flagged: { at: string; by: string; reason: string } | null;
}

export function snapshotOf(measure: Pick<MeasureDetail, 'entry'>): Snapshot {
  const s = (measure.entry?.snapshot ?? {}) as Partial<Snapshot>;
  return { pendingExtension: s.pendingExtension ?? null, flagged: s.flagged ?? null };
}
