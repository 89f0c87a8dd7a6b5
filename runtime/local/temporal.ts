// A local Temporal dev server (`temporal server start-dev`) for one machine with no setup.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalBinary, temporalCacheDir } from './temporal-binary.js';

export interface LocalTemporal {
  address: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
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
  if (!binary) {
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
    return { address, uiUrl, stop: () => env.teardown() };
  }

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-level', 'error'];
  args.push(...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']));
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const ready = await Promise.race([waitForPort(opts.port, 60_000), exited.then(() => false)]);
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`Temporal 开发服务器未能启动 / the Temporal dev server did not start (${binary}): ${stderr.trim().slice(-500)}`);
  }

  return {
    address,
    uiUrl,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

async function assertPortFree(port: number, setting: string): Promise<void> {
  if (await canConnect(port)) {
    throw new Error(`端口 ${port} 已被占用 / port ${port} is already in use: set ${setting} to a free port`);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(port)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
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
