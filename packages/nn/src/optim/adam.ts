import type { Storage, Tensor } from '@ocellus/tensor';
import { FirstOrderOptimizer, type FirstOrderOptions } from './first-order.js';
import { checkRate, hyperparameter } from './parameters.js';

export interface AdamOptions extends FirstOrderOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/**
 * Adam with bias correction (Kingma & Ba 2015, Algorithm 1; CS231n):
 * `m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; x -= lr m̂ / (sqrt(v̂) + eps)`, evaluated in torch's
 * order. Each parameter counts its own steps, so one unfrozen late starts with a proper correction.
 * `weightDecay` adds `wd x` to the gradient (torch's Adam); AdamW decouples it.
 */
export class Adam extends FirstOrderOptimizer {
  beta1: number;
  beta2: number;
  eps: number;
  protected decoupled = false;

  constructor(params: Iterable<Tensor>, options: AdamOptions, type = 'adam') {
    super(type, params, options, [
      { name: 'm', kind: 'like-param' },
      { name: 'v', kind: 'like-param' },
      { name: 'step', kind: 'counter' },
    ]);
    this.beta1 = checkRate('beta1', options.beta1 ?? 0.9, { below1: true });
    this.beta2 = checkRate('beta2', options.beta2 ?? 0.999, { below1: true });
    this.eps = checkRate('eps', options.eps ?? 1e-8, { positive: true });
  }

  protected get hyper(): Record<string, number> {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps };
  }

  protected set hyper(values: Record<string, number>) {
    this.beta1 = hyperparameter(values, 'beta1');
    this.beta2 = hyperparameter(values, 'beta2');
    this.eps = hyperparameter(values, 'eps');
  }

  protected update(i: number, x: Storage, g: Storage): void {
    const { lr, beta1: b1, beta2: b2, eps } = this;
    const m = this.slot('m', i);
    const v = this.slot('v', i);
    const counter = this.slot('step', i);
    const t = ++counter[0]!;
    const stepSize = lr / (1 - b1 ** t);
    const rootCorrection = Math.sqrt(1 - b2 ** t);
    const coupled = this.decoupled ? 0 : this.weightDecay;
    const shrink = this.decoupled ? 1 - lr * this.weightDecay : 1;
    for (let j = 0; j < x.length; j++) {
      const gj = g[j]! + coupled * x[j]!;
      m[j] = b1 * m[j]! + (1 - b1) * gj;
      v[j] = b2 * v[j]! + (1 - b2) * gj * gj;
      x[j] = x[j]! * shrink - (stepSize * m[j]!) / (Math.sqrt(v[j]!) / rootCorrection + eps);
    }
  }
}

/** AdamW (Loshchilov & Hutter 2019): weight decay applied to the weights, `x *= 1 - lr wd`, not to g. */
export class AdamW extends Adam {
  protected override decoupled = true;

  constructor(params: Iterable<Tensor>, options: AdamOptions) {
    super(params, { ...options, weightDecay: options.weightDecay ?? 0.01 }, 'adamw');
  }
}
