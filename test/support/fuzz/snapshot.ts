// Every table of the application database as a row count and a hash of its contents, to show that
// a rejected request changed nothing.
import type postgres from 'postgres';

export type Snapshot = Map<string, { rows: number; hash: string }>;

/**
 * Rows a rejected request may write, by design, and nothing else:
 * - audit_events of action `login_failed`: a refused sign-in is recorded for the security trail.
 * Everything else is compared whole: sessions (a refused sign-in opens none), idempotent_requests
 * (a failed request's claim on its Idempotency-Key is released before the answer leaves), the
 * lists, the outbox, the inbox.
 */
const ALLOWED_WRITES: Record<string, string> = {
  audit_events: `where action <> 'login_failed'`,
};

export async function snapshot(sql: postgres.Sql): Promise<Snapshot> {
  const tables = await sql<Array<{ name: string }>>`
    select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
  const parts = tables.map(
    ({ name }) =>
      `select '${name}' as name, count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as hash from "${name}" t ${ALLOWED_WRITES[name] ?? ''}`,
  );
  const rows = await sql.unsafe<Array<{ name: string; rows: number; hash: string }>>(parts.join(' union all '));
  return new Map(rows.map((r) => [r.name, { rows: r.rows, hash: r.hash }]));
}

/** The tables whose rows differ, with their counts before → after. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names]
    .filter((n) => before.get(n)?.hash !== after.get(n)?.hash)
    .map((n) => `${n} (${before.get(n)?.rows ?? 0} → ${after.get(n)?.rows ?? 0} rows)`);
}
