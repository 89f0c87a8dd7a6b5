// `npm run chaos` in two minutes: a few measures through the API of separate worker and API
// processes while the driver kills and restarts the worker, the API, the Temporal dev server and
// PostgreSQL. The script itself checks every record against every other and exits 1 on any
// difference; here its exit code and its printed checks are what is asserted.
//
// Opt-in (CHAOS_TEST=1) until the database driver recovers from a PostgreSQL restart: with
// postgres.js 3.4.9 an API or worker process whose transactions were cut by the restart can keep a
// poisoned pool (queries wait without end, /health stays 503), which this run shows as unanswered
// requests and steps never projected. See README.md, "The chaos run".
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(process.env.CHAOS_TEST !== '1')('npm run chaos (two minutes)', () => {
  it('loses and repeats nothing while its parts are killed and restarted', { timeout: 480_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/chaos/index.ts'], {
      cwd: root,
      env: { ...process.env, CHAOS_DURATION: '2m', CHAOS_MEASURES: '16' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    // The whole printout on failure: the checks name every difference.
    if (code !== 0) console.log(output);
    expect(code).toBe(0);

    for (const check of [
      '每个请求都得到了最终答复',
      '每个受理的操作恰好记录一次',
      '每个到期的督办层级恰好触发一次',
      'list_entries 与各工作流的状态一致',
      '审计序号连续',
      'outbox 键互不重复',
      '每条通知恰好送达接收端一次',
    ]) {
      expect(output).toMatch(new RegExp(`✓ ${check}`));
    }
    expect(output).toMatch(/全部 7 项检查通过/);
    // The run did what it is for: faults injected, actions accepted, rungs fired, mails sent.
    const faults = /故障 \/ faults: (\d+) — (.*)/.exec(output);
    expect(Number(faults?.[1])).toBeGreaterThanOrEqual(2);
    expect(faults?.[2]).toMatch(/postgres-(stopped|frozen)/);
    expect(faults?.[2]).toMatch(/worker-killed/);
    expect(Number(/(\d+) accepted/.exec(output)?.[1])).toBeGreaterThan(16);
    expect(Number(/(\d+) rungs came due/.exec(output)?.[1])).toBeGreaterThan(0);
  });
});
