// npm start's demo: the Sichuan package loaded into an empty database, once.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureClient } from '../../api/measure-client.js';
import { verifyPassword } from '../../api/auth/passwords.js';
import { DEMO_PASSWORD, loadDemo } from '../../demo/load.js';
import { listEntries, people } from '../../db/schema/index.js';
import { createTestEnv, type TestEnv } from '../support/env.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv('demo');
  await env.startWorker();
});
afterAll(async () => env?.close());

describe('the demo', () => {
  it('fills all three lists from the Sichuan package, and only into an empty database', async () => {
    const client = new MeasureClient(env.client, env.taskQueue);
    const db = env.database.db;
    const created = await loadDemo(db, client, () => undefined);
    expect(created).toEqual(expect.arrayContaining(['office', 'leader', 'health', 'hsa']));
    expect(created).toHaveLength(17);

    const lists = async () => {
      const rows = await db.select({ list: listEntries.list }).from(listEntries);
      return { total: rows.length, responsibility: rows.filter((r) => r.list === 'responsibility').length, supervision: rows.filter((r) => r.list === 'supervision').length, closure: rows.filter((r) => r.list === 'closure').length };
    };
    await expect.poll(lists, { timeout: 20_000 }).toEqual({ total: 20, responsibility: 12, supervision: 7, closure: 1 });

    const [office] = await db.select().from(people).where(eq(people.username, 'office'));
    expect(await verifyPassword(DEMO_PASSWORD, office!.passwordHash)).toBe(true);
    // A second start changes nothing.
    expect(await loadDemo(db, client, () => undefined)).toEqual([]);
    expect((await lists()).total).toBe(20);
  });
});
