// The worker SIGKILLed in the middle of a delivery. While the receiver has not yet answered, the
// message was not delivered: the retry on a new worker delivers it, and exactly one is accepted.
// In the narrow window after the receiver accepted and before the delivery was recorded, the
// retry sends again — carrying the same idempotency key, so a receiver that dedupes on it (as
// these do, to count) sees one message. That window is what "exactly once" cannot close alone.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationSettings } from '../../activities/notifications/settings.js';
import { MeasureClient } from '../../api/measure-client.js';
import { createTestEnv, spawnWorkerProcess, type TestEnv } from '../support/env.js';
import { newMeasure, sec } from '../support/measures.js';
import { addChannel, deliveriesOf, settled } from '../support/notify.js';
import { type RobotReceiver, type SmtpReceiver, startRobotReceiver, startSmtpReceiver } from '../support/receivers.js';

let env: TestEnv;
let smtp: SmtpReceiver;
let robots: RobotReceiver;
let measures: MeasureClient;
let child: ChildProcess | undefined;
let settings: Partial<NotificationSettings>;

beforeAll(async () => {
  env = await createTestEnv('notifycrash');
  smtp = await startSmtpReceiver();
  robots = await startRobotReceiver();
  settings = { publicUrl: 'https://duban.example.gov.cn', smtpUrl: smtp.url, maxAttempts: 5, retryInitialMs: 200, heartbeatTimeoutMs: 2000, scheduleIdPrefix: `${env.taskQueue}:` };
  measures = new MeasureClient(env.client, env.taskQueue);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await env?.close();
  await smtp?.close();
  await robots?.close();
});

const db = () => env.database.db;
const quiet = { acknowledgeDue: sec(3600), reviewDue: sec(3600) };
const worker = (extra: Record<string, string> = {}) => spawnWorkerProcess(env, { NOTIFY_SETTINGS: JSON.stringify(settings), ...extra });
const kill = async (p: ChildProcess) => {
  p.kill('SIGKILL');
  if (p.exitCode === null && p.signalCode === null) await new Promise((r) => p.once('exit', r));
};

describe('a worker killed mid-delivery', () => {
  it('still delivers exactly once when it died waiting for the receiver', { timeout: 90_000 }, async () => {
    await addChannel(db(), { departmentId: 'health', kind: 'email', target: 'health@example.gov.cn' });
    await addChannel(db(), { departmentId: 'health', kind: 'wecom', target: robots.url('wecom', 'health') });
    smtp.behaviour.hangNext = 1;
    robots.behaviour.hangNext = 1;
    child = await worker();
    const input = await newMeasure(db(), { rules: quiet, lead: 'health', cooperating: [] });
    await measures.start(input);

    // Both sends are in flight, each receiver holding its request unanswered: kill the worker now.
    await expect.poll(() => smtp.mails.length + robots.posts.length, { timeout: 20_000 }).toBe(2);
    await kill(child);
    child = await worker();

    const [entry] = await settled(db(), input.measureId, 1, 45_000);
    expect(entry!.status).toBe('delivered');
    const key = entry!.idempotencyKey;
    // Two arrivals each (the one cut off, the retry), one accepted, both with the entry's key.
    expect(smtp.mails.map((m) => [m.xKey, m.accepted])).toEqual([
      [key, false],
      [key, true],
    ]);
    expect(robots.posts.map((p) => [p.key, p.accepted])).toEqual([
      [key, false],
      [key, true],
    ]);
    expect(smtp.accepted()).toHaveLength(1);
    expect(robots.accepted()).toHaveLength(1);
    expect((await deliveriesOf(db(), [entry!.id])).map((d) => [d.channel, d.status])).toEqual([
      ['email', 'sent'],
      ['wecom', 'sent'],
    ]);
    await kill(child);
  });

  it('repeats the idempotency key when it died after the receiver accepted but before recording it', { timeout: 90_000 }, async () => {
    await addChannel(db(), { departmentId: 'finance', kind: 'wecom', target: robots.url('wecom', 'finance') });
    child = await worker({ NOTIFY_CRASH_AFTER_SEND: '1' });
    const exited = new Promise((r) => child!.once('exit', r));
    const input = await newMeasure(db(), { rules: quiet, lead: 'finance', cooperating: [] });
    await measures.start(input);
    await exited; // it accepted the post, then the worker died before its commit
    child = await worker();

    const [entry] = await settled(db(), input.measureId, 1, 45_000);
    expect(entry!.status).toBe('delivered');
    const posts = robots.posts.filter((p) => p.robot === 'finance');
    // The receiver got it twice, both times with the same key: deduping on the key it shows one.
    expect(posts.map((p) => [p.key, p.accepted])).toEqual([
      [entry!.idempotencyKey, true],
      [entry!.idempotencyKey, true],
    ]);
    expect(robots.accepted().filter((p) => p.robot === 'finance')).toHaveLength(1);
    expect((await deliveriesOf(db(), [entry!.id]))[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
