import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type ErrorBody,
  RESOURCE_NAME_PATTERN,
  toValidationIssues,
  type ValidationIssue,
} from '@ocellus/contracts';
import { RegistryError } from '@ocellus/registry';
import { ImageError } from '@ocellus/vision/image';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { LIMIT_SETTINGS } from '../config.js';
import { ApiError, payloadTooLarge, withoutPaths } from '../errors.js';
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

/** Registry errors without the client's rejected text (INVALID_NAME quotes it) or the registry's paths. */
function registryErrorToApi(error: RegistryError): ApiError {
  switch (error.code) {
    case 'NOT_FOUND':
      return new ApiError(404, 'MODEL_NOT_FOUND', error.message);
    case 'INVALID_NAME':
      return new ApiError(
        400,
        'INVALID_PARAMETER',
        `invalid model name, alias or version: names match ${RESOURCE_NAME_PATTERN.source}, versions are positive integers`,
      );
    case 'CONFLICT':
      return new ApiError(409, 'CONFLICT', withoutPaths(error.message));
    case 'CHECKSUM_MISMATCH':
    case 'CORRUPT':
      return new ApiError(503, 'MODEL_UNAVAILABLE', withoutPaths(error.message));
  }
}

/** Fastify's 4xx errors whose messages are fixed text (never the request's): passed on as they are. */
const FIXED_MESSAGES: ReadonlySet<string> = new Set([
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_EMPTY_TYPE',
]);

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
        // Other messages may quote the request (FST_ERR_BAD_URL quotes the URL): the code says enough.
        const message = FIXED_MESSAGES.has(error.code)
          ? error.message
          : `the request is invalid${/^[A-Z0-9_]{1,64}$/.test(error.code ?? '') ? ` (${error.code})` : ''}`;
        return new ApiError(
          error.statusCode,
          error.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_PARAMETER',
          message,
        );
      }
      return undefined;
  }
}

/** fastify-type-provider-zod's issues (zod's, with the path as a pointer) through the one sanitiser. */
function validationIssues(error: FastifyError): ValidationIssue[] {
  return toValidationIssues(
    (error.validation ?? []).map((v) => ({
      path: v.instancePath.split('/').filter((segment) => segment.length > 0),
      code: v.keyword,
      message: v.message ?? 'invalid',
      keys: (v.params as { keys?: string[] }).keys,
    })),
  );
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request (headers over
 * `maxHeaderSize`, a malformed request line, a request not received in time) answered as `{error, code}`
 * like every other error, then the connection closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, ErrorBody['code'], string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', `the request's headers are over the limit of ${maxHeaderSize} bytes`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'TIMEOUT', 'the request was not received in time']
        : [400, 'INVALID_PARAMETER', 'malformed HTTP request'];
  const body = JSON.stringify({ error: message, code } satisfies ErrorBody);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before a route runs (a URL that does not decode, a
 * path parameter over 100 characters), whose default replies quote the whole path, with `{error, code}`.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const [status, message] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, 'a path parameter is longer than 100 characters']
      : error.code === 'FST_ERR_BAD_URL'
        ? [400, 'the URL is not valid: a percent-encoded sequence does not decode']
        : [400, 'the request is invalid'];
  const body: ErrorBody = { error: message, code: 'INVALID_PARAMETER' };
  return reply.code(status).send(body);
}

/** Unread upload bytes drained before an error reply: at most this many, for at most this long. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

async function send(reply: FastifyReply, error: ApiError) {
  if (error.statusCode < 500) await drainBody(reply.request.raw, DRAIN_MAX_BYTES, DRAIN_TIMEOUT_MS);
  const { issues } = error;
  // Every message is built from the server's words; the cap is the last guard against a long echo.
  const body: ErrorBody = {
    error: error.message.slice(0, 500),
    code: error.code,
    ...(issues ? { issues } : {}),
  };
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
        return send(reply, new ApiError(503, 'MODEL_UNAVAILABLE', withoutPaths(error.message)));
      if (error instanceof CancelledError) return send(reply, new ApiError(503, 'TIMEOUT', error.message));
      const mapped = fastifyErrorToApi(error, request);
      if (mapped !== undefined) return send(reply, mapped);
      request.log.error({ err: error }, 'unhandled error');
      return send(reply, new ApiError(500, 'INTERNAL', 'internal error'));
    });
    fastify.setNotFoundHandler((request, reply) => {
      // The path is the client's text: named only when it is a plain one.
      const path = request.url.split('?')[0] ?? '';
      const shown = /^[A-Za-z0-9/_.~-]{1,100}$/.test(path) ? ` ${path}` : ' for this path';
      return send(reply, new ApiError(404, 'NOT_FOUND', `no route ${request.method}${shown}`));
    });
  },
  { name: 'ocellus-errors', dependencies: ['ocellus-context'] },
);
