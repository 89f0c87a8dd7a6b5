// Notifications delivered through a real SMTP server and a real HTTP receiver standing in for WeCom
// and DingTalk robots, by a worker on a real Temporal server: each arrives once, with the right
// content; a receiver failing then recovering gets one delivery; an entry that keeps failing is
// shown to admins and a retry delivers it once; entries nobody started are swept up.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities/index.js';
import { messageIdFor } from '../../activities/notifications/channels.js';
import { formatDateTime } from '../../common/dates.js';
import { ensureSchedules, removeSchedules } from '../../activities/notifications/schedules.js';
import { resolveSettings, type NotificationSettings } from '../../activities/notifications/settings.js';
import { retryOutboxEntry } from '../../activities/notifications/start.js';
import { MeasureClient } from '../../api/measure-client.js';
import { notificationDeliveries, notificationOutbox } from '../../db/schema/index.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { dept, listEntry, newMeasure, office, sec } from '../support/measures.js';
import { addChannel, addPerson, deliveriesOf, inboxOf, outboxOf, settled } from '../support/notify.js';
import { type RobotReceiver, type SmtpReceiver, startRobotReceiver, startSmtpReceiver } from '../support/receivers.js';

let env: TestEnv;
let smtp: SmtpReceiver;
let robots: RobotReceiver;
let measures: MeasureClient;
let settings: NotificationSettings;
const PUBLIC_URL = 'https://duban.example.gov.cn';
// Every message names the policy: newMeasure's is 《关于进一步深化医改的若干措施》.
const NAMED = '《关于进一步深化医改的若干措施》';

beforeAll(async () => {
  env = await createTestEnv('notify');
  smtp = await startSmtpReceiver();
  robots = await startRobotReceiver();
  settings = resolveSettings({
    publicUrl: PUBLIC_URL,
    smtpUrl: smtp.url,
    mailFrom: '督办系统 <duban@example.gov.cn>',
    maxAttempts: 4,
    retryInitialMs: 200,
    heartbeatTimeoutMs: 3000,
    sweepAfterMs: 1500,
    sweepEveryMs: 1000,
    scheduleIdPrefix: `${env.taskQueue}:`,
  });
  await env.startWorker(undefined, { notifications: settings });
  measures = new MeasureClient(env.client, env.taskQueue);
});
afterAll(async () => {
  if (env) await removeSchedules({ client: env.client, settings }).catch(() => undefined);
  await env?.close();
  await smtp?.close();
  await robots?.close();
});

const db = () => env.database.db;
const quiet = { acknowledgeDue: sec(3600), reviewDue: sec(3600) };

