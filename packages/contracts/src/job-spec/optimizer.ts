import { z } from 'zod';

const lr = (fallback: number) => z.number().positive().max(10).default(fallback);
const eps = z.number().positive().default(1e-8);
const beta = (fallback: number) => z.number().min(0).lt(1).default(fallback);

/** Update rules and defaults of CS231n `optim.py` (Adam as Kingma & Ba; L-BFGS as PyTorch). */
export const optimizerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sgd'), lr: lr(1e-2) }),
  z.object({ type: z.literal('momentum'), lr: lr(1e-2), momentum: beta(0.9) }),
  z.object({ type: z.literal('nesterov'), lr: lr(1e-2), momentum: beta(0.9) }),
  z.object({ type: z.literal('adagrad'), lr: lr(1e-2), eps }),
  z.object({ type: z.literal('rmsprop'), lr: lr(1e-2), decayRate: beta(0.99), eps }),
  z.object({ type: z.literal('adam'), lr: lr(1e-3), beta1: beta(0.9), beta2: beta(0.999), eps }),
  z.object({
    type: z.literal('lbfgs'),
    lr: lr(1),
    historySize: z.int().min(1).max(1000).default(100),
    maxIter: z.int().min(1).max(1000).default(20),
    toleranceGrad: z.number().positive().default(1e-7),
  }),
]);
export type Optimizer = z.infer<typeof optimizerSchema>;
