import { loadCalendarData } from '../db/calendar-seed.js';
import type { Database } from '../db/client.js';
import type { CalendarData } from '../workflows/rules/calendar.js';

export function createCalendarActivities(db: Database) {
  return {
    /**
     * The working calendar a measure computes its due times with. Its answer is recorded in the
     * workflow's history, so replay sees the same calendar; only the years from last year on are
     * sent, to keep histories small.
     */
    async loadCalendar(): Promise<CalendarData> {
      const fromYear = new Date().getUTCFullYear() - 1;
      const data = await loadCalendarData(db);
      const recent = (day: string) => Number(day.slice(0, 4)) >= fromYear;
      return {
        holidays: data.holidays.filter(recent),
        workdays: data.workdays.filter(recent),
        knownYears: data.knownYears.filter((y) => y >= fromYear),
      };
    },
  };
}
