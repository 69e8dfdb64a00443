import { isGradEnabled } from './autograd.js';
import { recycle, type Storage, trackingBirths } from './storage.js';
import type { Tensor } from './tensor.js';

/**
 * h = step(h) for each step in order. Without gradients (inference) the intermediate results are dead
 * once the chain is done: every buffer the chain itself allocated for one of them goes back to the
 * allocator unless the final result shares it, so the next pass reuses them instead of fresh memory.
 */
export function forwardChain(x: Tensor, steps: readonly ((h: Tensor) => Tensor)[]): Tensor {
  if (isGradEnabled()) return steps.reduce((h, step) => step(h), x);
  return trackingBirths((born) => {
    const outputs: Storage[] = [];
    let h = x;
    for (const step of steps) {
      h = step(h);
      outputs.push(h.data);
    }
    const released = new Set<Storage>([h.data]);
    for (const data of outputs) {
      if (released.has(data) || !born.has(data)) continue;
      released.add(data);
      recycle(data);
    }
    return h;
  });
}
