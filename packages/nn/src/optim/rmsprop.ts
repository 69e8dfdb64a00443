import type { Storage, Tensor } from '@ocellus/tensor';
import { FirstOrderOptimizer, type FirstOrderOptions } from './first-order.js';
import { checkRate, hyperparameter } from './parameters.js';

export interface RmspropOptions extends FirstOrderOptions {
  /** Decay rate of the squared-gradient average (torch's alpha), default 0.99. */
  decayRate?: number;
  /** Added to the root, outside it (torch's placement), default 1e-8. */
  eps?: number;
}

/**
 * RMSProp (Hinton's lecture 6e, CS231n): `cache = rho cache + (1 - rho) g^2;
 * x -= lr g / (sqrt(cache) + eps)` — torch's RMSprop without momentum or centring.
 */
export class RMSProp extends FirstOrderOptimizer {
  decayRate: number;
  eps: number;

  constructor(params: Iterable<Tensor>, options: RmspropOptions) {
    super('rmsprop', params, options, [{ name: 'cache', kind: 'like-param' }]);
    this.decayRate = checkRate('decayRate', options.decayRate ?? 0.99, { below1: true });
    this.eps = checkRate('eps', options.eps ?? 1e-8, { positive: true });
  }

  protected get hyper(): Record<string, number> {
    return { decayRate: this.decayRate, eps: this.eps };
  }

  protected set hyper(values: Record<string, number>) {
    this.decayRate = hyperparameter(values, 'decayRate');
    this.eps = hyperparameter(values, 'eps');
  }

  protected update(i: number, x: Storage, g: Storage): void {
    const { lr, weightDecay: wd, decayRate: rho, eps } = this;
    const cache = this.slot('cache', i);
    for (let j = 0; j < x.length; j++) {
      const gj = g[j]! + wd * x[j]!;
      cache[j] = rho * cache[j]! + (1 - rho) * gj * gj;
      x[j]! -= (lr * gj) / (Math.sqrt(cache[j]!) + eps);
    }
  }
}
