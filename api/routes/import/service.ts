// Writing an imported package: the policy, its areas, escalation version 1, the departments the
// office asked the import to create, and its measures as drafts — in one transaction, or nothing. The
// same content imported twice (its fingerprint, see prepare.ts) is refused unless confirmed.
import { createHash } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { audit } from '../../../db/queries/audit.js';
import { departmentResolver, normaliseName } from '../../../db/queries/departments.js';
import { assignments, departments, measures, policies } from '../../../db/schema/index.js';
import { ApiError, type FieldError } from '../../errors.js';
import { importFailed } from '../../excel/read-policy.js';
import { insertPolicy, type PolicyMeta } from '../policies/service.js';
import { oneLine, unknownDepartmentErrors, type ImportResult, type NamedDepartment, type UnknownDepartment } from './prepare.js';

/** The policy an earlier import of the same content made, if any. */
export async function earlierImport(db: Database, fingerprint: string) {
  const [row] = await db
    .select({ id: policies.id, code: policies.code, title: policies.title, createdAt: policies.createdAt })
    .from(policies)
    .where(eq(policies.importFingerprint, fingerprint))
    .orderBy(asc(policies.createdAt))
    .limit(1);
  return row ? { ...row, createdAt: row.createdAt.toISOString() } : undefined;
}

export function repeatImport(earlier: { id: string; code: string; title: string; createdAt: string }): ApiError {
  return new ApiError(
    409,
    'REPEAT_IMPORT',
    `内容相同的清单已于 ${earlier.createdAt.slice(0, 10)} 导入为《${earlier.title}》（文件编号 ${earlier.code}）：未再次导入。确需再导入一份，请加参数 confirmRepeat=true / the same content was imported before`,
    'confirmRepeat',
    undefined,
    { existingPolicy: earlier },
  );
}

/** A department id for a name: readable enough, the same for the same name, within the id rules. */
export function departmentIdFor(name: string): string {
  return `dept-${createHash('sha256').update(normaliseName(name)).digest('hex').slice(0, 10)}`;
}

export interface WriteOptions {
  /** Who imports: recorded on the departments the import creates. */
  actor?: { id: string; role: string } | null;
  /** Import even when the same content was imported before. */
  confirmRepeat?: boolean | undefined;
}

/**
 * Writes the policy, its areas, escalation version 1, the departments it is to create and its
 * measures as drafts: all or nothing. A repeat of earlier content (checked under a lock, so two
 * imports of one workbook at once make one policy) is refused unless confirmed; an unknown
 * department the office did not ask to create is refused too.
 */
export async function writeImport(db: Database, meta: PolicyMeta, prepared: ImportResult, options: WriteOptions = {}) {
  const refused = unknownDepartmentErrors(prepared.unknownDepartments, prepared.where);
  if (refused.length) throw importFailed(refused);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Database;
    await t.execute(sql`select pg_advisory_xact_lock(hashtext(${`import:${prepared.fingerprint}`}))`);
    const earlier = await earlierImport(t, prepared.fingerprint);
    if (earlier && !options.confirmRepeat) throw repeatImport(earlier);

    const created = await createDepartments(t, prepared.unknownDepartments, options.actor ?? null);
    const idOfDepartment = (d: NamedDepartment) => d.id ?? created.get(normaliseName(d.name))!;

    const { policy, areas } = await insertPolicy(t, meta, prepared.areas);
    await t.update(policies).set({ importFingerprint: prepared.fingerprint }).where(eq(policies.id, policy.id));
    const areaId = new Map(areas.map((a) => [a.title, a.id]));
    const rows = await t
      .insert(measures)
      .values(
        prepared.measures.map((m) => ({
          policyId: policy.id,
          areaId: m.area ? areaId.get(m.area)! : null,
          seq: m.seq,
          title: m.title,
          content: m.content,
          target: m.target,
          deadlineText: m.deadlineText,
          deadlineSpec: m.deadlineSpec,
        })),
      )
      .returning({ id: measures.id, seq: measures.seq });
    const idOf = new Map(rows.map((r) => [r.seq, r.id]));
    await t.insert(assignments).values(
      prepared.measures.flatMap((m) => [
        { measureId: idOf.get(m.seq)!, departmentId: idOfDepartment(m.lead), role: 'lead' as const },
        ...m.cooperating.map((d) => ({ measureId: idOf.get(m.seq)!, departmentId: idOfDepartment(d), role: 'cooperating' as const })),
      ]),
    );
    const createdList = [...prepared.unknownDepartments].map((u) => ({ id: created.get(normaliseName(u.name))!, name: u.name }));
    return { policy, createdDepartments: createdList };
  });
}

/**
 * The departments the import is to create, audited one by one; a name someone created meanwhile is
 * taken as it is. Returns each normalised name's id.
 */
async function createDepartments(tx: Database, unknown: UnknownDepartment[], actor: { id: string; role: string } | null): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (unknown.length === 0) return ids;
  const inserted = await tx
    .insert(departments)
    .values(unknown.map((u) => ({ id: departmentIdFor(u.name), name: oneLine(u.name), kind: 'line_department' as const })))
    .onConflictDoNothing()
    .returning({ id: departments.id, name: departments.name });
  const resolve = await departmentResolver(tx);
  for (const u of unknown) {
    const id = resolve(u.name);
    if (!id) throw new ApiError(409, 'DEPARTMENT_CONFLICT', `部门「${u.name}」无法新建：编号 ${departmentIdFor(u.name)} 已被其他部门使用 / department id taken`, 'createDepartments');
    ids.set(normaliseName(u.name), id);
  }
  for (const d of inserted) await audit(tx, { actor, action: 'department_created', detail: { departmentId: d.id, name: d.name, source: 'import' } });
  return ids;
}

/** Why an import as asked would not go through, for the dry run (each also refuses the import). */
export function blockersOf(prepared: ImportResult, title: string | null, earlier: { title: string; code: string; createdAt: string } | undefined, confirmRepeat: boolean): FieldError[] {
  const out: FieldError[] = [];
  if (!title) out.push({ field: 'title', message: MISSING_TITLE });
  out.push(...unknownDepartmentErrors(prepared.unknownDepartments, prepared.where));
  if (earlier && !confirmRepeat) out.push({ field: 'confirmRepeat', message: repeatImport({ id: '', ...earlier }).message });
  return out;
}

export const MISSING_TITLE =
  '未找到文件标题：表头上方没有《…》标题行（“附件1”、说明行与“（政策文件名称）”等占位文字不作标题）。请填写标题行，或以参数 title 给出文件标题 / title required';
