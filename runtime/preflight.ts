// What can be checked about the machine before anything starts, so that a start fails at once
// with one line instead of after PostgreSQL and Temporal are up: free ports, a writable DATA_DIR,
// the files settings name.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import net from 'node:net';
import { ConfigError, type Config } from './config.js';

export async function checkBeforeStart(config: Config, opts: { api: boolean }): Promise<void> {
  if (config.WORKFLOW_BUNDLE) readableFile(config.WORKFLOW_BUNDLE, 'WORKFLOW_BUNDLE');
  if (config.TEMPORAL_CLI_PATH && !config.TEMPORAL_ADDRESS) executableFile(config.TEMPORAL_CLI_PATH, 'TEMPORAL_CLI_PATH');
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) writableDir(config.dataDir, 'DATA_DIR');
  if (opts.api) writableDir(config.evidenceDir, config.EVIDENCE_DIR ? 'EVIDENCE_DIR' : 'DATA_DIR');

  const ports: Array<[string, string, number]> = [];
  if (opts.api && config.PORT !== 0) ports.push(['PORT', config.HOST, config.PORT]);
  if (!config.DATABASE_URL) ports.push(['EMBEDDED_PG_PORT', '127.0.0.1', config.EMBEDDED_PG_PORT]);
  if (!config.TEMPORAL_ADDRESS) {
    ports.push(['EMBEDDED_TEMPORAL_PORT', '127.0.0.1', config.EMBEDDED_TEMPORAL_PORT]);
    ports.push(['EMBEDDED_TEMPORAL_UI_PORT', '127.0.0.1', config.EMBEDDED_TEMPORAL_UI_PORT]);
  }
  const seen = new Map<number, string>();
  for (const [setting, host, port] of ports) {
    const other = seen.get(port);
    if (other) throw new ConfigError(setting, `端口 ${port} 与 ${other} 相同 / port ${port} is also ${other}`);
    seen.set(port, setting);
    await bindable(setting, host, port);
  }
}

/** Listening for a moment is the only sure test: the address must exist here and the port be free. */
function bindable(setting: string, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? `端口 ${port} 已被占用 / port ${port} is already in use` : `无法监听 ${host}:${port} / cannot listen on ${host}:${port} (${err.code ?? err.message})`;
      reject(new ConfigError(setting, `${why}：请换一个 / choose another`));
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

function readableFile(file: string, setting: string): void {
  try {
    accessSync(file, constants.R_OK);
    if (statSync(file).isFile()) return;
  } catch {
    // Reported below.
  }
  throw new ConfigError(setting, `不是可读的文件 / not a readable file: ${file}`);
}

function executableFile(file: string, setting: string): void {
  try {
    accessSync(file, constants.X_OK);
    if (statSync(file).isFile()) return;
  } catch {
    // Reported below.
  }
  throw new ConfigError(setting, `不是可执行文件 / not an executable file: ${file}`);
}

function writableDir(dir: string, setting: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new ConfigError(setting, `无法写入 / cannot write to ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
