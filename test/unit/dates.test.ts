// The one date formatter: Shanghai wall time whatever the machine's zone, and one end-of-day rule
// (00:00 is the previous day's 24:00) for every date the product shows.
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDay, formatDayRange, isoDate } from '../../common/dates.js';
import { endOfShanghaiDay } from '../../workflows/rules/calendar.js';
import { describeDeadline, parseDeadline } from '../../workflows/rules/deadline.js';

describe('formatDateTime', () => {
  it('writes an instant as Shanghai wall time', () => {
    expect(formatDateTime('2026-03-05T09:00:00Z')).toBe('2026年3月5日 17:00');
    expect(formatDateTime(new Date('2026-03-05T09:07:59.999Z'))).toBe('2026年3月5日 17:07');
    expect(formatDateTime(Date.parse('2026-03-04T16:05:00Z'))).toBe('2026年3月5日 00:05');
  });

  it('reads 16:00Z, the end of a Shanghai day, as that day’s 24:00 — and not a millisecond either side', () => {
    expect(formatDateTime('2026-11-26T15:59:59.999Z')).toBe('2026年11月26日 23:59');
    expect(formatDateTime('2026-11-26T16:00:00.000Z')).toBe('2026年11月26日 24:00');
    expect(formatDateTime('2026-11-26T16:00:00.001Z')).toBe('2026年11月27日 00:00');
    expect(formatDateTime('2026-11-26T16:01:00Z')).toBe('2026年11月27日 00:01');
  });

  it('crosses months, years and leap days at the edge', () => {
    expect(formatDateTime('2025-12-31T16:00:00Z')).toBe('2025年12月31日 24:00');
    expect(formatDateTime('2026-01-31T16:00:00Z')).toBe('2026年1月31日 24:00');
    expect(formatDateTime('2028-02-29T16:00:00Z')).toBe('2028年2月29日 24:00');
    expect(formatDateTime('2028-02-28T16:00:00Z')).toBe('2028年2月28日 24:00');
  });

  it('writes nothing for nothing', () => {
    for (const none of [null, undefined, '', 'not a date', Number.NaN, new Date(Number.NaN)]) expect(formatDateTime(none)).toBe('');
  });
});

describe('formatDate and isoDate', () => {
  it('name the day an end-of-day instant closes, the same day formatDateTime shows', () => {
    const due = '2026-11-26T16:00:00Z';
    expect(formatDate(due)).toBe('2026年11月26日');
    expect(isoDate(due)).toBe('2026-11-26');
    expect(formatDateTime(due).startsWith(formatDate(due))).toBe(true);
    expect(formatDate('2026-11-26T16:00:00.001Z')).toBe('2026年11月27日');
    expect(isoDate('2026-01-04T16:30:00Z')).toBe('2026-01-05');
  });

  it('agrees with the rules: the end of any day reads as that day', () => {
    for (const day of ['2025-01-01', '2025-06-30', '2025-12-31', '2026-02-28', '2028-02-29']) {
      const end = endOfShanghaiDay(day);
      expect(isoDate(end)).toBe(day);
      expect(formatDateTime(end)).toBe(`${formatDay(day)} 24:00`);
    }
  });
});

describe('formatDay', () => {
  it('writes a calendar day the way offices do, and leaves other text alone', () => {
    expect(formatDay('2027-06-30')).toBe('2027年6月30日');
    expect(formatDay('2027-10-01')).toBe('2027年10月1日');
    expect(formatDay('2027年6月底前')).toBe('2027年6月底前');
    expect(formatDay(null)).toBe('');
    expect(formatDayRange('2026-10-01', '2026-12-31')).toBe('2026年10月1日至2026年12月31日');
  });

  it('is what a deadline’s description says, so the API field and a due time name the same day', () => {
    const spec = parseDeadline('2026年第四季度');
    if (!spec.ok) throw new Error(spec.error);
    expect(describeDeadline(spec.spec)).toBe('2026年12月31日');
    expect(formatDate(endOfShanghaiDay('2026-12-31'))).toBe(describeDeadline(spec.spec));
  });
});
