import { ApiError } from '../errors.js';
import { type BatchedResults, type DynamicBatcher, OverloadedError } from './batcher.js';
import { InferenceThreadError } from './inference-thread.js';
import { ResourceExhaustedError } from './model-host.js';

/**
 * The reply when every image of a request failed: out of memory or a stopped inference thread is the
 * service's temporary state (503, try again); anything else is the model failing on this input.
 */
export function allFailed(errors: readonly Error[], model: string, version: number): ApiError {
  const retry = { headers: { 'retry-after': '1' } };
  if (errors.some((e) => e instanceof ResourceExhaustedError)) {
    return new ApiError(
      503,
      'RESOURCE_EXHAUSTED',
      `model '${model}' version ${version} ran out of memory on this request; send fewer or smaller inputs`,
      retry,
    );
  }
  if (errors.some((e) => e instanceof InferenceThreadError)) {
    return new ApiError(
      503,
      'MODEL_UNAVAILABLE',
      `model '${model}' version ${version}: ${errors[0]!.message}`,
      retry,
    );
  }
  return new ApiError(500, 'INFERENCE_FAILED', `model '${model}' version ${version} failed on every image`);
}

/** Submits items to a version's batcher; a full queue is the client's 503 `OVERLOADED` with `Retry-After`. */
export async function submitBatch<I, R>(
  batcher: DynamicBatcher<I, R>,
  key: string,
  items: I[],
  signal: AbortSignal,
): Promise<BatchedResults<R>> {
  try {
    return await batcher.submit(key, items, signal);
  } catch (error) {
    if (error instanceof OverloadedError) {
      throw new ApiError(503, 'OVERLOADED', error.message, { headers: { 'retry-after': '1' } });
    }
    throw error;
  }
}
