// A year's holiday arrangement (节假日安排) as the State Council's notice states it, read and checked.
// The notice lists, per festival, a range of days off and the weekend days worked instead (调休):
//   "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。"
//   "2月7日（星期日）上班"
// readNotice turns such lines into an Arrangement; checkArrangement finds what cannot be right (a
// make-up day that is not a weekend, overlapping ranges, a date outside the year, a range that does
// not add up to its 共N天). Pure: the API uses it, and so do the unit tests.

export interface HolidayRange {
  /** YYYY-MM-DD, first and last day off (inclusive). */
  from: string;
  to: string;
  /** 元旦, 春节, …; null when the line does not say. */
  name: string | null;
  /** 共N天 as written, to check the range against. */
  totalDays?: number | undefined;
}

export interface MakeupDay {
  day: string;
  name: string | null;
}

export interface Arrangement {
  holidays: HolidayRange[];
  makeupDays: MakeupDay[];
}

export interface ArrangementProblem {
  field: string;
  message: string;
  /** For a notice: the 1-based line the problem is on. */
  row?: number | undefined;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** 0 = Sunday … 6 = Saturday, for a valid YYYY-MM-DD. */
export function weekdayOf(ymd: string): number {
  return new Date(`${ymd}T00:00:00Z`).getUTCDay();
}

export const weekdayName = (ymd: string): string => WEEKDAYS[weekdayOf(ymd)]!;

/** Every date from `from` to `to` inclusive (empty when to < from). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** YYYY-MM-DD for a year, month and day, or undefined when no such date exists (2月30日). */
function ymd(year: number, month: number, day: number): string | undefined {
  const s = `${year}-${pad(month)}-${pad(day)}`;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s ? s : undefined;
}

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && ymd(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))) === s;

// ---- reading the notice ----

// A date as the notice writes it, with an optional year and an optional （星期日）/（周四、农历…） after it.
const NOTE = String.raw`(?:[（(][^）)]*[）)])?`;
const DATE = String.raw`(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日${NOTE}`;
// The second half of a range may leave out the month (1月1日至3日) and the year.
const RANGE = new RegExp(String.raw`${DATE}(?:(?:至|到|—|－|-|~|～)(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日${NOTE})?(?:放假|休息)(?:调休)?(?:[^。；;]*?共(\d+)天)?`, 'g');
const WORKDAYS = new RegExp(String.raw`((?:${DATE}[、，,和及与]?)+)(?:调休)?(?:上班|补班)`, 'g');
const ONE_DATE = new RegExp(DATE, 'g');
const NAME = /^\s*(?:[一二三四五六七八九十]+、|\d+[.、．])?\s*([^：:\d（(，。、]{1,12})[：:]/;

/** Full-width digits and spaces (as pasted from a web page or a PDF) read as ASCII. */
function normalise(line: string): string {
  return line.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000]+/g, '');
}

/**
 * Reads a notice, one festival (or one statement) per line. Lines without a date (a heading, the
 * notice's preamble, blank lines) are passed over; a line with a date that says neither 放假 nor
 * 上班 is a problem. Dates without a year are in `year`.
 */
export function readNotice(year: number, text: string): { arrangement: Arrangement; problems: ArrangementProblem[] } {
  const holidays: HolidayRange[] = [];
  const makeupDays: MakeupDay[] = [];
  // The line each range and each make-up day came from, to name it in a problem.
  const holidayRows: number[] = [];
  const makeupRows: number[] = [];
  const problems: ArrangementProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const row = i + 1;
    const line = normalise(raw);
    const problem = (message: string) => problems.push({ field: 'notice', row, message: `第${row}行：${message}` });
    if (!/\d{1,2}月\d{1,2}日/.test(line)) {
      if (/放假|上班|调休/.test(line)) problem('未写明日期（如「1月1日至3日放假调休，共3天」）/ no date on this line');
      return;
    }
    const name = NAME.exec(line)?.[1] ?? null;
    const dateOf = (y: string | undefined, m: string | undefined, d: string | undefined): string | undefined => {
      const at = ymd(y ? Number(y) : year, Number(m), Number(d));
      if (!at) problem(`${y ? `${y}年` : ''}${m}月${d}日不是有效日期 / no such date`);
      return at;
    };
    let found = false;
    for (const m of line.matchAll(RANGE)) {
      found = true;
      const from = dateOf(m[1], m[2], m[3]);
      const to = m[6] ? dateOf(m[4] ?? m[1], m[5] ?? m[2], m[6]) : from;
      if (from && to) {
        holidays.push({ from, to, name, ...(m[7] ? { totalDays: Number(m[7]) } : {}) });
        holidayRows.push(row);
      }
    }
    for (const m of line.matchAll(WORKDAYS)) {
      found = true;
      for (const d of m[1]!.matchAll(ONE_DATE)) {
        const day = dateOf(d[1], d[2], d[3]);
        if (day) {
          makeupDays.push({ day, name: name ? `${name}调休上班` : '调休上班' });
          makeupRows.push(row);
        }
      }
    }
    if (!found) problem('看不懂这一行：应写作「1月1日至3日放假调休，共3天」或「2月7日（星期日）上班」/ neither a holiday range nor a make-up day');
  });
  const arrangement = { holidays, makeupDays };
  if (problems.length) return { arrangement, problems };
  const rowOf = (kind: 'holidays' | 'makeupDays', index: number) => ({ field: 'notice', row: (kind === 'holidays' ? holidayRows : makeupRows)[index] });
  return { arrangement, problems: checkArrangement(year, arrangement, rowOf) };
}

