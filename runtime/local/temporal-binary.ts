// Finding the Temporal CLI (which carries the dev server), in the order README.md gives:
// TEMPORAL_CLI_PATH, `temporal` on PATH, our cache outside the clone, a `go install` build into
// that cache. Undefined means none could be had: the caller falls back to the SDK's download.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../config.js';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const GO_PACKAGE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;
const EXE = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

export function temporalCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'three-lists', `temporal-${TEMPORAL_CLI_VERSION}`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

export async function findTemporalBinary(opts: {
  cliPath?: string | undefined;
  log: (line: string) => void;
}): Promise<string | undefined> {
  if (opts.cliPath) {
    if (!isExecutable(opts.cliPath)) throw new ConfigError('TEMPORAL_CLI_PATH', `不是可执行文件 / not an executable file: ${opts.cliPath}`);
    return opts.cliPath;
  }
  const fromPath = onPath(EXE);
  if (fromPath) return fromPath;

  const cached = path.join(temporalCacheDir(), EXE);
  if (isExecutable(cached)) return cached;

  const go = onPath(process.platform === 'win32' ? 'go.exe' : 'go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return undefined;
  try {
    return await goInstall(go, opts.log);
  } catch (err) {
    opts.log(`go install 失败，改用 SDK 下载 / go install failed, falling back to the SDK download: ${String(err)}`);
    return undefined;
  }
}

/** Builds the CLI into a private folder, then moves it into the cache, so a half-built binary is never found. */
async function goInstall(go: string, log: (line: string) => void): Promise<string> {
  const cacheDir = temporalCacheDir();
  const staging = `${cacheDir}.building-${process.pid}`;
  await mkdir(staging, { recursive: true });
  log(`未找到 temporal 命令，正在编译 Temporal CLI ${TEMPORAL_CLI_VERSION}（首次约需数分钟）/ building the Temporal CLI with go install; the first build takes minutes`);
  const started = Date.now();
  let downloads = 0;
  const ticker = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    log(`  … 仍在编译 / still building: ${seconds}s elapsed, ${downloads} modules downloaded`);
  }, 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', GO_PACKAGE], {
        env: { ...process.env, GOBIN: staging, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let tail = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        downloads += chunk.split('\n').filter((l) => l.startsWith('go: downloading')).length;
        tail = (tail + chunk).slice(-2000);
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}: ${tail.trim()}`))));
    });
    await mkdir(cacheDir, { recursive: true });
    const target = path.join(cacheDir, EXE);
    await rename(path.join(staging, EXE), target);
    log(`Temporal CLI 已编译并缓存 / built and cached in ${Math.round((Date.now() - started) / 1000)}s: ${target}`);
    return target;
  } finally {
    clearInterval(ticker);
    if (existsSync(staging)) await rm(staging, { recursive: true, force: true });
  }
}
