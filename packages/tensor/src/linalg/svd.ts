import { descendingOrder, requireMatrix, signOfLargest } from './canonical.js';
import { jacobiTangent, MAX_SWEEPS } from './jacobi-rotation.js';
import { completeOrthonormal } from './orthonormal-completion.js';

export interface Svd {
  /** m x r row-major, orthonormal columns. */
  u: Float64Array;
  /** r singular values, descending, >= 0. */
  s: Float64Array;
  /** r x n row-major, orthonormal rows; each row's largest-magnitude entry is positive. */
  vt: Float64Array;
}

/** Below this (after scaling the matrix to entries under 1) a singular value is an exact or underflowed zero. */
const ZERO = 2 ** -960;

/**
 * Thin SVD A = U diag(s) V^T of the m x n row-major `a`, r = min(m, n), by one-sided Jacobi
 * (Hestenes 1958): rotate pairs of the r vectors (columns of A when m >= n, rows otherwise) until
 * every pair is orthogonal to sqrt(length) * eps relative to their norms, as LAPACK's dgesvj does;
 * the norms are the singular values and the accumulated rotations the other factor.
 */
export function svd(a: Float64Array, m: number, n: number): Svd {
  requireMatrix('svd', a, m, n);
  const tall = m >= n;
  const r = Math.min(m, n);
  const length = tall ? m : n;
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]!));
  // A power of two keeps the scaling exact; it keeps squared norms clear of overflow and underflow.
  const scale = largest === 0 ? 1 : 2 ** Math.ceil(Math.log2(largest));
  const rows = new Float64Array(r * length);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) rows[tall ? j * m + i : i * n + j] = a[i * n + j]! / scale;
  }
  const rotations = new Float64Array(r * r);
  for (let i = 0; i < r; i++) rotations[i * r + i] = 1;
  orthogonalize(rows, rotations, r, length);
  const norms = Float64Array.from({ length: r }, (_, j) => norm(rows, j * length, length));
  const order = descendingOrder(norms);
  const s = new Float64Array(r);
  // Unit vectors of the orthogonalized side (left singular vectors when tall), in descending order.
  const basis = new Float64Array(r * length);
  const missing: number[] = [];
  order.forEach((k, j) => {
    const sj = norms[k]! > ZERO ? norms[k]! : 0;
    s[j] = sj * scale;
    if (sj === 0) missing.push(j);
    else for (let i = 0; i < length; i++) basis[j * length + i] = rows[k * length + i]! / sj;
  });
  completeOrthonormal(basis, r, length, missing);
  const u = new Float64Array(m * r);
  const vt = new Float64Array(r * n);
  order.forEach((k, j) => {
    for (let i = 0; i < m; i++) u[i * r + j] = tall ? basis[j * m + i]! : rotations[k * r + i]!;
    for (let i = 0; i < n; i++) vt[j * n + i] = tall ? rotations[k * r + i]! : basis[j * n + i]!;
    const sign = signOfLargest(vt, j * n, 1, n);
    if (sign < 0) {
      for (let i = 0; i < m; i++) u[i * r + j] = -u[i * r + j]!;
      for (let i = 0; i < n; i++) vt[j * n + i] = -vt[j * n + i]!;
    }
  });
  return { u, s, vt };
}

/** Cyclic one-sided Jacobi on the r row vectors of `rows`, applying each rotation to `rotations` too. */
function orthogonalize(rows: Float64Array, rotations: Float64Array, r: number, length: number): void {
  const tolerance = Math.sqrt(length) * Number.EPSILON;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < r - 1; p++) {
      for (let q = p + 1; q < r; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0, xp = p * length, xq = q * length; i < length; i++) {
          const x = rows[xp + i]!;
          const y = rows[xq + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= tolerance * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        // The Jacobi rotation of the Gram matrix [[alpha, gamma], [gamma, beta]] orthogonalizes the pair.
        const t = jacobiTangent(alpha, beta, gamma);
        const c = 1 / Math.sqrt(1 + t * t);
        rotatePair(rows, p * length, q * length, length, c, t * c);
        rotatePair(rotations, p * r, q * r, r, c, t * c);
      }
    }
    if (!rotated) return;
  }
  throw new Error(`svd: one-sided Jacobi did not converge in ${MAX_SWEEPS} sweeps`);
}

/** (x, y) <- (c x - s y, s x + c y) for two vectors stored at offsets xp and xq. */
function rotatePair(data: Float64Array, xp: number, xq: number, length: number, c: number, s: number): void {
  for (let i = 0; i < length; i++) {
    const x = data[xp + i]!;
    const y = data[xq + i]!;
    data[xp + i] = c * x - s * y;
    data[xq + i] = s * x + c * y;
  }
}

function norm(data: Float64Array, offset: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += data[offset + i]! * data[offset + i]!;
  return Math.sqrt(sum);
}