// ---- checking an arrangement ----

type Where = (kind: 'holidays' | 'makeupDays', index: number, key: 'from' | 'to' | 'day' | 'totalDays') => { field: string; row?: number | undefined };

const jsonField: Where = (kind, index, key) => ({ field: `${kind}.${index}.${key}` });

/**
 * Everything wrong with an arrangement for `year`, each naming its field: `holidays.0.to` for JSON,
 * or (through `where`) the notice's line.
 */
export function checkArrangement(year: number, a: Arrangement, where: Where = jsonField): ArrangementProblem[] {
  const problems: ArrangementProblem[] = [];
  const add = (at: ReturnType<Where>, message: string) =>
    problems.push({ ...at, message: at.row ? `第${at.row}行：${message}` : message });
  const inYear = (d: string) => d.startsWith(`${year}-`);
  const ok = (kind: 'holidays' | 'makeupDays', i: number, key: 'from' | 'to' | 'day', d: string) => {
    if (!isDate(d)) return add(where(kind, i, key), `日期无效：${d}，应为 YYYY-MM-DD / not a date`), false;
    if (!inYear(d)) return add(where(kind, i, key), `${d}不在${year}年内，每次只录入一年的安排 / outside ${year}`), false;
    return true;
  };

  const holidayDays = new Map<string, number>(); // day → index of the range that holds it
  a.holidays.forEach((h, i) => {
    if (!ok('holidays', i, 'from', h.from) || !ok('holidays', i, 'to', h.to)) return;
    if (h.to < h.from) return add(where('holidays', i, 'to'), `放假结束日${h.to}早于开始日${h.from} / ends before it starts`);
    const days = daysBetween(h.from, h.to);
    if (h.totalDays !== undefined && h.totalDays !== days.length) {
      add(where('holidays', i, 'totalDays'), `${h.from}至${h.to}共${days.length}天，与所写「共${h.totalDays}天」不符 / the range has ${days.length} days`);
    }
    const clash = days.map((d) => holidayDays.get(d)).find((j) => j !== undefined);
    if (clash !== undefined) {
      const other = a.holidays[clash]!;
      return add(where('holidays', i, 'from'), `${h.from}至${h.to}与${other.from}至${other.to}（${other.name ?? '另一段假期'}）重叠 / overlaps another range`);
    }
    for (const d of days) holidayDays.set(d, i);
  });

  const seen = new Set<string>();
  a.makeupDays.forEach((m, i) => {
    if (!ok('makeupDays', i, 'day', m.day)) return;
    const wd = weekdayOf(m.day);
    if (wd !== 0 && wd !== 6) add(where('makeupDays', i, 'day'), `调休上班日${m.day}是${weekdayName(m.day)}，本来就要上班：调休上班日应为周六或周日 / a make-up day must be a weekend day`);
    else if (holidayDays.has(m.day)) add(where('makeupDays', i, 'day'), `调休上班日${m.day}落在放假期间 / falls inside a holiday range`);
    else if (seen.has(m.day)) add(where('makeupDays', i, 'day'), `调休上班日${m.day}重复 / listed twice`);
    seen.add(m.day);
  });
  return problems;
}

/** The days an arrangement sets apart from the Monday–Friday rule, as the calendar table stores them. */
export function arrangementDays(a: Arrangement): Array<{ day: string; kind: 'holiday' | 'workday'; name: string | null }> {
  return [
    ...a.holidays.flatMap((h) => daysBetween(h.from, h.to).map((day) => ({ day, kind: 'holiday' as const, name: h.name }))),
    ...a.makeupDays.map((m) => ({ day: m.day, kind: 'workday' as const, name: m.name })),
  ].sort((x, y) => x.day.localeCompare(y.day));
}

/**
 * From 1 November (Shanghai) the next year's arrangement is due: the State Council publishes it in
 * November. The warning to show when it is still missing, else null.
 */
export function nextYearWarning(now: Date, knownYears: Iterable<number>): { year: number; message: string } | null {
  const shanghai = new Date(now.getTime() + 8 * 3_600_000);
  const next = shanghai.getUTCFullYear() + 1;
  if (shanghai.getUTCMonth() < 10 || new Set(knownYears).has(next)) return null;
  return {
    year: next,
    message: `尚未录入${next}年节假日安排：${next}年的工作日时限将按周一至周五计算，请在国务院办公厅通知发布后于「节假日管理」录入 / the ${next} holiday arrangement is not entered yet`,
  };
}
