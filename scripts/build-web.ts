// Builds the dashboard (web/) into dist/web when it is missing or stale: the stamp beside it holds
// a hash of everything the build reads, so an unchanged checkout never rebuilds. Run by `npm start`
// (prestart), by the test setup, and by the Dockerfile (`npm run build:web`).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the build reads: the dashboard's sources, the pure modules it shares with the server (common/), and the exact versions of its dependencies. */
const INPUTS = ['web', 'common', 'package-lock.json'];
const OUT = path.join(ROOT, 'dist/web');
const STAMP = path.join(ROOT, 'dist/web.stamp');

function files(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full).flatMap((name) => files(path.join(entry, name)));
}

export function webSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(files).sort()) hash.update(`${file}\0`).update(readFileSync(path.join(ROOT, file))).update('\0');
  return hash.digest('hex');
}

/** Builds when needed; returns whether it built. Throws when the build fails. */
export function ensureWebBuild(log: (line: string) => void = (line) => console.log(`[three-lists] ${line}`)): boolean {
  const hash = webSourceHash();
  const built = existsSync(path.join(OUT, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash;
  if (built) return false;
  log('正在构建界面 / building the dashboard (web/ changed or not built yet)…');
  // Built aside, then moved into place: a server reading dist/web never sees half a build, and two
  // builds at once (npm start beside npm test) do not write into each other.
  const tmp = `${OUT}-build-${process.pid}`;
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', tmp, '--emptyOutDir'], { cwd: path.join(ROOT, 'web'), stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error('界面构建失败，见上方输出 / the dashboard build failed; see the output above');
  }
  rmSync(OUT, { recursive: true, force: true });
  try {
    renameSync(tmp, OUT);
  } catch (err) {
    // Another build moved its (identical) output in first.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(path.join(OUT, 'index.html'))) throw err;
  }
  writeFileSync(STAMP, hash);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    ensureWebBuild();
  } catch (err) {
    console.error(`[three-lists] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
