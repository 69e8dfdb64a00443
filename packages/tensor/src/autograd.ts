import { sameShape } from './shape.js';
import { allocate, recycle, type Storage, trackingBirths } from './storage.js';
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

/**
 * Pending gradients by tensor. Buffers born during this backward pass are counted while gradients
 * reference them and recycled when the last reference is consumed: the next step's activations and
 * gradients reuse them instead of fresh memory.
 */
class GradAccumulator {
  private readonly grads = new Map<Tensor, Tensor>();
  private readonly owned = new Set<Tensor>();
  private readonly refs = new Map<Storage, number>();

  constructor(private readonly born: ReadonlySet<Storage>) {}

  hold(g: Tensor): void {
    if (this.born.has(g.data)) this.refs.set(g.data, (this.refs.get(g.data) ?? 0) + 1);
  }

  drop(g: Tensor): void {
    const count = this.refs.get(g.data);
    if (count === undefined) return;
    if (count > 1) this.refs.set(g.data, count - 1);
    else {
      this.refs.delete(g.data);
      recycle(g.data);
    }
  }

  add(t: Tensor, g: Tensor): void {
    if (!sameShape(t.shape, g.shape)) {
      throw new Error(
        `gradient of shape [${g.shape.join(', ')}] for a tensor of shape [${t.shape.join(', ')}]`,
      );
    }
    const prev = this.grads.get(t);
    if (!prev) {
      this.grads.set(t, g);
      this.hold(g);
      return;
    }
    if (this.owned.has(prev)) {
      addInto(prev, g);
      return;
    }
    const sum = sumOwned(prev, g);
    this.owned.add(sum);
    this.grads.set(t, sum);
    this.hold(sum);
    this.drop(prev);
  }

  /**
   * Whether a leaf may keep `g` itself as its .grad: a whole contiguous buffer born in this pass that
   * no other pending gradient references. It is then never recycled.
   */
  adopt(g: Tensor): boolean {
    const whole = g.isContiguous() && g.offset === 0 && g.data.length === g.size;
    if (!whole || this.refs.get(g.data) !== 1) return false;
    this.refs.delete(g.data);
    return true;
  }

  /** The gradient of `t`, removed; the caller drops it once consumed. */
  take(t: Tensor): Tensor | undefined {
    const g = this.grads.get(t);
    this.grads.delete(t);
    return g;
  }
}

/** The seed d root / d root = 1. */
function ones(root: Tensor): Tensor {
  const one = allocate(root.dtype, 1);
  one[0] = 1;
  return new Tensor(one, root.shape);
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
  const seed = grad;
  if (!seed && root.size !== 1) {
    throw new Error('backward() without a gradient needs a scalar; pass the upstream gradient');
  }
  trackingBirths((born) => {
    const acc = new GradAccumulator(born);
    const root0 = seed ?? ones(root);
    acc.add(root, root0);
    noGrad(() => {
      for (const t of topologicalOrder(root)) {
        const g = acc.take(t);
        if (!g) continue;
        if (!t.node) {
          if (t.grad) addInto(t.grad, g);
          else if (acc.adopt(g)) t.grad = g;
          else t.grad = copyOf(g);
          acc.drop(g);
          continue;
        }
        const inputs = t.node.inputs;
        const inputGrads = t.node.backward(g).map((ig, i) => (ig && inputs[i]?.requiresGrad ? ig : null));
        // Held across the adds: one buffer may be the gradient of several inputs.
        for (const ig of inputGrads) if (ig) acc.hold(ig);
        inputGrads.forEach((ig, i) => {
          if (ig) acc.add(inputs[i]!, ig);
        });
        for (const ig of inputGrads) if (ig) acc.drop(ig);
        acc.drop(g);
      }
    });
  });
}
