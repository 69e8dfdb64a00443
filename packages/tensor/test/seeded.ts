// Seeded inputs for the tests, so every failing case can be replayed.

/** mulberry32: a tiny seeded generator of uniform values in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-1, 1). */
export function randomArray(length: number, random: () => number): Float64Array {
  return Float64Array.from({ length }, () => 2 * random() - 1);
}
