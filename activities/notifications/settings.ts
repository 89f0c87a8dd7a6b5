// How notifications are delivered: where links point, the SMTP server, how often to retry, and the
// schedules' rhythm. Production values come from runtime/config.ts; tests shorten the times.
import type { Config } from '../../runtime/config.js';

export interface NotificationSettings {
  /** The dashboard's public address: every message links to `${publicUrl}/measures/<id>`. */
  publicUrl: string;
  /** smtp://user:pass@host:587; undefined turns the email channel off. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Attempts per delivery (one channel, one target) before it is marked failed for an admin. */
  maxAttempts: number;
  /** The first retry's delay in ms; each next one doubles, up to a minute. */
  retryInitialMs: number;
  /** A send that stops heartbeating this long (its worker died) is retried elsewhere. */
  heartbeatTimeoutMs: number;
  /** Outbox entries still pending this long after they were written are started by the sweeper. */
  sweepAfterMs: number;
  sweepEveryMs: number;
  /** Prefix for schedule ids: '' in production; tests share one Temporal server and set their own. */
  scheduleIdPrefix: string;
  /** The coordination office's daily summary, Asia/Shanghai. */
  officeDigestAt: { hour: number; minute: number };
  /** Tests: every digest schedule fires this often (ms) instead of on its calendar. */
  digestEveryMs?: number | undefined;
  /** Group robots accept about 20 messages a minute each; we stay under this many. */
  robotPerMinute: number;
  /** Tests only: called after a send succeeded and before it is recorded (to crash in that window). */
  afterSend?: (() => void) | undefined;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  publicUrl: 'http://127.0.0.1:3000',
  smtpUrl: undefined,
  mailFrom: '三张清单 <noreply@three-lists.local>',
  maxAttempts: 5,
  retryInitialMs: 5_000,
  heartbeatTimeoutMs: 20_000,
  sweepAfterMs: 30_000,
  sweepEveryMs: 60_000,
  scheduleIdPrefix: '',
  officeDigestAt: { hour: 8, minute: 30 },
  robotPerMinute: 18,
};

export function notificationSettingsFrom(config: Config): NotificationSettings {
  const [hour, minute] = config.OFFICE_DIGEST_TIME.split(':').map(Number) as [number, number];
  return {
    ...DEFAULT_NOTIFICATION_SETTINGS,
    publicUrl: config.PUBLIC_URL.replace(/\/+$/, ''),
    smtpUrl: config.SMTP_URL,
    mailFrom: config.MAIL_FROM,
    maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
    officeDigestAt: { hour, minute },
  };
}

export function resolveSettings(partial: Partial<NotificationSettings> | undefined): NotificationSettings {
  const s = { ...DEFAULT_NOTIFICATION_SETTINGS, ...partial };
  return { ...s, publicUrl: s.publicUrl.replace(/\/+$/, '') };
}
