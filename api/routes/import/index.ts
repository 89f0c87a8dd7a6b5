// 导入政策文件: from JSON, or from an Excel workbook sent as the request body; all or nothing,
// with every bad row and column reported at once. `?dryRun=true` checks without writing and shows,
// row by row, the title and the deadline each measure will get, the departments not known yet, and
// what would stop the import as asked (no title, unknown departments, a repeat of earlier content).
import { randomBytes } from 'node:crypto';
import { asc } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../../db/queries/audit.js';
import { departments } from '../../../db/schema/index.js';
import { shanghaiDate } from '../../../workflows/rules/calendar.js';
import { describeDeadline } from '../../../workflows/rules/deadline.js';
import { ApiError, badRequest, invalid } from '../../errors.js';
import { readPolicyWorkbook } from '../../excel/read-policy.js';
import { templateWorkbook } from '../../excel/template.js';
import { isPlaceholder } from '../../excel/title.js';
import { sendWorkbook } from '../../excel/write.js';
import { OFFICE_ROLES } from '../../plugins/access.js';
import { principalOf } from '../../plugins/auth.js';
import { errors, workbook } from '../../schemas/common.js';
import { excelImportQuery, importOptions, importResult, jsonImportBody } from '../../schemas/imports.js';
import { policyView, type PolicyMeta } from '../policies/service.js';
import { prepareImport, splitDepartments, type ImportResult, type ImportRow, type PreparedMeasure } from './prepare.js';
import { blockersOf, earlierImport, MISSING_TITLE, repeatImport, writeImport } from './service.js';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const str = (v: string | number | undefined) => (v === undefined ? '' : String(v));

function previewOf(m: PreparedMeasure, now: number) {
  const { kind } = m.deadlineSpec;
  return {
    row: m.row,
    seq: m.seq,
    area: m.area,
    title: m.title,
    deadline: {
      text: m.deadlineText,
      kind,
      date: m.deadlineEndsAt === undefined ? null : shanghaiDate(m.deadlineEndsAt - 1),
      description: describeDeadline(m.deadlineSpec),
      passed: m.deadlineEndsAt !== undefined && m.deadlineEndsAt < now,
    },
    deadlineText: m.deadlineText,
    leadDepartment: m.lead,
    leadDepartmentId: m.lead.id,
    cooperatingDepartments: m.cooperating,
    cooperatingDepartmentIds: m.cooperating.flatMap((d) => (d.id ? [d.id] : [])),
  };
}

