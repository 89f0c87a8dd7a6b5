import { fileURLToPath } from 'node:url';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { seedCalendar } from './calendar-seed.js';
import { seedScoringRules } from './queries/scoring-rules.js';
import { DatabaseLiveness, guardedSocket } from './reply-guard.js';
import * as schema from './schema/index.js';

export type Database = PostgresJsDatabase<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  /** Whether the server is known to be unreachable (the API then answers 503 at once). */
  liveness: DatabaseLiveness;
  close(): Promise<void>;
}

/**
 * How long the database may take before we call it unavailable (the API then answers 503 and an
 * activity fails and is retried). PostgreSQL ends a slow statement or lock wait itself; a server
 * that does not answer at all (stopped, frozen, cut off) is given up on by the reply guard a
 * second later. Every statement of this application takes milliseconds; a URL may override the
 * server settings (`?statement_timeout=10000`).
 */
export const DATABASE_TIMEOUTS = {
  connectMs: 3000,
  statementMs: 4000,
  lockMs: 3000,
  /** A transaction left open by a client that went quiet gives up its locks. */
  idleInTransactionMs: 30_000,
} as const;

export function connectDatabase(url: string, opts: { max?: number; statementTimeoutMs?: number } = {}): DatabaseHandle {
  const statementMs = opts.statementTimeoutMs ?? DATABASE_TIMEOUTS.statementMs;
  const liveness = new DatabaseLiveness();
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => undefined,
    connect_timeout: DATABASE_TIMEOUTS.connectMs / 1000,
    // Sent at connection start: the server's own limits for this session.
    connection: {
      statement_timeout: statementMs,
      lock_timeout: Math.min(DATABASE_TIMEOUTS.lockMs, statementMs),
      idle_in_transaction_session_timeout: DATABASE_TIMEOUTS.idleInTransactionMs,
    },
    // After an outage, reconnect within a couple of seconds (postgres.js backs off up to 20 s).
    backoff: (retries: number) => Math.min(0.25 * retries, 2),
    // Through TLS the guard cannot read the answers; there only the server's limits apply.
    ...(usesTls(url) ? {} : { socket: guardedSocket({ replyMs: statementMs + 1000, connectMs: DATABASE_TIMEOUTS.connectMs, liveness }) }),
  });
  const db = drizzle(sql, { schema, casing: 'snake_case' });
  return { db, sql, liveness, close: () => sql.end({ timeout: 5 }) };
}

function usesTls(url: string): boolean {
  const params = new URL(url).searchParams;
  const mode = params.get('sslmode') ?? params.get('ssl');
  return mode !== null && mode !== 'disable' && mode !== 'false';
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
// Any fixed number: processes starting together (API and worker) migrate one at a time.
const MIGRATION_LOCK = 7_300_001;

/** Applies migrations and seeds reference data the code relies on (the holiday calendar, the default scoring rules). */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined, connect_timeout: 5 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    const db = drizzle(sql, { schema, casing: 'snake_case' });
    await migrate(db, { migrationsFolder });
    await seedCalendar(db);
    await seedScoringRules(db);
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Throws a one-line error naming DATABASE_URL when the database cannot be reached. */
export async function assertDatabaseReachable(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined, connect_timeout: 5 });
  try {
    await sql`select 1`;
  } catch (err) {
    throw new Error(`无法连接数据库 / cannot reach the database at DATABASE_URL (${redact(url)}): ${(err as Error).message}`, { cause: err });
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** A URL fit for logs: the password is never printed. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
