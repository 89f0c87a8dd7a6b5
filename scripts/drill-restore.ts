// `npm run drill:restore`: the restore drill of README.md, performed with the embedded parts.
// Starts PostgreSQL and the file-backed Temporal dev server in a fresh DATA_DIR and the worker as
// production runs it, dispatches measures whose acknowledgment ladders climb within seconds and
// acts on some, backs everything up, destroys the original, restores into a new DATA_DIR on other
// ports (a fresh machine), starts again and checks: every table as it was backed up, every
// workflow still running, the rungs due after the backup firing once each, on time, and an action
// repeated with its Idempotency-Key applied once. Prints each check; exits 1 on any difference.
//
// The backup is a copy of the data files taken while everything is stopped: the embedded
// PostgreSQL ships initdb, pg_ctl and postgres but no pg_dump, and a cleanly stopped cluster copied
// file by file is a consistent physical backup (restored by the same PostgreSQL major version,
// which the same embedded package guarantees); the dev server's SQLite file, copied closed, is
// likewise whole. Stopped together, the two are a consistent pair: no step is in one and not the other.
import { execFile } from 'node:child_process';
import { readdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { and, asc, eq, sql } from 'drizzle-orm';
import { MeasureClient } from '../api/measure-client.js';
import { connectDatabase, migrateDatabase, type DatabaseHandle } from '../db/client.js';
import { auditEvents, departments, listEntries, measures, notificationOutbox, policies } from '../db/schema/index.js';
import { loadConfig } from '../runtime/config.js';
import { startLocalEnvironment, type LocalEnvironment } from '../runtime/local/index.js';
import { temporaryDataDir } from '../runtime/local/postgres.js';
import type { ServerProcess } from '../runtime/local/process.js';
import { spawnService } from '../runtime/local/service-process.js';
import { freePort } from '../runtime/local/temporal.js';
import type { MeasureInput } from '../workflows/measure.js';
import { DEFAULT_RULES } from '../workflows/rules/escalation.js';

const run = promisify(execFile);
const log = (line: string) => console.log(`[drill] ${line}`);
const sec = (amount: number) => ({ unit: 'seconds' as const, amount });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TASK_QUEUE = 'drill';
const MEASURES = 6;
/** Acknowledged before the backup: their ladders stop. The others climb through it. */
const ACKNOWLEDGED = [1, 2];
/** Rung 1 at once after the miss (before the backup); rungs 2 and 3 well after the restore. */
const RULES = {
  ...DEFAULT_RULES,
  acknowledgeDue: sec(5),
  acknowledgeLadder: [
    { level: 1 as const, after: sec(0) },
    { level: 2 as const, after: sec(45) },
    { level: 3 as const, after: sec(15) },
  ],
};
const office = { id: 'drill-office', role: 'coordination_office' as const, departmentId: 'office' };
const lead = { id: 'drill-health', role: 'department' as const, departmentId: 'health' };

const results: boolean[] = [];
function check(ok: boolean, what: string, detail = ''): void {
  results.push(ok);
  console.log(`${ok ? '✓' : '✗'} ${what}${!ok && detail ? ` — ${detail}` : ''}`);
}

interface Running {
  local: LocalEnvironment;
  database: DatabaseHandle;
  connection: Connection;
  measures: MeasureClient;
  worker?: ServerProcess;
  stop(): Promise<void>;
}

/** PostgreSQL and the dev server in `dataDir` (the worker comes later). */
async function startParts(dataDir: string): Promise<Running> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    EMBEDDED_TEMPORAL_PORT: String(await freePort()),
    ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
  });
  const local = await startLocalEnvironment(config, { log, temporalUi: false });
  await migrateDatabase(local.databaseUrl);
  const database = connectDatabase(local.databaseUrl);
  const connection = await Connection.connect({ address: local.temporalAddress });
  const running: Running = {
    local,
    database,
    connection,
    measures: new MeasureClient(new Client({ connection }), TASK_QUEUE),
    async stop() {
      await running.worker?.stop();
      await connection.close();
      await database.close();
      await local.stop();
    },
  };
  return running;
}

async function startWorker(parts: Running): Promise<void> {
  parts.worker = await spawnService('worker', {
    DATABASE_URL: parts.local.databaseUrl,
    TEMPORAL_ADDRESS: parts.local.temporalAddress,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    LOG_LEVEL: 'warn',
  });
  log(`worker 已启动 / worker running (pid ${parts.worker.pid})`);
}

