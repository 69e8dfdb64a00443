import type { ErrorBody, ValidationIssue } from '@ocellus/contracts';
import { RegistryError } from '@ocellus/registry';
import { ImageError } from '@ocellus/vision/image';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { LIMIT_SETTINGS } from '../config.js';
import { ApiError, payloadTooLarge } from '../errors.js';
import { CancelledError } from '../serving/batcher.js';
import { drainBody } from '../serving/drain.js';
import { ModelLoadError } from '../serving/model-cache.js';

/** Decoder errors as the API's: 400 unreadable, 413 too many pixels (naming the setting), 415 format. */
export function imageErrorToApi(error: ImageError, index: number, maxPixels: number): ApiError {
  const which = `image ${index + 1}`;
  switch (error.kind) {
    case 'too-many-pixels':
      return payloadTooLarge(`${which}'s pixel count`, maxPixels, LIMIT_SETTINGS.maxPixels);
    case 'too-small':
      return new ApiError(
        400,
        'IMAGE_TOO_SMALL',
        `${which}: ${error.message} (${LIMIT_SETTINGS.minImageSide})`,
      );
    case 'unsupported-format':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `${which}: ${error.message}`);
    case 'decode-failed':
      return new ApiError(400, 'IMAGE_DECODE_FAILED', `${which}: ${error.message}`);
  }
}

function registryErrorToApi(error: RegistryError): ApiError {
  switch (error.code) {
    case 'NOT_FOUND':
      return new ApiError(404, 'MODEL_NOT_FOUND', error.message);
    case 'INVALID_NAME':
      return new ApiError(400, 'INVALID_PARAMETER', error.message);
    case 'CONFLICT':
      return new ApiError(409, 'CONFLICT', error.message);
    case 'CHECKSUM_MISMATCH':
    case 'CORRUPT':
      return new ApiError(503, 'MODEL_UNAVAILABLE', error.message);
  }
}

/** Fastify's own errors (parsing, limits, timeouts) in the API's terms. */
function fastifyErrorToApi(error: FastifyError, request: FastifyRequest): ApiError | undefined {
  const { limits } = request.server.config;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return (request.headers['content-type'] ?? '').startsWith('image/')
        ? payloadTooLarge('the image body', limits.maxFileBytes, LIMIT_SETTINGS.maxFileBytes)
        : payloadTooLarge('the request body', limits.bodyLimit, LIMIT_SETTINGS.bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported content type for this route');
    case 'FST_ERR_HANDLER_TIMEOUT':
      return new ApiError(
        503,
        'TIMEOUT',
        `the request took longer than ${request.server.config.requestTimeoutMs} ms`,
      );
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return new ApiError(
          error.statusCode,
          error.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_PARAMETER',
          error.message,
        );
      }
      return undefined;
  }
}

function validationIssues(error: FastifyError): ValidationIssue[] {
  return (error.validation ?? []).map((v) => ({
    path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
    code: v.keyword,
    message: v.message ?? 'invalid',
  }));
}

/** Unread upload bytes drained before an error reply: at most this many, for at most this long. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

async function send(reply: FastifyReply, error: ApiError) {
  if (error.statusCode < 500) await drainBody(reply.request.raw, DRAIN_MAX_BYTES, DRAIN_TIMEOUT_MS);
  const { issues } = error;
  const body: ErrorBody = { error: error.message, code: error.code, ...(issues ? { issues } : {}) };
  return reply.code(error.statusCode).headers(error.headers).send(body);
}

/** One error body for everything: `{error, code, issues?}`; bad input is 4xx, internal faults a bare 500. */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof ApiError) return send(reply, error);
      if (hasZodFastifySchemaValidationErrors(error)) {
        const issues = validationIssues(error);
        const where = error.validationContext ?? 'request';
        const first = issues[0];
        const detail = first ? `${first.path || where}: ${first.message}` : 'invalid';
        return send(reply, new ApiError(400, 'INVALID_PARAMETER', `invalid ${where}: ${detail}`, { issues }));
      }
      if (error instanceof ImageError)
        return send(reply, imageErrorToApi(error, 0, fastify.config.limits.maxPixels));
      if (error instanceof RegistryError) return send(reply, registryErrorToApi(error));
      if (error instanceof ModelLoadError)
        return send(reply, new ApiError(503, 'MODEL_UNAVAILABLE', error.message));
      if (error instanceof CancelledError) return send(reply, new ApiError(503, 'TIMEOUT', error.message));
      const mapped = fastifyErrorToApi(error, request);
      if (mapped !== undefined) return send(reply, mapped);
      request.log.error({ err: error }, 'unhandled error');
      return send(reply, new ApiError(500, 'INTERNAL', 'internal error'));
    });
    fastify.setNotFoundHandler((request, reply) =>
      send(
        reply,
        new ApiError(
          404,
          'NOT_FOUND',
          `no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
        ),
      ),
    );
  },
  { name: 'ocellus-errors', dependencies: ['ocellus-context'] },
);
