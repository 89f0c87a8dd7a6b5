// Which database errors mean "PostgreSQL cannot be reached or is too busy right now" — a state
// that passes — as opposed to a query or data the server refuses. The API answers the first kind
// with 503; a retry (the caller's, or Temporal's for an activity) can cure it.

/** SQLSTATE codes and classes of a server that is going away, starting, overloaded or timing out. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or recovering
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
]);
const UNAVAILABLE_CLASSES = ['08' /* connection exception */, '53' /* insufficient resources */];

/** postgres.js's own codes for a connection lost or never made (and our reply guard's). */
const CONNECTION_CODES = new Set(['CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'DATABASE_UNRESPONSIVE', 'DATABASE_DOWN']);
/** Errors of the socket beneath, which postgres.js hands on as they are (with the query attached). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  // drizzle wraps the driver's error (DrizzleQueryError) with the original as its cause.
  // A socket error counts only when it came through a query: an unreachable webhook is no database.
  for (let e = err, depth = 0, viaQuery = false; e instanceof Error && depth < 5; e = e.cause, depth++) {
    viaQuery ||= e.name === 'DrizzleQueryError' || Object.hasOwn(e, 'query');
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (CONNECTION_CODES.has(code) || (viaQuery && SOCKET_CODES.has(code))) return true;
    if (e.name === 'PostgresError' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_CLASSES.includes(code.slice(0, 2)))) return true;
  }
  return false;
}

/** Refused before trying: the server is known to be unreachable (DatabaseLiveness). */
export class DatabaseDownError extends Error {
  readonly code = 'DATABASE_DOWN';
  constructor() {
    super('PostgreSQL 暂时无法连接 / PostgreSQL is unreachable');
  }
}

// ---- what a retry cannot cure ----
// A projection step that PostgreSQL refuses for its data fails the same way on every retry: a text
// holding U+0000, a value out of range, a row a constraint forbids. Retrying it forever blocks its
// measure; such a step is set aside for an admin instead (activities/projection.ts). Everything
// else — an unreachable or slow server, a lock, a serialisation conflict, an error we do not know —
// is retried as before, since waiting (or a fix deployed meanwhile) may cure it.

/** SQLSTATE classes of data the server refuses: 22 data exception, 23 integrity constraint violation. */
const DATA_CLASSES = ['22', '23'];
/**
 * Exceptions within those classes that a retry does cure: a unique violation is what a step meets
 * when a twin execution of it (a retry after a timeout) committed first; the retry then skips it.
 */
const CURABLE_DATA_SQLSTATES = new Set(['23505']);

/** Why a step cannot be written, whatever the number of retries: a code and a message to show an admin. */
export interface IncurableError {
  /** The SQLSTATE (22021: U+0000 in a text, 22P05: in jsonb, 23503: a missing department, …). */
  code: string;
  message: string;
}

/**
 * The incurable cause of `err`, or undefined when a retry may cure it. Looks through drizzle's
 * wrapper (DrizzleQueryError, with the driver's error as its cause).
 */
export function incurableCause(err: unknown): IncurableError | undefined {
  if (isDatabaseUnavailable(err)) return undefined;
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (e.name === 'PostgresError' && typeof code === 'string') {
      if (CURABLE_DATA_SQLSTATES.has(code) || !DATA_CLASSES.includes(code.slice(0, 2))) return undefined;
      const detail = (e as { detail?: unknown }).detail;
      return { code, message: typeof detail === 'string' && detail ? `${e.message} (${detail})` : e.message };
    }
  }
  return undefined;
}
