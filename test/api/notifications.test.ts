// The inbox, notification channels, failed deliveries and digests through the HTTP API, with a
// real worker delivering behind it.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSchedules, scheduleIds } from '../../activities/notifications/schedules.js';
import { resolveSettings, type NotificationSettings } from '../../activities/notifications/settings.js';
import { notificationChannels, notificationDeliveries, notificationOutbox } from '../../db/schema/index.js';
import { createApiEnv, dispatchedMeasure, expectErrorShape, type ApiEnv } from '../support/api.js';
import { type RobotReceiver, startRobotReceiver } from '../support/receivers.js';

let api: ApiEnv;
let robots: RobotReceiver;
let settings: NotificationSettings;

beforeAll(async () => {
  robots = await startRobotReceiver();
  // The API and the worker share these; schedule ids of their own on the shared Temporal server.
  settings = resolveSettings({ publicUrl: 'https://duban.example.gov.cn', retryInitialMs: 200, scheduleIdPrefix: `notifyapi-${randomUUID().slice(0, 8)}:` });
  api = await createApiEnv('notifyapi', { worker: false, app: { notifications: settings } });
  await api.env.startWorker(undefined, { notifications: settings });
});
afterAll(async () => {
  if (api) await removeSchedules({ client: api.env.client, settings }).catch(() => undefined);
  await api?.close();
  await robots?.close();
});

const db = () => api.env.database.db;

