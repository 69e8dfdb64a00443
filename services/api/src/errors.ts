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

/**
 * A server-side message (registry, model loading) with each absolute path cut to its last segment, so a
 * reply never maps the server's disk: `/srv/models/m/3/weights.safetensors` reads `weights.safetensors`.
 */
export function withoutPaths(message: string): string {
  return message.replace(/(?:\/[^\s/'"(),;:]+){2,}\/?/g, (path) => {
    const trimmed = path.replace(/\/$/, '');
    return trimmed.slice(trimmed.lastIndexOf('/') + 1);
  });
}

/** A name from the client, quoted only when it is a plain identifier: no markup, no long echo. */
export function quotedName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(name) ? `'${name}'` : '[name not shown]';
}

export const modelNotFound = (message: string) => new ApiError(404, 'MODEL_NOT_FOUND', message);
export const invalidParameter = (message: string, issues?: ValidationIssue[]) =>
  new ApiError(400, 'INVALID_PARAMETER', message, { issues });
export const payloadTooLarge = (what: string, limit: number, setting: string) =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', `${what} is over the limit of ${limit} (${setting})`);
