// Every date the product shows — exports, notifications, digests, display fields of the API, the
// dashboard — is written by these functions, so one instant reads the same everywhere.
//
// The one rule: an instant at 00:00 in Asia/Shanghai is the END of the day before, and reads as
// that day's 24:00 (`2026年11月26日 24:00`; as a date alone, `2026年11月26日`). Due times and
// deadlines fall there ("by 26 November" ends at 27 November 00:00), so a deadline of
// 2026年12月31日 is never shown as 2027年1月1日.
//
// Pure and self-contained (no Intl, no clock, no imports): the measure workflow's bundle, the
// server and the browser dashboard import this same file. Asia/Shanghai has been UTC+8 without
// daylight saving since 1991, so a fixed offset is exact.

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** An instant: ISO text, epoch milliseconds or a Date; null, undefined, '' and invalid read as none. */
export type At = string | number | Date | null | undefined;

interface Wall {
  year: number;
  month: number;
  day: number;
  /** Minutes since the day's start: 0…1439, or 1440 for the end of the day (24:00). */
  minutes: number;
}

function toMs(at: At): number | null {
  if (at === null || at === undefined || at === '') return null;
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** The Shanghai wall clock of an instant, 00:00 read as the previous day's 24:00. */
function wall(at: At): Wall | null {
  const ms = toMs(at);
  if (ms === null) return null;
  const local = ms + SHANGHAI_OFFSET_MS;
  let dayNumber = Math.floor(local / DAY_MS);
  let minutes = Math.floor((local - dayNumber * DAY_MS) / MINUTE_MS);
  if (local === dayNumber * DAY_MS) {
    dayNumber -= 1;
    minutes = 24 * 60;
  }
  // A Date built from an explicit instant is deterministic (only `new Date()` reads the clock).
  const d = new Date(dayNumber * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), minutes };
}

const pad = (n: number) => String(n).padStart(2, '0');
const chinese = (w: Pick<Wall, 'year' | 'month' | 'day'>) => `${w.year}年${w.month}月${w.day}日`;

/** `2026年3月5日 17:00`; an end-of-day instant `2026年3月5日 24:00`; '' when there is none. */
export function formatDateTime(at: At): string {
  const w = wall(at);
  return w ? `${chinese(w)} ${pad(Math.floor(w.minutes / 60))}:${pad(w.minutes % 60)}` : '';
}

/** `2026年3月5日`: the day of an instant (an end-of-day instant: the day it ends). */
export function formatDate(at: At): string {
  const w = wall(at);
  return w ? chinese(w) : '';
}

/** `2026-03-05`, the same day as formatDate, for file names and machine-read cells. */
export function isoDate(at: At): string {
  const w = wall(at);
  return w ? `${w.year}-${pad(w.month)}-${pad(w.day)}` : '';
}

/** A calendar day written YYYY-MM-DD (a deadline's last day, a period's bounds) as `2026年6月30日`; other text as it is. */
export function formatDay(day: string | null | undefined): string {
  const m = day ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(day) : null;
  return m ? chinese({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }) : (day ?? '');
}

/** `2026年10月1日至2026年12月31日`. */
export function formatDayRange(from: string, to: string): string {
  return `${formatDay(from)}至${formatDay(to)}`;
}
