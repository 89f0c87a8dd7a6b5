// Runs before `npm start` and `npm test`: installs dependencies when a fresh clone has none,
// or when package-lock.json changed since the last install. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const lock = 'package-lock.json';
const installed = 'node_modules/.package-lock.json';

const stale = !existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs;
if (stale) {
  console.log('[three-lists] 正在安装依赖 / installing dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[three-lists] npm ci 失败 / failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}
