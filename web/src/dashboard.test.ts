// The dashboard's pure pieces: the one date format (end-of-day as 24:00, Asia/Shanghai whatever
// the machine's zone) and which actions a person is offered on a measure.
import { describe, expect, it } from 'vitest';
import type { MeasureDetail } from './api/types';
import { allowedActions } from './pages/measures/allowed-actions';
import { dueIn, formatDate, formatDateTime, formatDay } from './format/date';

describe('dates in the dashboard', () => {
  it('shows Asia/Shanghai time, and an end-of-day due time as that day’s 24:00', () => {
    expect(formatDateTime('2026-03-05T09:00:00Z')).toBe('2026年3月5日 17:00');
    // 2026-12-31 24:00 in Shanghai is 2027-01-01 00:00 there, 16:00 UTC the day before.
    expect(formatDateTime('2026-12-31T16:00:00.000Z')).toBe('2026年12月31日 24:00');
    expect(formatDate('2026-12-31T16:00:00.000Z')).toBe('2026年12月31日');
    expect(formatDateTime('2026-12-31T16:01:00.000Z')).toBe('2027年1月1日 00:01');
    expect(formatDay('2027-06-30')).toBe('2027年6月30日');
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime('not a date')).toBe('');
  });

  it('says how far a due time is', () => {
    const now = new Date('2026-03-05T00:00:00Z');
    expect(dueIn('2026-03-08T01:00:00Z', now)).toBe('还剩3天');
    expect(dueIn('2026-03-05T10:00:00Z', now)).toBe('今天到期');
    expect(dueIn('2026-03-03T00:00:00Z', now)).toBe('已逾期2天');
  });
});

type M = Pick<MeasureDetail, 'status' | 'assignments' | 'entry'>;
const assignment = (departmentId: string, role: 'lead' | 'cooperating', acknowledged = false, declined = false) => ({
  departmentId,
  departmentName: departmentId,
  shortName: null,
  role,
  acknowledgedAt: acknowledged ? '2026-01-01T00:00:00Z' : null,
  declinedAt: declined ? '2026-01-01T00:00:00Z' : null,
  declineReason: declined ? '不属本单位职责' : null,
});
const measure = (status: M['status'], opts: { leadAck?: boolean; coopAck?: boolean; deadlineAt?: string | null; pendingExtension?: boolean } = {}): M => ({
  status,
  assignments: [assignment('health', 'lead', opts.leadAck), assignment('finance', 'cooperating', opts.coopAck)],
  entry: {
    deadlineAt: opts.deadlineAt === undefined ? '2026-12-31T16:00:00Z' : opts.deadlineAt,
    snapshot: { pendingExtension: opts.pendingExtension ? { at: '', newDeadline: '2027-06-30', reason: '', by: '' } : null, flagged: null },
  } as MeasureDetail['entry'],
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
