import { Rng } from '@ocellus/tensor';

/** Seed of one epoch's shuffle, a function of (seed, epoch) only, so a resumed run replays it. */
function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
}

/** The order in which epoch `epoch` (0-based) visits the examples. */
export function epochOrder(seed: number, epoch: number, size: number, shuffle: boolean): Int32Array {
  if (shuffle) return new Rng(epochSeed(seed, epoch)).permutation(size);
  return Int32Array.from({ length: size }, (_, i) => i);
}

/** Number of optimiser steps in one epoch; a short last batch counts unless dropped. */
export function stepsPerEpoch(size: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

export function batchIndices(order: Int32Array, step: number, batchSize: number): Int32Array {
  return order.subarray(step * batchSize, Math.min((step + 1) * batchSize, order.length));
}
