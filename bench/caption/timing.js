import { gatherBatch } from '@ocellus/vision/datasets';

const WARM_UP = 3;

/** The middle value of `values` (the upper one of an even count). */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Milliseconds per caption of `model.predict` (greedy unless `options` say otherwise) on `batch` test scenes
 * at a time: the median of `timed` calls over the test split, cycling through it, after `WARM_UP` calls.
 */
export function msPerCaption(model, set, test, batch, timed, options = {}) {
  const scenes = (call) =>
    Int32Array.from({ length: batch }, (_, j) => test[(call * batch + j) % test.length]);
  for (let call = 0; call < WARM_UP; call++) model.predict(gatherBatch(set, scenes(call)).inputs, options);
  const samples = [];
  for (let call = 0; call < timed; call++) {
    const { inputs } = gatherBatch(set, scenes(call));
    const t0 = performance.now();
    model.predict(inputs, options);
    samples.push((performance.now() - t0) / batch);
  }
  return median(samples);
}
