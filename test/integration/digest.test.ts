// Leader digests and the office's daily summary on Temporal Schedules firing every few seconds:
// what each holds matches the measures' states in the read model, and it reaches the leader's
// inbox, mailbox (HTML) and group robot (markdown).
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestContent } from '../../activities/notifications/digest-content.js';
import { previewDigest } from '../../activities/notifications/digest.js';
import { ensureSchedules, removeSchedules, scheduleIds } from '../../activities/notifications/schedules.js';
import { resolveSettings, type NotificationSettings } from '../../activities/notifications/settings.js';
import { MeasureClient } from '../../api/measure-client.js';
import { currentMonth, scorecards } from '../../db/queries/scorecards.js';
import { digestSubscriptions, listEntries, notificationOutbox } from '../../db/schema/index.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { dept, escalations, listEntry, newMeasure, office, sec } from '../support/measures.js';
import { addChannel, addPerson, deliveriesOf, inboxOf } from '../support/notify.js';
import { type RobotReceiver, type SmtpReceiver, startRobotReceiver, startSmtpReceiver } from '../support/receivers.js';

let env: TestEnv;
let smtp: SmtpReceiver;
let robots: RobotReceiver;
let measures: MeasureClient;
let settings: NotificationSettings;

beforeAll(async () => {
  env = await createTestEnv('digest');
  smtp = await startSmtpReceiver();
  robots = await startRobotReceiver();
  settings = resolveSettings({
    publicUrl: 'https://duban.example.gov.cn',
    smtpUrl: smtp.url,
    retryInitialMs: 200,
    scheduleIdPrefix: `${env.taskQueue}:`,
    digestEveryMs: 3000,
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
const DAY = 24 * 3600;

async function digestsOf(personId: string) {
  return db()
    .select()
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.kind, 'digest.leader'), eq(notificationOutbox.recipientPersonId, personId)))
    .orderBy(asc(notificationOutbox.id));
}

describe('leader digests on a schedule', () => {
  it('holds what was escalated, red measures by department, deadlines within two weeks, closures and the scorecard', { timeout: 120_000 }, async () => {
    const leader = await addPerson(db(), { role: 'leader', name: '王副省长', oversees: ['health'] });
    const otherLeader = await addPerson(db(), { role: 'leader', name: '李副省长', oversees: ['finance'] });
    await addPerson(db(), { role: 'coordination_office', departmentId: 'office', name: '督办专员' });
    await addChannel(db(), { personId: leader, kind: 'email', target: 'wang@example.gov.cn' });
    await addChannel(db(), { personId: leader, kind: 'wecom', target: robots.url('wecom', 'wang') });
    await addChannel(db(), { departmentId: 'office', kind: 'email', target: 'office@example.gov.cn' });

    // Red: acknowledged, its deadline passes in two seconds and the ladder climbs to 挂牌督办 (to the leader).
    const red = await newMeasure(db(), {
      rules: { ...quiet, deadlineLadder: [{ level: 1, after: sec(0) }, { level: 2, after: sec(2) }, { level: 3, after: sec(2) }, { level: 4, after: sec(2) }] },
      cooperating: [],
      deadlineInSeconds: 2,
    });
    // Flagged by the office: escalated to the leader, yet on time (green).
    const flagged = await newMeasure(db(), { rules: quiet, cooperating: [], deadlineInSeconds: 40 * DAY });
    const soon = await newMeasure(db(), { rules: quiet, cooperating: [], deadlineInSeconds: 10 * DAY });
    const later = await newMeasure(db(), { rules: quiet, cooperating: [], deadlineInSeconds: 30 * DAY });
    const closed = await newMeasure(db(), { rules: quiet, cooperating: [], deadlineInSeconds: 40 * DAY });
    const inReview = await newMeasure(db(), { rules: quiet, cooperating: [], deadlineInSeconds: 40 * DAY });
    // Another leader's: led by finance, flagged.
    const theirs = await newMeasure(db(), { rules: quiet, lead: 'finance', cooperating: [], deadlineInSeconds: 5 * DAY });
    for (const m of [red, flagged, soon, later, closed, inReview, theirs]) await measures.start(m);
    for (const m of [red, closed, inReview]) await measures.act(m.measureId, 'acknowledge', { actor: dept('health'), departmentId: 'health' });
    await measures.act(flagged.measureId, 'flag', { actor: office, flagged: true, reason: '群众反映强烈' });
    await measures.act(theirs.measureId, 'flag', { actor: office, flagged: true, reason: '进度滞后' });
    for (const m of [closed, inReview]) await measures.act(m.measureId, 'applyClosure', { actor: dept('health'), summary: '已完成', evidence: [{ name: '文件.pdf' }] });
    await measures.act(closed.measureId, 'reviewClosure', { actor: office, decision: 'approve' });
    await expect.poll(async () => (await listEntry(db(), red.measureId))?.escalationLevel, { timeout: 20_000 }).toBe(4);
    await expect.poll(async () => (await listEntry(db(), red.measureId))?.rag).toBe('red');

    // Schedules every 3 s from here on.
    await ensureSchedules({ client: env.client, db: db(), taskQueue: env.taskQueue, settings });
    await expect.poll(async () => (await digestsOf(leader)).filter((d) => d.status === 'delivered').length, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(1);
    const [first] = await digestsOf(leader);
    const c = (first!.payload as { content: DigestContent }).content;

    // Compare with the read model.
    const rows = await db().select().from(listEntries).where(eq(listEntries.leadDepartmentId, 'health'));
    const mine = [red, flagged, soon, later, closed, inReview];
    const healthRows = rows.filter((r) => mine.some((m) => m.measureId === r.measureId));
    const redIds = healthRows.filter((r) => r.rag === 'red' && r.status !== 'closed').map((r) => r.measureId);
    expect(redIds).toEqual([red.measureId]);
    expect(c.red).toEqual([
      { departmentId: 'health', departmentName: '省卫生健康委', measures: [expect.objectContaining({ measureId: red.measureId, measureSeq: red.seq, title: red.title, escalationLevel: 4, escalationName: '挂牌督办' })] },
    ]);
    // Escalated to this leader: the red measure's 挂牌督办 and the flag; nothing of finance's.
    expect(c.escalations.map((e) => [e.measureId, e.levelName]).sort()).toEqual(
      [
        [red.measureId, '挂牌督办'],
        [flagged.measureId, '挂牌督办'],
      ].sort(),
    );
    expect(c.dueSoon.map((x) => x.measureId)).toEqual([soon.measureId]);
    expect(c.dueSoon[0]!.deadlineAt).toBe((await listEntry(db(), soon.measureId))!.deadlineAt!.toISOString());
    expect(c.closures.map((x) => x.measureId)).toEqual([closed.measureId]);
    // The 成绩单: this month's scorecard of the departments the leader oversees, the scorecards' own numbers.
    expect(c.scorecard.map((s) => s.departmentId)).toEqual(['health']);
    // The red measure's climb: rungs due together (a loaded machine) fire once, at the highest; it
    // reaches 挂牌督办 either way. Deductions 催办 1, 督办 2, 挂牌督办 5.
    const climb = (await escalations(db(), red.measureId)).map((e) => e.level);
    expect(climb.at(-1)).toBe(4);
    // 挂牌督办 counts once more: the office's own flag on the flagged measure.
    const count = (level: number) => climb.filter((l) => l === level).length + (level === 4 ? 1 : 0);
    const deduction = count(2) * 1 + count(3) * 2 + count(4) * 5;
    expect(c.scorecard[0]).toMatchObject({
      acknowledged: 3,
      acknowledgedOnTime: 3,
      acknowledgeOnTimeRate: 1,
      closedOnTime: 1,
      dueOpen: 1, // the red one
      closureOnTimeRate: 0.5,
      escalations: { remind: count(1), urge: count(2), supervise: count(3), flag: count(4) },
      deduction,
      score: Math.round((((30 * 1 + 40 * 0.5) / 70) * 100 - deduction) * 10) / 10,
      rank: 1,
    });
    const card = await scorecards(db(), currentMonth(new Date(c.until)), ['health'], new Date(c.until));
    expect(c.scorecardPeriod).toEqual(card.period);
    expect(c.scorecard).toEqual(card.rows);
    expect(c.pendingReview).toBeUndefined();

    // Delivered: inbox, HTML email, robot markdown; each once.
    expect((await inboxOf(db(), leader)).some((m) => m.outboxId === first!.id && m.kind === 'digest.leader')).toBe(true);
    expect((await deliveriesOf(db(), [first!.id])).map((d) => [d.channel, d.status])).toEqual([
      ['email', 'sent'],
      ['wecom', 'sent'],
    ]);
    const mail = smtp.accepted().filter((m) => m.xKey === first!.idempotencyKey);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toMatch(/^【督办摘要】王副省长 \d{4}年\d{1,2}月\d{1,2}日$/);
    expect(mail[0]!.html).toContain('<table');
    for (const m of [red, flagged, soon, closed]) expect(mail[0]!.html).toContain(m.title);
    expect(mail[0]!.html).not.toContain(theirs.title);
    const post = robots.accepted().filter((p) => p.key === first!.idempotencyKey);
    expect(post).toHaveLength(1);
    expect(post[0]!.body.markdown!.content).toContain('**逾期（红灯）措施（1）**');
    expect(post[0]!.body.markdown!.content).toContain(`[省卫生健康委：《关于进一步深化医改的若干措施》第${red.seq}项“${red.title}”`);

    // The other leader sees finance's measure only.
    await expect.poll(async () => (await digestsOf(otherLeader)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const theirDigest = ((await digestsOf(otherLeader))[0]!.payload as { content: DigestContent }).content;
    expect(theirDigest.escalations.map((e) => e.measureId)).toEqual([theirs.measureId]);
    expect(theirDigest.dueSoon.map((e) => e.measureId)).toEqual([theirs.measureId]);

    // The next digest starts where the last ended: nothing escalated or closed since.
    await expect.poll(async () => (await digestsOf(leader)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const second = ((await digestsOf(leader))[1]!.payload as { content: DigestContent }).content;
    expect(second.since).toBe(c.until);
    expect(second.escalations).toEqual([]);
    expect(second.closures).toEqual([]);
    expect(second.red).toEqual(c.red);
    const [sub] = await db().select().from(digestSubscriptions).where(eq(digestSubscriptions.personId, leader));
    expect(sub!.lastDigestAt).not.toBeNull();

    // On demand: the same content, written nowhere.
    const preview = (await previewDigest(db(), { audience: 'leader', personId: leader }))!;
    expect(preview.red).toEqual(c.red);
    expect(preview.dueSoon.map((x) => x.measureId)).toEqual([soon.measureId]);

    // The coordination office's summary covers every measure, with closures awaiting review.
    await expect
      .poll(async () => (await db().select().from(notificationOutbox).where(and(eq(notificationOutbox.kind, 'digest.office'), eq(notificationOutbox.status, 'delivered')))).length, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(1);
    const [officeDigest] = await db().select().from(notificationOutbox).where(eq(notificationOutbox.kind, 'digest.office')).orderBy(asc(notificationOutbox.id));
    const oc = (officeDigest!.payload as { content: DigestContent }).content;
    expect(oc.pendingReview!.map((x) => x.measureId)).toEqual([inReview.measureId]);
    expect(oc.dueSoon.map((x) => x.measureId)).toEqual([theirs.measureId, soon.measureId]);
    expect(oc.escalations.filter((e) => e.measureId === red.measureId).map((e) => e.level)).toEqual(climb);
    // Every line department, ranked; health first (finance's flag is the office's, not a missed deadline).
    expect(oc.scorecard.map((s) => s.departmentId).sort()).toEqual(['finance', 'health', 'hrss', 'medsec']);
    expect(smtp.accepted().filter((m) => m.xKey === officeDigest!.idempotencyKey).map((m) => m.to)).toEqual(['office@example.gov.cn']);

    // A leader who switches the digest off loses the schedule.
    await db().insert(digestSubscriptions).values({ personId: otherLeader, enabled: false }).onConflictDoUpdate({ target: digestSubscriptions.personId, set: { enabled: false } });
    await ensureSchedules({ client: env.client, db: db(), taskQueue: env.taskQueue, settings });
    await expect(env.client.schedule.getHandle(scheduleIds(settings).leader(otherLeader)).describe()).rejects.toThrow();
    const described = await env.client.schedule.getHandle(scheduleIds(settings).leader(leader)).describe();
    expect(described.spec.intervals?.[0]?.every).toBe(3000);
  });
});
