/**
 * The eigen-decomposition of symmetric matrices, through ml-matrix (Householder tridiagonalisation + QL, the classic
 * JAMA algorithms), and what is built on it. Inputs and outputs are row-major `Float64Array`s. Cholesky is
 * cholesky.ts.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
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
function toMlMatrix(A: ArrayLike<number>, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) m.set(i, j, A[i * cols + j]!);
  }
  return m;
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
