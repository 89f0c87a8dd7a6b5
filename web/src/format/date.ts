// The dashboard's dates: the one module that writes every date the product shows (common/dates.ts,
// also used by the server's exports, messages, digests and API fields), so an instant reads the
// same here as in a notification — `2026年3月5日 17:00`, in Asia/Shanghai whatever the browser's
// zone, an end-of-day due time as that day's `24:00`.
import { type At, formatDate, formatDateTime, formatDay } from '../../../common/dates';

export { formatDate, formatDateTime, formatDay };

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** How far a due time is from now, in whole days: `还剩3天`, `今天到期`, `已逾期2天` (under a day: `已逾期3小时`, `已逾期5分钟`). */
export function dueIn(at: At, now: Date = new Date()): string {
  const ms = at === null || at === undefined || at === '' ? NaN : new Date(at).getTime();
  if (Number.isNaN(ms)) return '';
  const diff = ms - now.getTime();
  if (diff < 0) {
    const late = -diff;
    if (late >= DAY_MS) return `已逾期${Math.floor(late / DAY_MS)}天`;
    return late >= HOUR_MS ? `已逾期${Math.floor(late / HOUR_MS)}小时` : `已逾期${Math.max(1, Math.floor(late / MINUTE_MS))}分钟`;
  }
  const days = Math.floor(diff / DAY_MS);
  return days === 0 ? '今天到期' : `还剩${days}天`;
}
