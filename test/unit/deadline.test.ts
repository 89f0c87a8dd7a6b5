import { describe, expect, it } from 'vitest';
import { deadlineEndMs, describeDeadline, parseDeadline, type DeadlineSpec } from '../../workflows/rules/deadline.js';

function spec(text: string): DeadlineSpec {
  const r = parseDeadline(text);
  if (!r.ok) throw new Error(`expected ${text} to parse, got: ${r.error}`);
  return r.spec;
}

function error(text: string): string {
  const r = parseDeadline(text);
  if (r.ok) throw new Error(`expected ${text} to be rejected, got ${JSON.stringify(r.spec)}`);
  return r.error;
}

const date = (d: string, granularity: string) => ({ kind: 'date', date: d, granularity });

describe('parseDeadline: dates', () => {
  it.each([
    ['2025年6月底前', '2025-06-30', 'month'],
    ['2025年6月底', '2025-06-30', 'month'],
    ['2025年2月底前', '2025-02-28', 'month'],
    ['2024年2月底前', '2024-02-29', 'month'],
    ['2026年3月', '2026-03-31', 'month'],
    ['2026年3月前', '2026-03-31', 'month'],
    ['2025年11月份', '2025-11-30', 'month'],
    ['2025年底前', '2025-12-31', 'year'],
    ['2025年年底', '2025-12-31', 'year'],
    ['2025年底', '2025-12-31', 'year'],
    ['2025年年底前完成', '2025-12-31', 'year'],
    ['2025年第三季度', '2025-09-30', 'quarter'],
    ['2025年三季度', '2025-09-30', 'quarter'],
    ['2025年第3季度', '2025-09-30', 'quarter'],
    ['2025年第一季度末', '2025-03-31', 'quarter'],
    ['2025年四季度', '2025-12-31', 'quarter'],
    ['2025年第二季度前', '2025-06-30', 'quarter'],
    ['2025年上半年', '2025-06-30', 'half'],
    ['2025年下半年', '2025-12-31', 'half'],
    ['2025年10月31日', '2025-10-31', 'day'],
    ['2025年10月31日前', '2025-10-31', 'day'],
    ['2024年2月29日', '2024-02-29', 'day'],
    ['2000年2月29日', '2000-02-29', 'day'],
    ['2025.6.30', '2025-06-30', 'day'],
    ['2025-06-30', '2025-06-30', 'day'],
    ['2025/6/30', '2025-06-30', 'day'],
  ])('%s → %s (%s)', (text, d, granularity) => {
    expect(spec(text)).toEqual(date(d, granularity));
  });
});

describe('parseDeadline: tolerance', () => {
  it.each([
    [' 2025 年 6 月底 前 ', '2025-06-30', 'month'],
    ['2025年6月底\u3000以前', '2025-06-30', 'month'],
    ['2025年6月底之前', '2025-06-30', 'month'],
    ['２０２５年６月底前', '2025-06-30', 'month'],
    ['２０２５．６．３０', '2025-06-30', 'day'],
    ['2025年六月底前', '2025-06-30', 'month'],
    ['2025年十二月', '2025-12-31', 'month'],
    ['2025年十月三十一日', '2025-10-31', 'day'],
    ['2025年十一月二十日', '2025-11-20', 'day'],
    ['二〇二五年底前', '2025-12-31', 'year'],
    ['于2025年底前完成', '2025-12-31', 'year'],
    ['2025年9月底前完成。', '2025-09-30', 'month'],
  ])('%j → %s', (text, d, granularity) => {
    expect(spec(text)).toEqual(date(d, granularity));
  });
});

describe('parseDeadline: yearly and ongoing', () => {
  it.each([
    ['每年12月底前', { kind: 'yearly', month: 12, day: 31 }],
    ['每年6月', { kind: 'yearly', month: 6, day: 30 }],
    ['每年十一月底', { kind: 'yearly', month: 11, day: 30 }],
    ['每年3月15日前', { kind: 'yearly', month: 3, day: 15 }],
    ['每年年底前', { kind: 'yearly', month: 12, day: 31 }],
    ['2025年起持续推进', { kind: 'ongoing', since: 2025 }],
    ['2026年起', { kind: 'ongoing', since: 2026 }],
    ['长期坚持', { kind: 'ongoing' }],
    ['持续推进', { kind: 'ongoing' }],
    ['长期', { kind: 'ongoing' }],
    [' 长期 坚持 ', { kind: 'ongoing' }],
  ])('%s', (text, expected) => {
    expect(spec(text)).toEqual(expected);
  });
});

