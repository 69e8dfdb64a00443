import { z } from 'zod';

export const ERROR_CODES = [
  'INVALID_PARAMETER',
  'INVALID_JOB_SPEC',
  'NO_IMAGE',
  'IMAGE_DECODE_FAILED',
  'IMAGE_TOO_SMALL',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'MODEL_NOT_FOUND',
  'JOB_NOT_FOUND',
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

/** Turns zod issues into the error body's issues. */
export function toValidationIssues(
  issues: readonly { path: readonly PropertyKey[]; code: string; message: string }[],
): ValidationIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
}
