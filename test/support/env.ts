// Per test file: a database of its own (migrated), a Temporal client and a worker on a task
// queue of its own, so files run in parallel without seeing each other's rows or workflows.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { NotificationSettings } from '../../activities/notifications/settings.js';
import { connectDatabase, migrateDatabase, type DatabaseHandle } from '../../db/client.js';
import { ensureDatabase } from '../../runtime/local/postgres.js';
import { createWorker, installRuntime, workflowsPath } from '../../runtime/worker.js';

export interface TestEnv {
  databaseUrl: string;
  database: DatabaseHandle;
  temporalAddress: string;
  client: Client;
  taskQueue: string;
  startWorker(identity?: string, options?: { notifications?: Partial<NotificationSettings> }): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

let bundle: Promise<{ code: string }> | undefined;
/** Bundling takes a second or two and ~300 MB: once per test file. */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** `databaseServer`: a URL of another PostgreSQL server to make the file's database on (one the test may stall). */
export async function createTestEnv(name: string, opts: { databaseServer?: string } = {}): Promise<TestEnv> {
  installRuntime();
  const base = new URL(opts.databaseServer ?? inject('databaseUrl'));
  const dbName = `t_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomUUID().slice(0, 8)}`;
  await ensureDatabase(base.toString(), dbName);
  const dbUrl = new URL(base);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  await migrateDatabase(databaseUrl);
  const database = connectDatabase(databaseUrl);

  const temporalAddress = inject('temporalAddress');
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const taskQueue = `test-${name}-${randomUUID().slice(0, 8)}`;
  const workers: RunningWorker[] = [];

  return {
    databaseUrl,
    database,
    temporalAddress,
    client,
    taskQueue,
    async startWorker(identity?: string, options: { notifications?: Partial<NotificationSettings> } = {}) {
      const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
      const worker = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        db: database.db,
        client,
        notifications: options.notifications,
        workflowBundle: await workflowBundle(),
        identity,
      });
      const running = worker.run();
      let stopped: Promise<void> | undefined;
      const handle: RunningWorker = {
        worker,
        // Once: a test may stop a worker itself, and close() stops every worker again.
        stop: () =>
          (stopped ??= (async () => {
            if (worker.getState() === 'RUNNING') worker.shutdown();
            await running;
            await nativeConnection.close();
          })()),
      };
      workers.push(handle);
      return handle;
    },
    async close() {
      for (const w of workers) await w.stop();
      await connection.close();
      await database.close();
    },
  };
}

/** Starts test/support/worker-process.ts in a child process; resolves once its worker polls. */
export async function spawnWorkerProcess(env: Pick<TestEnv, 'databaseUrl' | 'temporalAddress' | 'taskQueue'>, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./worker-process.ts', import.meta.url))], {
    env: { ...process.env, DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporalAddress, TASK_QUEUE: env.taskQueue, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('worker ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
  return child;
}
