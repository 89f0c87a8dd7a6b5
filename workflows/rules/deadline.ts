// Parses a 完成时限 cell as offices write it ("2025年6月底前", "每年12月底前", "长期坚持") into a
// deadline spec. Pure, for the workflow bundle.
import { formatDay } from '../../common/dates.js';
import { endOfShanghaiDay, shanghaiDate } from './calendar.js';

export type DeadlineSpec =
  | { kind: 'date'; date: string /* YYYY-MM-DD, the last day */; granularity: 'day' | 'month' | 'quarter' | 'half' | 'year' }
  | { kind: 'yearly'; month: number; day: number /* the last day, e.g. 12, 31 */ }
  | { kind: 'ongoing'; since?: number };

export type ParseResult = { ok: true; spec: DeadlineSpec } | { ok: false; error: string };

const MIN_YEAR = 2000;
const MAX_YEAR = 2099;
const EXAMPLES = '可写作 2025年6月底前、2025年第三季度、2025年10月31日、每年12月底前、长期坚持 等';

/** Raised inside the parser; becomes `{ ok: false }` at its edge. */
class DeadlineError extends Error {}

export function parseDeadline(text: string): ParseResult {
  try {
    return { ok: true, spec: parse(text) };
  } catch (err) {
    if (err instanceof DeadlineError) return { ok: false, error: err.message };
    throw err;
  }
}

function parse(text: string): DeadlineSpec {
  const s = normalise(text);
  if (s === '') throw new DeadlineError('完成时限为空');
  let m: RegExpExecArray | null;

  // Ongoing: 长期坚持, 持续推进, 2025年起持续推进, 2025年起.
  if ((m = /^(?:(\d{4})年(起|开始|以来))?((?:长期|持续|常态化|坚持|推进|开展|实施)*)$/.exec(s))) {
    const words = m[3] ?? '';
    if (m[2] !== undefined || /长期|持续|常态化/.test(words)) {
      return m[1] === undefined ? { kind: 'ongoing' } : { kind: 'ongoing', since: year(m[1]) };
    }
  }

  // Yearly: 每年12月底, 每年6月, 每年6月30日, 每年底.
  if (/^每年年?[底末]$/.test(s)) return { kind: 'yearly', month: 12, day: 31 };
  if ((m = /^每年(\d{1,2})月(?:[底末份])?$/.exec(s))) {
    const mo = month(m[1]);
    return { kind: 'yearly', month: mo, day: MONTH_DAYS[mo - 1]! }; // 2 → 29: end of February
  }
  if ((m = /^每年(\d{1,2})月(\d{1,2})[日号]$/.exec(s))) {
    const mo = month(m[1]);
    const d = Number(m[2]);
    if (mo === 2 && d === 29) throw new DeadlineError('“每年2月29日”并非每年都有，请写明具体日期或改为2月底');
    if (d < 1 || d > MONTH_DAYS[mo - 1]!) throw new DeadlineError(`${mo}月没有${d}日（该月最多${MONTH_DAYS[mo - 1]}日）`);
    return { kind: 'yearly', month: mo, day: d };
  }
  if (/^每(?:季度?|月|半年|周)/.test(s)) throw new DeadlineError(`暂不支持按季度、月或周循环的完成时限：「${text.trim()}」，${EXAMPLES}`);

  // Dated forms, each naming the last day of a period.
  if ((m = /^(\d{4})年(?:年?[底末]|内)?$/.exec(s))) return dated(year(m[1]), 12, 31, 'year');
  if ((m = /^(\d{4})年(?:第)?(\d+)季度(?:[底末])?$/.exec(s))) {
    const q = Number(m[2]);
    if (q < 1 || q > 4) throw new DeadlineError(`季度应为1至4，实际为${q}`);
    return endOfMonth(year(m[1]), q * 3, 'quarter');
  }
  if ((m = /^(\d{4})年([上下])半年(?:[底末])?$/.exec(s))) return endOfMonth(year(m[1]), m[2] === '上' ? 6 : 12, 'half');
  if ((m = /^(\d{4})(?:年|[.\-/])(\d{1,2})(?:月(?:[底末份])?)?$/.exec(s))) return endOfMonth(year(m[1]), month(m[2]), 'month');
  if ((m = /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/.exec(s)) || (m = /^(\d{4})([.\-/])(\d{1,2})\2(\d{1,2})$/.exec(s))) {
    const [y, mo, d] = m.length === 5 ? [m[1], m[3], m[4]] : [m[1], m[2], m[3]];
    return day(year(y), month(mo), Number(d));
  }

  if (/\d{5,}/.test(s)) throw new DeadlineError(`年份应为4位数字：「${text.trim()}」`);
  throw new DeadlineError(`无法识别的完成时限：「${text.trim()}」，${EXAMPLES}`);
}

