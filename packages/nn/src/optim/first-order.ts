import { allocate, type Storage, type Tensor } from '@ocellus/tensor';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { checkParameters, checkRate, gradientOf } from './parameters.js';

/** A per-parameter slot: a buffer of the parameter's shape and dtype, or a float64 counter. */
export interface SlotSpec {
  name: string;
  kind: 'like-param' | 'counter';
}

export interface FirstOrderOptions {
  lr: number;
  /** L2 weight decay added to the gradient, `g + wd * x` (the gradient of `(wd / 2) sum x^2`). */
  weightDecay?: number;
}

/**
 * Shared machinery of the gradient-step optimisers: parameter checks, skipping frozen parameters and
 * null gradients, lazily allocated slots, and an exact state dict. Updates are plain loops over the
 * parameters' storage, so they record no graph and allocate nothing after the first step.
 */
export abstract class FirstOrderOptimizer implements Optimizer {
  readonly params: readonly Tensor[];
  lr: number;
  weightDecay: number;
  private steps = 0;
  private readonly slots = new Map<string, (Storage | null)[]>();

  protected constructor(
    readonly type: string,
    params: Iterable<Tensor>,
    options: FirstOrderOptions,
    private readonly slotSpecs: readonly SlotSpec[],
  ) {
    this.params = checkParameters(params, type);
    this.lr = checkRate('lr', options.lr);
    this.weightDecay = checkRate('weightDecay', options.weightDecay ?? 0);
    for (const spec of slotSpecs)
      this.slots.set(
        spec.name,
        this.params.map(() => null),
      );
  }

  /** Number of `step()` calls so far. */
  get stepCount(): number {
    return this.steps;
  }

  step(): void {
    this.steps++;
    this.params.forEach((p, i) => {
      const g = gradientOf(p);
      if (g) this.update(i, p.data, g);
    });
  }

  /** Updates parameter `i` in place from its gradient `g` (weight decay not yet applied). */
  protected abstract update(i: number, x: Storage, g: Storage): void;

  /** Hyperparameters other than lr and weightDecay, for the state dict. */
  protected abstract get hyper(): Record<string, number>;
  protected abstract set hyper(values: Record<string, number>);

  protected slot(name: string, i: number): Storage {
    const list = this.slots.get(name)!;
    const existing = list[i];
    if (existing) return existing;
    const p = this.params[i]!;
    const spec = this.slotSpecs.find((s) => s.name === name)!;
    const created = spec.kind === 'counter' ? new Float64Array(1) : allocate(p.dtype, p.size);
    list[i] = created;
    return created;
  }

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  stateDict(): OptimizerState {
    const slots: OptimizerState['slots'] = {};
    for (const [name, list] of this.slots) slots[name] = list.map((s) => (s ? s.slice() : null));
    return {
      type: this.type,
      step: this.steps,
      lr: this.lr,
      hyper: { ...this.hyper, weightDecay: this.weightDecay },
      slots,
    };
  }

  loadStateDict(state: OptimizerState): void {
    if (state.type !== this.type)
      throw new Error(`loadStateDict: state of a ${state.type}, not a ${this.type}`);
    const restored = new Map<string, (Storage | null)[]>();
    for (const spec of this.slotSpecs) {
      const list = state.slots[spec.name];
      if (!list || list.length !== this.params.length) {
        throw new Error(
          `loadStateDict: slot ${spec.name} needs one entry per parameter (${this.params.length})`,
        );
      }
      restored.set(
        spec.name,
        list.map((s, i) => {
          if (!s) return null;
          const p = this.params[i]!;
          const copy = spec.kind === 'counter' ? new Float64Array(1) : allocate(p.dtype, p.size);
          if (s.length !== copy.length) {
            throw new Error(
              `loadStateDict: slot ${spec.name}[${i}] has ${s.length} values, expected ${copy.length}`,
            );
          }
          copy.set(s);
          return copy;
        }),
      );
    }
    const extra = Object.keys(state.slots).filter((k) => !restored.has(k));
    if (extra.length > 0) throw new Error(`loadStateDict: unexpected slots ${extra.join(', ')}`);
    const { weightDecay, ...hyper } = state.hyper;
    this.hyper = hyper;
    this.weightDecay = checkRate('weightDecay', weightDecay ?? 0);
    this.lr = checkRate('lr', state.lr);
    this.steps = state.step;
    for (const [name, list] of restored) this.slots.set(name, list);
  }
}
