// PostgreSQL refuses to run as root. Run as root, we start it as the `postgres` user, which must
// be able to reach the programs and the data folder. A clone inside a folder only root may enter
// (mode 0700, as /root is, or a `mktemp -d` folder) hides both: then the programs are copied, and
// the data folder placed, under SHARED_ROOT, and DATA_DIR/postgres links to the data.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export const SHARED_ROOT = '/var/lib/three-lists';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface PostgresPlacement {
  /** Folder of initdb and postgres. */
  binDir: string;
  /** The cluster's data folder. */
  databaseDir: string;
  /** Set when run as root: the user PostgreSQL runs as. */
  runAs?: RunAs;
}

export class PostgresPlacementError extends Error {}

/** Each placement is told once per process, not again at every restart. */
const told = new Set<string>();
const tellOnce = (log: (line: string) => void, line: string) => {
  if (told.has(line)) return;
  told.add(line);
  log(line);
};

const run = promisify(execFile);

/** Where the binaries and the data go, for whoever runs us. */
export async function placePostgres(opts: { nativeDir: string; dataDir: string; log: (line: string) => void }): Promise<PostgresPlacement> {
  const ownDataDir = path.join(opts.dataDir, 'postgres');
  if (process.getuid?.() !== 0) return { binDir: path.join(opts.nativeDir, 'bin'), databaseDir: ownDataDir };

  const runAs = await postgresUser();
  let binDir = path.join(opts.nativeDir, 'bin');
  if (!reachable(runAs, '-x', path.join(binDir, 'postgres')) || !reachable(runAs, '-r', path.join(opts.nativeDir, 'share'))) {
    binDir = path.join(await copyBinaries(opts.nativeDir), 'bin');
    tellOnce(opts.log, `以 root 运行且 postgres 用户无法进入本目录：PostgreSQL 程序从 ${path.dirname(binDir)} 运行 / running as root and the postgres user cannot reach this folder: PostgreSQL's programs are run from ${path.dirname(binDir)}`);
    if (!reachable(runAs, '-x', path.join(binDir, 'postgres'))) {
      throw new PostgresPlacementError(`postgres 用户仍无法运行 ${binDir}，请以普通用户运行或将项目放在其可访问的目录 / the postgres user still cannot run ${binDir}: run as a non-root user, or clone into a folder others may enter`);
    }
  }

  let databaseDir = ownDataDir;
  if (isSymlink(ownDataDir)) {
    databaseDir = path.resolve(opts.dataDir, readlinkSync(ownDataDir));
    tellOnce(opts.log, `以 root 运行：PostgreSQL 数据在 ${databaseDir}（${ownDataDir} 链接到此）/ running as root: PostgreSQL's data lives in ${databaseDir} (linked from ${ownDataDir})`);
  } else if (!reachable(runAs, '-x', opts.dataDir)) {
    if (existsSync(ownDataDir)) {
      throw new PostgresPlacementError(
        `postgres 用户无法访问 ${ownDataDir}：请把 DATA_DIR 设在其可访问的目录（如 ${SHARED_ROOT}），或以普通用户运行 / the postgres user cannot reach ${ownDataDir}: set DATA_DIR to a folder it can reach (e.g. ${SHARED_ROOT}) and move the data there, or run as a non-root user`,
      );
    }
    const key = createHash('sha256').update(path.resolve(opts.dataDir)).digest('hex').slice(0, 12);
    databaseDir = path.join(SHARED_ROOT, 'data', key, 'postgres');
    // Data left by an earlier DATA_DIR of the same path (its link since deleted) is not taken up unasked.
    if (existsSync(path.join(databaseDir, 'PG_VERSION'))) {
      throw new PostgresPlacementError(
        `${databaseDir} 中有此前同名 DATA_DIR 留下的数据：继续使用请执行 ln -s ${databaseDir} ${ownDataDir}，重新开始请删除它 / ${databaseDir} holds data of an earlier DATA_DIR at this path: to keep it, ln -s ${databaseDir} ${ownDataDir}; to start afresh, remove it`,
      );
    }
    await mkdir(path.dirname(databaseDir), { recursive: true, mode: 0o755 });
    await symlink(databaseDir, ownDataDir);
    tellOnce(opts.log, `以 root 运行：PostgreSQL 数据在 ${databaseDir}（${ownDataDir} 链接到此）/ running as root: PostgreSQL's data lives in ${databaseDir} (linked from ${ownDataDir})`);
  }
  await mkdir(databaseDir, { recursive: true });
  await chown(databaseDir, runAs.uid, runAs.gid);
  await chmod(databaseDir, 0o700);
  return { binDir, databaseDir, runAs };
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** `test <flag> <file>` as that user: the kernel's own answer, every folder on the way included. */
function reachable(user: RunAs, flag: '-x' | '-r', file: string): boolean {
  return spawnSync('test', [flag, file], { uid: user.uid, gid: user.gid }).status === 0;
}

async function postgresUser(): Promise<RunAs> {
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
      return await ids();
    } catch (err) {
      throw new PostgresPlacementError(`以 root 运行需要 postgres 用户，且无法创建（${String(err).split('\n')[0]}）：请执行 useradd --system postgres，或以普通用户运行 / running as root needs a postgres user and it could not be created: run useradd --system postgres, or run as a non-root user`);
    }
  }
}

/** Copies the binaries once per version, into a staging folder first so a half copy is never used. */
async function copyBinaries(nativeDir: string): Promise<string> {
  const version = (JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const target = path.join(SHARED_ROOT, `postgres-${version}`);
  if (existsSync(path.join(target, 'bin', 'postgres'))) return target;
  try {
    await mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
    await chmod(SHARED_ROOT, 0o755);
    const staging = `${target}.copying-${process.pid}`;
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, target).catch(async (err: NodeJS.ErrnoException) => {
      await rm(staging, { recursive: true, force: true });
      // Another start copied it first.
      if (!existsSync(path.join(target, 'bin', 'postgres'))) throw err;
    });
    return target;
  } catch (err) {
    if (err instanceof PostgresPlacementError) throw err;
    throw new PostgresPlacementError(`无法把 PostgreSQL 程序复制到 ${SHARED_ROOT}（${(err as Error).message}）：请以普通用户运行，或把项目放在其他用户可进入的目录 / could not copy PostgreSQL's programs to ${SHARED_ROOT}: run as a non-root user, or clone into a folder others may enter`);
  }
}
