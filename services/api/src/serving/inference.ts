import {
  DEFAULT_MODEL_OF_TASK,
  type InferenceOptions,
  type InferenceResponse,
  inferenceOptionsSchemas,
  type Task,
  type TaskResult,
  toValidationIssues,
} from '@ocellus/contracts';
import { toModelInput } from '@ocellus/vision/image';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, invalidParameter } from '../errors.js';
import type { PredictOptions, TaskOutputs } from '../model-port.js';
import { OverloadedError } from './batcher.js';
import { decodeUploads } from './decode-uploads.js';
import { resolveVersion } from './selection.js';
import { serializeOutput } from './serialize.js';
import { readUpload } from './uploads.js';

/** Multipart text fields count as query parameters; the query string wins where both give one. */
function optionsOf<T extends Task>(
  task: T,
  request: FastifyRequest,
  fields: Record<string, string>,
): InferenceOptions<T> {
  if (Object.keys(fields).length === 0) return request.query as InferenceOptions<T>;
  const query = Object.fromEntries(new URL(request.url, 'http://localhost').searchParams);
  const parsed = inferenceOptionsSchemas[task].safeParse({ ...fields, ...query });
  if (!parsed.success) {
    const issues = toValidationIssues(parsed.error.issues);
    throw invalidParameter(`invalid options: ${issues[0]?.path || 'options'}: ${issues[0]?.message}`, issues);
  }
  return parsed.data as InferenceOptions<T>;
}

/**
 * Aborts when the client goes away or the handler timeout fires. Not `request.signal` alone: it also
 * aborts as soon as the request body has been read (the IncomingMessage closes), long before the reply.
 */
function cancellation(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const onAbort = () => {
    const reason = request.signal.reason as { code?: string } | undefined;
    if (reason?.code === 'FST_ERR_HANDLER_TIMEOUT') controller.abort();
  };
  if (request.signal.aborted) onAbort();
  else request.signal.addEventListener('abort', onAbort, { once: true });
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

function predictOptionsOf(options: InferenceOptions<Task>): PredictOptions {
  return 'beam' in options ? { beam: options.beam, attention: options.attention } : {};
}

/** `POST /v1/{task}`: uploads -> decoded model inputs -> the version's batcher -> per-image results. */
export async function runInference<T extends Task>(
  task: T,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<InferenceResponse<T>> {
  const { config, registry, models } = request.server;
  const upload = await readUpload(request, config.limits);
  const options = optionsOf(task, request, upload.fields);
  const name = options.model ?? DEFAULT_MODEL_OF_TASK[task];
  const version = await resolveVersion(registry, name, options);
  const manifest = models.peek(name, version)?.manifest ?? (await registry.manifest(name, version));
  if (manifest.task !== task) {
    throw new ApiError(
      409,
      'TASK_MISMATCH',
      `model '${name}' version ${version} is a '${manifest.task}' model; send it to POST /v1/${manifest.task}`,
    );
  }
  const loaded = await models.get(name, version);
  request.servedModel = { name, version };
  const { model } = loaded;

  const decodeStart = performance.now();
  const images = await decodeUploads(
    upload.images,
    config.limits,
    Math.max(model.inputSpec.height, model.inputSpec.width),
  );
  const inputs = images.map((image) => toModelInput(image, model.inputSpec, { digit: model.digitInput }));
  const decodeMs = performance.now() - decodeStart;

  let batched: Awaited<ReturnType<typeof loaded.batcher.submit>>;
  try {
    batched = await loaded.batcher.submit(
      JSON.stringify(predictOptionsOf(options)),
      inputs,
      cancellation(request, reply),
    );
  } catch (error) {
    if (error instanceof OverloadedError) {
      throw new ApiError(503, 'OVERLOADED', error.message, { headers: { 'retry-after': '1' } });
    }
    throw error;
  }
  const results = batched.results.map((result, i): TaskResult<T> | ReturnType<typeof failure> => {
    const { width, height } = images[i]!.source;
    if (!result.ok) {
      request.log.warn({ model: name, version, image: i, reason: result.error.message }, 'inference failed');
      return failure(width, height);
    }
    return serializeOutput(task, result.value as TaskOutputs[T], {
      labels: model.labels,
      input: model.inputSpec,
      image: { width, height },
      options,
    });
  });
  if (results.every((r) => 'error' in r)) {
    throw new ApiError(500, 'INFERENCE_FAILED', `model '${name}' version ${version} failed on every image`);
  }
  return {
    model: name,
    version,
    task,
    results,
    timing: { decodeMs, queueMs: batched.queueMs, inferMs: batched.inferMs },
  } as InferenceResponse<T>;
}

function failure(width: number, height: number) {
  return {
    image: { width, height },
    error: { error: 'inference failed for this image', code: 'INFERENCE_FAILED' as const },
  };
}
