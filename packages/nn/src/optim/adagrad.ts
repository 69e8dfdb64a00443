import type { Storage, Tensor } from '@ocellus/tensor';
import { FirstOrderOptimizer, type FirstOrderOptions } from './first-order.js';
import { checkRate, hyperparameter } from './parameters.js';

export interface AdagradOptions extends FirstOrderOptions {
  /** Added to sqrt(cache), outside the root as in torch (CS231n: 1e-7; torch's default is 1e-10). */
  eps?: number;
}

/** AdaGrad (Duchi et al. 2011, CS231n): `cache += g^2; x -= lr g / (sqrt(cache) + eps)`. */
export class Adagrad extends FirstOrderOptimizer {
  eps: number;

  constructor(params: Iterable<Tensor>, options: AdagradOptions) {
    super('adagrad', params, options, [{ name: 'cache', kind: 'like-param' }]);
    this.eps = checkRate('eps', options.eps ?? 1e-7, { positive: true });
  }

  protected get hyper(): Record<string, number> {
    return { eps: this.eps };
  }

  protected set hyper(values: Record<string, number>) {
    this.eps = hyperparameter(values, 'eps');
  }

  protected update(i: number, x: Storage, g: Storage): void {
    const { lr, weightDecay: wd, eps } = this;
    const cache = this.slot('cache', i);
    for (let j = 0; j < x.length; j++) {
      const gj = g[j]! + wd * x[j]!;
      cache[j]! += gj * gj;
      x[j]! -= (lr * gj) / (Math.sqrt(cache[j]!) + eps);
    }
  }
}
