// 导入政策文件: from JSON, or from an Excel workbook sent as the request body; all or nothing,
// with every bad row and column reported at once. `?dryRun=true` checks without writing.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../../db/queries/audit.js';
import { ApiError, badRequest, invalid } from '../../errors.js';
import { readPolicyWorkbook } from '../../excel/read-policy.js';
import { sendWorkbook, templateWorkbook } from '../../excel/write.js';
import { OFFICE_ROLES } from '../../plugins/access.js';
import { principalOf } from '../../plugins/auth.js';
import { errors, isoDate, line, multiline, queryBool } from '../../schemas/common.js';
import { policy, policyCode, policyMeta } from '../../schemas/policies.js';
import { policyView, type PolicyMeta } from '../policies/service.js';
import { prepareImport, writeImport, type ImportResult, type ImportRow } from './service.js';
import { departments } from '../../../db/schema/index.js';
import { asc } from 'drizzle-orm';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const cell = z.union([multiline(20_000), z.number()]).optional();
const cells = z.union([multiline(5_000), z.array(line(500)).max(100)]).optional();

const jsonImportBody = z.object({
  policy: policyMeta,
  measures: z
    .array(
      z.object({
        seq: cell,
        area: cell,
        title: line(200).optional(),
        content: cell.describe('措施内容'),
        leadDepartment: cell.describe('牵头单位：部门全称或简称'),
        cooperatingDepartments: cells.describe('配合单位：数组，或以、，,;或换行分隔的文字'),
        deadline: cell.describe('完成时限，如 2025年6月底前'),
        target: cell.describe('工作目标/预期成果'),
      }),
    )
    .max(2000),
});

const importResult = z.object({
  policy: policy.nullable().describe('试导入（dryRun）时为 null'),
  dryRun: z.boolean(),
  areas: z.array(z.string()),
  measures: z.number(),
  warnings: z.array(z.object({ row: z.number(), column: z.string(), message: z.string() })),
  preview: z
    .array(z.object({ seq: z.number(), area: z.string().nullable(), title: z.string(), deadlineText: z.string(), leadDepartmentId: z.string(), cooperatingDepartmentIds: z.array(z.string()) }))
    .optional(),
});

const excelQuery = z.object({
  code: policyCode.optional().describe('文件编号；省略时自动生成'),
  title: line(300).min(1).optional().describe('文件标题；省略时取表头上方的标题行'),
  issuer: line(300).optional(),
  issuedOn: isoDate.optional(),
  dryRun: queryBool.optional(),
});

const str = (v: string | number | undefined) => (v === undefined ? '' : String(v));

