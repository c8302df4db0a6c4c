/**
 * Minimal dense kernels on row-major `Float64Array` matrices. Every function returns new data; shapes are
 * passed explicitly (a matrix is just its flat array). Loops are ordered i-k-j so the innermost loop walks
 * contiguous memory of both the output row and the right-hand row, which is what makes them cache friendly.
 */
import { dotRows } from './row-products.ts';

function checkLength(name: string, array: ArrayLike<number>, rows: number, cols: number): void {
  if (array.length !== rows * cols) {
    throw new RangeError(`${name}: expected ${rows}×${cols} = ${rows * cols} entries, got ${array.length}.`);
  }
}

/**
 * C = A·B with A (m, k) and B (k, n) → C (m, n). Cost O(m·k·n).
 * @throws RangeError when a length does not match its shape.
 */
export function matmul(A: Float64Array, m: number, k: number, B: Float64Array, n: number): Float64Array {
  checkLength('matmul A', A, m, k);
  checkLength('matmul B', B, k, n);
  const C = new Float64Array(m * n); // (m, n)
  for (let i = 0; i < m; i++) {
    const cRow = i * n;
    const aRow = i * k;
    for (let p = 0; p < k; p++) {
      const a = A[aRow + p]!;
      if (a === 0) continue;
      const bRow = p * n;
      for (let j = 0; j < n; j++) C[cRow + j]! += a * B[bRow + j]!;
    }
  }
  return C;
}

/**
 * C = A·Bᵀ with A (m, k) and B (n, k) → C (m, n): C[i][j] is the dot product of row i of A and row j of B.
 * Equals `matmul(A, m, k, transpose(B, n, k), n)` without forming Bᵀ. Cost O(m·k·n).
 */
export function matmulTransB(A: Float64Array, m: number, k: number, B: Float64Array, n: number): Float64Array {
  checkLength('matmulTransB A', A, m, k);
  checkLength('matmulTransB B', B, n, k);
  const C = new Float64Array(m * n); // (m, n)
  // Register-blocked (4 rows of A × 2 rows of B); every entry still sums p = 0 … k − 1 in order, so the bits are
  // those of the plain triple loop.
  dotRows(A, m, B, n, k, C, n);
  return C;
}

/**
 * C = Aᵀ·B with A (k, m) and B (k, n) → C (m, n). Equals `matmul(transpose(A, k, m), m, k, B, n)`.
 * Cost O(k·m·n); walks both inputs row by row.
 */
export function matmulTransA(A: Float64Array, k: number, m: number, B: Float64Array, n: number): Float64Array {
  checkLength('matmulTransA A', A, k, m);
  checkLength('matmulTransA B', B, k, n);
  const C = new Float64Array(m * n); // (m, n)
  for (let p = 0; p < k; p++) {
    const aRow = p * m;
    const bRow = p * n;
    for (let i = 0; i < m; i++) {
      const a = A[aRow + i]!;
      if (a === 0) continue;
      const cRow = i * n;
      for (let j = 0; j < n; j++) C[cRow + j]! += a * B[bRow + j]!;
    }
  }
  return C;
}

/** Aᵀ for A (m, n) → (n, m). */
export function transpose(A: Float64Array, m: number, n: number): Float64Array {
  checkLength('transpose', A, m, n);
  const T = new Float64Array(m * n); // (n, m)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) T[j * m + i] = A[i * n + j]!;
  }
  return T;
}

/**
 * The Gram matrix G = AᵀA for A (m, n) → G (n, n), symmetric. Identical to
 * `matmul(transpose(A, m, n), n, m, A, n)`, but computes only the upper triangle (half the work,
 * O(m·n²/2)) by accumulating outer products of the rows, then mirrors it.
 */
export function gram(A: Float64Array, m: number, n: number): Float64Array {
  checkLength('gram', A, m, n);
  const G = new Float64Array(n * n); // (n, n)
  for (let r = 0; r < m; r++) {
    const row = r * n;
    for (let i = 0; i < n; i++) {
      const a = A[row + i]!;
      if (a === 0) continue;
      const gRow = i * n;
      for (let j = i; j < n; j++) G[gRow + j]! += a * A[row + j]!;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) G[i * n + j] = G[j * n + i]!;
  }
  return G;
}

/** The n×n identity matrix. */
export function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

/** (A + Aᵀ) / 2 for a square A (n, n): removes the asymmetry rounding leaves behind. */
export function symmetrize(A: Float64Array, n: number): Float64Array {
  checkLength('symmetrize', A, n, n);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    S[i * n + i] = A[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (A[i * n + j]! + A[j * n + i]!);
      S[i * n + j] = v;
      S[j * n + i] = v;
    }
  }
  return S;
}

/** Sum of the diagonal of a square A (n, n). */
export function trace(A: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += A[i * n + i]!;
  return s;
}

/** Column means of X (n, d) → (d). Returns zeros for n = 0. */
export function columnMeans(X: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  if (n === 0) return mean;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let f = 0; f < d; f++) mean[f]! += X[row + f]!;
  }
  for (let f = 0; f < d; f++) mean[f]! /= n;
  return mean;
}

/** X − 1·meanᵀ: each row minus `mean` (length d) → new (n, d). */
export function centerRows(X: Float64Array, n: number, d: number, mean: Float64Array): Float64Array {
  const C = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let f = 0; f < d; f++) C[row + f] = X[row + f]! - mean[f]!;
  }
  return C;
}
