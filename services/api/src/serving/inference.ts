import {
  DEFAULT_MODEL_OF_TASK,
  type InferenceOptions,
  type InferenceResponse,
  inferenceOptionsSchemas,
  isModelName,
  type Task,
  toValidationIssues,
} from '@ocellus/contracts';
import type { TaskOutputs } from '@ocellus/models';
import { computeOptionsOf, serializeResult } from '@ocellus/models/serialize';
import { toModelInput } from '@ocellus/vision/image';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, invalidParameter } from '../errors.js';
import { cancellation } from './cancellation.js';
import { decodeUploads } from './decode-uploads.js';
import { allFailed, submitBatch } from './item-failures.js';
import { resolveVersion } from './selection.js';
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

/** `POST /v1/{task}`: uploads -> model inputs with their geometry -> the version's batcher -> serialised results. */
export async function runInference<T extends Task>(
  task: T,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<InferenceResponse<T>> {
  const { config, aliases, models } = request.server;
  // Admission counted a multipart request without `?model=` in the total only. It counts against the model
  // its `model` field names as soon as that field is read, so one sent before the images is refused before
  // they are read; without the field, against the default once the body is in. Either way before decoding.
  const countAgainst = (model: string) => request.admission?.countAgainst(model);
  const upload = await readUpload(request, config.limits, (field, value) => {
    if (field === 'model' && isModelName(value)) countAgainst(value);
  });
  const options = optionsOf(task, request, upload.fields);
  const name = options.model ?? DEFAULT_MODEL_OF_TASK[task];
  countAgainst(name);
  const manifest = await resolveVersion(aliases, name, options);
  const { version } = manifest;
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
  const { inputSpec } = model;
  const images = await decodeUploads(
    upload.images,
    config.limits,
    Math.max(inputSpec.height, inputSpec.width),
    request.server.decodeSlots,
  );
  const inputs = images.map((image) => toModelInput(image, inputSpec));
  const decodeMs = performance.now() - decodeStart;

  const batched = await submitBatch(
    loaded.batcher,
    JSON.stringify(computeOptionsOf(options)),
    inputs.map((input) => input.pixels),
    cancellation(request, reply),
  );
  const failures = batched.results.flatMap((r) => (r.ok ? [] : [r.error]));
  if (failures.length === batched.results.length) throw allFailed(failures, name, version);
  const results = batched.results.map((result, i) => {
    const { geometry } = inputs[i]!;
    if (!result.ok) {
      request.log.warn({ model: name, version, image: i, reason: result.error.message }, 'inference failed');
      return failure(geometry.width, geometry.height);
    }
    return serializeResult(task, result.value as TaskOutputs[T], {
      labels: model.labels,
      input: inputSpec,
      geometry,
      options,
    });
  });
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
