// The parts of the chaos run, production-shaped: the embedded PostgreSQL, the file-backed Temporal
// dev server, and our worker and API as processes of their own (runtime/worker-main.ts,
// runtime/api-main.ts). Each runs under runtime/local/supervise.ts, as Docker's restart policy
// would keep it: a part that dies — by our hand or by itself — is started again. The faults are
// done to them from outside, by signals, as an operator's bad day would.
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres, type LocalPostgres } from '../../runtime/local/postgres.js';
import type { ServerProcess } from '../../runtime/local/process.js';
import { spawnService } from '../../runtime/local/service-process.js';
import { supervise, type Supervised } from '../../runtime/local/supervise.js';
import { freePort, startTemporalDevServer, type LocalTemporal } from '../../runtime/local/temporal.js';

export type FaultKind = 'worker-killed' | 'api-restarted' | 'temporal-restarted' | 'postgres-stopped' | 'postgres-frozen';
export const FAULT_KINDS: FaultKind[] = ['worker-killed', 'api-restarted', 'temporal-restarted', 'postgres-stopped', 'postgres-frozen'];

export interface Parts {
  databaseUrl: string;
  temporalAddress: string;
  apiUrl: string;
  /** Runs one fault; resolves once it is over (the part stopped, restarted or thawed). */
  inject(kind: FaultKind, rand: () => number): Promise<string>;
  /** Resolves once every part answers again (after a fault, before the checks). */
  waitUntilUp(timeoutMs: number): Promise<boolean>;
  /** Set when a supervisor gave up on a part: the run cannot go on. */
  gaveUp: string | undefined;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Restart at once and keep trying: what `restart: unless-stopped` does, never giving up within a run. */
const KEEP_TRYING = { firstDelayMs: 500, maxDelayMs: 4000, maxExits: 10_000, windowMs: 60_000, maxFailedStarts: 10_000 };

export async function startParts(opts: {
  dataDir: string;
  workflowBundle: string;
  smtpUrl: string;
  adminPassword: string;
  log: (line: string) => void;
}): Promise<Parts> {
  const { dataDir, log } = opts;
  const logFile = path.join(dataDir, 'parts.log');
  // Everything the children say goes to a file: the console shows the run, not their chatter.
  const toFile = (who: string) => (chunk: string) => void appendFile(logFile, chunk.replace(/^(?=.)/gm, `[${who}] `)).catch(() => undefined);
  const stops: Array<() => Promise<void>> = [];
  let gaveUp: string | undefined;
  const onGiveUp = (line: string) => {
    gaveUp = line;
    log(line);
  };

  const pgPort = await freePort();
  const temporalPort = await freePort();
  const apiPort = await freePort();

  // PostgreSQL: a stop keeps it down until `pgHeldUntil` (the fault's 20–40 s), then the supervisor's
  // restart goes through.
  let pgHeld: Promise<unknown> = Promise.resolve();
  const postgres: Supervised<LocalPostgres> = await supervise(
    { zh: '内置 PostgreSQL ', en: 'the embedded PostgreSQL' },
    async () => {
      await pgHeld;
      return startEmbeddedPostgres({ dataDir, port: pgPort, database: 'three_lists', log: toFile('postgres') });
    },
    { log, onGiveUp, policy: KEEP_TRYING },
  );
  stops.push(() => postgres.stop());
  const databaseUrl = postgres.current.url;

  const temporal: Supervised<LocalTemporal> = await supervise(
    { zh: 'Temporal 开发服务器', en: 'the Temporal dev server' },
    () =>
      startTemporalDevServer({
        cliPath: process.env.TEMPORAL_CLI_PATH,
        port: temporalPort,
        // The same SQLite file on every start: a restart must find every workflow and timer.
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        log: toFile('temporal'),
      }),
    { log, onGiveUp, policy: KEEP_TRYING },
  );
  stops.push(() => temporal.stop());
  const temporalAddress = temporal.current.address;

  const common = { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_TASK_QUEUE: 'chaos', LOG_LEVEL: 'warn' };
  const worker: Supervised<ServerProcess> = await supervise(
    { zh: 'Worker 进程', en: 'the worker process' },
    () =>
      spawnService(
        'worker',
        { ...common, WORKFLOW_BUNDLE: opts.workflowBundle, SMTP_URL: opts.smtpUrl, PUBLIC_URL: `http://127.0.0.1:${apiPort}` },
        { onOutput: toFile('worker') },
      ),
    { log, onGiveUp, policy: KEEP_TRYING },
  );
  stops.push(() => worker.stop());
  const api: Supervised<ServerProcess> = await supervise(
    { zh: 'API 进程', en: 'the API process' },
    () =>
      spawnService(
        'api',
        { ...common, HOST: '127.0.0.1', PORT: String(apiPort), ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: opts.adminPassword, LOGIN_RATE_LIMIT: '10000', PUBLIC_URL: `http://127.0.0.1:${apiPort}` },
        { onOutput: toFile('api') },
      ),
    { log, onGiveUp, policy: KEEP_TRYING },
  );
  stops.push(() => api.stop());
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  /** A new process under the supervisor, after `current` exited: resolves when it differs. */
  const replaced = async (part: Supervised<ServerProcess>, old: ServerProcess, timeoutMs = 180_000) => {
    const until = Date.now() + timeoutMs;
    while (part.current === old && Date.now() < until) await sleep(200);
    return part.current !== old;
  };

  const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

  return {
    databaseUrl,
    temporalAddress,
    apiUrl,
    get gaveUp() {
      return gaveUp;
    },
    async inject(kind, rand) {
      const started = Date.now();
      switch (kind) {
        case 'worker-killed': {
          const old = worker.current;
          old.signal('SIGKILL');
          await replaced(worker, old);
          return `worker SIGKILL，${seconds(Date.now() - started)} 后新进程就绪 / new worker ready after ${seconds(Date.now() - started)}`;
        }
        case 'api-restarted': {
          // Half the time a clean stop (requests in flight are answered), half a SIGKILL (they are cut).
          const old = api.current;
          const how = rand() < 0.5 ? 'SIGTERM' : 'SIGKILL';
          old.signal(how);
          await replaced(api, old);
          return `API ${how}，${seconds(Date.now() - started)} 后重新监听 / listening again after ${seconds(Date.now() - started)}`;
        }
        case 'temporal-restarted': {
          const old = temporal.current;
          old.signal('SIGKILL');
          await replaced(temporal as Supervised<ServerProcess>, old);
          return `Temporal 开发服务器 SIGKILL，同一数据库文件上 ${seconds(Date.now() - started)} 后重启 / dev server back on the same file after ${seconds(Date.now() - started)}`;
        }
        case 'postgres-stopped': {
          const downMs = 20_000 + Math.floor(rand() * 20_000);
          const old = postgres.current;
          pgHeld = sleep(downMs);
          await old.stop();
          await replaced(postgres as Supervised<ServerProcess>, old, downMs + 120_000);
          pgHeld = Promise.resolve();
          return `PostgreSQL 停止 ${seconds(Date.now() - started)} / PostgreSQL down for ${seconds(Date.now() - started)}`;
        }
        case 'postgres-frozen': {
          // SIGSTOP: connections stay open and nothing answers — the stall the reply guard is for.
          const frozenMs = 20_000 + Math.floor(rand() * 20_000);
          const current = postgres.current;
          current.signal('SIGSTOP');
          await sleep(frozenMs);
          current.signal('SIGCONT');
          return `PostgreSQL 冻结（SIGSTOP）${seconds(frozenMs)} / PostgreSQL frozen for ${seconds(frozenMs)}`;
        }
      }
    },
    async waitUntilUp(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        try {
          const res = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(5000) });
          if (res.status === 200) return true;
        } catch {
          // Not yet.
        }
        await sleep(500);
      }
      return false;
    },
    async stop() {
      for (const s of stops.splice(0).reverse()) await s().catch((err: unknown) => log(`停止失败 / stop failed: ${String(err)}`));
    },
  };
}
