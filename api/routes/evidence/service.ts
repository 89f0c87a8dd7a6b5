// 佐证材料文件: what may be uploaded (by extension, checked against the content's first bytes),
// storing a file under EVIDENCE_DIR with its SHA-256 as it streams in, and finding the files a
// report or closure application names.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { evidenceFiles } from '../../../db/schema/index.js';
import { ApiError, invalid } from '../../errors.js';
import { textProblem } from '../../schemas/common.js';

type Magic = 'pdf' | 'png' | 'jpeg' | 'zip' | 'ole' | 'text';

/** The kinds of file offices send as evidence: documents, spreadsheets, scans and photos, archives. */
export const FILE_TYPES: Record<string, { type: string; magic: Magic[] }> = {
  pdf: { type: 'application/pdf', magic: ['pdf'] },
  ofd: { type: 'application/ofd', magic: ['zip'] },
  doc: { type: 'application/msword', magic: ['ole'] },
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', magic: ['zip'] },
  xls: { type: 'application/vnd.ms-excel', magic: ['ole'] },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', magic: ['zip'] },
  ppt: { type: 'application/vnd.ms-powerpoint', magic: ['ole'] },
  pptx: { type: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', magic: ['zip'] },
  // WPS Office saves either way.
  wps: { type: 'application/vnd.ms-works', magic: ['ole', 'zip'] },
  et: { type: 'application/vnd.ms-excel', magic: ['ole', 'zip'] },
  png: { type: 'image/png', magic: ['png'] },
  jpg: { type: 'image/jpeg', magic: ['jpeg'] },
  jpeg: { type: 'image/jpeg', magic: ['jpeg'] },
  zip: { type: 'application/zip', magic: ['zip'] },
  txt: { type: 'text/plain; charset=utf-8', magic: ['text'] },
};
export const ALLOWED_EXTENSIONS = Object.keys(FILE_TYPES);

const SIGNATURES: Record<Exclude<Magic, 'text'>, number[]> = {
  pdf: [0x25, 0x50, 0x44, 0x46, 0x2d],
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpeg: [0xff, 0xd8, 0xff],
  zip: [0x50, 0x4b, 0x03, 0x04],
  ole: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
};

/** Whether the first bytes of a file are what its extension says. */
export function contentMatches(extension: string, head: Buffer): boolean {
  const kind = FILE_TYPES[extension];
  if (!kind) return false;
  return kind.magic.some((m) => {
    if (m === 'text') return !head.includes(0) && isUtf8Prefix(head);
    const sig = SIGNATURES[m];
    return head.length >= sig.length && sig.every((b, i) => head[i] === b);
  });
}

/** UTF-8, allowing a character cut off at the end of the sample. */
function isUtf8Prefix(head: Buffer): boolean {
  for (let cut = 0; cut < 4 && cut <= head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try with a shorter sample
    }
  }
  return false;
}

/** The file's name as shown and stored: its folders dropped; refused when empty, too long or holding control characters. */
export function checkFileName(raw: string | undefined): { name: string; extension: string } {
  const name = (raw ?? '').split(/[\\/]/).pop()!.trim();
  if (!name) throw invalid('请选择要上传的文件（file）/ a file with a name is required', 'file');
  if (name.length > 200) throw invalid('文件名（file）：不能超过200个字符 / file name too long', 'file');
  const problem = textProblem(name, 'line');
  if (problem) throw invalid(`文件名（file）：${problem}`, 'file');
  const extension = path.extname(name).slice(1).toLowerCase();
  if (!FILE_TYPES[extension]) {
    throw new ApiError(415, 'UNSUPPORTED_FILE_TYPE', `不支持的文件类型「${extension ? '.' + extension : '无扩展名'}」，可上传：${ALLOWED_EXTENSIONS.join('、')} / unsupported file type`, 'file');
  }
  return { name, extension };
}

export interface StoredFile {
  id: string;
  size: number;
  sha256: string;
  head: Buffer;
}

const HEAD_BYTES = 64;

/**
 * Streams an upload into `<dir>/<id>`: written to `<id>.part` first and renamed when complete, so
 * a file by its id is always whole. Counts its size and SHA-256 on the way and keeps its first bytes.
 */
export async function storeFile(dir: string, source: NodeJS.ReadableStream): Promise<StoredFile> {
  await mkdir(dir, { recursive: true });
  const id = randomUUID();
  const part = path.join(dir, `${id}.part`);
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, measure, createWriteStream(part, { flags: 'wx' }));
    await rename(part, path.join(dir, id));
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
  return { id, size, sha256: hash.digest('hex'), head };
}

export const filePath = (dir: string, id: string) => path.join(dir, id);

/** Removes a stored file that will not be kept (refused content, a failed insert). */
export const discardFile = (dir: string, id: string) => rm(filePath(dir, id), { force: true });

/** The URL a file is downloaded from. */
export const downloadUrl = (id: string) => `/api/evidence/${id}`;

/**
 * The files named by a report's or closure application's evidence (`fileId`), each of which must
 * be one this department uploaded for this measure: 422 naming `evidence.<i>.fileId` otherwise.
 */
export async function checkEvidenceFiles(db: Database, measureId: string, departmentId: string | null | undefined, evidence: unknown): Promise<void> {
  if (!Array.isArray(evidence)) return;
  const wanted = evidence.map((e, i) => ({ i, id: (e as { fileId?: unknown } | null)?.fileId })).filter((x): x is { i: number; id: string } => typeof x.id === 'string');
  if (!wanted.length) return;
  const found = await db
    .select({ id: evidenceFiles.id })
    .from(evidenceFiles)
    .where(and(inArray(evidenceFiles.id, wanted.map((w) => w.id)), eq(evidenceFiles.measureId, measureId), eq(evidenceFiles.departmentId, departmentId ?? '')));
  const known = new Set(found.map((f) => f.id));
  const missing = wanted.find((w) => !known.has(w.id));
  if (missing) throw invalid(`佐证材料（evidence.${missing.i}.fileId）：找不到本部门为此措施上传的这个文件，请重新上传 / no such file of your department for this measure`, `evidence.${missing.i}.fileId`);
}
