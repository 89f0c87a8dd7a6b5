// The one error shape of the API: {code, message, field?}. `code` is English and stable for
// programs; `message` is Chinese for people (with English after a slash where it helps).
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
}
