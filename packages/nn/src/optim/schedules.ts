/** A learning rate as a pure function of the epoch (from 0); the training loop sets `optimizer.lr`. */
export type LrSchedule = (epoch: number) => number;

function checkEpoch(epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epoch must be an integer >= 0, got ${epoch}`);
  return epoch;
}

/** Step decay (torch StepLR): `lr0 * gamma^floor(epoch / stepSize)`. */
export function stepLr(lr0: number, stepSize: number, gamma = 0.1): LrSchedule {
  if (!(Number.isInteger(stepSize) && stepSize >= 1)) throw new Error(`stepSize must be an integer >= 1`);
  return (epoch) => lr0 * gamma ** Math.floor(checkEpoch(epoch) / stepSize);
}

/** Exponential decay (torch ExponentialLR): `lr0 * gamma^epoch`. */
export function exponentialLr(lr0: number, gamma: number): LrSchedule {
  return (epoch) => lr0 * gamma ** checkEpoch(epoch);
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017, torch CosineAnnealingLR's closed form):
 * `etaMin + (lr0 - etaMin) (1 + cos(pi epoch / tMax)) / 2`, from lr0 at epoch 0 to etaMin at tMax.
 */
export function cosineLr(lr0: number, tMax: number, etaMin = 0): LrSchedule {
  if (!(tMax > 0)) throw new Error(`tMax must be positive, got ${tMax}`);
  return (epoch) => etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * checkEpoch(epoch)) / tMax))) / 2;
}
