import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { DefaultLogger, type LogEntry, makeTelemetryFilterString, type NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { NotificationSettings } from '../activities/notifications/settings.js';
import type { Database } from '../db/client.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Database;
  /** For activities that start workflows (notification delivery). */
  client: Client;
  notifications?: Partial<NotificationSettings> | undefined;
  /** A prebuilt bundle (production, tests); without one the worker bundles from source at start. */
  workflowBundle?: { code: string } | { codePath: string } | undefined;
  identity?: string | undefined;
}): Promise<Worker> {
  const options: WorkerOptions = {
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities({ db: opts.db, client: opts.client, taskQueue: opts.taskQueue, notifications: opts.notifications }),
    // Measures live for months: keep a bounded cache and let evicted ones replay on demand.
    maxCachedWorkflows: 500,
    // Let running activities (a projection mid-transaction) finish on SIGTERM before they are cancelled.
    shutdownGraceTime: '30s',
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
  };
  return Worker.create(options);
}

let runtimeInstalled = false;
/**
 * The SDK's own logs at WARN and above: bundler and state chatter hide what matters. Once per process.
 * `quietRetries` drops the line each poll writes while the server is away (several a second), for
 * `npm start`, which says in one line that it restarts the dev server.
 */
export function installRuntime(level: 'WARN' | 'INFO' | 'DEBUG' = 'WARN', opts: { quietRetries?: boolean | undefined } = {}): void {
  if (runtimeInstalled) return;
  const filter = makeTelemetryFilterString({ core: level, other: 'ERROR' }) + (opts.quietRetries ? ',temporalio_client::retry=ERROR' : '');
  Runtime.install({ logger: level === 'DEBUG' ? new DefaultLogger(level) : new DefaultLogger(level, oneLine), telemetryOptions: { logging: { filter } } });
  runtimeInstalled = true;
}

/**
 * One line per entry: a failed activity (each attempt while PostgreSQL restarts, say) names
 * itself, its attempt and why — not its task token and stack, a screenful each.
 */
function oneLine({ level, message, meta = {} }: LogEntry): void {
  const what = [meta.activityType ?? meta.workflowType, meta.workflowId].filter(Boolean).join(' ');
  const attempt = meta.attempt ? ` (attempt ${String(meta.attempt)})` : '';
  const error = meta.error instanceof Error ? `: ${reason(meta.error)}` : '';
  process.stderr.write(`${new Date().toISOString()} [${level}] ${message}${what ? ` ${what}` : ''}${attempt}${error}\n`);
}

function reason(err: Error): string {
  // drizzle's "Failed query: <the whole statement>" says less than the driver's error beneath it.
  if (Object.hasOwn(err, 'query') && err.cause instanceof Error) return reason(err.cause);
  const first = err.message.split('\n')[0]!.slice(0, 200);
  return err.cause instanceof Error ? `${first} — ${reason(err.cause)}` : first;
}
