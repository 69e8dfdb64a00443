// The LeNet-5 every implementation runs, and the seeded batch they all see (same values everywhere).

/** Layer sizes: conv 6@5x5 pad 2 -> relu -> maxpool 2 -> conv 16@5x5 -> relu -> maxpool 2 -> fc 120 -> fc 84 -> fc 10. */
export const LENET = {
  conv1: { out: 6, in: 1, k: 5, pad: 2 },
  conv2: { out: 16, in: 6, k: 5, pad: 0 },
  fc: [400, 120, 84, 10],
};

export const LEARNING_RATE = 0.01;

/** Park-Miller in [0, 1): deterministic data without a dependency. */
function uniform(seed) {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

/** `batch` images 1x28x28 in [0, 1) (NCHW order) and their labels in [0, 10). */
export function batchData(batch, seed = 7) {
  const next = uniform(seed);
  const images = Float32Array.from({ length: batch * 28 * 28 }, next);
  const labels = Int32Array.from({ length: batch }, () => Math.floor(next() * 10));
  return { images, labels };
}
