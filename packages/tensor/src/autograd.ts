import { sameShape } from './shape.js';
import { allocate } from './storage.js';
import { Tensor } from './tensor.js';

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording a graph (inference, optimiser updates, backward itself). */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** A fresh contiguous tensor holding `a + b` (same shapes), owned by the caller. */
function sumOwned(a: Tensor, b: Tensor): Tensor {
  const av = a.values();
  const bv = b.values();
  const out = allocate(a.dtype, av.length);
  for (let i = 0; i < av.length; i++) out[i] = av[i]! + bv[i]!;
  return new Tensor(out, a.shape);
}

function copyOf(g: Tensor): Tensor {
  const out = allocate(g.dtype, g.size);
  out.set(g.values());
  return new Tensor(out, g.shape);
}

function addInto(target: Tensor, g: Tensor): void {
  if (!sameShape(target.shape, g.shape) || !target.isContiguous() || target.offset !== 0) {
    throw new Error(`cannot accumulate a gradient of shape [${g.shape.join(', ')}] into .grad`);
  }
  const tv = target.data;
  const gv = g.values();
  for (let i = 0; i < gv.length; i++) tv[i]! += gv[i]!;
}

class GradAccumulator {
  private readonly grads = new Map<Tensor, Tensor>();
  private readonly owned = new Set<Tensor>();

  add(t: Tensor, g: Tensor): void {
    if (!sameShape(t.shape, g.shape)) {
      throw new Error(
        `gradient of shape [${g.shape.join(', ')}] for a tensor of shape [${t.shape.join(', ')}]`,
      );
    }
    const prev = this.grads.get(t);
    if (!prev) {
      this.grads.set(t, g);
      return;
    }
    if (this.owned.has(prev)) {
      addInto(prev, g);
      return;
    }
    const sum = sumOwned(prev, g);
    this.owned.add(sum);
    this.grads.set(t, sum);
  }

  take(t: Tensor): Tensor | undefined {
    const g = this.grads.get(t);
    this.grads.delete(t);
    return g;
  }
}

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const next = inputs[i]!;
      if (next.requiresGrad && !visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

/** Reverse-mode differentiation from `root`; gradients accumulate (`+=`) into the leaves' `.grad`. */
export function backward(root: Tensor, grad?: Tensor): void {
  if (!root.requiresGrad) throw new Error('backward() on a tensor that does not require a gradient');
  let seed = grad;
  if (!seed) {
    if (root.size !== 1)
      throw new Error('backward() without a gradient needs a scalar; pass the upstream gradient');
    const one = allocate(root.dtype, 1);
    one[0] = 1;
    seed = new Tensor(one, root.shape);
  }
  const acc = new GradAccumulator();
  acc.add(root, seed);
  noGrad(() => {
    for (const t of topologicalOrder(root)) {
      const g = acc.take(t);
      if (!g) continue;
      if (!t.node) {
        if (t.grad) addInto(t.grad, g);
        else t.grad = copyOf(g);
        continue;
      }
      const inputGrads = t.node.backward(g);
      t.node.inputs.forEach((input, i) => {
        const ig = inputGrads[i];
        if (ig && input.requiresGrad) acc.add(input, ig);
      });
    }
  });
}