describe('parseDeadline: rejects', () => {
  it('empty text', () => {
    expect(error('')).toBe('完成时限为空');
    expect(error('  \u3000')).toBe('完成时限为空');
    expect(error('前')).toBe('完成时限为空');
  });

  it('a month that does not exist', () => {
    expect(error('2025年13月')).toBe('月份应为1至12，实际为13');
    expect(error('2025年0月底前')).toBe('月份应为1至12，实际为0');
    expect(error('每年13月底')).toBe('月份应为1至12，实际为13');
  });

  it('a day that does not exist, leap years included', () => {
    expect(error('2025年2月30日')).toBe('2025年2月没有30日（该月只有28天）');
    expect(error('2025年2月29日')).toBe('2025年2月没有29日（该月只有28天）');
    expect(error('2100年2月29日')).toMatch(/年份/); // out of range before the leap question
    expect(error('2025-04-31')).toBe('2025年4月没有31日（该月只有30天）');
    expect(error('每年4月31日')).toBe('4月没有31日（该月最多30日）');
    expect(error('每年2月29日')).toMatch(/并非每年都有/);
  });

  it('a quarter or year out of range', () => {
    expect(error('2025年第五季度')).toBe('季度应为1至4，实际为5');
    expect(error('1999年底前')).toBe('年份应在2000至2099之间，实际为1999');
    expect(error('20255年底')).toMatch(/年份应为4位数字/);
  });

  it('text that is not a deadline', () => {
    for (const text of ['尽快', '推进', '6月底前', '2025年6月至12月', '按要求完成', '十四五期间']) {
      expect(error(text)).toContain(`无法识别的完成时限：「${text}」`);
    }
    expect(error('每季度末')).toMatch(/暂不支持/);
  });
});

describe('deadlineEndMs', () => {
  const now = Date.parse('2025-07-15T12:00:00+08:00');

  it('a date ends at the end of its last day in Shanghai', () => {
    expect(deadlineEndMs(spec('2025年6月底前'), now)).toBe(Date.parse('2025-06-30T16:00:00Z'));
    expect(deadlineEndMs(spec('2025年第三季度'), now)).toBe(Date.parse('2025-10-01T00:00:00+08:00'));
  });

  it('a yearly deadline is its next occurrence, today included', () => {
    expect(deadlineEndMs(spec('每年12月底前'), now)).toBe(Date.parse('2026-01-01T00:00:00+08:00'));
    expect(deadlineEndMs(spec('每年6月'), now)).toBe(Date.parse('2026-07-01T00:00:00+08:00'));
    expect(deadlineEndMs(spec('每年7月15日'), now)).toBe(Date.parse('2025-07-16T00:00:00+08:00'));
    // 23:30 UTC on Jul 15 is already Jul 16 in Shanghai: this year's Jul 15 has passed.
    expect(deadlineEndMs(spec('每年7月15日'), Date.parse('2025-07-15T23:30:00Z'))).toBe(
      Date.parse('2026-07-16T00:00:00+08:00'),
    );
  });

  it('end of February follows leap years', () => {
    const feb = spec('每年2月');
    expect(feb).toEqual({ kind: 'yearly', month: 2, day: 29 });
    expect(deadlineEndMs(feb, Date.parse('2025-01-10T12:00:00+08:00'))).toBe(Date.parse('2025-03-01T00:00:00+08:00'));
    expect(deadlineEndMs(feb, Date.parse('2027-03-10T12:00:00+08:00'))).toBe(Date.parse('2028-03-01T00:00:00+08:00'));
  });

  it('an ongoing measure has no deadline', () => {
    expect(deadlineEndMs(spec('长期坚持'), now)).toBeUndefined();
    expect(deadlineEndMs(spec('2025年起持续推进'), now)).toBeUndefined();
  });
});

describe('describeDeadline', () => {
  it.each([
    ['2025年6月底前', '2025年6月30日'],
    ['2025年第三季度', '2025年9月30日'],
    ['2025-06-05', '2025年6月5日'],
    ['每年12月底前', '每年12月31日'],
    ['每年2月', '每年2月底'],
    ['长期坚持', '长期'],
    ['2025年起持续推进', '2025年起长期'],
  ])('%s → %s', (text, shown) => {
    expect(describeDeadline(spec(text))).toBe(shown);
  });
});
