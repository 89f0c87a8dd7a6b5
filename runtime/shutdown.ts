// Ctrl-C, SIGTERM and SIGHUP (the terminal closed) run the given stops once, in order; a second
// Ctrl-C (seconds later) forces the exit. One Ctrl-C can arrive twice: from the terminal's process
// group and relayed by tsx. The servers we start run in process groups of their own, so they hear
// of none of this but from us.
export function onShutdown(log: (line: string) => void, stop: () => Promise<void>): void {
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
  process.on('SIGHUP', handler);
}
