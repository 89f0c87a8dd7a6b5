import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { packageCalendarDays, packageCalendarYears } from '../../db/calendar-seed.js';
import {
  addDays,
  addWorkingDays,
  calendarFromDays,
  computeDueAt,
  endOfShanghaiDay,
  isWorkingDay,
  shanghaiDate,
  toCalendar,
  toCalendarData,
  type WorkingCalendar,
} from '../../workflows/rules/calendar.js';

const cal: WorkingCalendar = calendarFromDays(packageCalendarDays(), packageCalendarYears());

/** Noon in Shanghai on a date: well inside the day whichever way a boundary bug leans. */
const noon = (ymd: string): number => Date.parse(`${ymd}T12:00:00+08:00`);
/** The Shanghai date a due time falls due (the day whose end it is). */
const dueDay = (dueAt: number): string => shanghaiDate(dueAt - 1);
const after = (ymd: string, n: number): string => dueDay(addWorkingDays(cal, noon(ymd), n).dueAt);

describe('package calendar (chinese-days)', () => {
  it('knows 2004 to 2026 and not 2027', () => {
    const years = packageCalendarYears();
    expect(years[0]).toBe(2004);
    expect(years.at(-1)).toBe(2026);
    expect(years).toHaveLength(23);
    expect(years).not.toContain(2027);
  });

  it('holds the 2025 and 2026 Spring Festival and National Day arrangements', () => {
    const days = packageCalendarDays();
    const of = (from: string, to: string) => days.filter((d) => d.day >= from && d.day <= to).map((d) => `${d.day} ${d.kind}`);
    expect(of('2025-01-20', '2025-02-10')).toEqual([
      '2025-01-26 workday',
      ...['28', '29', '30', '31'].map((d) => `2025-01-${d} holiday`),
      ...['01', '02', '03', '04'].map((d) => `2025-02-${d} holiday`),
      '2025-02-08 workday',
    ]);
    expect(of('2025-09-20', '2025-10-15')).toEqual([
      '2025-09-28 workday',
      ...['01', '02', '03', '04', '05', '06', '07', '08'].map((d) => `2025-10-${d} holiday`),
      '2025-10-11 workday',
    ]);
    expect(of('2026-02-10', '2026-03-01')).toEqual([
      '2026-02-14 workday',
      ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => `2026-02-${d} holiday`),
      '2026-02-28 workday',
    ]);
    expect(of('2026-09-19', '2026-10-12')).toEqual([
      '2026-09-20 workday',
      '2026-09-25 holiday', // 中秋 Fri–Sun
      '2026-09-26 holiday',
      '2026-09-27 holiday',
      ...['01', '02', '03', '04', '05', '06', '07'].map((d) => `2026-10-${d} holiday`),
      '2026-10-10 workday',
    ]);
    expect(days.find((d) => d.day === '2025-01-28')?.name).toBe('春节');
    expect(days.find((d) => d.day === '2025-10-06')?.name).toBe('中秋');
    expect(days.find((d) => d.day === '2026-02-14')?.name).toBe('春节调休上班');
  });

  it('agrees with chinese-days itself on every day from 2004 to 2026', () => {
    const disagreements: string[] = [];
    for (let d = '2004-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      if (isWorkingDay(cal, d) !== chineseDays.isWorkday(d)) disagreements.push(d);
    }
    expect(disagreements).toEqual([]);
  });
});

