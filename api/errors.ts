// The one error shape of the API: {code, message, field?, errors?}. `code` is English and stable
// for programs; `message` is Chinese for people (with English after a slash where it helps);
// `field`/`message` name the first problem and `errors` lists every one (each field of a request,
// each bad cell of an import).
export interface FieldError {
  /** The request field at fault, dotted (`evidence.0.url`, `measures.2.deadline`). */
  field?: string;
  message: string;
  /** An import's cell: 1-based row of the sheet (Excel) or 1-based index of the measure (JSON). */
  row?: number;
  /** The column's header as written (序号, 牵头单位, …). */
  column?: string;
}

/** A bad cell of an import: always a row and a column. */
export interface CellError extends FieldError {
  row: number;
  column: string;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly errors?: FieldError[],
    /** More for programs beside the shape (e.g. the earlier policy a repeat import matches). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  errors?: FieldError[];
  [more: string]: unknown;
}

export const badRequest = (message: string, field?: string) => new ApiError(400, 'BAD_REQUEST', message, field);
export const unauthorized = (message = '请先登录 / authentication required') => new ApiError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = '无权执行此操作 / not allowed for your role', field?: string) => new ApiError(403, 'FORBIDDEN', message, field);
export const notFound = (what: string, field?: string) => new ApiError(404, 'NOT_FOUND', `${what}不存在或无权查看 / not found`, field);
export const conflict = (code: string, message: string, field?: string) => new ApiError(409, code, message, field);
export const invalid = (message: string, field?: string) => new ApiError(422, 'VALIDATION', message, field);
