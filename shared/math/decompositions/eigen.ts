/**
 * Decompositions of symmetric matrices, through ml-matrix (Householder tridiagonalisation + QL for the
 * eigenproblem, the classic JAMA algorithms). Inputs and outputs are row-major `Float64Array`s.
 */
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { NonPsdError } from '../../errors.ts';
import { symmetrize } from '../dense/matrix.ts';

/** Eigen-decomposition S = V·diag(values)·Vᵀ of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, ascending. (n) */
  values: Float64Array;
  /** (n, n) row-major; column j (entries `vectors[i * n + j]`) is the unit eigenvector of `values[j]`. */
  vectors: Float64Array;
}

function checkSquare(name: string, S: ArrayLike<number>, n: number): void {
  if (!Number.isInteger(n) || n < 0 || S.length !== n * n) {
    throw new RangeError(`${name}: expected an ${n}×${n} matrix (${n * n} entries), got ${S.length} entries.`);
  }
}

/** Row-major flat array → ml-matrix Matrix (copies). */
export function toMlMatrix(A: ArrayLike<number>, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) m.set(i, j, A[i * cols + j]!);
  }
  return m;
}

/** ml-matrix Matrix → row-major flat Float64Array (copies). */
export function fromMlMatrix(m: Matrix): Float64Array {
  const rows = m.rows;
  const cols = m.columns;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = m.get(i, j);
  }
  return out;
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric S (n, n):
 * S·V = V·diag(values), VᵀV = I. S is symmetrised first ((S + Sᵀ)/2), so rounding asymmetry is harmless.
 * Cost O(n³).
 * @throws RangeError when `S.length !== n·n`.
 */
export function symmetricEigen(S: Float64Array, n: number): SymmetricEigen {
  checkSquare('symmetricEigen', S, n);
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const evd = new EigenvalueDecomposition(toMlMatrix(symmetrize(S, n), n, n), { assumeSymmetric: true });
  const raw = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  // JAMA returns them ascending already; sort anyway so the contract does not depend on that detail.
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => raw[a]! - raw[b]! || a - b);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n); // (n, n)
  order.forEach((src, j) => {
    values[j] = raw[src]!;
    for (let i = 0; i < n; i++) vectors[i * n + j] = V.get(i, src);
  });
  return { values, vectors };
}

/**
 * V·diag(f(values))·Vᵀ: applies a scalar function to a symmetric matrix through its eigen-decomposition.
 * Cost O(n³).
 */
export function reconstructFromEigen(eigen: SymmetricEigen, n: number, f: (value: number) => number = (v) => v): Float64Array {
  const { values, vectors } = eigen;
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) w[j] = f(values[j]!);
  const out = new Float64Array(n * n); // (n, n)
  for (let i = 0; i < n; i++) {
    for (let k = i; k < n; k++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += vectors[i * n + j]! * w[j]! * vectors[k * n + j]!;
      out[i * n + k] = s;
      out[k * n + i] = s;
    }
  }
  return out;
}

/**
 * Lower-triangular C (n, n) with C·Cᵀ = S for a symmetric positive-definite S. Cost O(n³/3).
 * @throws NonPsdError "Matrix is not positive definite (Cholesky failed)." when S is not positive definite.
 */
export function cholesky(S: Float64Array, n: number): Float64Array {
  const C = tryCholesky(S, n);
  if (!C) throw new NonPsdError('Matrix is not positive definite (Cholesky failed).');
  return C;
}

/** Like {@link cholesky} but returns null instead of throwing when S is not positive definite. */
export function tryCholesky(S: Float64Array, n: number): Float64Array | null {
  checkSquare('cholesky', S, n);
  if (n === 0) return new Float64Array(0);
  const decomposition = new CholeskyDecomposition(toMlMatrix(symmetrize(S, n), n, n));
  if (!decomposition.isPositiveDefinite()) return null;
  const C = fromMlMatrix(decomposition.lowerTriangularMatrix);
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

/** Alias of {@link inverseSpd}: the inverse of an SPD matrix computed from its Cholesky factor. */
export const choleskyInverse = inverseSpd;

/**
 * Moore–Penrose pseudo-inverse of a symmetric S (n, n): eigenvalues with |λ| ≤ tol are treated as 0, the rest
 * inverted. Default tol = n·ε·max|λ| (numpy's convention). Cost O(n³).
 */
export function pseudoInverseSymmetric(S: Float64Array, n: number, tol?: number): Float64Array {
  const eigen = symmetricEigen(S, n);
  let maxAbs = 0;
  for (const v of eigen.values) maxAbs = Math.max(maxAbs, Math.abs(v));
  const cutoff = tol ?? n * Number.EPSILON * maxAbs;
  return reconstructFromEigen(eigen, n, (v) => (Math.abs(v) > cutoff ? 1 / v : 0));
}
