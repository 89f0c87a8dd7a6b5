// The dashboard's pure pieces: the one date format (end-of-day as 24:00, Asia/Shanghai whatever
// the machine's zone). Which actions a person is offered: test/unit/allowed-actions.test.ts.
import { describe, expect, it } from 'vitest';
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
    // The demo clock's due times are minutes apart: a day's lateness is not rounded up.
    expect(dueIn('2026-03-04T21:00:00Z', now)).toBe('已逾期3小时');
    expect(dueIn('2026-03-04T23:55:00Z', now)).toBe('已逾期5分钟');
    expect(dueIn('2026-03-04T23:59:59Z', now)).toBe('已逾期1分钟');
  });
});
