/**
 * The positive-semidefinite (PSD) cone and the two faces of a Mahalanobis metric:
 * M (d, d), PSD, and its components L (k, d) with M = LᵀL.
 */
import { NonPsdError } from '../../errors.ts';
import { gram } from '../dense/matrix.ts';
import { reconstructFromEigen, symmetricEigen } from './eigen.ts';
import { tryCholesky } from './cholesky.ts';

/**
 * Euclidean (Frobenius) projection of a symmetric M (n, n) onto {M : M ⪰ minEigenvalue·I}:
 * M = V·diag(λ)·Vᵀ → V·diag(max(λ, minEigenvalue))·Vᵀ. With minEigenvalue = 0 this is the nearest PSD matrix.
 * Returns a new symmetric matrix. Cost O(n³).
 */
export function projectOntoPsdCone(M: Float64Array, n: number, minEigenvalue = 0): Float64Array {
  return reconstructFromEigen(symmetricEigen(M, n), n, (v) => (v < minEigenvalue ? minEigenvalue : v));
}

/** Largest |M[i][j] − M[j][i]| of a square M. */
export function asymmetry(M: Float64Array, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) worst = Math.max(worst, Math.abs(M[i * n + j]! - M[j * n + i]!));
  }
  return worst;
}

function maxAbsEntry(M: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < M.length; i++) m = Math.max(m, Math.abs(M[i]!));
  return m;
}

/**
 * True when M (n, n) is symmetric (up to tol·max(1, max|M|)) and its smallest eigenvalue is
 * ≥ −tol·max(1, |λ_max|). Default tol 1e-9. Cost O(n³).
 */
export function isPsd(M: Float64Array, n: number, tol = 1e-9): boolean {
  if (M.length !== n * n) throw new RangeError(`isPsd: expected an ${n}×${n} matrix (${n * n} entries), got ${M.length} entries.`);
  for (let i = 0; i < M.length; i++) if (!Number.isFinite(M[i]!)) return false;
  if (asymmetry(M, n) > tol * Math.max(1, maxAbsEntry(M))) return false;
  if (n === 0) return true;
  const { values } = symmetricEigen(M, n);
  const largest = Math.max(Math.abs(values[0]!), Math.abs(values[n - 1]!));
  return values[0]! >= -tol * Math.max(1, largest);
}

/** M = LᵀL for components L (k, d) → M (d, d), symmetric PSD. Cost O(k·d²). */
export function metricFromComponents(L: Float64Array, k: number, d: number): Float64Array {
  return gram(L, k, d);
}

/**
 * Components L (n, n) with LᵀL = M for a PSD matrix M (n, n): the inverse of {@link metricFromComponents}.
 *
 * - M positive definite (every Cholesky pivot² > 1e-10·max Mᵢᵢ): L = Cᵀ, where C is the lower Cholesky factor
 *   (M = C·Cᵀ), so L is upper triangular.
 * - M singular PSD: from M = V·diag(λ)·Vᵀ, the rows of L are √max(λⱼ, 0)·vⱼᵀ, largest eigenvalue first
 *   (eigenvalues in [−tol, tol] count as 0, so the last rows of L are zero).
 *
 * `tol` defaults to 1e-10·λ_max (λ_max the largest eigenvalue, floored at n·ε·λ_max): lenient enough for the
 * rounding a PSD projection or an optimizer leaves behind, so only a clearly indefinite M is rejected.
 * @throws NonPsdError when M is not symmetric or has an eigenvalue below −tol.
 */
export function componentsFromMetric(M: Float64Array, n: number, tol?: number): Float64Array {
  if (M.length !== n * n) {
    throw new RangeError(`componentsFromMetric: expected an ${n}×${n} matrix (${n * n} entries), got ${M.length} entries.`);
  }
  for (let i = 0; i < M.length; i++) {
    if (!Number.isFinite(M[i]!)) throw new NonPsdError(`Matrix is not positive semidefinite (PSD): entry ${i} is ${M[i]}.`);
  }
  const scale = Math.max(1, maxAbsEntry(M));
  if (asymmetry(M, n) > 1e-8 * scale) throw new NonPsdError('Matrix is not positive semidefinite (PSD): it is not symmetric.');
  if (n === 0) return new Float64Array(0);
  // Cholesky "succeeds" on a singular PSD matrix with pivots at rounding level; only trust clearly positive ones.
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, M[i * n + i]!);
  const C = tryCholesky(M, n);
  let wellConditioned = C !== null;
  for (let i = 0; C && i < n; i++) if (C[i * n + i]! * C[i * n + i]! <= 1e-10 * maxDiagonal) wellConditioned = false;
  if (C && wellConditioned) {
    // L = Cᵀ.
    const L = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[j * n + i] = C[i * n + j]!;
    return L;
  }
  const { values, vectors } = symmetricEigen(M, n);
  const largest = Math.max(0, values[n - 1]!);
  const cutoff = tol ?? Math.max(1e-10, n * Number.EPSILON) * largest;
  if (values[0]! < -cutoff) {
    throw new NonPsdError(`Matrix is not positive semidefinite (PSD): smallest eigenvalue ${values[0]} < −${cutoff}.`);
  }
  const L = new Float64Array(n * n); // (n, n)
  for (let j = 0; j < n; j++) {
    const value = values[j]!;
    if (value <= cutoff) continue;
    const s = Math.sqrt(value);
    const row = (n - 1 - j) * n;
    for (let i = 0; i < n; i++) L[row + i] = s * vectors[i * n + j]!;
  }
  return L;
}
