// Which actions a person is offered on a measure (common/allowed-actions.ts): the API answers them
// as a measure's allowedActions and the dashboard shows exactly those buttons. The workflow's own
// refusals of the others are tested over HTTP in test/api/evidence.test.ts and measures.test.ts.
import { describe, expect, it } from 'vitest';
import { allowedActions, type MeasureForActions } from '../../common/allowed-actions.js';

const assignment = (departmentId: string, role: 'lead' | 'cooperating', acknowledged = false, declined = false) => ({
  departmentId,
  role,
  acknowledgedAt: acknowledged ? '2026-01-01T00:00:00Z' : null,
  declinedAt: declined ? '2026-01-01T00:00:00Z' : null,
});
const measure = (status: string, opts: { leadAck?: boolean; coopAck?: boolean; deadlineAt?: string | null; pendingExtension?: boolean } = {}): MeasureForActions => ({
  status,
  assignments: [assignment('health', 'lead', opts.leadAck), assignment('finance', 'cooperating', opts.coopAck)],
  deadlineAt: opts.deadlineAt === undefined ? '2026-12-31T16:00:00Z' : opts.deadlineAt,
  extensionPending: opts.pendingExtension ?? false,
});
const lead = { role: 'department' as const, departmentId: 'health' };
const cooperating = { role: 'department' as const, departmentId: 'finance' };
const office = { role: 'coordination_office' as const, departmentId: 'office' };

describe('actions offered on a measure', () => {
  it('offers a department only its own: 签收 or 申请调整 until it acknowledges', () => {
    expect(allowedActions(lead, measure('dispatched'))).toEqual(['acknowledge', 'decline']);
    expect(allowedActions({ role: 'department', departmentId: 'hrss' }, measure('dispatched'))).toEqual([]);
    const declined = { ...measure('dispatched'), assignments: [assignment('health', 'lead', false, true)] };
    expect(allowedActions(lead, declined)).toEqual(['acknowledge']);
  });

  it('offers reports to every assigned department under supervision, closure and extension to the lead only', () => {
    expect(allowedActions(lead, measure('supervised', { leadAck: true }))).toEqual(['submitProgress', 'applyClosure', 'requestExtension']);
    expect(allowedActions(cooperating, measure('supervised', { leadAck: true }))).toEqual(['acknowledge', 'decline', 'submitProgress']);
    expect(allowedActions(cooperating, measure('supervised', { leadAck: true, coopAck: true }))).toEqual(['submitProgress']);
    // Ongoing (no deadline) or already asked: no extension.
    expect(allowedActions(lead, measure('supervised', { leadAck: true, deadlineAt: null }))).toEqual(['submitProgress', 'applyClosure']);
    expect(allowedActions(lead, measure('supervised', { leadAck: true, pendingExtension: true }))).toEqual(['submitProgress', 'applyClosure']);
    expect(allowedActions(lead, measure('closure_review', { leadAck: true }))).toEqual([]);
  });

  it('offers the office review, extension decisions, reassignment, flag and cancel when the state allows', () => {
    expect(allowedActions(office, measure('dispatched'))).toEqual(['reassignLead', 'flag', 'cancel']);
    expect(allowedActions(office, measure('supervised', { leadAck: true, pendingExtension: true }))).toEqual(['decideExtension', 'reassignLead', 'flag', 'cancel']);
    expect(allowedActions({ role: 'admin', departmentId: null }, measure('closure_review', { leadAck: true }))).toEqual(['reviewClosure', 'flag', 'cancel']);
  });

  it('offers nothing on a closed or cancelled measure, and nothing to a leader', () => {
    for (const status of ['closed', 'cancelled', 'draft'] as const) {
      expect(allowedActions(office, measure(status))).toEqual([]);
      expect(allowedActions(lead, measure(status))).toEqual([]);
    }
    expect(allowedActions({ role: 'leader', departmentId: null }, measure('supervised'))).toEqual([]);
  });
});
