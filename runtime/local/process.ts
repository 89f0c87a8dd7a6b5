// A server we start as a child process (PostgreSQL, the Temporal dev server): in a process group
// of its own, watched until it exits, stopped in order. `exited` settles whenever it exits —
// asked to or not — so a supervisor can tell a crash from a stop.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

export interface ServerProcess {
  /** The server's main process (PostgreSQL's postmaster). */
  pid: number;
  /** How it ended ("signal SIGKILL", "exit code 1: <its last line>"), once it has. */
  exited: Promise<string>;
  /** A signal to every process of the server, its children included (SIGSTOP/SIGCONT in tests and drills). */
  signal(signal: NodeJS.Signals): void;
  /** Stops it (its stop signal, then SIGKILL after a grace period); resolves once it has exited. */
  stop(): Promise<void>;
}

/** Servers still running, and how each asks to be stopped. */
const live = new Map<number, NodeJS.Signals>();
let exitHookInstalled = false;
/**
 * If this process exits without stopping them (process.exit, an uncaught error, a forced second
 * Ctrl-C), each server still gets its stop request: none is left running on its own. Nothing can
 * be awaited here, so it is a request; each server finishes stopping by itself.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [pid, stopSignal] of live) {
      try {
        for (const p of familyOf(pid)) process.kill(p, 'SIGCONT');
        process.kill(pid, stopSignal);
      } catch {
        // Already gone.
      }
    }
  });
}

export async function spawnServer(opts: {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  runAs?: { uid: number; gid: number } | undefined;
  /** Ready when its output says so, or when the port accepts connections. */
  ready: ((output: string) => boolean) | { port: number };
  stopSignal?: NodeJS.Signals;
  readyTimeoutMs?: number;
  /** Everything it writes, as it comes (a drill or the chaos run passes it on to its own log). */
  onOutput?: (chunk: string) => void;
  cwd?: string;
}): Promise<ServerProcess> {
  const child = spawn(opts.command, opts.args, {
    // Its own process group: Ctrl-C on the terminal reaches us alone, and we stop it in order.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.runAs ?? {}),
  });
  installExitHook();
  if (child.pid !== undefined) live.set(child.pid, opts.stopSignal ?? 'SIGTERM');
  // Read everything it writes, always: a full pipe would block it.
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-8000);
    opts.onOutput?.(chunk);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  const lastLine = () => output.trim().split('\n').filter(Boolean).at(-1)?.trim() ?? '';
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`无法运行 / cannot run ${opts.command}: ${err.message}`));
    child.once('exit', (code, signal) => {
      live.delete(child.pid!);
      // Its last words may still be in the pipe: wait briefly for the streams to close.
      const closed = new Promise((r) => child.once('close', r));
      void Promise.race([closed, new Promise((r) => setTimeout(r, 200))]).then(() => {
        // Killed, its last line tells nothing of why; exiting by itself, it usually does.
        const line = signal ? '' : lastLine();
        resolve(`${signal ? `signal ${signal}` : `exit code ${code}`}${line ? `: ${line.slice(0, 300)}` : ''}`);
      });
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  const signal = (sig: NodeJS.Signals) => {
    if (!running()) return;
    for (const pid of familyOf(child.pid!)) {
      try {
        process.kill(pid, sig);
      } catch {
        // Already gone.
      }
    }
  };

  const stop = async () => {
    if (!running()) {
      await exited;
      return;
    }
    // A stopped (SIGSTOP) server cannot act on a stop request until it runs again.
    signal('SIGCONT');
    child.kill(opts.stopSignal ?? 'SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  };

  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const isReady = opts.ready;
  const check = () => (typeof isReady === 'function' ? isReady(output) : canConnect(isReady));
  // Ready, even if it died right after (its `exited` then tells a supervisor at once); an output
  // that said so may still have been in the pipe when it exited.
  let ready = await waitFor(check, timeoutMs, () => !running());
  if (!ready && !running() && typeof isReady === 'function') {
    await exited;
    ready = isReady(output);
  }
  if (!ready) {
    const how = running() ? `没有在 ${timeoutMs / 1000} 秒内就绪 / not ready within ${timeoutMs / 1000} s` : await exited;
    signal('SIGKILL');
    await exited;
    throw new Error(`${opts.name} 未能启动 / ${opts.name} did not start (${how})${output.trim() ? `: ${output.trim().split('\n').slice(-3).join(' | ').slice(0, 600)}` : ''}`);
  }
  return { pid: child.pid!, exited, signal, stop };
}

/**
 * A process and its descendants. Not its process group alone: PostgreSQL's backends each lead a
 * group of their own. Where there is no /proc, the process alone.
 */
export function familyOf(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [root];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (command) state ppid …": the command may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone while we looked.
    }
  }
  const family = [root];
  for (let i = 0; i < family.length; i++) family.push(...(children.get(family[i]!) ?? []));
  return family;
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, gaveUp: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gaveUp()) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export function canConnect({ port, host = '127.0.0.1' }: { port: number; host?: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
