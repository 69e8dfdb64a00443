import type { ErrorCode, ValidationIssue } from '@ocellus/contracts';

export interface ApiErrorExtras {
  headers?: Record<string, string>;
  issues?: ValidationIssue[];
}

/** An error that is meant for the client: its status, code and message go out as `{error, code}`. */
export class ApiError extends Error {
  readonly headers: Record<string, string>;
  readonly issues: ValidationIssue[] | undefined;

  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    extras: ApiErrorExtras = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.headers = extras.headers ?? {};
    this.issues = extras.issues;
  }
}

export const modelNotFound = (message: string) => new ApiError(404, 'MODEL_NOT_FOUND', message);
export const invalidParameter = (message: string, issues?: ValidationIssue[]) =>
  new ApiError(400, 'INVALID_PARAMETER', message, { issues });
export const payloadTooLarge = (what: string, limit: number, setting: string) =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', `${what} is over the limit of ${limit} (${setting})`);
