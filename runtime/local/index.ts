// The local environment shared by `npm start` and the test suite: PostgreSQL and Temporal from
// the settings when given, else embedded ones, and one stop() that takes down what it started.
import path from 'node:path';
import { assertDatabaseReachable } from '../../db/client.js';
import type { Config } from '../config.js';
import { assertTemporalReachable } from '../temporal-connection.js';
import { startEmbeddedPostgres } from './postgres.js';
import { startTemporalDevServer } from './temporal.js';

export interface LocalEnvironment {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  embedded: { postgres: boolean; temporal: boolean };
  stop(): Promise<void>;
}

export async function startLocalEnvironment(
  config: Config,
  opts: { log: (line: string) => void; database?: string; persistTemporal?: boolean; temporalUi?: boolean },
): Promise<LocalEnvironment> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => opts.log(`停止失败 / stop failed: ${String(err)}`));
  };
  try {
    let databaseUrl = config.DATABASE_URL;
    if (databaseUrl) {
      await assertDatabaseReachable(databaseUrl);
    } else {
      const pg = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.EMBEDDED_PG_PORT,
        database: opts.database ?? 'three_lists',
        log: opts.log,
      });
      stops.push(pg.stop);
      databaseUrl = pg.url;
      opts.log(`PostgreSQL（内置）已启动 / embedded PostgreSQL up on 127.0.0.1:${config.EMBEDDED_PG_PORT}`);
    }

    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUiUrl = config.TEMPORAL_UI_URL;
    if (temporalAddress) {
      await assertTemporalReachable(temporalAddress, config.TEMPORAL_NAMESPACE);
    } else {
      const temporal = await startTemporalDevServer({
        cliPath: config.TEMPORAL_CLI_PATH,
        port: config.EMBEDDED_TEMPORAL_PORT,
        uiPort: opts.temporalUi === false ? undefined : config.EMBEDDED_TEMPORAL_UI_PORT,
        dbFile: opts.persistTemporal === false ? undefined : path.join(config.dataDir, 'temporal.sqlite'),
        log: opts.log,
      });
      stops.push(temporal.stop);
      temporalAddress = temporal.address;
      temporalUiUrl ??= temporal.uiUrl;
      opts.log(`Temporal 开发服务器已启动 / dev server up on ${temporal.address}${temporal.uiUrl ? `, UI ${temporal.uiUrl}` : ''}`);
    }

    return {
      databaseUrl,
      temporalAddress,
      temporalUiUrl,
      embedded: { postgres: !config.DATABASE_URL, temporal: !config.TEMPORAL_ADDRESS },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
