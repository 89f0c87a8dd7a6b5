// The supervisor of `npm start`'s parts, on real child processes that die when told (fast pauses).
import { describe, expect, it } from 'vitest';
import { spawnServer } from '../../runtime/local/process.js';
import { supervise } from '../../runtime/local/supervise.js';

const name = { zh: '测试进程', en: 'the test process' };
const policy = { firstDelayMs: 20, maxDelayMs: 100, maxExits: 3, windowMs: 60_000, maxFailedStarts: 2 };

/** A process that says it is up and then lives for `lifeMs` (or until stopped). */
const part = (lifeMs = 60_000) =>
  spawnServer({
    name: 'test',
    command: process.execPath,
    args: ['-e', `console.log('up'); setTimeout(() => process.exit(3), ${lifeMs})`],
    ready: (output) => output.includes('up'),
  });

function recorder() {
  const lines: string[] = [];
  let gaveUp: (line: string) => void = () => undefined;
  const givenUp = new Promise<string>((resolve) => (gaveUp = resolve));
  return { lines, log: (line: string) => lines.push(line), onGiveUp: (line: string) => gaveUp(line), givenUp };
}

describe('supervise', () => {
  it('starts a part again when it dies, saying so once on the way down and once on the way up', async () => {
    const r = recorder();
    const supervised = await supervise(name, () => part(), { log: r.log, onGiveUp: r.onGiveUp, policy });
    const first = supervised.current.pid;
    process.kill(first, 'SIGKILL');
    await expect.poll(() => r.lines.length, { timeout: 10_000 }).toBe(2);
    expect(r.lines[0]).toMatch(/^测试进程意外退出（signal SIGKILL），0 秒后重启 \/ the test process exited unexpectedly \(signal SIGKILL\); restarting in 0 s$/);
    expect(r.lines[1]).toBe('测试进程已重启 / the test process restarted');
    expect(supervised.current.pid).not.toBe(first);
    await supervised.stop();
    // Stopped on purpose: not restarted.
    await new Promise((r) => setTimeout(r, 200));
    expect(r.lines).toHaveLength(2);
  });

  it('gives up, in one line, on a part that keeps dying', async () => {
    const r = recorder();
    const supervised = await supervise(name, () => part(50), { log: r.log, onGiveUp: r.onGiveUp, policy });
    expect(await r.givenUp).toMatch(/^测试进程在 1 分钟内退出 4 次（最近一次：exit code 3: up），不再重启 \/ the test process exited 4 times within 1 min \(last: exit code 3: up\); giving up$/);
    await supervised.stop();
  });

  it('gives up on a part that cannot be started again', async () => {
    const r = recorder();
    let starts = 0;
    const supervised = await supervise(
      name,
      async () => {
        if (++starts > 1) throw new Error('端口已被占用 / port in use');
        return part(50);
      },
      { log: r.log, onGiveUp: r.onGiveUp, policy },
    );
    expect(await r.givenUp).toMatch(/连续 2 次重启失败（端口已被占用 \/ port in use），不再重启/);
    expect(r.lines.filter((l) => l.includes('重启失败'))).toHaveLength(1);
    await supervised.stop();
  });
});
