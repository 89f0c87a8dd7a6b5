// `npm start` as a person runs it, in a process of its own: it restarts the embedded PostgreSQL and
// Temporal dev server when they die (one line each, /health back to 200 on its own, the worker
// still working), stops everything with one line and a non-zero exit when one cannot be brought
// back, and leaves no server behind after a failed start (checked with ps).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nextYearWarning } from '../../common/calendar-arrangement.js';
import { packageCalendarYears } from '../../db/calendar-seed.js';
import { DEMO_PASSWORD } from '../../demo/load.js';
import { temporaryDataDir } from '../../runtime/local/postgres.js';
import { freePort } from '../../runtime/local/temporal.js';

interface Started {
  child: ChildProcess;
  dataDir: string;
  pgPort: number;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

const started: Started[] = [];
afterAll(async () => {
  for (const s of started) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGINT');
      await s.exited;
    }
    await rm(s.dataDir, { recursive: true, force: true });
  }
});

async function npmStart(env: Record<string, string> = {}): Promise<Started> {
  const dataDir = await temporaryDataDir('three-lists-start-');
  const [port, pgPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/start.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      EMBEDDED_TEMPORAL_PORT: String(temporalPort),
      EMBEDDED_TEMPORAL_UI_PORT: String(uiPort),
      DEMO: 'off',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const s: Started = { child, dataDir, pgPort, url: `http://127.0.0.1:${port}`, stdout: () => out, stderr: () => err, exited };
  started.push(s);
  return s;
}

async function waitFor(s: Started, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(s.stdout() + s.stderr())) {
    if (s.child.exitCode !== null) throw new Error(`npm start exited (${s.child.exitCode}) before ${pattern}:\n${s.stdout()}\n${s.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${s.stdout()}\n${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * What it printed on stderr, but for the warning that email is off (no SMTP_URL here) and the
 * worker's one line for each activity attempt that failed while PostgreSQL was down (retried).
 */
const problems = (s: Started) =>
  s
    .stderr()
    .split('\n')
    .filter((line) => line.trim() && !line.includes('SMTP_URL') && !/^\S+ \[WARN\] Activity failed \S+ .*\(attempt \d+\): /.test(line));

const health = async (s: Started) => (await fetch(`${s.url}/health`, { signal: AbortSignal.timeout(10_000) }).catch(() => null))?.status ?? 0;

/** Processes whose command line names this data folder: the embedded PostgreSQL and the dev server. */
function processesUsing(dataDir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir) && !line.includes(' ps '));
}

const postmasterPid = (s: Started) => Number(readFileSync(path.join(s.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
const devServerPid = (s: Started) => Number(processesUsing(s.dataDir).find((line) => line.includes('temporal.sqlite'))!.trim().split(/\s+/)[0]);

describe('npm start watches what it started', () => {
  it('restarts PostgreSQL and the Temporal dev server when killed, one line each; /health and the worker come back on their own', async () => {
    const s = await npmStart({ DEMO: 'on' });
    await waitFor(s, /已就绪/);
    expect(await health(s)).toBe(200);
    // From 1 November, while next year's holidays are missing, a start-up line says so.
    const missing = nextYearWarning(new Date(), packageCalendarYears());
    expect(s.stdout().includes(`尚未录入${missing?.year}年节假日安排`)).toBe(missing !== null);

    process.kill(postmasterPid(s), 'SIGKILL');
    await waitFor(s, /内置 PostgreSQL 意外退出（signal SIGKILL），1 秒后重启 \/ the embedded PostgreSQL exited unexpectedly/);
    await waitFor(s, /内置 PostgreSQL 已重启 \/ the embedded PostgreSQL restarted/);
    await expect.poll(() => health(s), { timeout: 30_000, interval: 250 }).toBe(200);

    process.kill(devServerPid(s), 'SIGKILL');
    await waitFor(s, /Temporal 开发服务器意外退出（signal SIGKILL），1 秒后重启 \/ the Temporal dev server exited unexpectedly/);
    await waitFor(s, /Temporal 开发服务器已重启 \/ the Temporal dev server restarted/);
    await expect.poll(() => health(s), { timeout: 30_000, interval: 250 }).toBe(200);

    // The worker in the same process reconnected: an action runs the workflow and its projection.
    const login = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'office', password: DEMO_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const list = (await (await fetch(`${s.url}/api/lists/supervision`, { headers: auth })).json()) as { items: Array<{ measureId: string }> };
    const flagged = await fetch(`${s.url}/api/measures/${list.items[0]!.measureId}/flag`, { method: 'POST', headers: auth, body: JSON.stringify({ flagged: true, reason: '重启后核查挂牌督办' }) });
    expect(flagged.status).toBe(200);
    expect(problems(s)).toEqual([]);
  }, 240_000);

  it('stops everything with one line and exit 1 when PostgreSQL cannot be brought back, leaving no process behind', async () => {
    const s = await npmStart();
    await waitFor(s, /已就绪/);
    const pid = postmasterPid(s);
    process.kill(pid, 'SIGKILL');
    // Another program takes its port before the restart: every restart fails.
    const squatter = net.createServer();
    for (let bound = false; !bound; ) {
      bound = await new Promise<boolean>((resolve) => {
        squatter.once('error', () => setTimeout(() => resolve(false), 20));
        squatter.listen(s.pgPort, '127.0.0.1', () => resolve(true));
      });
    }
    try {
      expect(await s.exited).toBe(1);
    } finally {
      squatter.close();
    }
    const lines = problems(s);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/内置 PostgreSQL 连续 3 次重启失败.*不再重启 \/ the embedded PostgreSQL failed to restart 3 times in a row.*giving up；正在停止全部服务 \/ stopping everything/);
    expect(processesUsing(s.dataDir)).toEqual([]);
  }, 120_000);
});

describe('a start that fails stops what it started', () => {
  it('refuses an ADMIN_PASSWORD the password rules refuse before anything starts', async () => {
    const s = await npmStart({ ADMIN_PASSWORD: 'admin2025' });
    expect(await s.exited).toBe(1);
    expect(problems(s)).toEqual([expect.stringMatching(/ADMIN_PASSWORD: 密码不能包含用户名/)]);
    expect(existsSync(path.join(s.dataDir, 'postgres'))).toBe(false);
    expect(processesUsing(s.dataDir)).toEqual([]);
  });

  it('stops PostgreSQL when the Temporal dev server cannot start', async () => {
    const s = await npmStart({ TEMPORAL_CLI_PATH: '/bin/false' });
    expect(await s.exited).toBe(1);
    expect(s.stdout()).toMatch(/PostgreSQL（内置）已启动/);
    expect(problems(s)).toEqual([expect.stringMatching(/启动失败 \/ failed to start: .*Temporal/)]);
    expect(processesUsing(s.dataDir)).toEqual([]);
  });

  it('stops PostgreSQL and the dev server when the worker cannot start', async () => {
    const bundle = path.join(await temporaryDataDir('three-lists-bundle-'), 'broken.js');
    writeFileSync(bundle, 'this is not a workflow bundle (');
    const s = await npmStart({ WORKFLOW_BUNDLE: bundle });
    expect(await s.exited).toBe(1);
    expect(s.stdout()).toMatch(/Temporal 开发服务器已启动/);
    expect(problems(s)).toEqual([expect.stringMatching(/启动失败 \/ failed to start/)]);
    expect(processesUsing(s.dataDir)).toEqual([]);
    await rm(path.dirname(bundle), { recursive: true, force: true });
  });
});
