// A local Temporal dev server (`temporal server start-dev`) for one machine with no setup.
import net from 'node:net';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { canConnect, spawnServer, type ServerProcess } from './process.js';
import { findTemporalBinary, temporalCacheDir } from './temporal-binary.js';

export interface LocalTemporal extends ServerProcess {
  address: string;
  uiUrl: string | undefined;
}

export async function startTemporalDevServer(opts: {
  cliPath?: string | undefined;
  port: number;
  /** Web UI port; undefined runs headless. */
  uiPort?: number | undefined;
  /** SQLite file; undefined keeps everything in memory. */
  dbFile?: string | undefined;
  log: (line: string) => void;
}): Promise<LocalTemporal> {
  await assertPortFree(opts.port, 'EMBEDDED_TEMPORAL_PORT');
  if (opts.uiPort) await assertPortFree(opts.uiPort, 'EMBEDDED_TEMPORAL_UI_PORT');
  const address = `127.0.0.1:${opts.port}`;
  const uiUrl = opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined;

  const binary = await findTemporalBinary({ cliPath: opts.cliPath, log: opts.log });
  if (!binary) return { address, uiUrl, ...(await startThroughSdk(opts)) };

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-level', 'error'];
  args.push(...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']));
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  const server = await spawnServer({ name: 'Temporal 开发服务器 / the Temporal dev server', command: binary, args, ready: { port: opts.port } });
  return { address, uiUrl, ...server };
}

/** Without a binary of our own: the SDK downloads and runs the dev server; its death shows as the port closing. */
async function startThroughSdk(opts: { port: number; uiPort?: number | undefined; dbFile?: string | undefined; log: (line: string) => void }): Promise<ServerProcess> {
  opts.log('正在通过 Temporal SDK 下载开发服务器 / downloading the dev server through the Temporal SDK');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download', downloadDir: path.dirname(temporalCacheDir()) },
      ip: '127.0.0.1',
      port: opts.port,
      ...(opts.uiPort ? { ui: true, uiPort: opts.uiPort } : {}),
      ...(opts.dbFile ? { dbFilename: opts.dbFile } : {}),
    },
  });
  let stopping = false;
  const exited = (async () => {
    for (let misses = 0; misses < 3; ) {
      await new Promise((r) => setTimeout(r, 2000));
      if (stopping) return 'stopped';
      misses = (await canConnect({ port: opts.port })) ? 0 : misses + 1;
    }
    await env.teardown().catch(() => undefined);
    return `port ${opts.port} closed`;
  })();
  return {
    pid: 0,
    exited,
    signal: () => undefined,
    async stop() {
      stopping = true;
      await env.teardown();
    },
  };
}

async function assertPortFree(port: number, setting: string): Promise<void> {
  if (await canConnect({ port })) {
    throw new Error(`端口 ${port} 已被占用 / port ${port} is already in use: set ${setting} to a free port`);
  }
}

/** A free TCP port on loopback, for tests and parallel environments. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