/** 《加快培育…若干措施》责任分工清单 → 加快培育…若干措施 */
function titleFromSheet(title: string | null): string | undefined {
  if (!title) return undefined;
  const quoted = /《([^》]+)》/.exec(title);
  const t = (quoted ? quoted[1]! : title.replace(/(?:责任分工|任务分工|重点任务|三张)?清单$|(?:责任分工|任务分工)表$/, '')).trim();
  return t || undefined;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const office = { roles: [...OFFICE_ROLES] };

  app.addContentTypeParser([XLSX, 'application/octet-stream'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const finish = async (request: Parameters<typeof principalOf>[0], meta: PolicyMeta, prepared: ImportResult, dryRun: boolean, source: string) => {
    const base = { dryRun, areas: prepared.areas, measures: prepared.measures.length, warnings: prepared.warnings };
    if (dryRun) {
      return {
        policy: null,
        ...base,
        preview: prepared.measures.map((m) => ({ seq: m.seq, area: m.area, title: m.title, deadlineText: m.deadlineText, leadDepartmentId: m.leadDepartmentId, cooperatingDepartmentIds: m.cooperatingDepartmentIds })),
      };
    }
    const created = await writeImport(db, meta, prepared);
    await audit(db, { actor: principalOf(request), action: 'policy_imported', detail: { policyId: created.id, code: created.code, source, measures: prepared.measures.length, areas: prepared.areas.length } });
    return { policy: await policyView(db, created.id), ...base };
  };

  app.post(
    '/policies',
    {
      config: office,
      schema: {
        tags: ['policies'],
        summary: '从 JSON 导入政策文件及其措施（全部成功才写入）',
        querystring: z.object({ dryRun: queryBool.optional() }),
        body: jsonImportBody,
        response: { 201: importResult, 200: importResult, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const rows: ImportRow[] = request.body.measures.map((m, i) => ({
        row: i + 1,
        seq: str(m.seq),
        area: str(m.area),
        measure: str(m.content),
        title: m.title,
        lead: str(m.leadDepartment),
        cooperating: m.cooperatingDepartments ?? '',
        deadline: str(m.deadline),
        target: str(m.target),
      }));
      const prepared = await prepareImport(db, rows, 'json');
      const dryRun = request.query.dryRun ?? false;
      return reply.status(dryRun ? 200 : 201).send(await finish(request, request.body.policy, prepared, dryRun, 'json'));
    },
  );

  app.post(
    '/policies/excel',
    {
      config: office,
      schema: {
        tags: ['policies'],
        summary: '从 Excel 导入政策文件（请求体为 .xlsx 文件本身）',
        description:
          `请求体为工作簿文件，\`Content-Type: ${XLSX}\`（例：\`curl --data-binary @清单.xlsx -H 'Content-Type: ${XLSX}'\`）。` +
          '表头为：序号、方面、措施、牵头单位、配合单位、完成时限、工作目标/预期成果（模板见 GET /api/import/template.xlsx）。部门按全称或简称匹配；配合单位可用、，,; 或换行分隔。',
        querystring: excelQuery,
        consumes: [XLSX, 'application/octet-stream'],
        response: { 201: importResult, 200: importResult, ...errors(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `请求体应为 .xlsx 文件，Content-Type: ${XLSX} / send the workbook itself`, 'file');
      if (request.body.length === 0) throw badRequest(`请求体应为 .xlsx 文件，Content-Type: ${XLSX} / send the workbook as the body`, 'file');
      const sheet = await readPolicyWorkbook(request.body);
      const title = request.query.title ?? titleFromSheet(sheet.title);
      if (!title) throw invalid('缺少文件标题：请在表头上方写标题行，或以参数 title 给出 / title required', 'title');
      const stamp = new Date().toISOString().slice(0, 10).replaceAll('-', '');
      const meta: PolicyMeta = {
        code: request.query.code ?? `IMP-${stamp}-${randomBytes(3).toString('hex')}`,
        title: [...title].slice(0, 300).join(''),
        issuer: request.query.issuer,
        issuedOn: request.query.issuedOn,
      };
      const rows: ImportRow[] = sheet.rows.map((r) => ({ row: r.row, seq: r.cells.seq, area: r.cells.area, measure: r.cells.measure, lead: r.cells.lead, cooperating: r.cells.cooperating, deadline: r.cells.deadline, target: r.cells.target }));
      const prepared = await prepareImport(db, rows, 'excel');
      const dryRun = request.query.dryRun ?? false;
      return reply.status(dryRun ? 200 : 201).send(await finish(request, meta, prepared, dryRun, `excel:${sheet.sheetName}`));
    },
  );

  app.get(
    '/template.xlsx',
    { config: office, schema: { tags: ['policies'], summary: '下载 Excel 导入模板（含填写说明与部门名称表）', produces: [XLSX], response: errors(401, 403) } },
    async (_request, reply) => {
      const depts = await db.select().from(departments).orderBy(asc(departments.name));
      return sendWorkbook(reply, await templateWorkbook(depts), '三张清单导入模板.xlsx', 'three-lists-import-template.xlsx');
    },
  );
};

export default routes;
