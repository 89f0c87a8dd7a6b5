// The local environment shared by `npm start`, the test suite and the drills: PostgreSQL and
// Temporal from the settings when given, else embedded ones, and one stop() that takes down what
// it started. With `supervise`, an embedded part that dies is restarted (runtime/local/supervise.ts).
import path from 'node:path';
import { assertDatabaseReachable } from '../../db/client.js';
import type { Config } from '../config.js';
import { assertTemporalReachable } from '../temporal-connection.js';
import { startEmbeddedPostgres, type LocalPostgres } from './postgres.js';
import { supervise, type PartName, type SupervisePolicy } from './supervise.js';
import { startTemporalDevServer, type LocalTemporal } from './temporal.js';

export interface LocalEnvironment {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  embedded: { postgres: boolean; temporal: boolean };
  /** The embedded servers as they run now (after restarts, the new ones): pids, data folder, signals. */
  postgres(): LocalPostgres | undefined;
  temporal(): LocalTemporal | undefined;
  stop(): Promise<void>;
}

export interface LocalOptions {
  log: (line: string) => void;
  database?: string;
  persistTemporal?: boolean;
  temporalUi?: boolean;
  /** Restart an embedded server that dies; `onGiveUp` hears, in one line, of one that keeps dying. */
  supervise?: { onGiveUp: (line: string) => void; policy?: Partial<SupervisePolicy> };
}

export const POSTGRES_NAME: PartName = { zh: '内置 PostgreSQL ', en: 'the embedded PostgreSQL' };
export const TEMPORAL_NAME: PartName = { zh: 'Temporal 开发服务器', en: 'the Temporal dev server' };

export async function startLocalEnvironment(config: Config, opts: LocalOptions): Promise<LocalEnvironment> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((err: unknown) => opts.log(`停止失败 / stop failed: ${String(err)}`));
  };
  /** Starts a server, under supervision when asked; returns how to reach the one running now. */
  const run = async <T extends LocalPostgres | LocalTemporal>(name: PartName, start: () => Promise<T>): Promise<() => T> => {
    if (!opts.supervise) {
      const server = await start();
      stops.push(server.stop);
      return () => server;
    }
    const supervised = await supervise(name, start, { log: opts.log, ...opts.supervise });
    stops.push(supervised.stop);
    return () => supervised.current;
  };

  // Servers given by the settings are checked before any embedded one starts.
  if (config.DATABASE_URL) await assertDatabaseReachable(config.DATABASE_URL);
  if (config.TEMPORAL_ADDRESS) await assertTemporalReachable(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  try {
    let databaseUrl = config.DATABASE_URL;
    let postgres: (() => LocalPostgres) | undefined;
    if (!databaseUrl) {
      postgres = await run(POSTGRES_NAME, () =>
        startEmbeddedPostgres({ dataDir: config.dataDir, port: config.EMBEDDED_PG_PORT, database: opts.database ?? 'three_lists', log: opts.log }),
      );
      databaseUrl = postgres().url;
      opts.log(`PostgreSQL（内置）已启动 / embedded PostgreSQL up on 127.0.0.1:${config.EMBEDDED_PG_PORT}`);
    }

    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUiUrl = config.TEMPORAL_UI_URL;
    let temporal: (() => LocalTemporal) | undefined;
    if (!temporalAddress) {
      temporal = await run(TEMPORAL_NAME, () =>
        startTemporalDevServer({
          cliPath: config.TEMPORAL_CLI_PATH,
          port: config.EMBEDDED_TEMPORAL_PORT,
          uiPort: opts.temporalUi === false ? undefined : config.EMBEDDED_TEMPORAL_UI_PORT,
          dbFile: opts.persistTemporal === false ? undefined : path.join(config.dataDir, 'temporal.sqlite'),
          log: opts.log,
        }),
      );
      temporalAddress = temporal().address;
      temporalUiUrl ??= temporal().uiUrl;
      opts.log(`Temporal 开发服务器已启动 / dev server up on ${temporalAddress}${temporal().uiUrl ? `, UI ${temporal().uiUrl}` : ''}`);
    }

    return {
      databaseUrl,
      temporalAddress,
      temporalUiUrl,
      embedded: { postgres: !config.DATABASE_URL, temporal: !config.TEMPORAL_ADDRESS },
      postgres: () => postgres?.(),
      temporal: () => temporal?.(),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
