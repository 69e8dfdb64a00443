import type { FastifyReply, FastifyRequest } from 'fastify';
import { cancellation } from './cancellation.js';
import { allFailed, submitBatch } from './item-failures.js';
import type { LoadedModel, TensorSlices } from './model-cache.js';
import { TENSOR_KEY } from './model-cache.js';
import type { NamedTensor } from './model-host.js';

/**
 * Open Inference Protocol tensors through the version's batcher like every other request: `n` inputs of
 * `data.length / n` values each, submitted `chunk` at a time (so a large batch neither skips the queue
 * bound nor makes one huge forward pass), joined back into one tensor per output name.
 */
export async function inferTensors(
  loaded: LoadedModel,
  data: readonly number[],
  n: number,
  chunk: number,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Map<string, NamedTensor>> {
  const size = data.length / n;
  const signal = cancellation(request, reply);
  const slices: TensorSlices[] = [];
  for (let start = 0; start < n; start += chunk) {
    const items = Array.from({ length: Math.min(chunk, n - start) }, (_, i) =>
      Float32Array.from(data.slice((start + i) * size, (start + i + 1) * size)),
    );
    const batched = await submitBatch(loaded.batcher, TENSOR_KEY, items, signal);
    const errors = batched.results.flatMap((r) => (r.ok ? [] : [r.error]));
    if (errors.length > 0) throw allFailed(errors, loaded.name, loaded.version);
    for (const r of batched.results) if (r.ok) slices.push(r.value as TensorSlices);
  }
  const joined = new Map<string, NamedTensor>();
  for (const name of Object.keys(slices[0] ?? {})) {
    const parts = slices.map((s) => s[name]!);
    const each = parts[0]!.data.length;
    const out = new Float32Array(each * parts.length);
    parts.forEach((p, i) => {
      out.set(p.data, i * each);
    });
    joined.set(name, { shape: [parts.length, ...parts[0]!.shape], data: out });
  }
  return joined;
}
