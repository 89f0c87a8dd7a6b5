// Seeds the holiday calendar from the `chinese-days` package and loads it back for the rules.
import { createRequire } from 'node:module';
import { z } from 'zod';
import type { Database } from './client.js';
import { calendarDays, calendarYears } from './schema/calendar.js';
import type { CalendarData } from '../workflows/rules/calendar.js';

export interface PackageCalendarDay {
  day: string;
  kind: 'holiday' | 'workday';
  name: string | null;
}

// chinese-days documents dist/chinese-days.json as its data file. Its JS entry is a UMD bundle
// whose named exports Node's ESM loader cannot see, and the JSON is what we need anyway.
// Values read "Spring Festival,春节,4": English name, Chinese name, days the law grants.
const packageJson = z.object({
  holidays: z.record(z.string(), z.string()),
  workdays: z.record(z.string(), z.string()),
});

let cached: PackageCalendarDay[] | undefined;

/** Every statutory holiday and every 调休 make-up workday the package knows, sorted by day. */
export function packageCalendarDays(): PackageCalendarDay[] {
  if (!cached) {
    const data = packageJson.parse(createRequire(import.meta.url)('chinese-days/dist/chinese-days.json'));
    const chineseName = (value: string): string | null => value.split(',')[1]?.trim() || null;
    cached = [
      ...Object.entries(data.holidays).map(([day, v]) => ({ day, kind: 'holiday' as const, name: chineseName(v) })),
      ...Object.entries(data.workdays).map(([day, v]) => {
        const name = chineseName(v);
        return { day, kind: 'workday' as const, name: name && `${name}调休上班` };
      }),
    ].sort((a, b) => a.day.localeCompare(b.day));
  }
  return cached.map((d) => ({ ...d }));
}

/** The years the package has an arrangement for (every year has at least 元旦). */
export function packageCalendarYears(): number[] {
  return [...new Set(packageCalendarDays().map((d) => Number(d.day.slice(0, 4))))].sort((a, b) => a - b);
}

/**
 * Inserts the package's days and years with source 'package'. Existing rows are left alone, so an
 * admin's correction (source 'admin') survives every restart.
 */
export async function seedCalendar(db: Database): Promise<{ days: number; years: number }> {
  return db.transaction(async (tx) => {
    const days = await tx
      .insert(calendarDays)
      .values(packageCalendarDays().map((d) => ({ ...d, source: 'package' })))
      .onConflictDoNothing()
      .returning({ day: calendarDays.day });
    const years = await tx
      .insert(calendarYears)
      .values(packageCalendarYears().map((year) => ({ year, source: 'package' })))
      .onConflictDoNothing()
      .returning({ year: calendarYears.year });
    return { days: days.length, years: years.length };
  });
}

/** The calendar as the workflow rules take it (see toCalendar in workflows/rules/calendar.ts). */
export async function loadCalendarData(db: Database): Promise<CalendarData> {
  const days = await db
    .select({ day: calendarDays.day, kind: calendarDays.kind })
    .from(calendarDays)
    .orderBy(calendarDays.day);
  const years = await db.select({ year: calendarYears.year }).from(calendarYears).orderBy(calendarYears.year);
  return {
    holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.day),
    workdays: days.filter((d) => d.kind === 'workday').map((d) => d.day),
    knownYears: years.map((y) => y.year),
  };
}