/** Every table of the application database, each as sorted JSON: what "nothing lost" is checked against. */
async function tables(database: DatabaseHandle): Promise<Map<string, string>> {
  const names = await database.sql<Array<{ name: string }>>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`;
  const out = new Map<string, string>();
  for (const { name } of names) {
    const [row] = await database.sql.unsafe(`select coalesce(json_agg(t order by t::text), '[]')::text as rows from "${name}" t`);
    out.set(name, String(row!.rows));
  }
  return out;
}

async function escalationsOf(database: DatabaseHandle, measureId: string) {
  const rows = await database.db
    .select({ detail: auditEvents.detail, at: auditEvents.occurredAt })
    .from(auditEvents)
    .where(and(eq(auditEvents.measureId, measureId), eq(auditEvents.action, 'escalate')));
  return rows.map((r) => ({ level: (r.detail as { level: number }).level, at: r.at.getTime() }));
}

/** The whole folder, as `cp -a` copies it (owners and modes kept: PostgreSQL insists on both). */
async function copy(from: string, to: string): Promise<void> {
  await run('cp', ['-a', await realpath(from), to]);
}

async function main(): Promise<void> {
  const original = await temporaryDataDir('three-lists-drill-');
  const backup = await temporaryDataDir('three-lists-drill-backup-');
  const restored = await temporaryDataDir('three-lists-drill-restored-');
  let parts: Running | undefined;
  try {
    // 1. The original machine: measures running, some acted on.
    log(`原环境 / original DATA_DIR: ${original}`);
    parts = await startParts(original);
    await startWorker(parts);
    const { db } = parts.database;
    await db.insert(departments).values([
      { id: 'office', name: '演练督办室', kind: 'coordination_office' },
      { id: 'health', name: '演练卫生健康委' },
    ]);
    const [policy] = await db.insert(policies).values({ code: 'drill', title: '恢复演练政策' }).returning();
    const rows = await db
      .insert(measures)
      .values(Array.from({ length: MEASURES }, (_, i) => ({ policyId: policy!.id, seq: i + 1, title: `演练措施${i + 1}`, deadlineText: '长期坚持', deadlineSpec: { kind: 'ongoing' } })))
      .returning({ id: measures.id, seq: measures.seq });
    for (const m of rows) {
      const input: MeasureInput = { measureId: m.id, seq: m.seq, title: `演练措施${m.seq}`, leadDepartmentId: 'health', cooperatingDepartmentIds: [], deadline: { text: '长期坚持', spec: { kind: 'ongoing' } }, rules: RULES, dispatchedBy: office };
      await db.update(measures).set({ workflowId: `measure-${m.id}` }).where(eq(measures.id, m.id));
      await parts.measures.start(input);
      if (ACKNOWLEDGED.includes(m.seq)) await parts.measures.act(m.id, 'acknowledge', { actor: lead, departmentId: 'health' }, `drill-ack-${m.seq}`);
    }
    const climbing = rows.filter((m) => !ACKNOWLEDGED.includes(m.seq));
    const acknowledged = rows.filter((m) => ACKNOWLEDGED.includes(m.seq));
    log(`${MEASURES} 项措施已交办，${acknowledged.length} 项已签收 / ${MEASURES} measures dispatched, ${acknowledged.length} acknowledged`);
    // Rung 1 of every measure not acknowledged, before the backup.
    for (const m of climbing) {
      for (let i = 0; !(await escalationsOf(parts.database, m.id)).length; i++) {
        if (i > 600) throw new Error(`rung 1 of measure ${m.seq} never fired`);
        await sleep(100);
      }
    }
    // When rung 2 is due, as the read model shows it (`pending`): the floor it must not fire before.
    const rung2Due = new Map<string, number>();
    for (const m of climbing) {
      const [entry] = await db.select({ snapshot: listEntries.snapshot }).from(listEntries).where(eq(listEntries.measureId, m.id));
      const pending = (entry!.snapshot as { pending: Array<{ kind: string; dueAt: string; level: number }> }).pending.find((p) => p.kind === 'acknowledge' && p.level === 1);
      rung2Due.set(m.id, Date.parse(pending!.dueAt));
    }

    // 2. Back up: everything stopped, then the files copied.
    await parts.worker!.stop();
    parts.worker = undefined;
    const before = await tables(parts.database);
    const histories = new Map<string, number>();
    for (const m of rows) histories.set(m.id, (await parts.measures.handle(m.id).describe()).historyLength);
    await parts.stop();
    parts = undefined;
    const backedUpAt = Date.now();
    await copy(path.join(original, 'postgres'), path.join(backup, 'postgres'));
    for (const file of (await readdir(original)).filter((f) => f.startsWith('temporal.sqlite'))) await copy(path.join(original, file), path.join(backup, file));
    const { stdout: size } = await run('du', ['-sh', backup]);
    log(`已备份 / backed up: ${size.trim()} (PostgreSQL 数据目录 + temporal.sqlite)`);

    // 3. The original machine is gone.
    await rm(await realpath(path.join(original, 'postgres')), { recursive: true, force: true });
    await rm(original, { recursive: true, force: true });

    // 4. A fresh machine: the backup copied into a new DATA_DIR, other ports.
    for (const entry of await readdir(backup)) await copy(path.join(backup, entry), path.join(restored, entry));
    log(`已恢复到 / restored into: ${restored}`);
    const fresh = await startParts(restored);
    parts = fresh;
    const after = await tables(fresh.database);
    const differing = [...before.keys()].filter((t) => before.get(t) !== after.get(t));
    check(differing.length === 0 && after.size === before.size, `应用数据库的 ${before.size} 张表与备份时一致 / all ${before.size} tables of the application database as backed up`, `differ: ${differing.join(', ')}`);
    let running = 0;
    let whole = 0;
    for (const m of rows) {
      const d = await fresh.measures
        .handle(m.id)
        .describe()
        .catch(() => undefined);
      if (d?.status.name === 'RUNNING') running++;
      if (d && d.historyLength >= histories.get(m.id)!) whole++;
    }
    check(running === MEASURES && whole === MEASURES, `${MEASURES} 个措施工作流仍在运行，历史完整 / all ${MEASURES} measure workflows still running, their histories whole`, `${running} running, ${whole} whole`);
    if (running < MEASURES) throw new Error('Temporal 的状态未能恢复，无需再等计时器 / Temporal did not come back whole: no timers to wait for');

    await startWorker(fresh);
    // 5. The timers carry on: rungs 2 and 3, due after the backup, fire once each, not early.
    const deadline = Date.now() + 180_000;
    for (const m of climbing) {
      while ((await escalationsOf(fresh.database, m.id)).length < 3 && Date.now() < deadline) await sleep(500);
    }
    let onTime = 0;
    let once = 0;
    let afterBackup = 0;
    for (const m of climbing) {
      const rungs = await escalationsOf(fresh.database, m.id);
      const at = (level: number) => rungs.filter((r) => r.level === level).map((r) => r.at);
      if ([1, 2, 3].every((level) => at(level).length === 1) && rungs.length === 3) once++;
      const due2 = rung2Due.get(m.id)!;
      // Timers are floors: a rung may be late (the restore took time), never early.
      if ((at(2)[0] ?? 0) >= due2 && (at(3)[0] ?? 0) >= due2 + 15_000) onTime++;
      if ((at(2)[0] ?? 0) > backedUpAt) afterBackup++;
    }
    check(once === climbing.length, `${climbing.length} 项未签收措施的提醒、催办、督办各触发一次 / rungs 1–3 of the ${climbing.length} unacknowledged measures fired once each`, `${once} of ${climbing.length}`);
    check(afterBackup === climbing.length, '第 2 级在备份之后、恢复之后触发 / rung 2 fired after the backup, on the restored machine', `${afterBackup} of ${climbing.length}`);
    check(onTime === climbing.length, '各级均未早于到期时间 / no rung fired before it was due', `${onTime} of ${climbing.length}`);
    const quiet = (await Promise.all(acknowledged.map(async (m) => (await escalationsOf(fresh.database, m.id)).length))).every((n) => n === 0);
    check(quiet, '已签收的措施没有升级 / the acknowledged measures did not escalate');

    // 6. Actions after the restore: a new one applies; one repeated with its key applies once.
    const third = rows.find((m) => m.seq === 3)!;
    const view = await fresh.measures.act(third.id, 'acknowledge', { actor: lead, departmentId: 'health' }, 'drill-ack-3');
    check(view.status === 'supervised', '恢复后的新操作生效 / an action after the restore applies', view.status);
    const first = acknowledged[0]!;
    const countAcks = async () => (await fresh.database.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(and(eq(auditEvents.measureId, first.id), eq(auditEvents.action, 'acknowledge'))))[0]!.n;
    const acksBefore = await countAcks();
    await fresh.measures.act(first.id, 'acknowledge', { actor: lead, departmentId: 'health' }, `drill-ack-${first.seq}`);
    check(acksBefore === 1 && (await countAcks()) === 1, '备份前已执行的操作以同一 Idempotency-Key 重发，不重复生效 / an action from before the backup, sent again with its key, applies once');

    // 7. The records stay whole: per measure, step numbers contiguous; outbox keys unique.
    const gaps = await fresh.database.sql`select measure_id from audit_events where measure_id is not null group by measure_id having max(seq) <> count(*) or min(seq) <> 1`;
    check(gaps.length === 0, '每项措施的审计序号连续 / audit step numbers contiguous for every measure', `${gaps.length} measures with gaps`);
    const keys = await fresh.database.db.select({ key: notificationOutbox.idempotencyKey }).from(notificationOutbox).orderBy(asc(notificationOutbox.id));
    check(new Set(keys.map((k) => k.key)).size === keys.length, `通知发件箱的 ${keys.length} 个键互不重复 / the outbox's ${keys.length} keys unique`);
  } finally {
    await parts?.stop().catch((err: unknown) => log(`停止时出错 / error while stopping: ${String(err)}`));
    for (const dir of [original, backup, restored]) await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => {
    const failed = results.filter((ok) => !ok).length;
    console.log(failed ? `[drill] ${failed} 项检查未通过 / ${failed} checks failed` : `[drill] 全部 ${results.length} 项检查通过 / all ${results.length} checks passed`);
    process.exit(failed ? 1 : 0);
  },
  (err: unknown) => {
    console.error(`[drill] 演练失败 / drill failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
