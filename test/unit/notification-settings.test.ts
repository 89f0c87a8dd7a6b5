import { describe, expect, it } from 'vitest';
import { notificationSettingsFrom } from '../../activities/notifications/settings.js';
import { loadConfig } from '../../runtime/config.js';

describe('notification settings from the configuration', () => {
  it('has defaults: links to the local dashboard, no email, five attempts, the office summary at 08:30', () => {
    expect(notificationSettingsFrom(loadConfig({}))).toMatchObject({ publicUrl: 'http://127.0.0.1:3000', smtpUrl: undefined, maxAttempts: 5, officeDigestAt: { hour: 8, minute: 30 }, scheduleIdPrefix: '' });
  });

  it('reads SMTP_URL, PUBLIC_URL (without a trailing slash), NOTIFY_MAX_ATTEMPTS and OFFICE_DIGEST_TIME', () => {
    const s = notificationSettingsFrom(loadConfig({ SMTP_URL: 'smtp://u:p@mail.example.gov.cn:587', PUBLIC_URL: 'https://duban.example.gov.cn/', NOTIFY_MAX_ATTEMPTS: '3', OFFICE_DIGEST_TIME: '17:45' }));
    expect(s).toMatchObject({ smtpUrl: 'smtp://u:p@mail.example.gov.cn:587', publicUrl: 'https://duban.example.gov.cn', maxAttempts: 3, officeDigestAt: { hour: 17, minute: 45 } });
  });

  it('names the setting that is malformed, without echoing a password', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://u:secret@mail.example.gov.cn' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ SMTP_URL: 'http://u:secret@mail.example.gov.cn' })).not.toThrow(/secret/);
    expect(() => loadConfig({ OFFICE_DIGEST_TIME: '25:00' })).toThrow(/OFFICE_DIGEST_TIME/);
    expect(() => loadConfig({ NOTIFY_MAX_ATTEMPTS: '0' })).toThrow(/NOTIFY_MAX_ATTEMPTS/);
  });
});
