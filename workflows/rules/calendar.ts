// Working-day arithmetic on the Chinese statutory calendar. Pure: this module goes into the
// Temporal workflow bundle, so no I/O, no clock, no Intl. Dates are 'YYYY-MM-DD' in Asia/Shanghai.

/** The statutory calendar as sets; any day in neither set follows the Monday–Friday rule. */
export interface WorkingCalendar {
  /** Statutory days off (weekdays or weekends) under the State Council's arrangement. */
  holidays: ReadonlySet<string>;
  /** 调休 make-up working days that fall on a weekend. */
  workdays: ReadonlySet<string>;
  /** Years whose arrangement is known; other years are computed with weekends only. */
  knownYears: ReadonlySet<number>;
}

/** The same calendar as plain JSON, fit for an activity result or workflow argument. */
export interface CalendarData {
  holidays: string[];
  workdays: string[];
  knownYears: number[];
}

export type DueSpec = {
  unit: 'working_days' | 'calendar_days' | 'seconds' | 'minutes' | 'hours';
  amount: number;
};

export interface DueAt {
  dueAt: number;
  /** Years consulted for working days that have no known arrangement: the caller should warn. */
  unknownYears: number[];
}

const DAY_MS = 86_400_000;
// Asia/Shanghai has been UTC+8 without DST since 1991, so a fixed offset is exact.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

export function calendarFromDays(
  days: ReadonlyArray<{ day: string; kind: 'holiday' | 'workday' }>,
  knownYears: Iterable<number>,
): WorkingCalendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  for (const { day, kind } of days) {
    dayNumber(day); // rejects a malformed date early, not in the middle of a workflow
    (kind === 'holiday' ? holidays : workdays).add(day);
  }
  return { holidays, workdays, knownYears: new Set(knownYears) };
}

export function toCalendar(data: CalendarData): WorkingCalendar {
  return calendarFromDays(
    [
      ...data.holidays.map((day) => ({ day, kind: 'holiday' as const })),
      ...data.workdays.map((day) => ({ day, kind: 'workday' as const })),
    ],
    data.knownYears,
  );
}

/** Sorted, so that equal calendars serialise identically (and replay compares equal). */
export function toCalendarData(cal: WorkingCalendar): CalendarData {
  return {
    holidays: [...cal.holidays].sort(),
    workdays: [...cal.workdays].sort(),
    knownYears: [...cal.knownYears].sort((a, b) => a - b),
  };
}

/** The Shanghai calendar date of an instant. */
export function shanghaiDate(ms: number): string {
  return fromDayNumber(Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS));
}

/** The instant a day ends in Shanghai (next day's 00:00): a deadline "by day D" falls here. */
export function endOfShanghaiDay(ymd: string): number {
  return (dayNumber(ymd) + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** The date `n` calendar days after `ymd` (n may be negative). */
export function addDays(ymd: string, n: number): string {
  return fromDayNumber(dayNumber(ymd) + n);
}

export function isWorkingDay(cal: WorkingCalendar, ymd: string): boolean {
  if (cal.workdays.has(ymd)) return true;
  if (cal.holidays.has(ymd)) return false;
  const weekday = mod(dayNumber(ymd) + 4, 7); // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday >= 1 && weekday <= 5;
}

/** End of the n-th working day strictly after fromMs's Shanghai date; n = 0 is that day's end. */
export function addWorkingDays(cal: WorkingCalendar, fromMs: number, n: number): DueAt {
  assertCount(n, 'working_days');
  let day = shanghaiDate(fromMs);
  const unknown = new Set<number>();
  for (let counted = 0; counted < n; ) {
    day = addDays(day, 1);
    const year = Number(day.slice(0, 4));
    if (!cal.knownYears.has(year)) unknown.add(year);
    if (isWorkingDay(cal, day)) counted++;
  }
  return { dueAt: endOfShanghaiDay(day), unknownYears: [...unknown].sort((a, b) => a - b) };
}

const UNIT_MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000 } as const;

export function computeDueAt(cal: WorkingCalendar, fromMs: number, spec: DueSpec): DueAt {
  switch (spec.unit) {
    case 'working_days':
      return addWorkingDays(cal, fromMs, spec.amount);
    case 'calendar_days':
      assertCount(spec.amount, spec.unit);
      // Calendar days ignore holidays, so no year can be unknown.
      return { dueAt: endOfShanghaiDay(addDays(shanghaiDate(fromMs), spec.amount)), unknownYears: [] };
    default:
      if (!Number.isFinite(spec.amount) || spec.amount < 0) {
        throw new RangeError(`due amount must be a non-negative number, got ${spec.amount} ${spec.unit}`);
      }
      // A plain duration (tests and demos use seconds): no calendar involved.
      return { dueAt: fromMs + Math.round(spec.amount * UNIT_MS[spec.unit]), unknownYears: [] };
  }
}

function assertCount(n: number, unit: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`due amount must be a non-negative integer, got ${n} ${unit}`);
  }
}

/** Days since 1970-01-01 for a valid 'YYYY-MM-DD'; throws on anything else (2025-02-30 too). */
function dayNumber(ymd: string): number {
  const m = YMD.exec(ymd);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(ymd)}`);
  const n = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  if (fromDayNumber(n) !== ymd) throw new RangeError(`no such date: ${ymd}`);
  return n;
}

// Date with an explicit instant is deterministic (only argument-less Date reads the clock).
function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
