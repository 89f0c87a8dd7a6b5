// npm start's demo: the Sichuan package loaded into an empty database, once, on the demo clock
// (demo/clock.ts) so that reminders and escalations arrive within minutes; DEMO=off loads nothing.
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureClient } from '../../api/measure-client.js';
import { verifyPassword } from '../../api/auth/passwords.js';
import { DEMO_SCHEDULE, leaderEscalationIn } from '../../demo/clock.js';
import { DEMO_PASSWORD, loadDemo, startDemo } from '../../demo/load.js';
import { auditEvents, inboxMessages, listEntries, measures, notificationOutbox, people, policies } from '../../db/schema/index.js';
import { createTestEnv, type TestEnv } from '../support/env.js';

let env: TestEnv;
let fast: TestEnv;
beforeAll(async () => {
  [env, fast] = await Promise.all([createTestEnv('demo'), createTestEnv('demo-clock')]);
  await Promise.all([env.startWorker(), fast.startWorker()]);
});
afterAll(async () => Promise.all([env?.close(), fast?.close()]));

describe('the demo', () => {
  it('fills all three lists from the Sichuan package, and only into an empty database', async () => {
    const client = new MeasureClient(env.client, env.taskQueue);
    const db = env.database.db;
    const loadedAt = Date.now();
    const created = await loadDemo(db, client, () => undefined);
    expect(created).toEqual(expect.arrayContaining(['office', 'leader', 'health', 'hsa']));
    expect(created).toHaveLength(17);

    const lists = async () => {
      const rows = await db.select({ list: listEntries.list }).from(listEntries);
      return { total: rows.length, responsibility: rows.filter((r) => r.list === 'responsibility').length, supervision: rows.filter((r) => r.list === 'supervision').length, closure: rows.filter((r) => r.list === 'closure').length };
    };
    await expect.poll(lists, { timeout: 20_000 }).toEqual({ total: 20, responsibility: 12, supervision: 7, closure: 1 });

    // On the demo clock a dated deadline falls minutes after the load, and says so.
    const [eighth] = await db.select({ text: measures.deadlineText, at: listEntries.deadlineAt }).from(measures).innerJoin(listEntries, eq(listEntries.measureId, measures.id)).where(eq(measures.seq, 8));
    expect(eighth!.text).toBe('演示时钟：载入后3分钟（原定2026年3月）');
    expect(eighth!.at!.getTime() - loadedAt).toBeGreaterThanOrEqual(DEMO_SCHEDULE[8]!.deadlineIn! * 1000);
    expect(eighth!.at!.getTime() - Date.now()).toBeLessThanOrEqual(DEMO_SCHEDULE[8]!.deadlineIn! * 1000);

    const [office] = await db.select().from(people).where(eq(people.username, 'office'));
    expect(await verifyPassword(DEMO_PASSWORD, office!.passwordHash)).toBe(true);
    // A second start changes nothing.
    expect(await loadDemo(db, client, () => undefined)).toEqual([]);
    expect((await lists()).total).toBe(20);
  }, 180_000); // loading 20 measures and their first steps takes a while on a loaded machine

  it('with DEMO=off loads nothing; on the demo clock a department is reminded, then the leader gets 挂牌督办, within a bounded time', async () => {
    const client = new MeasureClient(fast.client, fast.taskQueue);
    const db = fast.database.db;
    expect(await startDemo('off', db, client, () => undefined)).toEqual([]);
    const count = async (table: typeof policies | typeof people | typeof measures) => (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
    expect([await count(policies), await count(people), await count(measures)]).toEqual([0, 0, 0]);

    // Ten times the demo clock: 第18项's 提醒 after ~9 s, 第8项's 挂牌督办 after ~30 s.
    const SPEED = 10;
    const loadedAt = Date.now();
    await loadDemo(db, client, () => undefined, { speed: SPEED });
    const idOf = async (table: typeof people, username: string) => (await db.select({ id: table.id }).from(table).where(eq(table.username, username)))[0]!.id;
    const measureOf = async (seq: number) => (await db.select({ id: measures.id }).from(measures).where(eq(measures.seq, seq)))[0]!.id;
    const [hsa, leader, eighteenth, eighth] = await Promise.all([idOf(people, 'hsa'), idOf(people, 'leader'), measureOf(18), measureOf(8)]);

    /** When a person's inbox got an escalation of this measure at this level, if it did. */
    const arrived = async (personId: string, measureId: string, kind: string, level: number) => {
      const [row] = await db
        .select({ at: inboxMessages.createdAt, title: inboxMessages.title })
        .from(inboxMessages)
        .innerJoin(notificationOutbox, eq(notificationOutbox.id, inboxMessages.outboxId))
        .where(and(eq(inboxMessages.personId, personId), eq(inboxMessages.measureId, measureId), eq(notificationOutbox.kind, kind), sql`(${notificationOutbox.payload}->>'level')::int = ${level}`));
      return row;
    };

    // The bound: the clock's own time plus a minute for a loaded machine to deliver.
    const bound = (seconds: number) => (seconds * 1000) / SPEED + 60_000;
    await expect.poll(() => arrived(hsa, eighteenth, 'escalation.acknowledge', 1), { timeout: bound(DEMO_SCHEDULE[18]!.acknowledgeIn), interval: 500 }).toBeDefined();
    await expect.poll(() => arrived(leader, eighth, 'escalation.deadline', 4), { timeout: bound(leaderEscalationIn(8)!), interval: 500 }).toBeDefined();
    const reminder = (await arrived(hsa, eighteenth, 'escalation.acknowledge', 1))!;
    const flagged = (await arrived(leader, eighth, 'escalation.deadline', 4))!;
    expect(reminder.title).toContain('提醒');
    expect(flagged.title).toContain('挂牌督办');
    expect(reminder.at.getTime()).toBeLessThan(flagged.at.getTime());

    // Not a burst at load: the first escalation of the whole demo waited for the first due time.
    const [first] = await db.select({ at: auditEvents.occurredAt }).from(auditEvents).where(eq(auditEvents.action, 'escalate')).orderBy(asc(auditEvents.occurredAt)).limit(1);
    expect(first!.at.getTime() - loadedAt).toBeGreaterThanOrEqual((DEMO_SCHEDULE[18]!.acknowledgeIn * 1000) / SPEED);
  }, 240_000);
});
