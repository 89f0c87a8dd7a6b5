// The one way the dashboard talks to the API: same-origin fetch with the session cookie (the token
// never reaches JavaScript), JSON in and out, and every failure as an ApiError whose message is
// Chinese and ready to show. A 401 anywhere but the sign-in itself calls the handler main.tsx sets:
// back to the sign-in page, then back here.
import type { ErrorBody } from './types';

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    /** The field at fault, as the API names it (e.g. `percent`): forms mark it. */
    readonly field?: string,
    /** Every problem the API listed (each line of a notice, each cell of a workbook), Chinese first. */
    readonly errors: Array<{ field?: string | undefined; message: string; row?: number | undefined }> = [],
  ) {
    super(message);
  }
}

const FALLBACK: Record<number, string> = {
  0: '无法连接服务器，请检查网络后重试',
  401: '登录已失效，请重新登录',
  403: '您无权执行此操作',
  404: '要找的内容不存在，或您无权查看',
  409: '当前状态不允许此操作，请刷新页面后再试',
  413: '提交的内容过大',
  429: '操作过于频繁，请稍后再试',
};

/** The API writes "中文 / English"; people read the Chinese part. */
export function chineseMessage(status: number, message: string | undefined): string {
  const zh = message?.split(' / ')[0]?.trim();
  if (zh && /[\u4e00-\u9fff]/.test(zh)) return zh;
  return FALLBACK[status] ?? (status >= 500 ? '服务器出错，请稍后重试；如仍出错请联系系统管理员' : '请求未能完成，请检查填写的内容');
}

let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

type Query = Record<string, string | number | boolean | undefined | null>;
interface Options {
  query?: Query | undefined;
  body?: unknown;
  /** A file sent as the body itself (an .xlsx workbook to import), with its type. */
  file?: { data: Blob; type: string } | undefined;
  /** Sent as `Idempotency-Key`: one key per submission, so a retry applies once. */
  idempotencyKey?: string | undefined;
}

async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, opts: Options & { form?: FormData } = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const url = params.size ? `${path}?${params}` : path;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.file) headers['content-type'] = opts.file.type;
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  // A form (file upload) sets its own multipart Content-Type with the boundary.
  const payload = opts.file ? opts.file.data : (opts.form ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined));

  let res: Response;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', ...(payload !== undefined ? { body: payload } : {}) });
  } catch {
    throw new ApiError(0, 'NETWORK', chineseMessage(0, undefined));
  }
  if (res.ok) return (await res.json()) as T;

  const body = (await res.json().catch(() => null)) as Partial<ErrorBody> | null;
  if (res.status === 401 && path !== '/api/auth/login') onUnauthorized();
  const errors = (body?.errors ?? []).map((e) => ({ field: e.field, row: e.row, message: chineseMessage(res.status, e.message) }));
  throw new ApiError(res.status, body?.code ?? 'HTTP_' + res.status, chineseMessage(res.status, body?.message), body?.field, errors);
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body: unknown = {}, opts: Omit<Options, 'body'> = {}) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  /** POSTs a file as the request body (not a form). */
  postFile: <T>(path: string, file: { data: Blob; type: string }, opts: Omit<Options, 'body' | 'file'> = {}) => request<T>('POST', path, { ...opts, file }),
  delete: <T>(path: string) => request<T>('DELETE', path),
  /** One file as multipart/form-data, in the field `file`. */
  upload: <T>(path: string, file: File, idempotencyKey: string) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<T>('POST', path, { form, idempotencyKey });
  },
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
};

/** A fresh key for one submission. getRandomValues works over plain HTTP too (randomUUID does not). */
export function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