describe('Shanghai day boundaries', () => {
  it('starts a Shanghai day at 16:00 UTC', () => {
    expect(shanghaiDate(Date.parse('2025-01-27T15:59:59.999Z'))).toBe('2025-01-27');
    expect(shanghaiDate(Date.parse('2025-01-27T16:00:00Z'))).toBe('2025-01-28');
    expect(shanghaiDate(Date.parse('2025-01-27T17:00:00Z'))).toBe('2025-01-28');
    expect(shanghaiDate(Date.parse('1969-12-31T16:00:00Z'))).toBe('1970-01-01');
    expect(shanghaiDate(Date.parse('1969-12-31T15:59:59Z'))).toBe('1969-12-31');
  });

  it('ends a day at the next day’s Shanghai midnight', () => {
    expect(endOfShanghaiDay('2025-06-30')).toBe(Date.parse('2025-06-30T16:00:00Z'));
    expect(endOfShanghaiDay('2024-12-31')).toBe(Date.parse('2025-01-01T00:00:00+08:00'));
    expect(() => endOfShanghaiDay('2025-02-29')).toThrow(/no such date/);
    expect(() => endOfShanghaiDay('2025-6-30')).toThrow(/YYYY-MM-DD/);
  });

  it('counts from the Shanghai date, not the UTC date', () => {
    const lateJan27Utc = Date.parse('2025-01-27T17:00:00Z'); // 01:00 on Jan 28 in Shanghai
    expect(addWorkingDays(cal, lateJan27Utc, 0).dueAt).toBe(Date.parse('2025-01-28T16:00:00Z'));
    expect(computeDueAt(cal, lateJan27Utc, { unit: 'calendar_days', amount: 1 }).dueAt).toBe(
      Date.parse('2025-01-29T16:00:00Z'),
    );
    // 00:30 on Sun Jan 26 (a make-up workday) in Shanghai, still Sat Jan 25 in UTC:
    // the next working day is Mon Jan 27, where the UTC date would give Sun Jan 26.
    expect(dueDay(addWorkingDays(cal, Date.parse('2025-01-25T16:30:00Z'), 1).dueAt)).toBe('2025-01-27');
  });
});

describe('isWorkingDay', () => {
  it('follows weekdays, holidays and make-up days', () => {
    expect(isWorkingDay(cal, '2025-03-12')).toBe(true); // ordinary Wednesday
    expect(isWorkingDay(cal, '2025-03-15')).toBe(false); // ordinary Saturday
    expect(isWorkingDay(cal, '2025-01-28')).toBe(false); // 除夕, a Tuesday
    expect(isWorkingDay(cal, '2025-02-08')).toBe(true); // make-up Saturday
    expect(isWorkingDay(cal, '2025-09-28')).toBe(true); // make-up Sunday
    expect(isWorkingDay(cal, '2026-02-23')).toBe(false); // last day of 2026 春节, a Monday
    expect(isWorkingDay(cal, '2027-01-01')).toBe(true); // no 2027 data: only weekends count
  });
});

describe('addWorkingDays', () => {
  it('skips the 2025 Spring Festival and counts the make-up Saturday', () => {
    // Mon Jan 27; Jan 28–Feb 4 off; Feb 5 Wed, 6 Thu, 7 Fri, 8 Sat (make-up), 10 Mon.
    expect(after('2025-01-27', 1)).toBe('2025-02-05');
    expect(after('2025-01-27', 2)).toBe('2025-02-06');
    expect(after('2025-01-27', 3)).toBe('2025-02-07');
    expect(after('2025-01-27', 4)).toBe('2025-02-08');
    expect(after('2025-01-27', 5)).toBe('2025-02-10');
    // From Fri Jan 24 the make-up Sunday Jan 26 is the first working day.
    expect(after('2025-01-24', 1)).toBe('2025-01-26');
    expect(after('2025-01-24', 3)).toBe('2025-02-05');
  });

  it('skips the 2025 National Day and Mid-Autumn holiday', () => {
    // Fri Sep 26; Sun Sep 28 make-up; Oct 1–8 off; Sat Oct 11 make-up.
    const got = [1, 2, 3, 4, 5, 6, 7].map((n) => after('2025-09-26', n));
    expect(got).toEqual(['2025-09-28', '2025-09-29', '2025-09-30', '2025-10-09', '2025-10-10', '2025-10-11', '2025-10-13']);
  });

  it('skips the 2026 Spring Festival', () => {
    // Thu Feb 12; Sat Feb 14 make-up; Feb 15–23 off; Sat Feb 28 make-up.
    const got = [1, 2, 3, 6, 7, 8].map((n) => after('2026-02-12', n));
    expect(got).toEqual(['2026-02-13', '2026-02-14', '2026-02-24', '2026-02-27', '2026-02-28', '2026-03-02']);
  });

  it('skips the 2026 Mid-Autumn and National Day holidays', () => {
    // Fri Sep 18; Sun Sep 20 make-up; Sep 25–27 off; Oct 1–7 off; Sat Oct 10 make-up.
    const got = [1, 2, 5, 6, 8, 9, 10, 11, 12].map((n) => after('2026-09-18', n));
    expect(got).toEqual([
      '2026-09-20',
      '2026-09-21',
      '2026-09-24',
      '2026-09-28',
      '2026-09-30',
      '2026-10-08',
      '2026-10-09',
      '2026-10-10',
      '2026-10-12',
    ]);
  });

  it('crosses into 2026 over 元旦 with its make-up Sunday', () => {
    // Wed Dec 31 2025; Jan 1–3 2026 off; Sun Jan 4 make-up.
    expect(after('2025-12-31', 1)).toBe('2026-01-04');
  });

  it('reports a year without data', () => {
    const inside = addWorkingDays(cal, noon('2026-12-29'), 2);
    expect(dueDay(inside.dueAt)).toBe('2026-12-31');
    expect(inside.unknownYears).toEqual([]);
    // Wed Dec 30 2026 + 3: Thu Dec 31, Fri Jan 1 2027 (unknown, so a working day), Mon Jan 4.
    const across = addWorkingDays(cal, noon('2026-12-30'), 3);
    expect(dueDay(across.dueAt)).toBe('2027-01-04');
    expect(across.unknownYears).toEqual([2027]);
  });

  it('returns the end of a day, and n = 0 is the same day', () => {
    expect(addWorkingDays(cal, noon('2025-01-27'), 3).dueAt).toBe(Date.parse('2025-02-07T16:00:00Z'));
    expect(addWorkingDays(cal, noon('2025-01-28'), 0)).toEqual({ dueAt: Date.parse('2025-01-28T16:00:00Z'), unknownYears: [] });
  });

  it('rejects a negative or fractional count', () => {
    expect(() => addWorkingDays(cal, 0, -1)).toThrow(RangeError);
    expect(() => addWorkingDays(cal, 0, 1.5)).toThrow(RangeError);
  });
});

