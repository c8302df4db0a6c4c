/**
 * Small dense solves used by the pair-based learners (Newton steps of MMC-diagonal): a symmetric positive-definite
 * system H·x = b by Cholesky, O(d³/3), in place on copies.
 */
import { NumericalError } from '../../errors.ts';

/**
 * Solves H·x = b for a symmetric positive-definite H (d, d) (only the lower triangle is read). When H is not
 * numerically positive definite, a ridge of 1e-12·(1 + max|Hᵢᵢ|)·I is added and doubled until it is.
 * @throws NumericalError when H or b holds a non-finite value.
 */
export function solveSymmetricPositive(H: Float64Array, d: number, b: Float64Array): Float64Array {
  if (H.length !== d * d || b.length !== d) {
    throw new RangeError(`solveSymmetricPositive: expected a ${d}×${d} matrix and a length-${d} vector, got ${H.length} and ${b.length} entries.`);
  }
  let scale = 0;
  for (let i = 0; i < H.length; i++) {
    if (!Number.isFinite(H[i]!)) throw new NumericalError(`solveSymmetricPositive: the matrix has a non-finite entry (${H[i]}).`);
  }
  for (let i = 0; i < d; i++) {
    if (!Number.isFinite(b[i]!)) throw new NumericalError(`solveSymmetricPositive: the right-hand side has a non-finite entry (${b[i]}).`);
    scale = Math.max(scale, Math.abs(H[i * d + i]!));
  }
  let ridge = 0;
  for (let attempt = 0; attempt < 80; attempt++) {
    const C = choleskyLower(H, d, ridge);
    if (C) return choleskySolve(C, d, b);
    ridge = ridge === 0 ? 1e-12 * (1 + scale) : ridge * 2;
  }
  throw new NumericalError('solveSymmetricPositive: the matrix could not be made positive definite.');
}

/** Lower-triangular C with C·Cᵀ = H + ridge·I, or null when a pivot is not positive. */
function choleskyLower(H: Float64Array, d: number, ridge: number): Float64Array | null {
  const C = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i * d + j]! + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= C[i * d + k]! * C[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        C[i * d + i] = Math.sqrt(s);
      } else {
        C[i * d + j] = s / C[j * d + j]!;
      }
    }
  }
  return C;
}

/** x with C·Cᵀ·x = b (forward then backward substitution). */
function choleskySolve(C: Float64Array, d: number, b: Float64Array): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= C[i * d + k]! * y[k]!;
    y[i] = s / C[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= C[k * d + i]! * x[k]!;
    x[i] = s / C[i * d + i]!;
  }
  return x;
}

/**
 * log det H for a symmetric positive-definite H (d, d), from its Cholesky factor (2·Σ log Cᵢᵢ). O(d³/3).
 * Returns −∞ when H is not numerically positive definite.
 */
export function logDeterminantSpd(H: Float64Array, d: number): number {
  if (H.length !== d * d) throw new RangeError(`logDeterminantSpd: expected a ${d}×${d} matrix, got ${H.length} entries.`);
  const C = choleskyLower(H, d, 0);
  if (!C) return Number.NEGATIVE_INFINITY;
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(C[i * d + i]!);
  return 2 * s;
}