/** End of the deadline (end of its last day in Shanghai); undefined when it never falls due. */
export function deadlineEndMs(spec: DeadlineSpec, nowMs: number): number | undefined {
  switch (spec.kind) {
    case 'date':
      return endOfShanghaiDay(spec.date);
    case 'yearly': {
      const today = shanghaiDate(nowMs);
      const y = Number(today.slice(0, 4));
      const thisYear = yearlyDate(y, spec);
      // The next occurrence on or after today.
      return endOfShanghaiDay(thisYear >= today ? thisYear : yearlyDate(y + 1, spec));
    }
    case 'ongoing':
      return undefined;
  }
}

export function describeDeadline(spec: DeadlineSpec): string {
  switch (spec.kind) {
    case 'date':
      return formatDay(spec.date);
    case 'yearly':
      // Day 29 of February stands for "the end of February" (each year's last day of it).
      return spec.month === 2 && spec.day === 29 ? '每年2月底' : `每年${spec.month}月${spec.day}日`;
    case 'ongoing':
      return spec.since === undefined ? '长期' : `${spec.since}年起长期`;
  }
}

// ---- normalising the text ----

const CN_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Half-width digits, no spaces, Chinese numerals as digits, no leading 于 or trailing 前/完成. */
function normalise(text: string): string {
  let s = text
    .replace(/[\uFF10-\uFF19]/g, (c) => String(c.charCodeAt(0) - 0xff10))
    .replace(/[．－／]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)) // full-width . - /
    .replace(/\s+/g, '')
    .replace(/[〇零一二三四五六七八九十]+/g, chineseNumber);
  s = s.replace(/^(?:截至|截止到?|到|于|在)/, '');
  // Repeat: "底前完成" carries two suffixes.
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/(?:以前|之前|前|完成|为止|止|[，,；;。])$/, '');
  }
  return s;
}

/** 六 → 6, 十二 → 12, 三十一 → 31, 二〇二五 → 2025 (digit by digit when there is no 十). */
function chineseNumber(run: string): string {
  const i = run.indexOf('十');
  if (i < 0) return [...run].map((c) => CN_DIGITS[c]).join('');
  if (run.indexOf('十', i + 1) >= 0 || i > 1 || run.length - i > 2) return run; // not a number we read
  const tens = i === 0 ? 1 : CN_DIGITS[run[0]!]!;
  const ones = i === run.length - 1 ? 0 : CN_DIGITS[run[i + 1]!]!;
  return String(tens * 10 + ones);
}

// ---- building specs, with errors that say what was wrong ----

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]; // February at its leap-year most

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, mo: number): number {
  return mo === 2 && !isLeap(y) ? 28 : MONTH_DAYS[mo - 1]!;
}

function year(text: string | undefined): number {
  const y = Number(text);
  if (!(y >= MIN_YEAR && y <= MAX_YEAR)) throw new DeadlineError(`年份应在${MIN_YEAR}至${MAX_YEAR}之间，实际为${y}`);
  return y;
}

function month(text: string | undefined): number {
  const mo = Number(text);
  if (!(mo >= 1 && mo <= 12)) throw new DeadlineError(`月份应为1至12，实际为${mo}`);
  return mo;
}

function day(y: number, mo: number, d: number): DeadlineSpec {
  const last = daysInMonth(y, mo);
  if (d < 1 || d > last) throw new DeadlineError(`${y}年${mo}月没有${d}日（该月只有${last}天）`);
  return dated(y, mo, d, 'day');
}

function endOfMonth(y: number, mo: number, granularity: 'month' | 'quarter' | 'half'): DeadlineSpec {
  return dated(y, mo, daysInMonth(y, mo), granularity);
}

function dated(y: number, mo: number, d: number, granularity: Extract<DeadlineSpec, { kind: 'date' }>['granularity']): DeadlineSpec {
  return { kind: 'date', date: `${y}-${pad(mo)}-${pad(d)}`, granularity };
}

function yearlyDate(y: number, spec: { month: number; day: number }): string {
  // A hand-built 2/29 falls on 2/28 in common years.
  return `${y}-${pad(spec.month)}-${pad(Math.min(spec.day, daysInMonth(y, spec.month)))}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
