// `npm start`: everything on one machine with embedded defaults — PostgreSQL, the Temporal dev
// server, migrations, the worker and the HTTP API — and an orderly stop on Ctrl-C. Every setting
// is checked before anything starts; a part that dies is restarted (one line in the log each
// time); a part that keeps dying, or any failure while starting, stops everything with one line
// and a non-zero exit, so that nothing runs half alive and nothing is left behind.
import { DEMO_PASSWORD, startDemo } from '../demo/load.js';
import { loadConfig } from './config.js';
import { startLocalEnvironment } from './local/index.js';
import { supervise } from './local/supervise.js';
import { checkBeforeStart } from './preflight.js';
import { startApi, startWorker } from './services.js';
import { onShutdown } from './shutdown.js';

const log = (line: string) => console.log(`[three-lists] ${line}`);
const fail = (line: string) => console.error(`[three-lists] ${line}`);

const stops: Array<() => Promise<void>> = [];
let stopping: Promise<void> | undefined;
/** Stops what has started, newest first; once. */
const stopAll = () =>
  (stopping ??= (async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((err: unknown) => fail(`停止时出错 / error while stopping: ${String(err)}`));
  })());
/** Keeps a stop for later — or, once stopping has begun (a part gave up meanwhile), runs it now. */
const started = async (stop: () => Promise<void>) => {
  if (stopping) {
    await stop();
    await stopping;
    process.exit(1);
  }
  stops.push(stop);
};

/** The one line for a part that keeps dying, and the end. */
function giveUp(line: string): void {
  if (stopping) return;
  fail(`${line}；正在停止全部服务 / stopping everything`);
  void stopAll().finally(() => process.exit(1));
}

async function main(): Promise<void> {
  const config = loadConfig();
  await checkBeforeStart(config, { api: true });
  onShutdown(log, stopAll);
  process.on('uncaughtException', (err) => giveUp(`意外错误 / unexpected error: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => giveUp(`意外错误 / unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));

  const local = await startLocalEnvironment(config, { log, supervise: { onGiveUp: giveUp } });
  await started(local.stop);
  // The worker reconnects to a restarted server on its own; should it fail for good, it is started anew.
  const worker = await supervise({ zh: 'Worker ', en: 'the worker' }, () => startWorker(config, local, { quietRetries: true }), { log, onGiveUp: giveUp });
  await started(worker.stop);
  log('Worker 已启动 / worker running');
  // The API needs no watching: its database pool and Temporal connection reconnect on their own.
  const api = await startApi(config, local);
  await started(api.stop);
  const created = await startDemo(config.DEMO, api.app.deps.database.db, api.app.measures, log);
  if (created.length) log(`演示账号 / demo sign-ins (密码 password ${DEMO_PASSWORD}): ${created.join(', ')}`);

  log(`已就绪，用浏览器打开即可登录 / ready, open in a browser to sign in: ${api.url}`);
  log(`健康检查 / health: ${api.url}/health`);
  log(`接口文档 / API docs: ${api.url}/docs`);
  if (local.temporalUiUrl) log(`Temporal 界面 / Temporal UI: ${local.temporalUiUrl}`);
  log('按 Ctrl-C 停止 / press Ctrl-C to stop');
}

main().catch(async (err: unknown) => {
  fail(`启动失败 / failed to start: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll();
  process.exit(1);
});
