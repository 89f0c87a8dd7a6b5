// 佐证材料文件 over HTTP: a department uploads a file for its measure (multipart), the server keeps it
// with its size and SHA-256 and refuses what is too large, of another type or not what its name
// says; reports and closure applications name it by fileId; downloads follow who may see the
// measure. And each measure's detail says which actions the signed-in person may take.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceFiles } from '../../db/schema/index.js';
import { createApiEnv, dispatchedMeasure, expectErrorShape, waitForList, type ApiEnv, type User } from '../support/api.js';

const LIMIT = 64 * 1024;
let api: ApiEnv;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'evidence-test-'));
  api = await createApiEnv('evidence', { app: { evidenceDir: dir, bodyLimitBytes: LIMIT } });
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('1 0 obj << /Type /Catalog >> endobj\n'.repeat(20)), Buffer.from('%%EOF\n')]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

/** A multipart/form-data body with one file part (and any text fields before it). */
function form(filename: string | null, content: Buffer, opts: { field?: string; type?: string; fields?: Record<string, string> } = {}) {
  const boundary = '----three-lists-test-' + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(opts.fields ?? {})) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const disposition = filename === null ? `form-data; name="${opts.field ?? 'file'}"` : `form-data; name="${opts.field ?? 'file'}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
  chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${opts.type ?? 'application/octet-stream'}\r\n\r\n`), content, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const upload = (user: User | null, measureId: string, body: { payload: Buffer; headers: Record<string, string> }) =>
  api.req(user, 'POST', `/api/measures/${measureId}/evidence`, body.payload, body.headers);
const rows = (measureId: string) => api.env.database.db.select().from(evidenceFiles).where(eq(evidenceFiles.measureId, measureId));
const storedFiles = () => readdirSync(dir).sort();

