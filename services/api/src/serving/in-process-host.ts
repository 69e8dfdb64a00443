import {
  familyFactory,
  inferBatch,
  isOutOfMemory,
  type ModelFactory,
  predictBatch,
  warmUp,
} from './model-calls.js';
import { type HostedModel, type ModelHost, ResourceExhaustedError } from './model-host.js';

const guarded = <R>(run: () => R): Promise<R> => {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(
      isOutOfMemory(error) ? new ResourceExhaustedError((error as Error).message) : error,
    );
  }
};

/**
 * Runs forward passes on the calling thread. For tests and tools with their own model families; the
 * service itself uses `threadHost`, so inference never blocks its event loop.
 */
export function inProcessHost(factory: ModelFactory = familyFactory): ModelHost {
  return {
    async load(manifest, tensors) {
      const model = await factory(manifest, tensors);
      const description = warmUp(model);
      const hosted: HostedModel = {
        ...description,
        predict: (batch, n, options) => guarded(() => predictBatch(model, batch, n, options)),
        infer: (batch, n) => guarded(() => inferBatch(model, batch, n)),
        dispose: () => {},
      };
      return hosted;
    },
    close: async () => {},
  };
}
