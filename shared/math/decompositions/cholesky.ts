/**
 * The one Cholesky factorisation, C·Cᵀ = H for a symmetric positive-definite H (d, d) (the lower triangle is read;
 * O(d³/3), on a copy), and what is built on it: solves H·x = b (with a growing ridge when H is not numerically
 * positive definite), log det H, H⁻¹ and the inverse of a triangular factor.
 */
import { NonPsdError, NumericalError } from '../../errors.ts';
import { symmetrize } from '../dense/matrix.ts';

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

/**
 * Lower-triangular C (n, n) with C·Cᵀ = S for a symmetric positive-definite S (symmetrised first, (S + Sᵀ)/2, so
 * rounding asymmetry is harmless). Cost O(n³/3).
 * @throws NonPsdError "Matrix is not positive definite (Cholesky failed)." when S is not positive definite.
 */
export function cholesky(S: Float64Array, n: number): Float64Array {
  const C = tryCholesky(S, n);
  if (!C) throw new NonPsdError('Matrix is not positive definite (Cholesky failed).');
  return C;
}

/** Like {@link cholesky} but returns null instead of throwing when S is not positive definite. */
export function tryCholesky(S: Float64Array, n: number): Float64Array | null {
  if (!Number.isInteger(n) || n < 0 || S.length !== n * n) {
    throw new RangeError(`cholesky: expected an ${n}×${n} matrix (${n * n} entries), got ${S.length} entries.`);
  }
  const C = choleskyLower(symmetrize(S, n), n, 0);
  if (!C) return null;
  for (let i = 0; i < C.length; i++) if (!Number.isFinite(C[i]!)) return null;
  return C;
}

/**
 * S⁻¹ for a symmetric positive-definite S (n, n), through its Cholesky factor: S⁻¹ = C⁻ᵀ·C⁻¹. Cost O(n³).
 * @throws NonPsdError when S is not positive definite.
 */
export function inverseSpd(S: Float64Array, n: number): Float64Array {
  const C = cholesky(S, n);
  const Cinv = lowerTriangularInverse(C, n);
  // S⁻¹ = Cinvᵀ·Cinv, symmetric.
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let p = j; p < n; p++) s += Cinv[p * n + i]! * Cinv[p * n + j]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** C⁻¹ (n, n), lower triangular, for a lower-triangular C with a nonzero diagonal: forward substitution on I's columns. */
export function lowerTriangularInverse(C: Float64Array, n: number): Float64Array {
  const Cinv = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    for (let i = col; i < n; i++) {
      let s = i === col ? 1 : 0;
      for (let p = col; p < i; p++) s -= C[i * n + p]! * Cinv[p * n + col]!;
      Cinv[i * n + col] = s / C[i * n + i]!;
    }
  }
  return Cinv;
}
