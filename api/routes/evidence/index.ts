// 佐证材料文件: a department uploads a file for a measure it is assigned to (multipart/form-data,
// field `file`), the server keeps it under EVIDENCE_DIR with its size and SHA-256, and a progress
// report or closure application names it by `fileId`. Downloads are for whoever may see the measure.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../../db/queries/audit.js';
import { evidenceFiles } from '../../../db/schema/index.js';
import { ApiError, badRequest, conflict, invalid, notFound } from '../../errors.js';
import { findVisibleMeasure } from '../../plugins/access.js';
import { principalOf } from '../../plugins/auth.js';
import { errors, idParams } from '../../schemas/common.js';
import { evidenceFile } from '../../schemas/measures.js';
import { ALLOWED_EXTENSIONS, checkFileName, contentMatches, discardFile, downloadUrl, FILE_TYPES, filePath, storeFile } from './service.js';

export interface EvidenceOptions {
  /** Where files are kept (EVIDENCE_DIR). */
  dir: string;
  /** Largest file, in bytes (MAX_UPLOAD_MB). */
  maxBytes: number;
}

const OPEN = new Set(['dispatched', 'supervised', 'closure_review']);

export const evidenceView = (f: typeof evidenceFiles.$inferSelect): z.infer<typeof evidenceFile> => ({
  id: f.id,
  measureId: f.measureId,
  departmentId: f.departmentId,
  name: f.name,
  contentType: f.contentType,
  size: f.size,
  sha256: f.sha256,
  uploadedAt: f.createdAt.toISOString(),
  url: downloadUrl(f.id),
});

