// Keeps a part of `npm start` running: when it exits without being asked to, it is started again
// after a pause that doubles with each recent failure, with one line in the log for each exit and
// each return. A part that keeps failing is given up on: `onGiveUp` gets one line saying why, and
// the caller stops everything rather than run half alive.

export interface Restartable {
  /** Settles when the part has ended, with how it ended. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface SupervisePolicy {
  /** First pause before a restart; it doubles with each recent exit or failed start. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Give up after this many exits within `windowMs`… */
  maxExits: number;
  windowMs: number;
  /** …or after this many failed starts in a row. */
  maxFailedStarts: number;
}

export const DEFAULT_POLICY: SupervisePolicy = { firstDelayMs: 1000, maxDelayMs: 30_000, maxExits: 5, windowMs: 5 * 60_000, maxFailedStarts: 3 };

export interface Supervised<T extends Restartable> {
  /** The part as it runs now (a new object after each restart). */
  readonly current: T;
  stop(): Promise<void>;
}

/** A part's name in each language of the log: `{ zh: '内置 PostgreSQL', en: 'embedded PostgreSQL' }`. */
export interface PartName {
  zh: string;
  en: string;
}

export async function supervise<T extends Restartable>(
  name: PartName,
  start: () => Promise<T>,
  opts: { log: (line: string) => void; onGiveUp: (line: string) => void; policy?: Partial<SupervisePolicy> },
): Promise<Supervised<T>> {
  const policy = { ...DEFAULT_POLICY, ...opts.policy };
  let current = await start();
  let stopping = false;
  let wake: () => void = () => undefined;
  let restarting: Promise<unknown> = Promise.resolve();
  const exits: number[] = [];

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const delayFor = (failures: number) => Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, failures - 1));
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10}`;

  const watch = async () => {
    for (;;) {
      let how = await current.exited;
      if (stopping) return;
      const now = Date.now();
      exits.push(now);
      while (exits.length && exits[0]! < now - policy.windowMs) exits.shift();
      if (exits.length > policy.maxExits) {
        opts.onGiveUp(`${name.zh}在 ${policy.windowMs / 60_000} 分钟内退出 ${exits.length} 次（最近一次：${how}），不再重启 / ${name.en} exited ${exits.length} times within ${policy.windowMs / 60_000} min (last: ${how}); giving up`);
        return;
      }
      for (let failedStarts = 0; ; ) {
        const delay = delayFor(exits.length + failedStarts);
        opts.log(
          failedStarts === 0
            ? `${name.zh}意外退出（${how}），${seconds(delay)} 秒后重启 / ${name.en} exited unexpectedly (${how}); restarting in ${seconds(delay)} s`
            : `${name.zh}重启失败（${how}），${seconds(delay)} 秒后再试 / ${name.en} failed to restart (${how}); trying again in ${seconds(delay)} s`,
        );
        await pause(delay);
        if (stopping) return;
        const attempt = start();
        restarting = attempt.catch(() => undefined);
        try {
          current = await attempt;
          if (stopping) return;
          opts.log(`${name.zh}已重启 / ${name.en} restarted`);
          break;
        } catch (err) {
          if (stopping) return;
          how = err instanceof Error ? err.message : String(err);
          if (++failedStarts >= policy.maxFailedStarts) {
            opts.onGiveUp(`${name.zh}连续 ${failedStarts} 次重启失败（${how}），不再重启 / ${name.en} failed to restart ${failedStarts} times in a row (${how}); giving up`);
            return;
          }
        }
      }
    }
  };
  void watch();

  return {
    get current() {
      return current;
    },
    async stop() {
      stopping = true;
      wake();
      // A start under way finishes first, so that what it started is stopped too.
      await restarting;
      await current.stop();
    },
  };
}
