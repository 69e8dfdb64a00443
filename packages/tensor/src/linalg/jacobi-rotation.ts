/**
 * Tangent t of the Jacobi rotation that zeroes apq in the symmetric 2x2 [[app, apq], [apq, aqq]]
 * (Golub & Van Loan, sym.schur2): theta = (aqq - app) / (2 apq), t = sign(theta) / (|theta| + sqrt(1 + theta^2)),
 * the smaller of the two roots so the rotation angle stays within pi/4. Then c = 1 / sqrt(1 + t^2), s = t c.
 */
export function jacobiTangent(app: number, aqq: number, apq: number): number {
  const theta = (aqq - app) / (2 * apq);
  const magnitude = Math.abs(theta);
  // For huge theta, 1 / (2 theta) avoids overflow in theta^2 and is exact to working precision.
  const t = magnitude > 1e150 ? 1 / (2 * magnitude) : 1 / (magnitude + Math.sqrt(1 + theta * theta));
  return theta >= 0 ? t : -t;
}

/** Sweeps after which a Jacobi iteration is declared stuck; convergence is quadratic and takes well under 20. */
export const MAX_SWEEPS = 60;
