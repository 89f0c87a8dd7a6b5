// Which errors of a projection step a retry may cure (kept retrying) and which not (the step is set
// aside for an admin), and the step's schema that both the activity and an admin's repair obey.
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { stepProblem } from '../../activities/projection-step.js';
import { DatabaseDownError, incurableCause } from '../../db/errors.js';
import type { ProjectionStep } from '../../workflows/measure-types.js';

/** The shape postgres.js gives a server's refusal. */
const postgresError = (code: string, message = 'refused', detail?: string) => Object.assign(new Error(message), { name: 'PostgresError', code, ...(detail ? { detail } : {}) });
const viaDrizzle = (cause: Error) => new DrizzleQueryError('insert into progress_reports …', [], cause as never);

describe('incurableCause', () => {
  it('names the data PostgreSQL refuses: class 22 (U+0000 in text or jsonb, out of range, malformed) and 23 (constraints)', () => {
    expect(incurableCause(viaDrizzle(postgresError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')))).toEqual({
      code: '22021',
      message: 'invalid byte sequence for encoding "UTF8": 0x00',
    });
    expect(incurableCause(postgresError('22P05', 'unsupported Unicode escape sequence', '\\u0000 cannot be converted to text.'))).toEqual({
      code: '22P05',
      message: 'unsupported Unicode escape sequence (\\u0000 cannot be converted to text.)',
    });
    for (const code of ['22003', '22P02', '22007', '23503', '23502', '23514']) expect(incurableCause(viaDrizzle(postgresError(code)))?.code).toBe(code);
  });

  it('leaves to retries what passes: an unreachable, stopping, slow or locked server, a twin that committed first, a conflict', () => {
    for (const err of [
      postgresError('23505'), // unique violation: a twin execution of the step committed first; the retry skips it
      postgresError('40001'), // serialisation failure
      postgresError('40P01'), // deadlock
      postgresError('57P01'), // the server is stopping
      postgresError('57014'), // statement timeout
      postgresError('55P03'), // lock timeout
      postgresError('08006'),
      postgresError('53300'),
      viaDrizzle(Object.assign(new Error('x'), { code: 'CONNECTION_CLOSED' })),
      new DatabaseDownError(),
    ]) {
      expect(incurableCause(err)).toBeUndefined();
    }
  });

  it('leaves to retries what it does not know: a missing table (a migration not yet run), a bug, a thrown string', () => {
    for (const err of [postgresError('42P01'), postgresError('XX000'), new TypeError('undefined is not an object'), new Error('plain'), 'text', undefined]) {
      expect(incurableCause(err)).toBeUndefined();
    }
  });
});

const step: ProjectionStep = {
  measureId: '0b6f4e6c-7d2a-4c1e-9a43-5c6f0d7e8a91',
  seq: 3,
  at: '2026-11-23T08:00:00.000Z',
  actor: 'a-person',
  actorRole: 'department',
  action: 'report',
  fromState: 'supervised',
  detail: { departmentId: 'health', round: 1, late: false, percent: 30 },
  entry: {
    list: 'supervision',
    status: 'supervised',
    rag: 'green',
    escalationLevel: 0,
    leadDepartmentId: 'health',
    deadlineAt: null,
    acknowledgeDueAt: null,
    reportDueAt: '2026-11-30T16:00:00.000Z',
    reviewDueAt: null,
    progressPercent: 30,
    lastReportAt: '2026-11-23T08:00:00.000Z',
    closedAt: null,
    snapshot: { pending: [] },
  },
  assignments: [{ departmentId: 'health', role: 'lead', acknowledgedAt: '2026-11-20T08:00:00.000Z', declinedAt: null, declineReason: null }],
  report: { round: 1, departmentId: 'health', text: '已完成\u0000方案', percent: 30, evidence: [{ name: '方案.docx' }], late: false },
  notifications: [{ key: 'k:3:0', kind: 'round.opened', departmentId: 'health', payload: { round: 1 } }],
};

describe('stepProblem', () => {
  it('accepts a step as the workflow sends it (U+0000 included: what PostgreSQL cannot store, it says itself)', () => {
    expect(stepProblem(step)).toBeUndefined();
    expect(stepProblem(JSON.parse(JSON.stringify(step)))).toBeUndefined();
  });

  it('names the path of each part that breaks the shape', () => {
    expect(stepProblem({ ...step, at: 'yesterday' })).toMatch(/^at: /);
    expect(stepProblem({ ...step, entry: { ...step.entry, deadlineAt: 'not a date' } })).toMatch(/^entry\.deadlineAt: /);
    expect(stepProblem({ ...step, seq: 1.5 })).toMatch(/^seq: /);
    expect(stepProblem({ ...step, report: { ...step.report!, percent: 101 } })).toMatch(/^report\.percent: /);
    expect(stepProblem({ ...step, measureId: 'x' })).toMatch(/^measureId: /);
    expect(stepProblem(null)).toMatch(/^\(step\): /);
  });
});
