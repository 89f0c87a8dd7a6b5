// A stalled PostgreSQL (a stopped process, a frozen VM, a network path that drops packets without
// a reset) keeps its TCP connections open: the kernel still acknowledges, nobody answers, and a
// query waits forever. statement_timeout cannot help — it runs inside the server that is stalled.
// This socket counts the answers it is owed (one ReadyForQuery per Sync or Query sent, one for the
// start-up, some answer after a Flush) and destroys the connection when they stop coming for
// `replyMs`: postgres.js then
// fails the query like any lost connection, and the server rolls back whatever was open when it
// wakes. An idle connection owes nothing and is never cut.
import net from 'node:net';

const READY_FOR_QUERY = 0x5a; // 'Z'
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const FLUSH = 0x48; // 'H': postgres.js describes a new statement with Parse, Describe, Flush
const CANCEL_REQUEST_CODE = 80877102;

export class DatabaseUnresponsiveError extends Error {
  readonly code = 'DATABASE_UNRESPONSIVE';
  constructor(replyMs: number) {
    super(`PostgreSQL 在 ${replyMs} ms 内没有应答 / PostgreSQL gave no answer within ${replyMs} ms`);
  }
}

/**
 * What the connections of one pool have seen of the server: down since a connection was refused,
 * or lost while it owed answers; up again at the first byte the server sends. While it is down,
 * callers fail at once instead of queueing for connections that cannot be made (postgres.js fails
 * queued queries only one per failed connection attempt), letting one through each second to
 * find out whether it is back.
 */
export class DatabaseLiveness {
  private downSince: number | undefined;
  private lastTry = 0;

  constructor(private readonly tryEveryMs = 1000) {}

  markDown(): void {
    this.downSince ??= Date.now();
  }

  markUp(): void {
    this.downSince = undefined;
  }

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** True while the server is up; while it is down, true for one caller a second. */
  shouldTry(): boolean {
    if (this.downSince === undefined) return true;
    const now = Date.now();
    if (now - this.lastTry < this.tryEveryMs) return false;
    this.lastTry = now;
    return true;
  }
}

/** What one write will be answered with: how many ReadyForQuery messages, and whether something at once (a Flush). */
function answersOwed(chunk: Buffer, first: boolean): { ready: number; flush: boolean } {
  // The first message has no type byte: a start-up (answered, after authentication, by one
  // ReadyForQuery) or a cancel request (never answered: the server closes the connection).
  if (first) return { ready: chunk.length >= 8 && chunk.readInt32BE(4) === CANCEL_REQUEST_CODE ? 0 : 1, flush: false };
  let ready = 0;
  let flush = false;
  // postgres.js writes whole messages: type byte, then a length that counts itself.
  for (let i = 0; i + 5 <= chunk.length; i += 1 + chunk.readInt32BE(i + 1)) {
    if (chunk[i] === SYNC || chunk[i] === QUERY) ready++;
    if (chunk[i] === FLUSH) flush = true;
  }
  return { ready, flush };
}

/** Counts ReadyForQuery messages in the server's byte stream, whose messages may straddle chunks. */
function readyCounter(): (chunk: Buffer) => number {
  let header: Buffer = Buffer.alloc(0);
  let skip = 0;
  return (chunk) => {
    let ready = 0;
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      const part = chunk.subarray(i, i + 5 - header.length);
      header = header.length ? Buffer.concat([header, part]) : part;
      i += part.length;
      if (header.length < 5) break;
      if (header[0] === READY_FOR_QUERY) ready++;
      skip = header.readInt32BE(1) - 4;
      header = Buffer.alloc(0);
    }
    return ready;
  };
}

/**
 * postgres.js's `socket` option: connects (within `connectMs`) to the first host and watches the
 * answers. Plain TCP or a Unix socket only: through TLS the bytes are not ours to read.
 */
export function guardedSocket(opts: { replyMs: number; connectMs: number; liveness: DatabaseLiveness }) {
  return (options: { host: string[]; port: number[]; path?: string | false }): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const socket = options.path ? net.connect(options.path) : net.connect(options.port[0]!, options.host[0]!);
      Object.assign(socket, { host: options.host[0], port: options.port[0] });
      const timedOut = () => Object.assign(new Error(`连接 PostgreSQL 超时 / connecting to PostgreSQL timed out after ${opts.connectMs} ms`), { code: 'CONNECT_TIMEOUT' });
      const connectTimer = setTimeout(() => socket.destroy(timedOut()), opts.connectMs);
      const failed = (err: Error) => {
        clearTimeout(connectTimer);
        opts.liveness.markDown();
        reject(err);
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        socket.off('error', failed);
        watch(socket, opts.replyMs, opts.liveness);
        resolve(socket);
      });
    });
}

function watch(socket: net.Socket, replyMs: number, liveness: DatabaseLiveness): void {
  let owedReady = 0;
  let owedFlush = false;
  let first = true;
  let timer: NodeJS.Timeout | undefined;
  const countReady = readyCounter();
  const owing = () => owedReady > 0 || owedFlush;
  const restart = () => {
    clearTimeout(timer);
    timer = owing() ? setTimeout(() => socket.destroy(new DatabaseUnresponsiveError(replyMs)), replyMs) : undefined;
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (Buffer.isBuffer(chunk)) {
      const wasOwing = owing();
      const owed = answersOwed(chunk, first);
      first = false;
      owedReady += owed.ready;
      owedFlush ||= owed.flush;
      if (!wasOwing && owing()) restart();
    }
    return write(chunk, ...rest);
  }) as typeof socket.write;
  // Any byte from the server shows it is alive: the clock starts again while answers are owed.
  socket.on('data', (chunk: Buffer) => {
    liveness.markUp();
    owedReady = Math.max(0, owedReady - countReady(chunk));
    owedFlush = false;
    restart();
  });
  socket.on('close', () => {
    clearTimeout(timer);
    if (owing()) liveness.markDown();
  });
}