/** A title given by the office must be one: "（政策文件名称）" or "附件1" is not. */
function checkTitle(title: string, field: string): string {
  if (isPlaceholder(title) || /^附\s*件\s*[0-9０-９一二三四五六七八九十]*$/.test(title.trim())) {
    throw invalid(`文件标题「${title}」是占位文字或附件编号，不是文件标题：请填写政策文件的标题 / not a real title`, field);
  }
  return title;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const office = { roles: [...OFFICE_ROLES] };

  app.addContentTypeParser([XLSX, 'application/octet-stream'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  type Title = { text: string; source: 'query' | 'sheet' | 'body'; row: number | null } | null;
  interface Asked {
    dryRun: boolean;
    confirmRepeat: boolean;
    source: string;
  }

  const finish = async (request: Parameters<typeof principalOf>[0], meta: Omit<PolicyMeta, 'title'>, title: Title, prepared: ImportResult, asked: Asked) => {
    const now = Date.now();
    const earlier = await earlierImport(db, prepared.fingerprint);
    const base = {
      dryRun: asked.dryRun,
      title,
      areas: prepared.areas,
      measures: prepared.measures.length,
      warnings: prepared.warnings,
      unknownDepartments: prepared.unknownDepartments,
      repeatOf: earlier ?? null,
    };
    if (asked.dryRun) {
      const blockers = blockersOf(prepared, title?.text ?? null, earlier, asked.confirmRepeat);
      return { policy: null, ready: blockers.length === 0, blockers, createdDepartments: [], ...base, preview: prepared.measures.map((m) => previewOf(m, now)) };
    }
    if (!title) throw invalid(MISSING_TITLE, 'title');
    if (earlier && !asked.confirmRepeat) throw repeatImport(earlier);
    const actor = principalOf(request);
    const { policy: created, createdDepartments } = await writeImport(db, { ...meta, title: title.text }, prepared, { actor, confirmRepeat: asked.confirmRepeat });
    await audit(db, {
      actor,
      action: 'policy_imported',
      detail: { policyId: created.id, code: created.code, source: asked.source, measures: prepared.measures.length, areas: prepared.areas.length, createdDepartments, ...(earlier ? { repeatOf: earlier.id } : {}) },
    });
    return { policy: await policyView(db, created.id), ready: true, blockers: [], createdDepartments, ...base };
  };

  app.post(
    '/policies',
    {
      config: office,
      schema: {
        tags: ['policies'],
        summary: '从 JSON 导入政策文件及其措施（全部成功才写入）',
        querystring: z.strictObject(importOptions),
        body: jsonImportBody,
        response: { 201: importResult, 200: importResult, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { policy: given, createDepartments } = request.body;
      const { title: _title, ...meta } = given;
      const title = checkTitle(given.title, 'policy.title');
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
      const q = request.query;
      const prepared = await prepareImport(db, rows, 'json', { createDepartments: q.createUnknownDepartments ? 'all' : createDepartments });
      const dryRun = q.dryRun ?? false;
      const result = await finish(request, meta, { text: title, source: 'body', row: null }, prepared, { dryRun, confirmRepeat: q.confirmRepeat ?? false, source: 'json' });
      return reply.status(dryRun ? 200 : 201).send(result);
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
          '表头上方可有“附件1”、《…》标题行与说明行，标题取《…》中的文字（占位文字不取，此时须以参数 title 给出）。' +
          '表头为：序号、方面、措施、牵头单位、配合单位、完成时限、工作目标/预期成果（模板见 GET /api/import/template.xlsx）。部门按全称、简称或编号匹配；配合单位可用、，,; 或换行分隔。' +
          '尚不存在的部门每个列出一次，可用 createUnknownDepartments=true 或 createDepartments 随导入新建。内容与已导入的清单相同时答 409 REPEAT_IMPORT，确需再导入加 confirmRepeat=true。',
        querystring: excelImportQuery,
        consumes: [XLSX, 'application/octet-stream'],
        response: { 201: importResult, 200: importResult, ...errors(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `请求体应为 .xlsx 文件，Content-Type: ${XLSX} / send the workbook itself`, 'file');
      if (request.body.length === 0) throw badRequest(`请求体应为 .xlsx 文件，Content-Type: ${XLSX} / send the workbook as the body`, 'file');
      const q = request.query;
      const sheet = await readPolicyWorkbook(request.body);
      const title: Title = q.title ? { text: checkTitle(q.title, 'title'), source: 'query', row: null } : sheet.title ? { text: sheet.title.text, source: 'sheet', row: sheet.title.row } : null;
      const stamp = new Date().toISOString().slice(0, 10).replaceAll('-', '');
      const meta = { code: q.code ?? `IMP-${stamp}-${randomBytes(3).toString('hex')}`, issuer: q.issuer, issuedOn: q.issuedOn };
      const rows: ImportRow[] = sheet.rows.map((r) => ({ row: r.row, seq: r.cells.seq, area: r.cells.area, measure: r.cells.measure, lead: r.cells.lead, cooperating: r.cells.cooperating, deadline: r.cells.deadline, target: r.cells.target }));
      const prepared = await prepareImport(db, rows, 'excel', { createDepartments: q.createUnknownDepartments ? 'all' : q.createDepartments ? splitDepartments(q.createDepartments) : undefined });
      prepared.warnings = [...sheet.skipped, ...prepared.warnings].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      const dryRun = q.dryRun ?? false;
      const result = await finish(request, meta, title, prepared, { dryRun, confirmRepeat: q.confirmRepeat ?? false, source: `excel:${sheet.sheetName}` });
      return reply.status(dryRun ? 200 : 201).send(result);
    },
  );

  app.get(
    '/template.xlsx',
    { config: office, schema: { tags: ['policies'], summary: '下载 Excel 导入模板（含填写说明与部门名称表，牵头单位、配合单位可从下拉列表选择）', response: { 200: workbook('导入模板（.xlsx）'), ...errors(401, 403) } } },
    async (_request, reply) => {
      const depts = await db.select().from(departments).orderBy(asc(departments.name));
      return sendWorkbook(reply, await templateWorkbook(depts), '三张清单导入模板.xlsx', 'three-lists-import-template.xlsx');
    },
  );
};

export default routes;
