import { z } from 'zod';
import { defaultJobSpecSchema } from './job-spec/spec.js';
import { idSchema, modelNameSchema, modelVersionSchema } from './names.js';

/** Vertex AI style job states. */
export const JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED'] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** SageMaker style phases of a running job. */
export const jobPhaseSchema = z.enum(['PREPARING_DATA', 'TRAINING', 'EVALUATING', 'PUBLISHING']);
export type JobPhase = z.infer<typeof jobPhaseSchema>;

export const metricsSchema = z.record(z.string(), z.number());
export type Metrics = z.infer<typeof metricsSchema>;

export const jobProgressSchema = z.object({
  epoch: z.int().min(0),
  epochs: z.int().min(0),
  step: z.int().min(0),
  steps: z.int().min(0),
  percent: z.number().min(0).max(100),
  metrics: metricsSchema,
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobHistoryEntrySchema = z.object({ epoch: z.int().min(0) }).catchall(z.number());
export type JobHistoryEntry = z.infer<typeof jobHistoryEntrySchema>;

export const jobResultSchema = z.object({
  model: modelNameSchema,
  version: modelVersionSchema,
  metrics: metricsSchema,
});
export type JobResult = z.infer<typeof jobResultSchema>;

const timestamp = z.iso.datetime();

export const jobRecordSchema = z.object({
  id: idSchema,
  status: jobStatusSchema,
  phase: jobPhaseSchema.nullable(),
  spec: defaultJobSpecSchema,
  progress: jobProgressSchema.nullable(),
  history: z.array(jobHistoryEntrySchema),
  attemptsMade: z.int().min(0),
  failureReason: z.string().nullable(),
  result: jobResultSchema.nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

export const createJobResponseSchema = z.object({ id: idSchema, status: jobStatusSchema });
export type CreateJobResponse = z.infer<typeof createJobResponseSchema>;

/** Where a page of `GET /v1/jobs` ended: opaque to clients, base64url of the last record's createdAt and id. */
export const jobCursorSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'a nextCursor from a previous page')
  .describe('nextCursor of the previous page (from its X-Next-Cursor header); the first page without it');

export interface JobListLimits {
  /** Jobs per page when `limit` is not given. */
  defaultLimit: number;
  maxLimit: number;
}

/** `GET /v1/jobs` query: newest first, `limit` per page, `cursor` to continue after a previous page. */
export const listJobsQuerySchema = ({ defaultLimit, maxLimit }: JobListLimits) =>
  z.strictObject({
    status: jobStatusSchema.optional(),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(maxLimit, `at most ${maxLimit} jobs per page (OCELLUS_JOBS_MAX_PAGE_SIZE)`)
      .default(defaultLimit)
      .describe(`jobs per page, at most ${maxLimit}`),
    cursor: jobCursorSchema.optional(),
  });
export type ListJobsQuery = z.infer<ReturnType<typeof listJobsQuerySchema>>;

/** Server-Sent Events of `GET /v1/jobs/{id}/events`, keyed by event name. */
export const jobEventSchemas = {
  progress: jobProgressSchema.extend({ phase: jobPhaseSchema.nullable() }),
  log: z.object({ level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string(), time: timestamp }),
  completed: z.object({ result: jobResultSchema }),
  failed: z.object({ reason: z.string() }),
} as const;
export type JobEventName = keyof typeof jobEventSchemas;