describe('uploading evidence files', () => {
  let measureId: string;
  beforeAll(async () => {
    measureId = await dispatchedMeasure(api, { cooperatingDepartmentIds: ['finance'] });
  });

  it('keeps a department’s file with its size and SHA-256, and gives it back to whoever sees the measure', async () => {
    const res = await upload('health', measureId, form('专题会议纪要.pdf', PDF, { type: 'text/html' }));
    expect(res.statusCode, res.body).toBe(201);
    const file = res.json();
    const sha256 = createHash('sha256').update(PDF).digest('hex');
    // The type follows the name and the content, not what the browser claimed.
    expect(file).toMatchObject({ measureId, departmentId: 'health', name: '专题会议纪要.pdf', contentType: 'application/pdf', size: PDF.length, sha256, url: `/api/evidence/${file.id}` });
    expect(await rows(measureId)).toHaveLength(1);
    expect(storedFiles()).toContain(file.id);

    for (const user of ['health', 'finance', 'office', 'admin', 'leader'] as const) {
      const got = await api.get(user, file.url);
      expect(got.statusCode, `${user}: ${got.body.slice(0, 200)}`).toBe(200);
      expect(got.rawPayload.equals(PDF)).toBe(true);
      expect(got.headers['content-type']).toBe('application/pdf');
      expect(got.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('专题会议纪要.pdf')}`);
      expect(got.headers.etag).toBe(`"${sha256}"`);
      expect(got.headers['x-content-type-options']).toBe('nosniff');
    }
    // Another department (not assigned), and nobody signed in: as if it did not exist / sign in first.
    expectErrorShape(await api.get('hrss', file.url), 404, 'NOT_FOUND');
    expectErrorShape(await api.get(null, file.url), 401);
    expectErrorShape(await api.get('health', `/api/evidence/00000000-0000-4000-8000-000000000000`), 404, 'NOT_FOUND');
  });

  it('lets only the measure’s own departments upload', async () => {
    const before = (await rows(measureId)).length;
    expectErrorShape(await upload('hrss', measureId, form('a.pdf', PDF)), 404, 'NOT_FOUND');
    expectErrorShape(await upload('office', measureId, form('a.pdf', PDF)), 403, 'FORBIDDEN');
    expectErrorShape(await upload('leader', measureId, form('a.pdf', PDF)), 403, 'FORBIDDEN');
    expectErrorShape(await upload(null, measureId, form('a.pdf', PDF)), 401);
    expect(await rows(measureId)).toHaveLength(before);
  });

  it('refuses files too large, of other types, not what their name says, empty or unnamed — keeping nothing', async () => {
    const before = { rows: (await rows(measureId)).length, files: storedFiles() };
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(LIMIT + 10, 0x41)]);
    expect(expectErrorShape(await upload('health', measureId, form('大文件.pdf', big)), 413, 'FILE_TOO_LARGE').field).toBe('file');
    expect(expectErrorShape(await upload('health', measureId, form('程序.exe', Buffer.from('MZ\x90\x00'))), 415, 'UNSUPPORTED_FILE_TYPE').message).toContain('.exe');
    expectErrorShape(await upload('health', measureId, form('无扩展名', PDF)), 415, 'UNSUPPORTED_FILE_TYPE');
    // A PNG named .pdf, an HTML page named .jpg: the content must be what the name says.
    expectErrorShape(await upload('health', measureId, form('照片.pdf', PNG)), 415, 'FILE_CONTENT_MISMATCH');
    expectErrorShape(await upload('health', measureId, form('page.jpg', Buffer.from('<html><script>alert(1)</script></html>'))), 415, 'FILE_CONTENT_MISMATCH');
    expectErrorShape(await upload('health', measureId, form('空.pdf', Buffer.alloc(0))), 422, 'VALIDATION');
    expectErrorShape(await upload('health', measureId, form('a\u0000b.pdf', PDF)), 422, 'VALIDATION');
    expectErrorShape(await upload('health', measureId, form(null, PDF)), 422, 'VALIDATION');
    expectErrorShape(await upload('health', measureId, form('a.pdf', PDF, { field: 'other' })), 422, 'VALIDATION');
    // Not a form at all, or a form that cannot be read.
    expectErrorShape(await api.post('health', `/api/measures/${measureId}/evidence`, { name: 'a.pdf' }), 415);
    expectErrorShape(await api.req('health', 'POST', `/api/measures/${measureId}/evidence`, Buffer.from('--x\r\nnonsense'), { 'content-type': 'multipart/form-data; boundary=x' }), 400);
    expectErrorShape(await api.req('health', 'POST', `/api/measures/${measureId}/evidence`, Buffer.from('abc'), { 'content-type': 'multipart/form-data' }), 400);
    expect(await rows(measureId)).toHaveLength(before.rows);
    expect(storedFiles()).toEqual(before.files);
  });

  it('accepts the other kinds offices send: Word, Excel, scans, photos, text', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40, 1)]);
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(40, 1)]);
    const cases: Array<[string, Buffer, string]> = [
      ['工作方案.docx', zip, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['台账.xls', ole, 'application/vnd.ms-excel'],
      ['现场.JPG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'image/jpeg'],
      ['截图.png', PNG, 'image/png'],
      ['说明.txt', Buffer.from('已完成全部工作。\n'), 'text/plain; charset=utf-8'],
    ];
    for (const [name, content, type] of cases) {
      const res = await upload('finance', measureId, form(name, content));
      expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
      expect(res.json()).toMatchObject({ name, contentType: type, departmentId: 'finance' });
    }
  });
});

describe('files named in reports and closure applications', () => {
  it('takes this department’s files for this measure, and refuses anyone else’s', async () => {
    const measureId = await dispatchedMeasure(api, { cooperatingDepartmentIds: ['finance'] });
    const other = await dispatchedMeasure(api);
    expect((await api.post('health', `/api/measures/${measureId}/acknowledge`)).statusCode).toBe(200);
    expect((await api.post('finance', `/api/measures/${measureId}/acknowledge`)).statusCode).toBe(200);
    await waitForList(api, measureId, 'supervision');
    const mine = (await upload('health', measureId, form('进展报告.pdf', PDF))).json();
    const theirs = (await upload('finance', measureId, form('配合材料.pdf', PDF))).json();
    const elsewhere = (await upload('health', other, form('别的措施.pdf', PDF))).json();

    const report = (user: User, fileId: string) => api.post(user, `/api/measures/${measureId}/submit-progress`, { text: '已完成方案制定', percent: 40, evidence: [{ name: '进展报告.pdf', fileId }] });
    expect(expectErrorShape(await report('health', theirs.id), 422, 'VALIDATION').field).toBe('evidence.0.fileId');
    expectErrorShape(await report('health', elsewhere.id), 422, 'VALIDATION');
    expectErrorShape(await report('health', '00000000-0000-4000-8000-000000000000'), 422, 'VALIDATION');
    expectErrorShape(await api.post('health', `/api/measures/${measureId}/submit-progress`, { text: 'x', evidence: [{ name: 'a', fileId: 'not-a-uuid' }] }), 422, 'VALIDATION');
    expect((await api.get('office', `/api/measures/${measureId}`)).json().reports).toHaveLength(0);

    const ok = await report('health', mine.id);
    expect(ok.statusCode, ok.body).toBe(200);
    const closure = await api.post('health', `/api/measures/${measureId}/apply-closure`, { summary: '任务全部完成', evidence: [{ name: '进展报告.pdf', fileId: mine.id }, { name: '新闻报道', url: 'https://example.gov.cn/news/1' }] });
    expect(closure.statusCode, closure.body).toBe(200);

    const detail = (await api.get('health', `/api/measures/${measureId}`)).json();
    expect(detail.reports[0].evidence).toEqual([{ name: '进展报告.pdf', fileId: mine.id }]);
    const files = detail.evidence.filter((e: { file: unknown }) => e.file);
    expect(files.map((e: { source: string }) => e.source)).toEqual(['report', 'closure']);
    expect(files[0].file).toMatchObject({ id: mine.id, sha256: mine.sha256, size: PDF.length, url: `/api/evidence/${mine.id}` });
    expect(detail.evidence.find((e: { url?: string }) => e.url)).toMatchObject({ name: '新闻报道', file: null });
    // The timeline records each upload with who made it.
    expect(detail.timeline.filter((e: { action: string }) => e.action === 'evidence_uploaded').map((e: { actionName: string; actorName: string }) => `${e.actionName}:${e.actorName}`)).toEqual([
      '上传佐证材料:health测试',
      '上传佐证材料:finance测试',
    ]);

    // Once the measure is closed or cancelled, nothing more is uploaded.
    expect((await api.post('office', `/api/measures/${other}/cancel`, { reason: '测试结束' })).statusCode).toBe(200);
    expectErrorShape(await upload('health', other, form('迟到.pdf', PDF)), 409, 'MEASURE_CLOSED');
  });
});

describe('the actions a measure’s detail offers', () => {
  it('are those the signed-in person may take, and the workflow accepts', async () => {
    const id = await dispatchedMeasure(api, { deadline: '2029年6月底前', cooperatingDepartmentIds: ['finance'] });
    const allowed = async (user: User) => (await api.get(user, `/api/measures/${id}`)).json().allowedActions;
    expect(await allowed('health')).toEqual(['acknowledge', 'decline']);
    expect(await allowed('finance')).toEqual(['acknowledge', 'decline']);
    expect(await allowed('office')).toEqual(['reassignLead', 'flag', 'cancel']);
    expect(await allowed('admin')).toEqual(['reassignLead', 'flag', 'cancel']);
    expect(await allowed('leader')).toEqual([]);

    expect((await api.post('health', `/api/measures/${id}/acknowledge`)).statusCode).toBe(200);
    expect(await allowed('health')).toEqual(['submitProgress', 'applyClosure', 'requestExtension']);
    expect(await allowed('finance')).toEqual(['acknowledge', 'decline', 'submitProgress']);
    expect((await api.post('health', `/api/measures/${id}/request-extension`, { newDeadline: '2029-12-31', reason: '需要更多时间' })).statusCode).toBe(200);
    expect(await allowed('health')).toEqual(['submitProgress', 'applyClosure']);
    expect(await allowed('office')).toEqual(['decideExtension', 'reassignLead', 'flag', 'cancel']);
    // What is not offered is refused by the workflow too.
    expectErrorShape(await api.post('health', `/api/measures/${id}/request-extension`, { newDeadline: '2030-06-30', reason: '再延' }), 409);
    expectErrorShape(await api.post('health', `/api/measures/${id}/acknowledge`), 409);

    expect((await api.post('office', `/api/measures/${id}/cancel`, { reason: '测试结束' })).statusCode).toBe(200);
    expect(await allowed('office')).toEqual([]);
  });
});