describe('computeDueAt', () => {
  const from = Date.parse('2025-09-30T10:00:00+08:00');

  it('working days go through the holiday calendar', () => {
    expect(computeDueAt(cal, from, { unit: 'working_days', amount: 1 })).toEqual({
      dueAt: endOfShanghaiDay('2025-10-09'),
      unknownYears: [],
    });
  });

  it('calendar days ignore holidays and end at the end of the day', () => {
    expect(computeDueAt(cal, from, { unit: 'calendar_days', amount: 1 }).dueAt).toBe(endOfShanghaiDay('2025-10-01'));
    expect(computeDueAt(cal, from, { unit: 'calendar_days', amount: 0 }).dueAt).toBe(endOfShanghaiDay('2025-09-30'));
    expect(computeDueAt(cal, noon('2028-02-28'), { unit: 'calendar_days', amount: 1 }).dueAt).toBe(
      endOfShanghaiDay('2028-02-29'),
    );
    expect(computeDueAt(cal, noon('2025-12-31'), { unit: 'calendar_days', amount: 60 }).dueAt).toBe(
      endOfShanghaiDay('2026-03-01'),
    );
  });

  it('seconds, minutes and hours are plain durations', () => {
    expect(computeDueAt(cal, from, { unit: 'seconds', amount: 30 })).toEqual({ dueAt: from + 30_000, unknownYears: [] });
    expect(computeDueAt(cal, from, { unit: 'minutes', amount: 2 }).dueAt).toBe(from + 120_000);
    expect(computeDueAt(cal, from, { unit: 'hours', amount: 36 }).dueAt).toBe(from + 36 * 3_600_000);
    expect(() => computeDueAt(cal, from, { unit: 'seconds', amount: -1 })).toThrow(RangeError);
  });
});

describe('CalendarData', () => {
  it('round-trips through JSON', () => {
    const data = toCalendarData(cal);
    const back = toCalendar(JSON.parse(JSON.stringify(data)));
    expect(toCalendarData(back)).toEqual(data);
    expect(data.knownYears.at(-1)).toBe(2026);
    expect(data.workdays).toContain('2026-10-10');
    expect(data.holidays).toContain('2026-10-01');
  });

  it('an admin-entered year changes the result', () => {
    const data = toCalendarData(cal);
    // A hypothetical 2027 元旦: Jan 1 (Fri) off, nothing else.
    const with2027 = toCalendar({ ...data, holidays: [...data.holidays, '2027-01-01'], knownYears: [...data.knownYears, 2027] });
    const r = addWorkingDays(with2027, noon('2026-12-30'), 2);
    expect(dueDay(r.dueAt)).toBe('2027-01-04');
    expect(r.unknownYears).toEqual([]);
  });
});
