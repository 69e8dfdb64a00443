import type { ComputeOptions, TaskOutput } from '@ocellus/models';
import { InferenceThread } from './inference-thread.js';
import type { ModelDescription } from './model-calls.js';
import type { HostedModel, ModelHost, NamedTensor } from './model-host.js';

export interface ThreadHostOptions {
  /** Heap of the inference thread; past it the thread dies, its calls fail, and it restarts. */
  heapLimitMb?: number;
  /** The thread's module, answering `HostRequest`s (default: this package's `model-thread.js`). */
  script?: URL;
  /** Added to the nice value of the thread and its GEMM workers, so the event loop goes first (default 0). */
  nice?: number;
}

/**
 * Forward passes run in one worker thread (which drives the GEMM and convolution pool), so the event
 * loop only decodes, batches and serialises. A model keeps its weights here too, so a restarted thread
 * gets it again on its next call.
 */
export function threadHost(options: ThreadHostOptions = {}): ModelHost {
  const thread = new InferenceThread({
    heapLimitMb: options.heapLimitMb ?? 4096,
    script: options.script ?? new URL('./model-thread.js', import.meta.url),
    nice: options.nice ?? 0,
  });
  let loads = 0;
  return {
    async load(manifest, tensors) {
      const key = `${manifest.name}@${manifest.version}#${++loads}`;
      const loadIn = (generation: number) => ({
        generation,
        done: thread.call({ kind: 'load', key, manifest, tensors }),
      });
      let loaded = loadIn(thread.generation());
      const description = (await loaded.done) as ModelDescription;
      const ready = () => {
        const generation = thread.generation();
        if (loaded.generation !== generation) loaded = loadIn(generation);
        return loaded.done;
      };
      const hosted: HostedModel = {
        ...description,
        async predict(batch: Float32Array, n: number, computeOptions: ComputeOptions) {
          await ready();
          const request = { kind: 'predict' as const, key, batch, n, options: computeOptions };
          return (await thread.call(request, [batch.buffer as ArrayBuffer])) as TaskOutput[];
        },
        async infer(batch: Float32Array, n: number) {
          await ready();
          return (await thread.call({ kind: 'infer', key, batch, n }, [
            batch.buffer as ArrayBuffer,
          ])) as Record<string, NamedTensor>;
        },
        dispose() {
          thread.call({ kind: 'dispose', key }).catch(() => {});
        },
      };
      return hosted;
    },
    close: () => thread.close(),
  };
}
