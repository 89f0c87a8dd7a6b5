// Production worker process: DATABASE_URL and TEMPORAL_ADDRESS are required. It rides out a
// Temporal or PostgreSQL restart by reconnecting; should the worker fail for good, the process
// exits non-zero with one line, for its supervisor (Docker's restart policy) to start it again.
import { ConfigError, loadConfig } from './config.js';
import { checkBeforeStart } from './preflight.js';
import { startWorker } from './services.js';
import { onShutdown } from './shutdown.js';

const log = (line: string) => console.log(`[three-lists worker] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL', '生产环境必填 / required in production');
  if (!config.TEMPORAL_ADDRESS) throw new ConfigError('TEMPORAL_ADDRESS', '生产环境必填 / required in production');
  await checkBeforeStart(config, { api: false });
  const worker = await startWorker(config, { databaseUrl: config.DATABASE_URL, temporalAddress: config.TEMPORAL_ADDRESS });
  let stopping = false;
  onShutdown(log, () => {
    stopping = true;
    return worker.stop();
  });
  void worker.exited.then(async (how) => {
    if (stopping) return;
    console.error(`[three-lists worker] Worker 已停止 / the worker failed: ${how}`);
    await worker.stop().catch(() => undefined);
    process.exit(1);
  });
  log(`running on task queue ${config.TEMPORAL_TASK_QUEUE}`);
}

main().catch((err: unknown) => {
  console.error(`[three-lists worker] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
