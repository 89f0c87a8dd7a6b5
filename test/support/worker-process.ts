// A worker in a process of its own, so a test can SIGKILL it mid-run and start another.
// Settings come from the environment: DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE, and optionally
// NOTIFY_SETTINGS (JSON) and NOTIFY_CRASH_AFTER_SEND=1 (die right after a send, before recording it).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { NotificationSettings } from '../../activities/notifications/settings.js';
import { connectDatabase } from '../../db/client.js';
import { createWorker, installRuntime } from '../../runtime/worker.js';
import { workflowBundle } from './env.js';

installRuntime();
const database = connectDatabase(process.env.DATABASE_URL!);
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }) });
const notifications: Partial<NotificationSettings> = JSON.parse(process.env.NOTIFY_SETTINGS ?? '{}');
if (process.env.NOTIFY_CRASH_AFTER_SEND === '1') notifications.afterSend = () => process.kill(process.pid, 'SIGKILL');
const worker = await createWorker({
  connection,
  namespace: 'default',
  taskQueue: process.env.TASK_QUEUE!,
  db: database.db,
  client,
  notifications,
  workflowBundle: await workflowBundle(),
  identity: `child-${process.pid}`,
});
console.log('worker ready');
await worker.run();
