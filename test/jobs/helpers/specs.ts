import type { JobSpecInput } from '@ocellus/contracts';

/** A softmax classifier on 300 digits, 2 epochs, promoted to production: seconds from submit to served. */
export const smallSpec = (model: string): JobSpecInput => ({
  task: 'classify',
  model,
  architecture: { type: 'linear', loss: 'softmax' },
  dataset: { name: 'mnist', train: 300, validation: 100, test: 200 },
  schedule: { epochs: 2, batchSize: 16 },
  promote: 'production',
});

/** An MLP stepped two digits at a time: 600 steps an epoch (about a second), so a test can act mid-epoch. */
export const slowSpec = (model: string): JobSpecInput => ({
  ...smallSpec(model),
  architecture: { type: 'mlp', hidden: [256] },
  dataset: { name: 'mnist', train: 1200, validation: 100, test: 200 },
  schedule: { epochs: 3, batchSize: 2 },
});
