import type { Storage, Tensor } from '@ocellus/tensor';

/** Checks that each parameter's storage holds exactly its elements, so updates can write it in place. */
export function checkParameters(params: Iterable<Tensor>, what: string): Tensor[] {
  const list = [...params];
  if (list.length === 0) throw new Error(`${what}: no parameters to optimise`);
  if (new Set(list).size !== list.length) throw new Error(`${what}: a parameter is listed twice`);
  list.forEach((p, i) => {
    if (!p.isContiguous() || p.offset !== 0 || p.data.length !== p.size) {
      throw new Error(`${what}: parameter ${i} is a view; optimisers update whole contiguous storages`);
    }
  });
  return list;
}

/** The gradient to apply, or null for a frozen parameter or one that received none. */
export function gradientOf(p: Tensor): Storage | null {
  if (!p.requiresGrad || !p.grad) return null;
  if (p.grad.size !== p.size) {
    throw new Error(
      `gradient of shape [${p.grad.shape.join(', ')}] for a parameter of [${p.shape.join(', ')}]`,
    );
  }
  return p.grad.values();
}

export function checkRate(name: string, value: number, { positive = false, below1 = false } = {}): number {
  const ok = Number.isFinite(value) && (positive ? value > 0 : value >= 0) && (!below1 || value < 1);
  if (!ok) {
    throw new Error(
      `${name} must be a finite number ${positive ? '> 0' : '>= 0'}${below1 ? ' and < 1' : ''}, got ${value}`,
    );
  }
  return value;
}

/** A hyperparameter from a loaded state dict, which must be there. */
export function hyperparameter(values: Record<string, number>, name: string): number {
  const v = values[name];
  if (v === undefined) throw new Error(`loadStateDict: missing hyperparameter ${name}`);
  return v;
}
