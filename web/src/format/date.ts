// The one date format of the dashboard: `2026年3月5日 17:00`, in Asia/Shanghai whatever the
// browser's zone. A due time at the end of a day (the next day's 00:00) reads as that day's
// `24:00`, as offices write it and as the server's messages and exports show it — a deadline of
// 2026年12月31日 is never shown as 2027年1月1日.
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // UTC+8 without DST since 1991

const parts = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

type At = string | Date | null | undefined;

function toDate(at: At): Date | null {
  if (at === null || at === undefined || at === '') return null;
  const d = typeof at === 'string' ? new Date(at) : at;
  return Number.isNaN(d.getTime()) ? null : d;
}

/** `2026年3月5日 17:00`; an end-of-day instant as `2026年3月5日 24:00`; '' when there is none. */
export function formatDateTime(at: At): string {
  const d = toDate(at);
  if (!d) return '';
  const endOfDay = (d.getTime() + SHANGHAI_OFFSET_MS) % DAY_MS === 0;
  const p = Object.fromEntries(parts.formatToParts(endOfDay ? new Date(d.getTime() - 1) : d).map((x) => [x.type, x.value]));
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日 ${endOfDay ? '24:00' : `${p.hour}:${p.minute}`}`;
}

/** `2026年3月5日` (the day an end-of-day instant closes). */
export function formatDate(at: At): string {
  return formatDateTime(at).split(' ')[0] ?? '';
}

/** A calendar day written YYYY-MM-DD (an extension's new deadline) as `2026年6月30日`. */
export function formatDay(day: string | null | undefined): string {
  const m = day ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(day) : null;
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : (day ?? '');
}

/** How far a due time is from now, in whole days: `还剩3天`, `今天到期`, `已逾期2天`. */
export function dueIn(at: At, now: Date = new Date()): string {
  const d = toDate(at);
  if (!d) return '';
  const diff = d.getTime() - now.getTime();
  if (diff < 0) return `已逾期${Math.max(1, Math.floor(-diff / DAY_MS))}天`;
  const days = Math.floor(diff / DAY_MS);
  return days === 0 ? '今天到期' : `还剩${days}天`;
}
