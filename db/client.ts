import { fileURLToPath } from 'node:url';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { seedCalendar } from './calendar-seed.js';
import { seedScoringRules } from './queries/scoring-rules.js';
import * as schema from './schema/index.js';

export type Database = PostgresJsDatabase<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export function connectDatabase(url: string, opts: { max?: number } = {}): DatabaseHandle {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => undefined,
    connect_timeout: 5,
  });
  const db = drizzle(sql, { schema, casing: 'snake_case' });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
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
