// Who sees which measures. The coordination office and admins see all; a department sees the
// measures it is assigned to (as lead or cooperating department) once they are dispatched; a
// leader sees the measures in the areas and of the departments assigned to them. A measure one
// may not see answers 404, as if it did not exist.
import { and, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { overseenDepartmentIds } from '../../db/queries/scorecards.js';
import { measures } from '../../db/schema/index.js';
import { notFound } from '../errors.js';
import type { Principal } from './auth.js';

/** Everyone who sees every measure and acts for the coordination office. */
export const OFFICE_ROLES = ['admin', 'coordination_office'] as const;
export const isOffice = (p: Principal) => p.role === 'admin' || p.role === 'coordination_office';

/** A condition on `measures` limiting rows to those the person may see; undefined: all. */
export function visibleMeasures(p: Principal): SQL | undefined {
  if (isOffice(p)) return undefined;
  const dispatched = ne(measures.status, 'draft');
  if (p.role === 'department') {
    if (!p.departmentId) return sql`false`;
    return and(dispatched, sql`exists (select 1 from assignments a where a.measure_id = "measures"."id" and a.department_id = ${p.departmentId})`);
  }
  // leader
  const byArea = p.leaderAreaIds.length ? inArray(measures.areaId, p.leaderAreaIds) : undefined;
  const byDepartment = p.leaderDepartmentIds.length
    ? sql`exists (select 1 from assignments a where a.measure_id = "measures"."id" and a.department_id in ${p.leaderDepartmentIds})`
    : undefined;
  if (!byArea && !byDepartment) return sql`false`;
  return and(dispatched, or(byArea, byDepartment));
}

/**
 * Departments whose scorecards the person may see (undefined: all): a department its own, a leader
 * those they oversee by department or by area (see overseenDepartmentIds). Only the rows shown
 * depend on it; ranks are computed over every department.
 */
export async function visibleDepartmentIds(db: Database, p: Principal): Promise<string[] | undefined> {
  if (isOffice(p)) return undefined;
  if (p.role === 'department') return p.departmentId ? [p.departmentId] : [];
  return overseenDepartmentIds(db, { departmentIds: p.leaderDepartmentIds, areaIds: p.leaderAreaIds });
}

/** The measure, if the person may see it; 404 otherwise. */
export async function findVisibleMeasure(db: Database, p: Principal, id: string) {
  const [row] = await db
    .select()
    .from(measures)
    .where(and(eq(measures.id, id), visibleMeasures(p)));
  if (!row) throw notFound('措施', 'id');
  return row;
}
