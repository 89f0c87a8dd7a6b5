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
