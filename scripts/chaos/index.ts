// `npm run chaos`: measures run through the HTTP API while the parts they depend on are killed and
// restarted, then every record is checked against every other. Production-shaped: the embedded
// PostgreSQL, the file-backed Temporal dev server, and our worker and API as processes of their own
// (see parts.ts). CHAOS_MEASURES measures (default 250) on second-scale escalation rules live the
// lives of scenario.ts through the API; meanwhile a driver, one fault at a time at random moments,
// SIGKILLs the worker, restarts the API (SIGTERM or SIGKILL), SIGKILLs the Temporal dev server
// (restarted on the same SQLite file) and stops or freezes PostgreSQL for 20–40 s. Then the run
// lets everything settle and checks (checks.ts), printing figures and each check; any difference
// is listed and the exit code is 1.
//
// CHAOS_DURATION (default 8m; 90s, 2m, or seconds) runs from the first dispatch to the verdict, of
// which about a quarter (1–2.5 min) is kept for settling; starting the parts comes before it (about
// a minute). CHAOS_SEED repeats the same lives and faults (their timing follows the machine).
// CHAOS_KEEP=1 keeps the data folder (PostgreSQL, temporal.sqlite, parts.log) for a look afterwards.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { MeasureClient } from '../../api/measure-client.js';
import { connectDatabase } from '../../db/client.js';
import { temporaryDataDir } from '../../runtime/local/postgres.js';
import { workflowsPath } from '../../runtime/worker.js';
import { startSmtpReceiver } from '../../test/support/receivers.js';
import { checkActionsRecorded, checkAnswered, checkAuditSeq, checkListEntries, checkOutbox, checkRungs, snapshot, type Check } from './checks.js';
import { Http } from './clients.js';
import { FAULT_KINDS, startParts, type FaultKind, type Parts } from './parts.js';
import { live, rng, setUp } from './scenario.js';

