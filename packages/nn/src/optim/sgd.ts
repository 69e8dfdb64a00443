import type { Storage, Tensor } from '@ocellus/tensor';
import { FirstOrderOptimizer, type FirstOrderOptions } from './first-order.js';
import { checkRate, hyperparameter } from './parameters.js';

export interface SgdOptions extends FirstOrderOptions {
  /** Momentum mu (0: plain SGD). */
  momentum?: number;
  /** Nesterov momentum in CS231n's lookahead form (needs momentum > 0). */
  nesterov?: boolean;
}

/**
 * SGD, SGD + momentum and Nesterov momentum in CS231n's forms, with the velocity in parameter units:
 * `v = mu v - lr g; x += v`, and for Nesterov (the `x̂` reformulation) `x += -mu v_prev + (1 + mu) v`.
 * With a constant lr these are torch's trajectories exactly (torch keeps `v / -lr`); when a schedule
 * changes lr, the velocity here keeps the old rate's steps while torch rescales them.
 */
export class SGD extends FirstOrderOptimizer {
  momentum: number;
  nesterov: boolean;

  constructor(params: Iterable<Tensor>, options: SgdOptions) {
    super('sgd', params, options, [{ name: 'velocity', kind: 'like-param' }]);
    this.momentum = checkRate('momentum', options.momentum ?? 0, { below1: true });
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && this.momentum === 0) throw new Error('SGD: Nesterov needs momentum > 0');
  }

  protected get hyper(): Record<string, number> {
    return { momentum: this.momentum, nesterov: this.nesterov ? 1 : 0 };
  }

  protected set hyper(values: Record<string, number>) {
    this.momentum = hyperparameter(values, 'momentum');
    this.nesterov = hyperparameter(values, 'nesterov') === 1;
  }

  protected update(i: number, x: Storage, g: Storage): void {
    const { lr, weightDecay: wd, momentum: mu } = this;
    if (mu === 0) {
      for (let j = 0; j < x.length; j++) x[j]! -= lr * (g[j]! + wd * x[j]!);
      return;
    }
    const v = this.slot('velocity', i);
    for (let j = 0; j < x.length; j++) {
      const vPrev = v[j]!;
      v[j] = mu * vPrev - lr * (g[j]! + wd * x[j]!);
      x[j]! += this.nesterov ? -mu * vPrev + (1 + mu) * v[j]! : v[j]!;
    }
  }
}