describe('delivery through inbox, email and group robots', () => {
  it('delivers each notification once, in Chinese, naming the measure, the department, the due time and what is asked', async () => {
    const health = await addPerson(db(), { role: 'department', departmentId: 'health', name: '卫健委联络员' });
    const finance = await addPerson(db(), { role: 'department', departmentId: 'finance', name: '财政厅联络员' });
    const staff = await addPerson(db(), { role: 'coordination_office', departmentId: 'office', name: '督办专员' });
    const leader = await addPerson(db(), { role: 'leader', name: '王副省长', oversees: ['health'] });
    robots.secrets['health-dd'] = 'SEC-test-secret';
    await addChannel(db(), { departmentId: 'health', kind: 'email', target: 'health@example.gov.cn' });
    await addChannel(db(), { departmentId: 'health', kind: 'wecom', target: robots.url('wecom', 'health') });
    await addChannel(db(), { departmentId: 'health', kind: 'dingtalk', target: robots.url('dingtalk', 'health-dd'), secret: 'SEC-test-secret' });
    // The same address twice (department and person) is sent once.
    await addChannel(db(), { personId: health, kind: 'email', target: 'health@example.gov.cn' });
    await addChannel(db(), { departmentId: 'finance', kind: 'email', target: 'finance@example.gov.cn' });
    await addChannel(db(), { departmentId: 'office', kind: 'wecom', target: robots.url('wecom', 'office') });
    await addChannel(db(), { personId: leader, kind: 'email', target: 'leader@example.gov.cn' });
    // A channel switched off is not used.
    await addChannel(db(), { departmentId: 'finance', kind: 'wecom', target: robots.url('wecom', 'finance-off'), enabled: false });

    const input = await newMeasure(db(), { rules: quiet, deadlineInSeconds: 30 * 24 * 3600 });
    await measures.start(input);
    await measures.act(input.measureId, 'decline', { actor: dept('finance'), departmentId: 'finance', reason: '职责不符' });
    await measures.act(input.measureId, 'flag', { actor: office, flagged: true, reason: '进度严重滞后' });

    // dispatched → health, finance; declined → office; flagged → leader, health
    const entries = await settled(db(), input.measureId, 5);
    expect(entries.map((e) => `${e.kind}→${e.recipientDepartmentId ?? e.recipientRole}:${e.status}`)).toEqual([
      'measure.dispatched→health:delivered',
      'measure.dispatched→finance:delivered',
      'assignment.declined→coordination_office:delivered',
      'escalation.flagged→leader:delivered',
      'escalation.flagged→health:delivered',
    ]);
    const [toHealth, toFinance, declined, toLeader, flaggedHealth] = entries;
    const deliveries = await deliveriesOf(db(), entries.map((e) => e.id));
    expect(deliveries.every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
    expect(deliveries).toHaveLength(3 + 1 + 1 + 1 + 3);

    // Email: one per entry and address, never twice.
    const mails = smtp.accepted().filter((m) => entries.some((e) => m.xKey === e.idempotencyKey));
    expect(smtp.mails.filter((m) => entries.some((e) => m.xKey === e.idempotencyKey))).toHaveLength(mails.length);
    expect(mails.map((m) => `${m.to}:${m.xKey}`).sort()).toEqual(
      [`health@example.gov.cn:${toHealth!.idempotencyKey}`, `finance@example.gov.cn:${toFinance!.idempotencyKey}`, `leader@example.gov.cn:${toLeader!.idempotencyKey}`, `health@example.gov.cn:${flaggedHealth!.idempotencyKey}`].sort(),
    );
    const dispatchMail = mails.find((m) => m.xKey === toHealth!.idempotencyKey)!;
    expect(dispatchMail.messageId).toBe(messageIdFor(toHealth!.idempotencyKey, settings.mailFrom));
    const due = formatDateTime((await listEntry(db(), input.measureId))!.acknowledgeDueAt!);
    expect(due).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    const link = `${PUBLIC_URL}/measures/${input.measureId}`;
    expect(dispatchMail.subject).toBe(`【交办】${NAMED}第${input.seq}项 ${input.title}`);
    for (const part of ['省卫生健康委：', `措施：${NAMED}第${input.seq}项“${input.title}”`, '责任单位：省卫生健康委', `期限：${due}`, `请于${due}前登录系统签收`, `查看详情：${link}`]) {
      expect(dispatchMail.text).toContain(part);
    }
    expect(dispatchMail.html).toContain(`href="${link}"`);
    const leaderMail = mails.find((m) => m.to === 'leader@example.gov.cn')!;
    expect(leaderMail.subject).toBe(`【挂牌督办】${NAMED}第${input.seq}项 ${input.title}`);
    expect(leaderMail.text).toContain('挂牌督办（理由：进度严重滞后）');
    expect(leaderMail.text).toContain('请阅知并督促省卫生健康委办理');

    // Robots: WeCom's and DingTalk's markdown formats, DingTalk signed with the robot's secret.
    const posts = robots.accepted().filter((p) => entries.some((e) => p.key === e.idempotencyKey));
    expect(robots.posts.filter((p) => entries.some((e) => p.key === e.idempotencyKey))).toHaveLength(posts.length);
    expect(posts.map((p) => `${p.kind}/${p.robot}:${p.key}`).sort()).toEqual(
      [
        `wecom/health:${toHealth!.idempotencyKey}`,
        `dingtalk/health-dd:${toHealth!.idempotencyKey}`,
        `wecom/office:${declined!.idempotencyKey}`,
        `wecom/health:${flaggedHealth!.idempotencyKey}`,
        `dingtalk/health-dd:${flaggedHealth!.idempotencyKey}`,
      ].sort(),
    );
    const wecom = posts.find((p) => p.kind === 'wecom' && p.key === toHealth!.idempotencyKey)!;
    expect(wecom.body.msgtype).toBe('markdown');
    expect(wecom.body.markdown!.content).toContain(`### 【交办】${NAMED}第${input.seq}项 ${input.title}`);
    expect(wecom.body.markdown!.content).toContain(`[查看详情](${link})`);
    const ding = posts.find((p) => p.kind === 'dingtalk' && p.key === toHealth!.idempotencyKey)!;
    expect(ding.signed).toBe(true);
    expect(ding.body).toMatchObject({ msgtype: 'markdown', markdown: { title: `【交办】${NAMED}第${input.seq}项 ${input.title}` } });
    expect(ding.body.markdown!.text).toContain(`期限：${due}`);
    const officePost = posts.find((p) => p.robot === 'office')!;
    expect(officePost.body.markdown!.content).toContain('省财政厅申请调整任务分工（理由：职责不符）');

    // The inbox: always, for every person reached.
    expect((await inboxOf(db(), health)).map((m) => m.outboxId)).toEqual([toHealth!.id, flaggedHealth!.id]);
    expect((await inboxOf(db(), finance)).map((m) => m.outboxId)).toEqual([toFinance!.id]);
    expect((await inboxOf(db(), staff)).map((m) => m.outboxId)).toEqual([declined!.id]);
    const [leaderInbox] = await inboxOf(db(), leader);
    expect(leaderInbox).toMatchObject({ outboxId: toLeader!.id, title: `【挂牌督办】${NAMED}第${input.seq}项 ${input.title}`, link, measureId: input.measureId, readAt: null });
  });

  it('gives a receiver that fails three times and then recovers exactly one delivery', async () => {
    await addChannel(db(), { departmentId: 'hrss', kind: 'email', target: 'hrss@example.gov.cn' });
    await addChannel(db(), { departmentId: 'hrss', kind: 'wecom', target: robots.url('wecom', 'hrss') });
    smtp.behaviour.failNext = 3;
    robots.behaviour.failNext = 3;
    const input = await newMeasure(db(), { rules: quiet, lead: 'hrss', cooperating: [] });
    await measures.start(input);
    const [entry] = await settled(db(), input.measureId, 1);
    expect(entry!.status).toBe('delivered');
    const key = entry!.idempotencyKey;
    expect(smtp.mails.filter((m) => m.xKey === key).map((m) => m.accepted)).toEqual([false, false, false, true]);
    expect(robots.posts.filter((p) => p.key === key).map((p) => p.accepted)).toEqual([false, false, false, true]);
    const deliveries = await deliveriesOf(db(), [entry!.id]);
    expect(deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['email', 'sent', 4],
      ['wecom', 'sent', 4],
    ]);
  });

  it('marks an entry that keeps failing as failed for admins, and an admin retry delivers it once', async () => {
    await addChannel(db(), { departmentId: 'medsec', kind: 'email', target: 'medsec@example.gov.cn' });
    await addChannel(db(), { departmentId: 'medsec', kind: 'wecom', target: robots.url('wecom', 'medsec') });
    robots.behaviour.failNext = 1000;
    const input = await newMeasure(db(), { rules: quiet, lead: 'medsec', cooperating: [] });
    await measures.start(input);
    const [entry] = await settled(db(), input.measureId, 1);
    expect(entry).toMatchObject({ status: 'failed', attempts: 1 });
    expect(entry!.lastError).toContain('wecom');
    let deliveries = await deliveriesOf(db(), [entry!.id]);
    expect(deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['email', 'sent', 1],
      ['wecom', 'failed', 4],
    ]);

    robots.behaviour.failNext = 0;
    // Generous: under a full suite on two cores the retried workflow can wait behind other sends.
    expect(await retryOutboxEntry(db(), env.client, env.taskQueue, settings, entry!.id)).toBe('started');
    await expect.poll(async () => (await outboxOf(db(), input.measureId))[0]!.status, { timeout: 40_000 }).toBe('delivered');
    deliveries = await deliveriesOf(db(), [entry!.id]);
    expect(deliveries.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'sent'],
      ['wecom', 'sent'],
    ]);
    // The email went once, before the retry; the robot got it once, after.
    expect(smtp.mails.filter((m) => m.xKey === entry!.idempotencyKey)).toHaveLength(1);
    expect(robots.posts.filter((p) => p.key === entry!.idempotencyKey && p.accepted)).toHaveLength(1);
    expect(await retryOutboxEntry(db(), env.client, env.taskQueue, settings, entry!.id)).toBe('not_failed');
  });

  it('lets one attempt send at a time: another attempt on the same delivery backs off, then finds it sent', async () => {
    const activities = createActivities({ db: db(), client: env.client, taskQueue: env.taskQueue, notifications: settings });
    // Not pending: no delivery workflow or sweeper touches it; only the attempts below.
    const [entry] = await db()
      .insert(notificationOutbox)
      .values({ idempotencyKey: `lock-${Date.now()}`, kind: 'deadline.due_soon', recipientDepartmentId: 'hrss', payload: { measureSeq: 9, title: '锁测试' }, status: 'failed' })
      .returning();
    const [delivery] = await db().insert(notificationDeliveries).values({ outboxId: entry!.id, channel: 'wecom', target: robots.url('wecom', 'lock') }).returning();
    robots.behaviour.hangNext = 1;
    const first = new MockActivityEnvironment().run(activities.sendDelivery, delivery!.id);
    await expect.poll(() => robots.posts.filter((p) => p.robot === 'lock').length).toBe(1);
    // A retry, or a zombie attempt of a worker thought dead, while the first still holds the row.
    await expect(new MockActivityEnvironment().run(activities.sendDelivery, delivery!.id)).rejects.toMatchObject({ type: 'DeliveryBusy' });
    robots.release();
    await expect(first).resolves.toEqual({ status: 'sent' });
    await expect(new MockActivityEnvironment().run(activities.sendDelivery, delivery!.id)).resolves.toEqual({ status: 'already_sent' });
    expect(robots.posts.filter((p) => p.robot === 'lock').map((p) => p.accepted)).toEqual([true]);
  });

  it('tells a send to come back later when the worker already sends all it may, holding no slot meanwhile', async () => {
    const activities = createActivities({ db: db(), client: env.client, taskQueue: env.taskQueue, notifications: settings });
    const [entry] = await db()
      .insert(notificationOutbox)
      .values({ idempotencyKey: `busy-${Date.now()}`, kind: 'deadline.due_soon', recipientDepartmentId: 'hrss', payload: { measureSeq: 10, title: '忙碌测试' }, status: 'failed' })
      .returning();
    const rows = await db()
      .insert(notificationDeliveries)
      .values([1, 2, 3, 4, 5].map((i) => ({ outboxId: entry!.id, channel: 'wecom', target: robots.url('wecom', `busy-${i}`) })))
      .returning();
    robots.behaviour.hangNext = 4;
    const held = rows.slice(0, 4).map((d) => new MockActivityEnvironment().run(activities.sendDelivery, d.id));
    await expect.poll(() => robots.posts.filter((p) => p.robot.startsWith('busy-')).length).toBe(4);
    const fifth = await new MockActivityEnvironment().run(activities.sendDelivery, rows[4]!.id);
    expect(fifth).toMatchObject({ status: 'busy' });
    expect((fifth as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(500);
    robots.release();
    expect(await Promise.all(held)).toEqual(Array(4).fill({ status: 'sent' }));
    await expect(new MockActivityEnvironment().run(activities.sendDelivery, rows[4]!.id)).resolves.toEqual({ status: 'sent' });
  });

  it('sweeps up entries whose delivery was never started (a crash between commit and start)', async () => {
    const input = await newMeasure(db(), { rules: quiet, lead: 'hrss', cooperating: [] });
    // Written as a projection would, but nobody starts its delivery.
    const [row] = await db()
      .insert(notificationOutbox)
      .values({ idempotencyKey: `${input.measureId}:orphan`, kind: 'deadline.due_soon', measureId: input.measureId, recipientDepartmentId: 'hrss', payload: { measureSeq: input.seq, title: input.title, dueAt: new Date().toISOString() } })
      .returning();
    await ensureSchedules({ client: env.client, db: db(), taskQueue: env.taskQueue, settings });
    await expect.poll(async () => (await db().select().from(notificationOutbox).where(eq(notificationOutbox.id, row!.id)))[0]!.status, { timeout: 20_000 }).toBe('delivered');
    expect(smtp.accepted().filter((m) => m.xKey === row!.idempotencyKey).map((m) => m.to)).toEqual(['hrss@example.gov.cn']);
    expect(smtp.mails.filter((m) => m.xKey === row!.idempotencyKey)[0]!.subject).toBe(`【临期提醒】${NAMED}第${input.seq}项 ${input.title}`);
  });
});
