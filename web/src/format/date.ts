// The dashboard's dates: the one module that writes every date the product shows (common/dates.ts,
// also used by the server's exports, messages, digests and API fields), so an instant reads the
// same here as in a notification — `2026年3月5日 17:00`, in Asia/Shanghai whatever the browser's
// zone, an end-of-day due time as that day's `24:00`.
import { type At, formatDate, formatDateTime, formatDay } from '../../../common/dates';

export { formatDate, formatDateTime, formatDay };

const DAY_MS = 86_400_000;

/** How far a due time is from now, in whole days: `还剩3天`, `今天到期`, `已逾期2天`. */
export function dueIn(at: At, now: Date = new Date()): string {
  const ms = at === null || at === undefined || at === '' ? NaN : new Date(at).getTime();
  if (Number.isNaN(ms)) return '';
  const diff = ms - now.getTime();
  if (diff < 0) return `已逾期${Math.max(1, Math.floor(-diff / DAY_MS))}天`;
  const days = Math.floor(diff / DAY_MS);
  return days === 0 ? '今天到期' : `还剩${days}天`;
}
