// `npm run bench:web`: the dashboard's figures, printed, never asserted.
//  - size: every built file gzipped, and what the first page loads (index.html, its entry script
//    and the chunks it preloads);
//  - time to the first page on a running server (BENCH_URL, default http://127.0.0.1:3000, e.g. a
//    `npm start` in another terminal): the sign-in page until its button shows, then the office's
//    three lists until their first row shows. Needs Debian's chromium (see test/e2e/chromium.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { WEB_ROOT } from '../api/plugins/web.js';
import { DEMO_PASSWORD } from '../demo/load.js';
import { ensureWebBuild } from '../scripts/build-web.js';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const gz = (file: string) => gzipSync(readFileSync(path.join(WEB_ROOT, file)), { level: 9 }).length;
const walk = (dir: string): string[] => readdirSync(path.join(WEB_ROOT, dir)).flatMap((f) => (statSync(path.join(WEB_ROOT, dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));

ensureWebBuild();
const files = walk('.');
const html = readFileSync(path.join(WEB_ROOT, 'index.html'), 'utf8');
const firstLoad = ['index.html', ...[...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!)];
console.log(`dashboard files: ${files.length}, ${kb(files.reduce((n, f) => n + statSync(path.join(WEB_ROOT, f)).size, 0))} raw, ${kb(files.reduce((n, f) => n + gz(f), 0))} gzip`);
console.log(`first page loads: ${firstLoad.length} files, ${kb(firstLoad.reduce((n, f) => n + gz(f), 0))} gzip (then each page its own chunk)`);

const url = process.env.BENCH_URL ?? 'http://127.0.0.1:3000';
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.log(`no chromium at ${executablePath}: time to first page not measured`);
} else {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    for (let run = 1; run <= 3; run++) {
      const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
      let t = performance.now();
      await page.goto(`${url}/`);
      await page.getByRole('button', { name: '登录' }).waitFor();
      const signInMs = performance.now() - t;
      await page.getByLabel('用户名').fill(process.env.BENCH_USER ?? 'office');
      await page.getByLabel('密码').fill(process.env.BENCH_PASSWORD ?? DEMO_PASSWORD);
      t = performance.now();
      await page.getByRole('button', { name: '登录' }).click();
      await page.locator('.ant-table-row').first().waitFor();
      const listsMs = performance.now() - t;
      console.log(`run ${run} (cold cache): sign-in page shown in ${signInMs.toFixed(0)} ms; after signing in, the three lists in ${listsMs.toFixed(0)} ms`);
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
}
