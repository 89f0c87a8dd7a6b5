// Production worker process: DATABASE_URL and TEMPORAL_ADDRESS are required.
import { ConfigError, loadConfig } from './config.js';
import { startWorker } from './services.js';
import { onShutdown } from './shutdown.js';

const log = (line: string) => console.log(`[three-lists worker] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL', '生产环境必填 / required in production');
  if (!config.TEMPORAL_ADDRESS) throw new ConfigError('TEMPORAL_ADDRESS', '生产环境必填 / required in production');
  const worker = await startWorker(config, { databaseUrl: config.DATABASE_URL, temporalAddress: config.TEMPORAL_ADDRESS });
  onShutdown(log, worker.stop);
  log(`running on task queue ${config.TEMPORAL_TASK_QUEUE}`);
}

main().catch((err: unknown) => {
  console.error(`[three-lists worker] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
