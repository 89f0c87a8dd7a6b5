// Our worker and API as production runs them, each a process of its own (runtime/worker-main.ts,
// runtime/api-main.ts) against a given PostgreSQL and Temporal: for the restore drill and for runs
// that kill and restart them (SIGKILL through `signal`, a new one through this again).
import { fileURLToPath } from 'node:url';
import { spawnServer, type ServerProcess } from './process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const READY = {
  worker: { main: 'runtime/worker-main.ts', line: 'running on task queue' },
  api: { main: 'runtime/api-main.ts', line: 'listening on' },
} as const;

/** Resolves once the process says it is ready; `env` adds to (and overrides) this process's environment. */
export function spawnService(
  kind: keyof typeof READY,
  env: Record<string, string>,
  opts: { onOutput?: (chunk: string) => void } = {},
): Promise<ServerProcess> {
  const { main, line } = READY[kind];
  return spawnServer({
    name: kind === 'worker' ? 'Worker' : 'API',
    command: process.execPath,
    args: ['--import', 'tsx', main],
    cwd: root,
    env: { ...process.env, ...env },
    ready: (output) => output.includes(line),
    // The worker lets running activities finish (shutdownGraceTime) before it exits.
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 120_000,
    ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
  });
}
