// `npm run bench`: how many measures one machine carries, and how precisely their escalations fire.
// Starts its own embedded PostgreSQL and in-memory Temporal dev server, dispatches N measures whose
// acknowledgment ladders climb within seconds, and prints figures and ratios (never asserts).
//   BENCH_MEASURES=500 npm run bench
import { rm } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { eq, sql } from 'drizzle-orm';
import { MeasureClient } from '../api/measure-client.js';
import { connectDatabase, migrateDatabase } from '../db/client.js';
import { auditEvents, departments, measures, policies } from '../db/schema/index.js';
import { loadConfig } from '../runtime/config.js';
import { startLocalEnvironment } from '../runtime/local/index.js';
import { temporaryDataDir } from '../runtime/local/postgres.js';
import { freePort } from '../runtime/local/temporal.js';
import { createWorker, installRuntime } from '../runtime/worker.js';
import { DEFAULT_RULES } from '../workflows/rules/escalation.js';

const N = Number(process.env.BENCH_MEASURES ?? 300);
const sec = (amount: number) => ({ unit: 'seconds' as const, amount });
const ACK_DUE_S = 20;
const RUNG_GAP_S = 5;

const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const dataDir = await temporaryDataDir('three-lists-bench-');
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), EMBEDDED_TEMPORAL_PORT: String(await freePort()) });
  installRuntime();
  const local = await startLocalEnvironment(config, { log: () => undefined, persistTemporal: false, temporalUi: false });
  await migrateDatabase(local.databaseUrl);
  const database = connectDatabase(local.databaseUrl, { max: 20 });
  const connection = await Connection.connect({ address: local.temporalAddress });
  const nativeConnection = await NativeConnection.connect({ address: local.temporalAddress });
  const temporal = new Client({ connection });
  const worker = await createWorker({ connection: nativeConnection, namespace: 'default', taskQueue: 'bench', db: database.db, client: temporal });
  const running = worker.run();
  const client = new MeasureClient(temporal, 'bench');

  try {
    const { db } = database;
    await db.insert(departments).values({ id: 'health', name: '省卫生健康委' });
    const [policy] = await db.insert(policies).values({ code: 'bench', title: '基准测试政策' }).returning();
    const rows = await db
      .insert(measures)
      .values(Array.from({ length: N }, (_, i) => ({ policyId: policy!.id, seq: i + 1, title: `措施${i + 1}`, deadlineText: '长期坚持', deadlineSpec: { kind: 'ongoing' } })))
      .returning({ id: measures.id, seq: measures.seq });
    const rules = {
      ...DEFAULT_RULES,
      acknowledgeDue: sec(ACK_DUE_S),
      acknowledgeLadder: [{ level: 1 as const, after: sec(0) }, { level: 2 as const, after: sec(RUNG_GAP_S) }, { level: 3 as const, after: sec(RUNG_GAP_S) }],
    };

    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const startedAt = new Map<string, number>();
    const queue = [...rows];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let m = queue.shift(); m; m = queue.shift()) {
          startedAt.set(m.id, Date.now());
          await client.start({ measureId: m.id, seq: m.seq, title: `措施${m.seq}`, leadDepartmentId: 'health', cooperatingDepartmentIds: [], deadline: { text: '长期坚持', spec: { kind: 'ongoing' } }, rules, dispatchedBy: { id: 'bench', role: 'coordination_office' } });
        }
      }),
    );
    const startSeconds = (performance.now() - t0) / 1000;
    console.log(`dispatched ${N} measures in ${startSeconds.toFixed(1)} s: ${(N / startSeconds).toFixed(0)} measures/s`);

    // Every measure's three rungs: wait until all have fired (or give up after a generous bound).
    const expected = N * 3;
    const deadline = Date.now() + (ACK_DUE_S + 2 * RUNG_GAP_S + 120) * 1000;
    let fired = 0;
    while (Date.now() < deadline) {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(eq(auditEvents.action, 'escalate'));
      fired = row!.n;
      if (fired >= expected) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const events = await db.select({ measureId: auditEvents.measureId, detail: auditEvents.detail, at: auditEvents.occurredAt }).from(auditEvents).where(eq(auditEvents.action, 'escalate'));
    // Lateness: when a rung was recorded minus when the rules say it was due.
    const lateness = events.map((e) => {
      const level = (e.detail as { level: number }).level;
      const due = startedAt.get(e.measureId!)! + (ACK_DUE_S + (level - 1) * RUNG_GAP_S) * 1000;
      return e.at.getTime() - due;
    });
    const rss = process.memoryUsage().rss;
    console.log(`escalations fired: ${fired} of ${expected} (${((100 * fired) / expected).toFixed(1)}%)`);
    console.log(`lateness (recorded − due), ms: p50 ${pct(lateness, 50)}, p95 ${pct(lateness, 95)}, p99 ${pct(lateness, 99)}, max ${Math.max(...lateness)}; early: ${lateness.filter((l) => l < 0).length}`);
    console.log(`process RSS (worker + API client): ${mb(rssBefore)} before → ${mb(rss)} after; ${((rss - rssBefore) / 1024 / N).toFixed(1)} KB per measure`);
    console.log('limits: the dev server uses one SQLite connection in memory; a production Temporal cluster on PostgreSQL scales past this.');
  } finally {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await database.close();
    await local.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
