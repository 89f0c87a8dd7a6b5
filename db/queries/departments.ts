// One way to name a department everywhere: its id (`health`), its full name (市卫生健康委员会) or its
// short name (市卫生健康委), read the way people type them — full-width letters and digits as
// half-width, spaces ignored. The import, the lists' and exports' filters, scorecards, people and
// measure drafts all resolve through here.
import type { Database } from '../client.js';
import { departments } from '../schema/index.js';

/** The form names are compared in: NFKC (full-width → half-width), no whitespace. */
export const normaliseName = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');

export interface DepartmentRow {
  id: string;
  name: string;
  shortName: string | null;
}

export interface DepartmentResolver {
  /** The id of the department this name, short name or id stands for. */
  (ref: string): string | undefined;
  rows: DepartmentRow[];
}

/** Reads the departments once; the resolver answers from memory (an import resolves hundreds of cells). */
export async function departmentResolver(db: Database): Promise<DepartmentResolver> {
  const rows = await db.select({ id: departments.id, name: departments.name, shortName: departments.shortName }).from(departments);
  const byName = new Map<string, string>();
  // Ids first, then short names, then full names: a full name wins over someone's short name.
  for (const d of rows) byName.set(normaliseName(d.id), d.id);
  for (const d of rows) if (d.shortName) byName.set(normaliseName(d.shortName), d.id);
  for (const d of rows) byName.set(normaliseName(d.name), d.id);
  const resolve = ((ref: string) => byName.get(normaliseName(ref))) as DepartmentResolver;
  resolve.rows = rows;
  return resolve;
}

/** Known names that look like `name` (one contains the other): "did you mean" for an unknown one. */
export function similarNames(name: string, rows: DepartmentRow[], max = 3): string[] {
  const n = normaliseName(name);
  const core = n.replace(/^(?:省|市|区|县|自治区)/, '').replace(/(?:委员会|委|局|厅|办公室|办|中心)$/, '');
  if (core.length < 2) return [];
  return rows
    .filter((d) => [d.name, d.shortName ?? ''].some((x) => x && (normaliseName(x).includes(core) || n.includes(normaliseName(x)))))
    .map((d) => d.shortName ?? d.name)
    .slice(0, max);
}
