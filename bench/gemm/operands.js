// Shared helpers of the GEMM benchmarks: operands in shared memory, medians.

/** Row-major operands of C (m x n) = A (m x k) B (k x n) in shared memory, values in [-1, 1). */
export function operands(m, n, k) {
  const fill = (length) => {
    const data = new Float32Array(new SharedArrayBuffer(length * 4));
    for (let i = 0; i < length; i++) data[i] = Math.random() * 2 - 1;
    return data;
  };
  return {
    a: { data: fill(m * k), offset: 0, ld: k },
    b: { data: fill(k * n), offset: 0, ld: n },
    c: { data: fill(m * n), offset: 0, ld: n },
  };
}

export function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
