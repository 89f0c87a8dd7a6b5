// A worker in a process of its own, so a test can SIGKILL it mid-run and start another.
// Settings come from the environment: DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE.
import { NativeConnection } from '@temporalio/worker';
import { connectDatabase } from '../../db/client.js';
import { createWorker, installRuntime } from '../../runtime/worker.js';
import { workflowBundle } from './env.js';

installRuntime();
const database = connectDatabase(process.env.DATABASE_URL!);
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await createWorker({
  connection,
  namespace: 'default',
  taskQueue: process.env.TASK_QUEUE!,
  db: database.db,
  workflowBundle: await workflowBundle(),
  identity: `child-${process.pid}`,
});
console.log('worker ready');
await worker.run();
