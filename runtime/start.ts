// `npm start`: everything on one machine with embedded defaults — PostgreSQL, the Temporal dev
// server, migrations, the worker and the HTTP API — and an orderly stop on Ctrl-C.
import { DEMO_PASSWORD, loadDemo } from '../demo/load.js';
import { loadConfig } from './config.js';
import { startLocalEnvironment } from './local/index.js';
import { startApi, startWorker } from './services.js';
import { onShutdown } from './shutdown.js';

const log = (line: string) => console.log(`[three-lists] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  onShutdown(log, stopAll);

  const local = await startLocalEnvironment(config, { log });
  stops.push(local.stop);
  const worker = await startWorker(config, local);
  stops.push(worker.stop);
  log('Worker 已启动 / worker running');
  const api = await startApi(config, local);
  stops.push(api.stop);
  if (config.DEMO === 'on') {
    const created = await loadDemo(api.app.deps.database.db, api.app.measures, log);
    if (created.length) log(`演示账号 / demo sign-ins (密码 password ${DEMO_PASSWORD}): ${created.join(', ')}`);
  }

  log(`已就绪，用浏览器打开即可登录 / ready, open in a browser to sign in: ${api.url}`);
  log(`健康检查 / health: ${api.url}/health`);
  log(`接口文档 / API docs: ${api.url}/docs`);
  if (local.temporalUiUrl) log(`Temporal 界面 / Temporal UI: ${local.temporalUiUrl}`);
  log('按 Ctrl-C 停止 / press Ctrl-C to stop');
}

main().catch((err: unknown) => {
  console.error(`[three-lists] 启动失败 / failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