describe('the inbox', () => {
  it('lists one’s own messages, newest first, and marks them read', async () => {
    const id = await dispatchedMeasure(api);
    await expect.poll(async () => (await api.get('health', '/api/inbox')).json().total, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const page = (await api.get('health', '/api/inbox?unread=true')).json();
    const msg = page.items.find((m: { measureId: string }) => m.measureId === id);
    expect(msg).toMatchObject({ kind: 'measure.dispatched', readAt: null, link: `https://duban.example.gov.cn/measures/${id}` });
    expect(msg.title).toMatch(/^【交办】《关于进一步深化医改的若干措施》第\d+项 /);
    expect(msg.body).toContain('请于');
    expect(page.unread).toBe(page.total);

    // Someone else's message does not exist for you.
    expectErrorShape(await api.post('finance', `/api/inbox/${msg.id}/read`), 404, 'NOT_FOUND');
    const read = await api.post('health', `/api/inbox/${msg.id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    // Reading again keeps the first time.
    expect((await api.post('health', `/api/inbox/${msg.id}/read`)).json().readAt).toBe(read.json().readAt);
    expect((await api.get('health', '/api/inbox?unread=true')).json().items.some((m: { id: number }) => m.id === msg.id)).toBe(false);

    const all = await api.post('finance', '/api/inbox/read-all');
    expect(all.statusCode).toBe(200);
    expect((await api.get('finance', '/api/inbox')).json().unread).toBe(0);
    expectErrorShape(await api.get(null, '/api/inbox'), 401);
  });
});

describe('notification channels', () => {
  it('lets a department set its own channels and the office set any; hides robot tokens', async () => {
    const hook = `${robots.url('wecom', 'health')}?key=0123456789abcdef`;
    const created = await api.post('health', '/api/notifications/channels', { departmentId: 'health', kind: 'wecom', target: hook });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ departmentId: 'health', kind: 'wecom', enabled: true, hasSecret: false });
    expect(created.json().target).not.toContain('0123456789abcdef');
    expect(created.json().target).toContain('key=0123%E2%80%A6cdef');

    expectErrorShape(await api.post('health', '/api/notifications/channels', { departmentId: 'finance', kind: 'email', target: 'f@example.gov.cn' }), 403, 'FORBIDDEN');
    expectErrorShape(await api.post('health', '/api/notifications/channels', { departmentId: 'health', kind: 'email', target: 'not-an-address' }), 422, 'VALIDATION');
    expectErrorShape(await api.post('health', '/api/notifications/channels', { departmentId: 'health', kind: 'dingtalk', target: 'ftp://x' }), 422, 'VALIDATION');
    expectErrorShape(await api.post('office', '/api/notifications/channels', { departmentId: 'health', personId: api.ids.health, kind: 'email', target: 'a@b.cn' }), 422, 'VALIDATION');

    const ding = await api.post('office', '/api/notifications/channels', { departmentId: 'finance', kind: 'dingtalk', target: robots.url('dingtalk', 'finance'), secret: 'SECxyz' });
    expect(ding.json()).toMatchObject({ hasSecret: true });
    const mine = await api.post('leader', '/api/notifications/channels', { personId: api.ids.leader, kind: 'email', target: 'leader@example.gov.cn' });
    expect(mine.statusCode).toBe(201);

    const asHealth = (await api.get('health', '/api/notifications/channels')).json();
    expect(asHealth.map((c: { id: string }) => c.id)).toEqual([created.json().id]);
    const asOffice = (await api.get('office', '/api/notifications/channels')).json();
    expect(asOffice.map((c: { id: string }) => c.id).sort()).toEqual([created.json().id, ding.json().id, mine.json().id].sort());

    const off = await api.req('health', 'PATCH', `/api/notifications/channels/${created.json().id}`, { enabled: false });
    expect(off.json().enabled).toBe(false);
    expectErrorShape(await api.req('finance', 'PATCH', `/api/notifications/channels/${created.json().id}`, { enabled: true }), 404);
    expectErrorShape(await api.req('health', 'PATCH', `/api/notifications/channels/${created.json().id}`, { target: 'nope' }), 422);
    // Only a DingTalk robot signs with a secret: on a WeCom robot it is refused, naming the field.
    const secret = expectErrorShape(await api.req('health', 'PATCH', `/api/notifications/channels/${created.json().id}`, { secret: 'SECabc' }), 422, 'VALIDATION');
    expect(secret.field).toBe('secret');
    expect(expectErrorShape(await api.post('health', '/api/notifications/channels', { departmentId: 'health', kind: 'email', target: 'h@example.gov.cn', secret: 'x' }), 422).field).toBe('secret');
    const resigned = await api.req('office', 'PATCH', `/api/notifications/channels/${ding.json().id}`, { secret: 'SECnew' });
    expect(resigned.statusCode, resigned.body).toBe(200);
    expect((await api.req('health', 'DELETE', `/api/notifications/channels/${created.json().id}`)).statusCode).toBe(200);
    expect((await api.get('health', '/api/notifications/channels')).json()).toEqual([]);
  });
});

describe('a test message through a channel', () => {
  it('goes out at once and says whether it went; only whoever manages the channel may send it', async () => {
    const created = (await api.post('health', '/api/notifications/channels', { departmentId: 'health', kind: 'wecom', target: robots.url('wecom', 'test-send') })).json();
    const before = robots.posts.length;
    const res = await api.post('health', `/api/notifications/channels/${created.id}/test`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, error: null });
    const post = robots.posts.slice(before).find((p) => p.robot === 'test-send');
    expect(post?.body.markdown?.content).toContain('通知渠道测试');
    expect(post?.body.markdown?.content).toContain('https://duban.example.gov.cn/');

    // A robot that refuses, and email without SMTP_URL: not sent, and said why (in Chinese).
    robots.behaviour.failNext = 1;
    const refused = (await api.post('office', `/api/notifications/channels/${created.id}/test`)).json();
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/^发送失败：wecom: HTTP 503/);
    const mail = (await api.post('health', '/api/notifications/channels', { departmentId: 'health', kind: 'email', target: 'h@example.gov.cn' })).json();
    expect((await api.post('health', `/api/notifications/channels/${mail.id}/test`)).json()).toMatchObject({ ok: false, error: expect.stringContaining('SMTP_URL') });

    expectErrorShape(await api.post('finance', `/api/notifications/channels/${created.id}/test`), 404);
    expectErrorShape(await api.post(null, `/api/notifications/channels/${created.id}/test`), 401);
    for (const id of [created.id, mail.id]) await api.req('health', 'DELETE', `/api/notifications/channels/${id}`);
  });
});

describe('failed deliveries', () => {
  it('are listed for admins, and a retry sends only what failed', async () => {
    // An entry whose robot delivery failed after every attempt.
    const target = robots.url('wecom', 'failing');
    await db().insert(notificationChannels).values({ departmentId: 'hrss', kind: 'wecom', target });
    const [entry] = await db()
      .insert(notificationOutbox)
      .values({ idempotencyKey: `api-failed-${Date.now()}`, kind: 'deadline.due_soon', recipientDepartmentId: 'hrss', payload: { measureSeq: 7, title: '完善分级诊疗', dueAt: new Date().toISOString() }, status: 'failed', attempts: 1, lastError: 'wecom: HTTP 503' })
      .returning();
    await db().insert(notificationDeliveries).values({ outboxId: entry!.id, channel: 'wecom', target, status: 'failed', attempts: 5, lastError: 'HTTP 503' });

    expectErrorShape(await api.get('office', '/api/notifications/failed'), 403);
    const failed = (await api.get('admin', '/api/notifications/failed')).json();
    expect(failed.find((f: { id: number }) => f.id === entry!.id)).toMatchObject({ title: '第7项 完善分级诊疗', deliveries: [{ channel: 'wecom', status: 'failed', attempts: 5 }] });

    const retried = await api.post('admin', `/api/notifications/outbox/${entry!.id}/retry`);
    expect(retried.statusCode).toBe(202);
    await expect.poll(async () => (await db().select().from(notificationOutbox).where(eq(notificationOutbox.id, entry!.id)))[0]!.status, { timeout: 15_000 }).toBe('delivered');
    expect(robots.accepted().filter((p) => p.key === entry!.idempotencyKey)).toHaveLength(1);
    expectErrorShape(await api.post('admin', `/api/notifications/outbox/${entry!.id}/retry`), 409, 'INVALID_STATE');
    expectErrorShape(await api.post('admin', '/api/notifications/outbox/999999999/retry'), 404);

    // The broken robot was removed instead of mended: the retry drops its delivery and succeeds.
    const [orphan] = await db()
      .insert(notificationOutbox)
      .values({ idempotencyKey: `api-failed-gone-${Date.now()}`, kind: 'deadline.due_soon', recipientDepartmentId: 'medsec', payload: { measureSeq: 8, title: '推进医保支付方式改革' }, status: 'failed', attempts: 1 })
      .returning();
    await db().insert(notificationDeliveries).values({ outboxId: orphan!.id, channel: 'wecom', target: robots.url('wecom', 'removed'), status: 'failed', attempts: 5 });
    expect((await api.post('admin', `/api/notifications/outbox/${orphan!.id}/retry`)).statusCode).toBe(202);
    await expect.poll(async () => (await db().select().from(notificationOutbox).where(eq(notificationOutbox.id, orphan!.id)))[0]!.status, { timeout: 15_000 }).toBe('delivered');
    expect(await db().select().from(notificationDeliveries).where(eq(notificationDeliveries.outboxId, orphan!.id))).toEqual([]);
    expect(robots.posts.filter((p) => p.robot === 'removed')).toEqual([]);
  });
});

describe('digests', () => {
  it('are generated on demand for the leader, and for the office its daily summary', async () => {
    const mine = await api.get('leader', '/api/digests/preview');
    expect(mine.statusCode).toBe(200);
    expect(mine.json().subject).toMatch(/^【督办摘要】leader测试 /);
    expect(mine.json().html).toContain('部门成绩单');
    expect(mine.json().content).toMatchObject({ audience: 'leader', personId: api.ids.leader });
    expectErrorShape(await api.get('health', '/api/digests/preview'), 403);
    expectErrorShape(await api.get('leader', `/api/digests/preview?audience=office`), 403);
    expectErrorShape(await api.get('office', `/api/digests/preview?personId=${api.ids.health}`), 404);
    const summary = await api.get('office', '/api/digests/preview?audience=office');
    expect(summary.json().subject).toMatch(/^【每日督办汇总】/);
    expect(summary.json().content.pendingReview).toEqual([]);

    const sent = await api.post('leader', '/api/digests/send', {});
    expect(sent.statusCode).toBe(202);
    await expect
      .poll(async () => (await db().select().from(notificationOutbox).where(and(eq(notificationOutbox.kind, 'digest.leader'), eq(notificationOutbox.recipientPersonId, api.ids.leader))))[0]?.status, { timeout: 15_000 })
      .toBe('delivered');
    const inbox = (await api.get('leader', '/api/inbox')).json();
    expect(inbox.items.some((m: { kind: string }) => m.kind === 'digest.leader')).toBe(true);
  });

  it('follow each leader’s schedule, weekly on Monday 09:00 unless set otherwise', async () => {
    const url = `/api/digests/subscriptions/${api.ids.leader}`;
    expect((await api.get('leader', url)).json()).toMatchObject({ schedule: { dayOfWeek: 'MONDAY', hour: 9, minute: 0 }, enabled: true, timezone: 'Asia/Shanghai' });
    const changed = await api.req('leader', 'PUT', url, { schedule: { dayOfWeek: 'FRIDAY', hour: 17, minute: 30 } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().schedule).toEqual({ dayOfWeek: 'FRIDAY', hour: 17, minute: 30 });
    const schedule = await api.env.client.schedule.getHandle(scheduleIds(settings).leader(api.ids.leader)).describe();
    expect(schedule.spec.timezone).toBe('Asia/Shanghai');
    expect(schedule.spec.calendars?.[0]).toMatchObject({ dayOfWeek: [{ start: 'FRIDAY', end: 'FRIDAY', step: 1 }], hour: [{ start: 17, end: 17, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
    expect(schedule.state.paused).toBe(false);

    expectErrorShape(await api.req('leader', 'PUT', url, { schedule: { dayOfWeek: 'FUNDAY', hour: 9, minute: 0 } }), 422);
    expectErrorShape(await api.req('health', 'PUT', url, { enabled: false }), 403);
    expectErrorShape(await api.req('office', 'PUT', `/api/digests/subscriptions/${api.ids.health}`, { enabled: false }), 404);

    expect((await api.req('office', 'PUT', url, { enabled: false })).json().enabled).toBe(false);
    await expect(api.env.client.schedule.getHandle(scheduleIds(settings).leader(api.ids.leader)).describe()).rejects.toThrow();
  });
});
