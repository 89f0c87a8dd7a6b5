// Debian's chromium for the browser tests (Playwright's own browser download cannot work here).
// Installed with apt-get when missing and running as root; under CI=true the tests must run, so a
// browser that cannot be had fails them; elsewhere they are skipped with one line saying why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// A CJK font, or every screenshot shows boxes instead of Chinese.
const PACKAGES = ['chromium', 'fonts-wqy-zenhei'];

const hasCjkFont = () => spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).stdout?.trim().length > 0;

function apt(args: string[]) {
  return spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Two test files must not run apt-get at once: a lock folder, waited for. */
async function withLock<T>(fn: () => T): Promise<T> {
  const lock = path.join(os.tmpdir(), 'three-lists-chromium.lock');
  for (let waited = 0; ; waited += 1000) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function install(): string | null {
  if (existsSync(CHROMIUM) && hasCjkFont()) return null;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return `找不到 ${CHROMIUM}，且无法用 apt-get 安装（需要 root）/ no chromium and no way to install it`;
  console.log(`[e2e] 正在安装 / installing ${PACKAGES.join(' ')} (apt-get)…`);
  let result = apt(['install', '-y', '--no-install-recommends', ...PACKAGES]);
  // A fresh machine has no package lists yet.
  if (result.status !== 0 && apt(['update']).status === 0) result = apt(['install', '-y', '--no-install-recommends', ...PACKAGES]);
  if (result.status !== 0 || !existsSync(CHROMIUM)) return `apt-get install chromium 失败 / failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`;
  return null;
}

/** The browser's path, or why there is none (then the caller skips; under CI it throws). */
export async function ensureChromium(): Promise<{ path: string } | { skip: string }> {
  const problem = existsSync(CHROMIUM) && hasCjkFont() ? null : await withLock(install);
  if (!problem) return { path: CHROMIUM };
  if (process.env.CI === 'true') throw new Error(`[e2e] ${problem}`);
  return { skip: problem };
}