const started = Date.now();
const clock = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const log = (line: string) => console.log(`[chaos ${clock()}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function duration(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$/.exec(text.trim());
  if (!m) throw new Error(`CHAOS_DURATION：无法识别「${text}」，应如 90s、2m 或秒数 / use 90s, 2m or a number of seconds`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' || m[2] === 'min' ? n * 60_000 : n * 1000);
}

const MEASURES = Number(process.env.CHAOS_MEASURES ?? 250);
const DURATION_MS = duration(process.env.CHAOS_DURATION, 8 * 60_000);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1e9));
if (!Number.isInteger(MEASURES) || MEASURES < 1 || MEASURES > 5000) throw new Error('CHAOS_MEASURES：应为 1–5000 / must be 1–5000');
if (DURATION_MS < 60_000 || DURATION_MS > 60 * 60_000) throw new Error('CHAOS_DURATION：应在 1–60 分钟之间 / must be 1–60 minutes');
if (!Number.isInteger(SEED)) throw new Error('CHAOS_SEED：应为整数 / must be an integer');

interface Fault {
  kind: FaultKind;
  from: number;
  to: number;
  what: string;
}

/**
 * One fault at a time, at random moments. Every kind comes early — a PostgreSQL outage first, as it
 * is the longest, then the worker, the dev server and the API in random order, then the other
 * outage — and after that any kind; the long ones only where they fit before the settling.
 */
async function drive(parts: Parts, until: number, rand: () => number, faults: Fault[]): Promise<void> {
  const outages: FaultKind[] = rand() < 0.5 ? ['postgres-stopped', 'postgres-frozen'] : ['postgres-frozen', 'postgres-stopped'];
  const others = FAULT_KINDS.filter((k) => !outages.includes(k)).sort(() => rand() - 0.5);
  const queue = [outages[0]!, ...others, outages[1]!];
  // The first fault once the first measures are under way.
  await sleep(0.1 * (until - Date.now()));
  while (!parts.gaveUp) {
    await sleep((0.01 + 0.03 * rand()) * DURATION_MS);
    const left = until - Date.now();
    if (left < 5000) return;
    let kind = queue.shift() ?? FAULT_KINDS[Math.floor(rand() * FAULT_KINDS.length)]!;
    if (kind.startsWith('postgres') && left < 25_000) kind = rand() < 0.5 ? 'worker-killed' : 'api-restarted';
    const from = Date.now();
    log(`故障开始 / fault: ${kind}`);
    const what = await parts.inject(kind, rand);
    faults.push({ kind, from, to: Date.now(), what });
    log(`故障结束 / fault over: ${what}`);
    // The next fault once everything answers again: faults one upon another test nothing more.
    await parts.waitUntilUp(60_000);
  }
}

async function main(): Promise<number> {
  log(`${MEASURES} 项措施，${DURATION_MS / 1000} 秒，种子 / seed ${SEED}`);
  const rand = rng(SEED);
  const dataDir = await temporaryDataDir('three-lists-chaos-');
  const receiver = await startSmtpReceiver();
  let parts: Parts | undefined;
  const closing: Array<() => Promise<unknown>> = [];
  try {
    // The workflow code, bundled once: each worker restart loads it rather than running webpack again.
    const workflowBundle = path.join(dataDir, 'workflow-bundle.js');
    const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
    await writeFile(workflowBundle, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
    const adminPassword = `Chaos${randomBytes(6).toString('hex')}9`;
    parts = await startParts({ dataDir, workflowBundle, smtpUrl: receiver.url, adminPassword, log });
    log(`各部分已启动 / parts up: PostgreSQL, Temporal ${parts.temporalAddress}, worker, API ${parts.apiUrl}; 数据 / data: ${dataDir}`);

    let hardEnd = Infinity;
    const http = new Http(parts.apiUrl, randomBytes(3).toString('hex'), () => hardEnd);
    const { people, measures, rules } = await setUp(http, { adminPassword, measures: MEASURES, rand });
    const setupRequests = http.actions.length;
    log(`已建 ${measures.length} 项措施草稿（${Object.keys(people).length} 个部门及经办人、邮件渠道）/ drafts, departments, people and email channels created`);

    // The run proper: lives and faults until `chaosEnd`, then settling until `hardEnd`.
    const runStart = Date.now();
    const settleMs = Math.min(150_000, Math.max(60_000, DURATION_MS / 4));
    const chaosEnd = runStart + DURATION_MS - settleMs;
    hardEnd = runStart + DURATION_MS - 15_000;
    const faults: Fault[] = [];
    const lives = Promise.all(measures.map((m) => live(m, { http, people, seed: SEED, actUntil: chaosEnd, dispatchWindowMs: 0.4 * (chaosEnd - runStart) })));
    const driver = drive(parts, chaosEnd, rand, faults);
    const progress = setInterval(() => {
      const answered = http.actions.filter((a) => a.outcome !== 'unanswered');
      log(
        `${measures.filter((m) => m.dispatched).length} 项已交办；请求 ${answered.length} 个已答复（${answered.filter((a) => a.outcome === 'accepted').length} 受理），${http.actions.length - answered.length} 个进行中，重发 ${http.retries} 次 / dispatched; requests answered (accepted), in flight, resent`,
      );
    }, 20_000);
    closing.push(async () => clearInterval(progress));
    await driver;
    if (parts.gaveUp) throw new Error(`监督进程放弃了某个部分 / a supervisor gave up: ${parts.gaveUp}`);
    log('故障注入结束，等待各部分恢复、请求答复、通知送达 / faults over: waiting for the parts, the answers and the deliveries');
    if (!(await parts.waitUntilUp(Math.max(10_000, hardEnd - Date.now())))) log('/health 未恢复 200 / /health never answered 200 again');
    await lives;

    // Settled: every entry delivered or given up on (deliveries are retried for minutes), then the checks.
    const database = connectDatabase(parts.databaseUrl);
    closing.push(() => database.close());
    // Timers keep firing (rounds, ladders of items never met), so "nothing pending" never comes:
    // settled is when no entry older than 20 s is pending.
    for (;;) {
      const [row] = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from notification_outbox where status = 'pending' and created_at < now() - interval '20 seconds'`);
      if (Number(row?.n ?? 0) === 0) break;
      if (Date.now() > hardEnd) {
        log(`仍有 ${row?.n} 条通知未送达 / ${row?.n} notifications still pending at the end`);
        break;
      }
      await sleep(1000);
    }
    const connection = await Connection.connect({ address: parts.temporalAddress });
    closing.push(() => connection.close());
    const input = {
      database,
      measureClient: new MeasureClient(new Client({ connection }), 'chaos'),
      measures,
      actions: http.actions.slice(setupRequests),
      rules,
      mails: receiver.mails,
      settledAt: Date.now(),
    };
    const snap = await snapshot(input, hardEnd + 60_000);
    const checks: Check[] = [
      checkAnswered(input),
      checkActionsRecorded(input, snap),
      checkRungs(input, snap),
      checkListEntries(input, snap),
      checkAuditSeq(input, snap),
      ...(await checkOutbox(input)),
    ];
    printFigures(input, faults, http, snap);
    console.log('\n检查 / checks');
    for (const c of checks) {
      console.log(`${c.problems.length ? '✗' : '✓'} ${c.name} — ${c.figure}${c.problems.length ? `：${c.problems.length} 处不符 / differences` : ''}`);
      for (const p of c.problems.slice(0, 40)) console.log(`    - ${p}`);
      if (c.problems.length > 40) console.log(`    … 另有 ${c.problems.length - 40} 处 / ${c.problems.length - 40} more`);
    }
    const failed = checks.filter((c) => c.problems.length).length;
    console.log(
      failed
        ? `[chaos] ${failed} 项检查未通过 / ${failed} of ${checks.length} checks failed (seed ${SEED})`
        : `[chaos] 全部 ${checks.length} 项检查通过 / all ${checks.length} checks passed (${Math.round((Date.now() - started) / 1000)} s)`,
    );
    return failed ? 1 : 0;
  } finally {
    for (const c of closing.reverse()) await c().catch(() => undefined);
    await parts?.stop();
    await receiver.close();
    if (process.env.CHAOS_KEEP === '1') log(`数据保留在 / data kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function printFigures(input: { measures: Array<{ dispatched: boolean }>; actions: Http['actions']; mails: unknown[] }, faults: Fault[], http: Http, snap: Awaited<ReturnType<typeof snapshot>>): void {
  const count = <T>(xs: T[], key: (x: T) => string) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || '—';
  };
  const states = [...snap.states.values()];
  const steps = [...snap.audit.values()].flat();
  console.log('\n数字 / figures');
  console.log(`  措施 / measures: ${input.measures.length} 项，已交办 ${input.measures.filter((m) => m.dispatched).length}；状态 / by status: ${count(states, (s) => s.status)}`);
  console.log(`  操作 / actions: ${input.actions.length} 个请求 / requests — 受理 / accepted: ${count(input.actions.filter((a) => a.outcome === 'accepted'), (a) => a.action)}`);
  console.log(`    被拒 / refused: ${count(input.actions.filter((a) => a.outcome === 'rejected'), (a) => `${a.action} ${a.code ?? a.status}`)}`);
  console.log(`    重发 / resent: ${http.retries} 次，原因 / after: ${[...http.retryCauses].map(([k, n]) => `${k} ×${n}`).join(', ') || '—'}`);
  console.log(`  步骤 / workflow steps: ${steps.length}；督办 / rungs fired: ${steps.filter((e) => e.action === 'escalate').length}`);
  console.log(`  通知邮件 / mails received: ${input.mails.length}`);
  console.log(`  故障 / faults: ${faults.length} — ${count(faults, (f) => f.kind)}`);
  for (const f of faults) console.log(`    ${new Date(f.from).toISOString().slice(11, 19)} ${f.kind}: ${f.what}`);
}

// Ctrl-C: exiting runs the hook that asks every server started to stop (runtime/local/process.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[chaos] 运行失败 / the run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
