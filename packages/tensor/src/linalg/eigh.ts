import { descendingOrder, requireMatrix, signOfLargest } from './canonical.js';
import { jacobiTangent, MAX_SWEEPS } from './jacobi-rotation.js';

export interface Eigh {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** n x n row-major; column j is the unit eigenvector of values[j], its largest-magnitude entry positive. */
  vectors: Float64Array;
}

/**
 * Eigendecomposition of the symmetric part (A + A^T) / 2 of the n x n row-major `a` by the cyclic
 * Jacobi method: rotations zero each off-diagonal entry in turn until none is above eps relative to
 * its diagonal pair (the Demmel-Veselic criterion), which gives eigenvalues to machine precision.
 */
export function eigh(a: Float64Array, n: number): Eigh {
  requireMatrix('eigh', a, n, n);
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) s[i * n + j] = 0.5 * (a[i * n + j]! + a[j * n + i]!);
  }
  // Row k of vt is the k-th column of the accumulated rotation, kept as a row for contiguous updates.
  const vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;
  let converged = false;
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    converged = true;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q]!;
        const app = s[p * n + p]!;
        const aqq = s[q * n + q]!;
        if (Math.abs(apq) <= Number.EPSILON * Math.sqrt(Math.abs(app)) * Math.sqrt(Math.abs(aqq))) continue;
        converged = false;
        rotate(s, vt, n, p, q, jacobiTangent(app, aqq, apq));
      }
    }
  }
  if (!converged) throw new Error(`eigh: Jacobi did not converge in ${MAX_SWEEPS} sweeps`);
  const diagonal = Float64Array.from({ length: n }, (_, i) => s[i * n + i]!);
  const order = descendingOrder(diagonal);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((k, j) => {
    values[j] = diagonal[k]!;
    const sign = signOfLargest(vt, k * n, 1, n);
    for (let i = 0; i < n; i++) vectors[i * n + j] = sign * vt[k * n + i]!;
  });
  return { values, vectors };
}

/** A <- J^T A J and V <- V J for the rotation J in the (p, q) plane with tangent t; zeroes a_pq. */
function rotate(s: Float64Array, vt: Float64Array, n: number, p: number, q: number, t: number): void {
  const c = 1 / Math.sqrt(1 + t * t);
  const sn = t * c;
  const apq = s[p * n + q]!;
  s[p * n + p]! -= t * apq;
  s[q * n + q]! += t * apq;
  s[p * n + q] = 0;
  s[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    if (k === p || k === q) continue;
    const akp = s[p * n + k]!;
    const akq = s[q * n + k]!;
    const kp = c * akp - sn * akq;
    const kq = sn * akp + c * akq;
    s[p * n + k] = kp;
    s[k * n + p] = kp;
    s[q * n + k] = kq;
    s[k * n + q] = kq;
  }
  for (let k = 0; k < n; k++) {
    const vp = vt[p * n + k]!;
    const vq = vt[q * n + k]!;
    vt[p * n + k] = c * vp - sn * vq;
    vt[q * n + k] = sn * vp + c * vq;
  }
}
