// A stalled PostgreSQL (a stopped process, a frozen VM, a network path that drops packets without
// a reset) keeps its TCP connections open: the kernel still acknowledges, nobody answers, and a
// query waits forever. statement_timeout cannot help — it runs inside the server that is stalled.
// This socket counts the answers it is owed (one ReadyForQuery per Sync or Query sent, one for the
// start-up) and destroys the connection when they stop coming for `replyMs`: postgres.js then
// fails the query like any lost connection, and the server rolls back whatever was open when it
// wakes. An idle connection owes nothing and is never cut.
import net from 'node:net';

const READY_FOR_QUERY = 0x5a; // 'Z'
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const CANCEL_REQUEST_CODE = 80877102;

export class DatabaseUnresponsiveError extends Error {
  readonly code = 'DATABASE_UNRESPONSIVE';
  constructor(replyMs: number) {
    super(`PostgreSQL 在 ${replyMs} ms 内没有应答 / PostgreSQL gave no answer within ${replyMs} ms`);
  }
}

/** How many ReadyForQuery messages the messages in one write will be answered with. */
function answersOwed(chunk: Buffer, first: boolean): number {
  // The first message has no type byte: a start-up (answered, after authentication, by one
  // ReadyForQuery) or a cancel request (never answered: the server closes the connection).
  if (first) return chunk.length >= 8 && chunk.readInt32BE(4) === CANCEL_REQUEST_CODE ? 0 : 1;
  let owed = 0;
  // postgres.js writes whole messages: type byte, then a length that counts itself.
  for (let i = 0; i + 5 <= chunk.length; i += 1 + chunk.readInt32BE(i + 1)) {
    if (chunk[i] === SYNC || chunk[i] === QUERY) owed++;
  }
  return owed;
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
export function guardedSocket(opts: { replyMs: number; connectMs: number }) {
  return (options: { host: string[]; port: number[]; path?: string | false }): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const socket = options.path ? net.connect(options.path) : net.connect(options.port[0]!, options.host[0]!);
      Object.assign(socket, { host: options.host[0], port: options.port[0] });
      const timedOut = () => Object.assign(new Error(`连接 PostgreSQL 超时 / connecting to PostgreSQL timed out after ${opts.connectMs} ms`), { code: 'CONNECT_TIMEOUT' });
      const connectTimer = setTimeout(() => socket.destroy(timedOut()), opts.connectMs);
      const failed = (err: Error) => {
        clearTimeout(connectTimer);
        reject(err);
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        socket.off('error', failed);
        watch(socket, opts.replyMs);
        resolve(socket);
      });
    });
}

function watch(socket: net.Socket, replyMs: number): void {
  let owed = 0;
  let first = true;
  let timer: NodeJS.Timeout | undefined;
  const countReady = readyCounter();
  const restart = () => {
    clearTimeout(timer);
    timer = owed > 0 ? setTimeout(() => socket.destroy(new DatabaseUnresponsiveError(replyMs)), replyMs) : undefined;
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (Buffer.isBuffer(chunk)) {
      const wasIdle = owed === 0;
      owed += answersOwed(chunk, first);
      first = false;
      if (wasIdle && owed > 0) restart();
    }
    return write(chunk, ...rest);
  }) as typeof socket.write;
  // Any byte from the server shows it is alive: the clock starts again while answers are owed.
  socket.on('data', (chunk: Buffer) => {
    owed = Math.max(0, owed - countReady(chunk));
    restart();
  });
  socket.on('close', () => clearTimeout(timer));
}
