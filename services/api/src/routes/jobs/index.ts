import {
  createJobResponseSchema,
  idSchema,
  isStoredDataset,
  jobRecordSchema,
  jobSpecSchema,
  listJobsQuerySchema,
  toValidationIssues,
  untrainableSplits,
} from '@ocellus/contracts';
import { isFinalEvent, isTerminal } from '@ocellus/jobs/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { openEventStream } from '../../jobs/event-stream.js';
import { checkJobBudget } from '../../jobs/job-budget.js';
import { datasetErrorToApi } from '../datasets/errors.js';
import { errorResponses } from '../responses.js';

const tags = ['jobs'];
const security = [{ bearer: [] }];
const params = z.object({ id: idSchema });
const jobNotFound = (id: string) => new ApiError(404, 'JOB_NOT_FOUND', `no training job ${id}`);

/**
 * The training jobs API (API.md "Training jobs"); every route needs an admin key once keys are configured,
 * and answers 503 QUEUE_UNAVAILABLE within a second while the queue's Redis is unreachable.
 */
const jobRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { jobs } = fastify;
  const { maxSearchDimensions, pageSize, maxPageSize } = fastify.config.jobs;
  const specSchema = jobSpecSchema({ maxEpochs: jobs.maxEpochs, maxSearchDimensions });
  const listQuerySchema = listJobsQuerySchema({ defaultLimit: pageSize, maxLimit: maxPageSize });
  // The deployment's epoch cap, not the default one, also when records go out.
  const recordSchema = jobRecordSchema.extend({ spec: specSchema });
  const streams = new Set<() => void>();
  fastify.addHook('preClose', async () => {
    for (const end of streams) end();
  });

  fastify.post(
    '/v1/jobs',
    {
      config: { auth: 'admin' },
      attachValidation: true,
      schema: {
        tags,
        summary: 'Submit a training job',
        description: 'The job is QUEUED; it publishes a new version when it succeeds (and moves `promote`).',
        security,
        body: specSchema,
        response: { 202: createJobResponseSchema, ...errorResponses(400, 401, 403, 404, 413, 503) },
      },
    },
    async (request, reply) => {
      if (request.validationError) {
        const parsed = specSchema.safeParse(request.body);
        const issues = parsed.success ? [] : toValidationIssues(parsed.error.issues);
        const first = issues[0];
        const detail = first ? `${first.path || 'spec'}: ${first.message}` : 'not a job spec';
        throw new ApiError(400, 'INVALID_JOB_SPEC', `invalid job spec: ${detail}`, { issues });
      }
      checkJobBudget(request.body, fastify.config.jobs.maxJobBytes);
      const { dataset, task } = request.body;
      if (isStoredDataset(dataset)) {
        const manifest = await fastify.datasets
          .manifest(dataset.name, dataset.version)
          .catch((error: unknown) =>
            Promise.reject(datasetErrorToApi(error, fastify.config.datasetMaxUploadBytes)),
          );
        if (!manifest.tasks.includes(task)) {
          const trains = manifest.tasks.join(' | ');
          throw new ApiError(
            400,
            'INVALID_JOB_SPEC',
            `dataset ${dataset.name} trains ${trains}, not '${task}'`,
          );
        }
        const unusable = untrainableSplits(manifest);
        if (unusable) throw new ApiError(400, 'INVALID_JOB_SPEC', unusable);
      }
      const record = await jobs.submit(request.body);
      return reply
        .code(202)
        .header('location', `/v1/jobs/${record.id}`)
        .send({ id: record.id, status: record.status });
    },
  );

  fastify.get(
    '/v1/jobs',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'List training jobs, newest first, a page at a time',
        description:
          `At most \`limit\` jobs (default ${pageSize}, at most ${maxPageSize}). When more remain, the reply ` +
          'carries `X-Next-Cursor: <nextCursor>` and a `Link: <...>; rel="next"` header; pass `cursor=<nextCursor>` ' +
          '(with the same `status`) for the next page. No header: this was the last page.',
        security,
        querystring: listQuerySchema,
        response: {
          200: z.array(recordSchema).describe('newest first; the next page cursor is in X-Next-Cursor'),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request, reply) => {
      const { records, nextCursor } = await jobs.list(request.query);
      if (nextCursor !== undefined) {
        const { status, limit } = request.query;
        const next = new URLSearchParams({
          ...(status ? { status } : {}),
          limit: String(limit),
          cursor: nextCursor,
        });
        reply.header('x-next-cursor', nextCursor).header('link', `</v1/jobs?${next}>; rel="next"`);
      }
      return records;
    },
  );

  fastify.get(
    '/v1/jobs/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'A training job: status, phase, progress, per-epoch history, result',
        security,
        params,
        response: { 200: recordSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const record = await jobs.get(request.params.id);
      if (record === null) throw jobNotFound(request.params.id);
      return record;
    },
  );

  fastify.post(
    '/v1/jobs/:id/cancel',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Cancel a queued or running job',
        description:
          'The job turns CANCELLING, then CANCELLED once its trainer (on any host) has stopped it; nothing is published.',
        security,
        params,
        response: { 202: recordSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const outcome = await jobs.cancel(request.params.id);
      if (outcome.kind === 'not-found') throw jobNotFound(request.params.id);
      if (outcome.kind === 'finished') {
        const { status } = outcome.record;
        throw new ApiError(
          409,
          'CONFLICT',
          `job ${request.params.id} is ${status}; only a queued or running job can be cancelled`,
        );
      }
      return reply.code(202).send(outcome.record);
    },
  );

  fastify.get(
    '/v1/jobs/:id/events',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Follow a job as Server-Sent Events: progress, log, then completed or failed',
        description:
          'Replays the job’s events so far, then streams new ones; the stream ends after `completed` or ' +
          '`failed` (also sent for a cancelled job). Reconnect with `Last-Event-ID` to resume.',
        security,
        params,
        response: {
          200: {
            description: 'text/event-stream',
            content: { 'text/event-stream': { schema: z.string() } },
          },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const record = await jobs.get(id);
      if (record === null) throw jobNotFound(id);
      const lastEventId = request.headers['last-event-id'];
      const stream = openEventStream(reply, request.id);
      streams.add(stream.end);
      const events = jobs.events(id, {
        after: typeof lastEventId === 'string' ? lastEventId : undefined,
        follow: !isTerminal(record.status),
        signal: stream.signal,
      });
      (async () => {
        for await (const event of events) {
          stream.send(event);
          if (isFinalEvent(event)) break;
        }
      })()
        .catch((error: Error) => request.log.warn({ job: id, reason: error.message }, 'job event stream'))
        .finally(() => {
          streams.delete(stream.end);
          stream.end();
        });
    },
  );
};

export default jobRoutes;
