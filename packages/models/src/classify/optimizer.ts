import type { JobSpec } from '@ocellus/contracts';
import { Adagrad, Adam, type Optimizer, RMSProp, SGD } from '@ocellus/nn/optim';
import type { Tensor } from '@ocellus/tensor';

type OptimizerSpec = JobSpec['optimizer'];

/** The job spec's first-order optimiser over `params`; L-BFGS is run by its own full-batch loop. */
export function makeOptimizer(spec: OptimizerSpec, params: Tensor[]): Optimizer {
  switch (spec.type) {
    case 'sgd':
      return new SGD(params, { lr: spec.lr });
    case 'momentum':
      return new SGD(params, { lr: spec.lr, momentum: spec.momentum });
    case 'nesterov':
      return new SGD(params, { lr: spec.lr, momentum: spec.momentum, nesterov: true });
    case 'adagrad':
      return new Adagrad(params, { lr: spec.lr, eps: spec.eps });
    case 'rmsprop':
      return new RMSProp(params, { lr: spec.lr, decayRate: spec.decayRate, eps: spec.eps });
    case 'adam':
      return new Adam(params, { lr: spec.lr, beta1: spec.beta1, beta2: spec.beta2, eps: spec.eps });
    case 'lbfgs':
      throw new Error('makeOptimizer: L-BFGS needs a closure; use the full-batch path');
  }
}

/** Step decay `lr * factor^floor(epoch / every)` from the spec's `schedule.lrDecay`. */
export function lrSchedule(spec: JobSpec): ((epoch: number) => number) | undefined {
  const decay = spec.schedule.lrDecay;
  if (!decay) return undefined;
  const base = spec.optimizer.lr;
  return (epoch) => base * decay.factor ** Math.floor(epoch / decay.every);
}
