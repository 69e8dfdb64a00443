import { isGradEnabled } from './autograd.js';
import { type OpAttrs, type OpName, ops } from './ops/registry.js';
import type { Tensor } from './tensor.js';

/** Runs a primitive and, when a gradient is wanted, records its node in the graph. */
export function apply<K extends OpName>(name: K, inputs: readonly Tensor[], attrs: OpAttrs[K]): Tensor {
  const def = ops[name];
  const { out, backward } = def.run(inputs, attrs);
  if (def.differentiable && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op: name, inputs, backward };
  }
  return out;
}
