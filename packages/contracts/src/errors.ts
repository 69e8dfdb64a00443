import { z } from 'zod';

export const ERROR_CODES = [
  'INVALID_PARAMETER',
  'INVALID_JOB_SPEC',
  'NO_IMAGE',
  'IMAGE_DECODE_FAILED',
  'IMAGE_TOO_SMALL',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'MODEL_NOT_FOUND',
  'JOB_NOT_FOUND',
  'DATASET_NOT_FOUND',
  'DATASET_IN_USE',
  'INVALID_ARCHIVE',
  'INVALID_DATASET',
  'TASK_MISMATCH',
  'VERSION_IN_USE',
  'MODEL_LOAD_FAILED',
  'CONFLICT',
  'OVERLOADED',
  'TIMEOUT',
  'QUEUE_UNAVAILABLE',
  'MODEL_UNAVAILABLE',
  'RESOURCE_EXHAUSTED',
  'INFERENCE_FAILED',
  'ARTIFACT_CORRUPT',
  'NOT_SUPPORTED',
  'INTERNAL',
] as const;
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** One validation problem: where, which rule, and what to fix; the offending input is never echoed. */
export const validationIssueSchema = z.object({
  path: z.string().describe("dotted path of the offending field, e.g. 'optimizer.lr'"),
  code: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof validationIssueSchema>;

export const errorBodySchema = z.object({
  error: z.string(),
  code: errorCodeSchema,
  issues: z.array(validationIssueSchema).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** At most this many issues go out in one error body; the rest are counted in the last one. */
export const MAX_REPORTED_ISSUES = 20;

// A path segment is echoed only when it reads as a field name or an index: record keys and unknown keys
// are the client's text, which an error must never reflect.
const SAFE_SEGMENT = /^[A-Za-z0-9_.-]{1,64}$/;

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((segment) => (SAFE_SEGMENT.test(String(segment)) ? String(segment) : '*')).join('.');
}

/** zod's message, except where zod quotes the client's keys (`unrecognized_keys`). */
function messageOf(issue: { code: string; message: string; keys?: readonly string[] }): string {
  if (issue.code !== 'unrecognized_keys') return issue.message.slice(0, 200);
  const keys = issue.keys ?? [];
  const shown = keys.filter((key) => SAFE_SEGMENT.test(key)).slice(0, 5);
  const more = keys.length - shown.length;
  return `unrecognized key${keys.length === 1 ? '' : 's'}${shown.length > 0 ? `: ${shown.join(', ')}` : ''}${
    more > 0 && shown.length > 0 ? ` and ${more} more` : ''
  }`;
}

/**
 * Turns zod issues into the error body's issues: at most MAX_REPORTED_ISSUES, with paths and messages that
 * never quote the client's keys or values.
 */
export function toValidationIssues(
  issues: readonly {
    path: readonly PropertyKey[];
    code: string;
    message: string;
    keys?: readonly string[];
  }[],
): ValidationIssue[] {
  const shown = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => ({
    path: pathOf(issue.path),
    code: issue.code,
    message: messageOf(issue),
  }));
  if (issues.length > MAX_REPORTED_ISSUES) {
    shown.push({ path: '', code: 'too_many_issues', message: `${issues.length - MAX_REPORTED_ISSUES} more` });
  }
  return shown;
}
