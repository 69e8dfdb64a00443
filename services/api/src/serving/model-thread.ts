import { parentPort, workerData } from 'node:worker_threads';
import type { VisionModel } from '@ocellus/models';
import type { HostReply, HostRequest } from './host-messages.js';
import { familyFactory, inferBatch, isOutOfMemory, predictBatch, warmUp } from './model-calls.js';
import { lowerThreadPriority } from './thread-priority.js';

/** The inference thread: holds the loaded versions by key and runs their forward passes, one at a time. */
const port = parentPort;
if (port === null) throw new Error('model-thread.js runs as a worker thread');
// Before the first forward pass starts the GEMM workers, so they inherit the lower priority.
lowerThreadPriority((workerData as { nice?: number } | undefined)?.nice ?? 0);
const models = new Map<string, VisionModel>();

function modelOf(key: string): VisionModel {
  const model = models.get(key);
  if (model === undefined) throw new Error(`model ${key} is not loaded in the inference thread`);
  return model;
}

async function handle(request: HostRequest): Promise<unknown> {
  switch (request.kind) {
    case 'load': {
      const model = await familyFactory(request.manifest, request.tensors);
      const description = warmUp(model);
      models.set(request.key, model);
      return description;
    }
    case 'predict':
      return predictBatch(modelOf(request.key), request.batch, request.n, request.options);
    case 'infer':
      return inferBatch(modelOf(request.key), request.batch, request.n);
    case 'dispose':
      models.delete(request.key);
      return null;
  }
}

port.on('message', (request: HostRequest) => {
  handle(request).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies HostReply),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({
        id: request.id,
        ok: false,
        error: { message, outOfMemory: isOutOfMemory(error) },
      } satisfies HostReply);
    },
  );
});