/** RFC 6266/5987: the Chinese name for browsers that read filename*, an ASCII stand-in for the rest. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const routes: FastifyPluginAsyncZod<EvidenceOptions> = async (app, opts) => {
  const db = app.deps.database.db;
  const mb = Math.round((opts.maxBytes / 1024 / 1024) * 10) / 10;
  // Only the upload route reads multipart bodies: registered in this plugin's scope alone.
  await app.register(multipart, { limits: { fileSize: opts.maxBytes, files: 1, fields: 5, parts: 6, fieldSize: 1000, headerPairs: 50 } });

  app.post(
    '/measures/:id/evidence',
    {
      config: { roles: ['department'], multipartBody: z.object({ file: z.string().meta({ format: 'binary' }).describe('文件本身') }) },
      schema: {
        tags: ['measures'],
        summary: '上传佐证材料文件（multipart/form-data，字段 file）',
        description:
          `以 \`multipart/form-data\` 上传一个文件（字段名 \`file\`），最大 ${mb} MB（MAX_UPLOAD_MB），类型：${ALLOWED_EXTENSIONS.join('、')}（按扩展名，并核对文件内容）。` +
          '仅本措施的责任单位可上传，且措施未办结；返回的 `id` 在进展反馈或申请销号的 `evidence` 中以 `fileId` 引用，`sha256` 为内容的校验和。' +
          '相同 Idempotency-Key 重发时返回第一次上传的结果。',
        params: idParams,
        consumes: ['multipart/form-data'],
        response: { 201: evidenceFile, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const m = await findVisibleMeasure(db, p, request.params.id);
      if (!OPEN.has(m.status)) throw conflict('MEASURE_CLOSED', '措施已办结，不能再上传佐证材料 / the measure is no longer open');
      if (!request.isMultipart()) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件（字段 file）/ send multipart/form-data', 'file');

      let part: Awaited<ReturnType<typeof request.file>>;
      try {
        part = await request.file();
      } catch (err) {
        throw multipartError(err);
      }
      if (!part || part.fieldname !== 'file') throw invalid('请选择要上传的文件（file）/ the form needs a file in the field `file`', 'file');
      let name: string;
      let extension: string;
      try {
        ({ name, extension } = checkFileName(part.filename));
      } catch (err) {
        part.file.resume(); // drain, so the request ends
        throw err;
      }
      let stored;
      try {
        stored = await storeFile(opts.dir, part.file);
      } catch (err) {
        throw multipartError(err);
      }
      const refuse = async (error: ApiError) => {
        await discardFile(opts.dir, stored.id);
        return error;
      };
      if (part.file.truncated) throw await refuse(new ApiError(413, 'FILE_TOO_LARGE', `文件（file）超过 ${mb} MB 的上限 / the file is larger than ${mb} MB`, 'file'));
      if (stored.size === 0) throw await refuse(invalid('文件（file）是空的，请重新选择 / the file is empty', 'file'));
      if (!contentMatches(extension, stored.head)) {
        throw await refuse(new ApiError(415, 'FILE_CONTENT_MISMATCH', `文件（file）的内容不是 .${extension} 文件，请检查后重新上传 / the content is not a .${extension} file`, 'file'));
      }
      try {
        const [row] = await db
          .insert(evidenceFiles)
          .values({ id: stored.id, measureId: m.id, departmentId: p.departmentId!, uploadedBy: p.id, name, contentType: FILE_TYPES[extension]!.type, size: stored.size, sha256: stored.sha256 })
          .returning();
        await audit(db, { actor: p, action: 'evidence_uploaded', measureId: m.id, detail: { fileId: stored.id, name, size: stored.size, sha256: stored.sha256 } });
        return reply.status(201).send(evidenceView(row!));
      } catch (err) {
        await discardFile(opts.dir, stored.id);
        throw err;
      }
    },
  );

  app.get(
    '/evidence/:id',
    {
      schema: {
        tags: ['measures'],
        summary: '下载佐证材料文件',
        description: '能查看该措施的人可下载（部门：本部门承担的措施；分管领导：分管范围内）；否则答 404。响应头 `Digest`/`ETag` 带内容的 SHA-256。',
        params: idParams,
        response: { 200: { description: '文件本身（Content-Disposition: attachment）', content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } } }, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const [file] = await db.select().from(evidenceFiles).where(eq(evidenceFiles.id, request.params.id));
      if (!file) throw notFound('文件', 'id');
      await findVisibleMeasure(db, p, file.measureId).catch(() => {
        throw notFound('文件', 'id');
      });
      const where = filePath(opts.dir, file.id);
      const found = await stat(where).catch(() => null);
      if (!found || found.size !== file.size) {
        request.log.error({ fileId: file.id }, 'evidence file missing from EVIDENCE_DIR');
        throw new ApiError(404, 'FILE_MISSING', '文件已不在服务器上，请联系系统管理员从备份恢复 / the stored file is missing', 'id');
      }
      return reply
        .header('content-type', file.contentType)
        .header('content-length', file.size)
        .header('content-disposition', contentDisposition(file.name))
        .header('etag', `"${file.sha256}"`)
        .header('x-content-type-options', 'nosniff')
        // Opened directly, a file runs nothing: no script, no plugin, its own origin.
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('cache-control', 'private, no-cache')
        // The documented body is the file's bytes; the type provider knows it only as a string.
        .send(createReadStream(where) as unknown as string);
    },
  );
};

/** What the multipart reader throws, as our errors: a file too large, a body that is not a form. */
function multipartError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413) return new ApiError(413, 'FILE_TOO_LARGE', '文件（file）过大，或表单内容过多 / the file or the form is too large', 'file');
  if (e.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件（字段 file）/ send multipart/form-data', 'file');
  // The disk, not the request: a fault of ours, answered as such.
  if ((err as NodeJS.ErrnoException).syscall) return err;
  if (e.code === 'FST_PROTO_VIOLATION' || typeof e.statusCode !== 'number' || (e.statusCode >= 400 && e.statusCode < 500)) {
    return badRequest('上传的表单无法读取，请重新上传 / the multipart form cannot be read', 'file');
  }
  return err;
}

export default routes;
