// Our own processes on top of PostgreSQL and Temporal: the worker and the HTTP API. `npm start`
// runs both in one process; production runs them apart (worker-main.ts, api-main.ts).
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { resumeCalendarRollouts } from '../activities/calendar-rollout.js';
import { ensureSchedules } from '../activities/notifications/schedules.js';
import { notificationSettingsFrom } from '../activities/notifications/settings.js';
import { buildApp } from '../api/app.js';
import { ensureFirstAdmin } from '../api/routes/people/service.js';
import { connectDatabase, migrateDatabase } from '../db/client.js';
import { calendarWarning } from '../db/queries/calendar.js';
import type { Config } from './config.js';
import { connectTemporal } from './temporal-connection.js';
import { createWorker, installRuntime } from './worker.js';

export interface Targets {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string | undefined;
}

export interface RunningWorker {
  worker: Worker;
  /** Settles when the worker has stopped, asked to or not (a fatal error), with how. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export async function startWorker(config: Config, targets: Targets, opts: { quietRetries?: boolean } = {}): Promise<RunningWorker> {
  installRuntime(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN', { quietRetries: opts.quietRetries });
  await migrateDatabase(targets.databaseUrl);
  // What is opened is closed again, in reverse, on stop — or at once if the start fails halfway.
  const opened: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of opened.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const database = connectDatabase(targets.databaseUrl);
    opened.push(() => database.close());
    const connection = await NativeConnection.connect({ address: targets.temporalAddress });
    opened.push(() => connection.close());
    const clientConnection = await connectTemporal(targets.temporalAddress);
    opened.push(() => clientConnection.close());
    const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
    const notifications = notificationSettingsFrom(config);
    if (!notifications.smtpUrl) console.warn('[three-lists] SMTP_URL 未设置，邮件通知关闭 / SMTP_URL is not set: email notifications are off');
    const worker = await createWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      db: database.db,
      client,
      notifications,
      workflowBundle: config.WORKFLOW_BUNDLE ? { codePath: config.WORKFLOW_BUNDLE } : undefined,
    });
    // The outbox sweeper, the office's daily summary and each leader's digest (idempotent).
    await ensureSchedules({ client, db: database.db, taskQueue: config.TEMPORAL_TASK_QUEUE, settings: notifications });
    const running = worker.run();
    // A calendar change a stopped worker left halfway goes on from its cursor.
    const resumed = await resumeCalendarRollouts(database.db, client, config.TEMPORAL_TASK_QUEUE);
    if (resumed.length) console.log(`[three-lists] 继续未完成的节假日调整 / resuming ${resumed.length} calendar rollout(s)`);
    const exited = running.then(
      () => 'stopped',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    return {
      worker,
      exited,
      async stop() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await exited;
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

export async function startApi(config: Config, targets: Targets): Promise<{ app: FastifyInstance; url: string; stop(): Promise<void> }> {
  await migrateDatabase(targets.databaseUrl);
  const database = connectDatabase(targets.databaseUrl);
  const connection = await connectTemporal(targets.temporalAddress);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = await buildApp({
    database,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    temporalNamespace: config.TEMPORAL_NAMESPACE,
    temporalUiUrl: targets.temporalUiUrl,
    logLevel: config.LOG_LEVEL,
    corsOrigins: config.CORS_ORIGINS,
    sessionTtlHours: config.SESSION_TTL_HOURS,
    loginRateLimit: config.LOGIN_RATE_LIMIT,
    bodyLimitBytes: Math.round(config.MAX_UPLOAD_MB * 1024 * 1024),
    evidenceDir: config.evidenceDir,
    trustProxy: config.TRUST_PROXY,
    notifications: notificationSettingsFrom(config),
  });
  const admin = await ensureFirstAdmin(database.db, { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD });
  if (admin.generatedPassword) {
    // Printed once, to the console only (never to the log): the first administrator's password.
    console.log(`[three-lists] 已创建管理员 / first administrator created: ${config.ADMIN_USERNAME} / ${admin.generatedPassword}`);
    console.log('[three-lists] 请登录后立即修改密码（POST /api/auth/password）/ change it after signing in');
  } else if (admin.created) {
    console.log(`[three-lists] 已创建管理员 / first administrator created: ${config.ADMIN_USERNAME} (password from ADMIN_PASSWORD)`);
  }
  await app.listen({ host: config.HOST, port: config.PORT });
  // From 1 November: next year's holidays are due (the State Council publishes them in November).
  // A line among the start-up lines (stdout): stderr is for what went wrong.
  const calendar = await calendarWarning(database.db, new Date()).catch(() => null);
  if (calendar) console.log(`[three-lists] ${calendar.message}${calendar.gapMeasures ? `（已有${calendar.gapMeasures}项措施的时限落在该年）` : ''}`);
  const shown = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://${shown}:${port}`,
    async stop() {
      await app.close();
      await connection.close();
      await database.close();
    },
  };
}
