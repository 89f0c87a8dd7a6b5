// The one error shape of the API: {code, message, field?}. `code` is English and stable for
// programs; `message` is Chinese for people (with English after a slash where it helps). An
// import that fails lists every bad cell in `errors`.
export interface CellError {
  /** 1-based row of the sheet (Excel) or 1-based index of the measure (JSON). */
  row: number;
  /** The column's header as written (序号, 牵头单位, …) or the JSON field. */
  column: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly errors?: CellError[],
  ) {
    super(message);
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  errors?: CellError[];
}

export const badRequest = (message: string, field?: string) => new ApiError(400, 'BAD_REQUEST', message, field);
export const unauthorized = (message = '请先登录 / authentication required') => new ApiError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = '无权执行此操作 / not allowed for your role', field?: string) => new ApiError(403, 'FORBIDDEN', message, field);
export const notFound = (what: string, field?: string) => new ApiError(404, 'NOT_FOUND', `${what}不存在或无权查看 / not found`, field);
export const conflict = (code: string, message: string, field?: string) => new ApiError(409, code, message, field);
export const invalid = (message: string, field?: string) => new ApiError(422, 'VALIDATION', message, field);
