// Production API process: DATABASE_URL and TEMPORAL_ADDRESS are required. Its database pool and
// Temporal connection reconnect on their own after either restarts; meanwhile it answers 503.
import { ConfigError, loadConfig } from './config.js';
import { checkBeforeStart } from './preflight.js';
import { startApi } from './services.js';
import { onShutdown } from './shutdown.js';

const log = (line: string) => console.log(`[three-lists api] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL', '生产环境必填 / required in production');
  if (!config.TEMPORAL_ADDRESS) throw new ConfigError('TEMPORAL_ADDRESS', '生产环境必填 / required in production');
  await checkBeforeStart(config, { api: true });
  const api = await startApi(config, {
    databaseUrl: config.DATABASE_URL,
    temporalAddress: config.TEMPORAL_ADDRESS,
    temporalUiUrl: config.TEMPORAL_UI_URL,
  });
  onShutdown(log, api.stop);
  log(`listening on ${api.url}`);
}

main().catch((err: unknown) => {
  console.error(`[three-lists api] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
