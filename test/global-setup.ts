// Once per `vitest run`: the dashboard built (when web/ changed), and a real PostgreSQL and a real
// Temporal server for every test file.
// DATABASE_URL / TEMPORAL_ADDRESS are used when set; otherwise embedded ones start here, in a
// temporary folder, on free ports, and stop at the end.
import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../runtime/config.js';
import { startLocalEnvironment } from '../runtime/local/index.js';
import { temporaryDataDir } from '../runtime/local/postgres.js';
import { freePort } from '../runtime/local/temporal.js';
import { ensureWebBuild } from '../scripts/build-web.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[test env] ${line}`);
  ensureWebBuild(log);
  const dataDir = await temporaryDataDir('three-lists-test-');
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    EMBEDDED_TEMPORAL_PORT: String(await freePort()),
  });
  const local = await startLocalEnvironment(config, { log, database: 'postgres', persistTemporal: false, temporalUi: false });
  project.provide('databaseUrl', local.databaseUrl);
  project.provide('temporalAddress', local.temporalAddress);
  return async () => {
    await local.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
