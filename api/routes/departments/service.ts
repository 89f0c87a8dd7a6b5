// A department named in a request — a filter, a person's department, a measure's lead — is read the
// way the import reads it: id, full name or short name (db/queries/departments.ts). Every unknown one
// is listed at once, naming its field.
import type { Database } from '../../../db/client.js';
import { departmentResolver, similarNames } from '../../../db/queries/departments.js';
import { ApiError, type FieldError } from '../../errors.js';
import { fieldLabel } from '../../schemas/common.js';

/** A department reference in a request: where it is and what was written. */
export type DepartmentRef = [field: string, value: string];

/**
 * The ids these references stand for, in order. Unknown ones answer 422 (a body) or 400 (a query
 * string), each named with its field and, when one looks close, the name it may have meant.
 */
export async function resolveDepartmentRefs(db: Database, refs: DepartmentRef[], where: 'body' | 'query' = 'body'): Promise<string[]> {
  if (refs.length === 0) return [];
  const resolve = await departmentResolver(db);
  const problems: FieldError[] = [];
  const ids = refs.map(([field, value]) => {
    const id = resolve(value);
    if (!id) {
      const near = similarNames(value, resolve.rows);
      problems.push({
        field,
        message: `${fieldLabel(field.split('.'))}：未找到部门「${value}」（可填写部门全称、简称或编号${near.length ? `；相近的有：${near.join('、')}` : ''}）/ unknown department`,
      });
    }
    return id ?? '';
  });
  if (problems.length) {
    const [first] = problems;
    throw where === 'query'
      ? new ApiError(400, 'BAD_REQUEST', first!.message, first!.field, problems)
      : new ApiError(422, 'VALIDATION', first!.message, first!.field, problems);
  }
  return ids;
}

/** One optional reference: its id, or undefined when none was given. */
export async function resolveDepartmentRef(db: Database, field: string, value: string | undefined, where: 'body' | 'query' = 'body'): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const [id] = await resolveDepartmentRefs(db, [[field, value]], where);
  return id;
}

/**
 * The body with each named field's department references (a string, or a list of them) replaced by
 * ids; null and absent fields stay as they are. Every unknown one is listed at once.
 */
export async function withDepartmentIds<T extends object>(db: Database, body: T, fields: Array<keyof T & string>): Promise<T> {
  const refs: DepartmentRef[] = [];
  const record = body as Record<string, unknown>;
  for (const f of fields) {
    const v = record[f];
    if (typeof v === 'string') refs.push([f, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => typeof x === 'string' && refs.push([`${f}.${i}`, x]));
  }
  const ids = await resolveDepartmentRefs(db, refs);
  const out: Record<string, unknown> = { ...record };
  let k = 0;
  for (const f of fields) {
    const v = record[f];
    if (typeof v === 'string') out[f] = ids[k++];
    else if (Array.isArray(v)) out[f] = v.map((x) => (typeof x === 'string' ? ids[k++] : x));
  }
  return out as T;
}
