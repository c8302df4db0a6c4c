/**
 * The k largest eigenpairs of a symmetric S (n, n) without the full decomposition: what PCA needs at hundreds of
 * features (32 of 784 components), where ml-matrix's complete tridiagonal QL (eigen.ts) spends O(n³) accumulating
 * every eigenvector through strided column updates.
 *
 *   1. Householder tridiagonalisation S = Q·T·Qᵀ (Golub & Van Loan, *Matrix Computations*, 4th ed., Alg. 8.3.1), on
 *      contiguous rows: a symmetric mat-vec and a rank-2 update of the lower triangle per column, ≈ (4/3)·n³ flops, in
 *      WebAssembly SIMD (../wasm/eigen-kernels.ts), the reflectors kept.
 *   2. The k largest eigenvalues of T by Sturm-sequence bisection (G&VL §8.4.1), to the rounding limit of the
 *      interval arithmetic: O(n·k·60).
 *   3. Their eigenvectors of T by inverse iteration (G&VL §8.2.2, as LAPACK's dstein): tridiagonal LU with partial
 *      pivoting of T − λI, started from a fixed vector, re-orthogonalized against the vectors already found for
 *      eigenvalues within 10⁻³·‖T‖₁ (a cluster), until the residual ‖Tz − λz‖ is at the rounding level.
 *   4. Back to S's basis through the stored reflectors: O(n²·k).
 *
 * Deterministic (no random start), so a fit reproduces bit for bit.
 */

import { createEigenKernels, SIMD_MIN_ORDER, type EigenKernels } from '../wasm/eigen-kernels.ts';

/** The k largest eigenpairs, descending: S·v_j = λ_j·v_j, the v_j orthonormal. */
export interface TopEigen {
  /** (k) eigenvalues, largest first. */
  values: Float64Array;
  /** (k, n) row-major: row j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

const EPS = 2 ** -52;
/** Eigenvalues of T / ‖T‖₁ closer than this form a cluster whose vectors are re-orthogonalized (LAPACK's dstein). */
const CLUSTER = 1e-3;

/**
 * The `k` largest eigenvalues of the symmetric S (n, n) (symmetrised as (S + Sᵀ)/2) with their unit eigenvectors.
 * Cost ≈ (4/3)·n³ + O(n²·k). S is not modified.
 * @throws RangeError when `S.length !== n·n` or k is not in [0, n].
 */
export function topSymmetricEigen(S: Float64Array, n: number, k: number): TopEigen {
  if (!Number.isInteger(n) || n < 0 || S.length !== n * n) {
    throw new RangeError(`topSymmetricEigen: expected an ${n}×${n} matrix (${n * n} entries), got ${S.length} entries.`);
  }
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`topSymmetricEigen: k must be in [0, ${n}], got ${k}.`);
  const kernels = createEigenKernels(2 * n * n + n, n >= SIMD_MIN_ORDER); // A (n, n), the reflectors (n, n), scratch (n)
  const A = kernels.data; // the lower triangle of the working copy, symmetrised
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = 0.5 * (S[i * n + j]! + S[j * n + i]!);
  const { diagonal, offDiagonal, reflectors, betas } = tridiagonalize(kernels, n);
  // T / ‖T‖₁: the pivots and tolerances below then live at unit scale, far from overflow and underflow.
  const tNorm = tridiagonalNorm(diagonal, offDiagonal, n);
  for (let i = 0; i < n; i++) diagonal[i]! /= tNorm;
  for (let i = 0; i < n - 1; i++) offDiagonal[i]! /= tNorm;
  const values = new Float64Array(k);
  for (let j = 0; j < k; j++) values[j] = bisectEigenvalue(diagonal, offDiagonal, n, n - 1 - j);
  const vectors = new Float64Array(k * n); // (k, n)
  const z = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const cluster: number[] = [];
    for (let i = 0; i < j; i++) if (Math.abs(values[i]! - values[j]!) <= CLUSTER) cluster.push(i);
    inverseIteration(diagonal, offDiagonal, n, values[j]!, vectors, cluster, z);
    vectors.set(z, j * n);
  }
  for (let j = 0; j < k; j++) values[j]! *= tNorm;
  // z lives in T's basis; S's eigenvector is Q·z with Q = H_0·H_1 ⋯ H_{n−3}: apply the reflectors last to first.
  for (let j = 0; j < k; j++) {
    const y = vectors.subarray(j * n, (j + 1) * n);
    for (let c = n - 3; c >= 0; c--) {
      const beta = betas[c]!;
      if (beta === 0) continue;
      const v = reflectors.subarray(c * n, (c + 1) * n); // entries c+1 … n−1 used
      let s = 0;
      for (let i = c + 1; i < n; i++) s += v[i]! * y[i]!;
      s *= beta;
      for (let i = c + 1; i < n; i++) y[i]! -= s * v[i]!;
    }
  }
  return { values, vectors };
}

/**
 * Householder reduction of a symmetric A (n, n) to tridiagonal form, in the kernels' buffer (at least 2·n² + n
 * doubles): A's lower triangle is read from and overwritten in entries 0 … n² − 1 (row-major; the upper triangle is not
 * read), the reflectors are written to entries n² … 2·n² − 1, and the last n are scratch. Reflector c is
 * H_c = I − β_c·v_c·v_cᵀ with v_c (row c of the reflectors, entries c+1 … n−1), and zeroes column c below the
 * sub-diagonal. Each step is a symmetric mat-vec and a rank-2 update of the trailing block's lower triangle, on
 * contiguous row segments through the kernels: ≈ (4/3)·n³ flops. Returns T's diagonal (n), off-diagonal (n − 1; entry
 * i couples i and i + 1), the β_c (n − 2) and a view of the reflectors (n, n).
 */
export function tridiagonalize(kernels: EigenKernels, n: number) {
  const A = kernels.data;
  const R = n * n; // reflectors (n, n)
  const P = 2 * n * n; // scratch p (n)
  const reflectors = A.subarray(R, R + n * n);
  reflectors.fill(0);
  const betas = new Float64Array(Math.max(n - 2, 0));
  const offDiagonal = new Float64Array(Math.max(n - 1, 0));
  for (let c = 0; c + 2 < n; c++) {
    const V = R + c * n; // v_c
    // x = A[c+1…n−1, c], column c below the diagonal.
    let scale = 0;
    for (let i = c + 1; i < n; i++) scale = Math.max(scale, Math.abs(A[i * n + c]!));
    if (scale === 0) {
      offDiagonal[c] = 0;
      continue;
    }
    let sigma = 0;
    for (let i = c + 1; i < n; i++) {
      const x = A[i * n + c]! / scale;
      A[V + i] = x;
      sigma += x * x;
    }
    const x0 = A[V + c + 1]!;
    const alpha = -(x0 >= 0 ? 1 : -1) * Math.sqrt(sigma); // H·x = alpha·scale·e₁, sign against cancellation
    A[V + c + 1] = x0 - alpha;
    const vv = sigma - x0 * x0 + A[V + c + 1]! * A[V + c + 1]!;
    const beta = 2 / vv;
    betas[c] = beta;
    offDiagonal[c] = alpha * scale;
    // p = β·A'·v from the lower triangle of the trailing block A' = A[c+1…, c+1…]: row i's entries left of the diagonal
    // give p_i their dot product with v and add A'_ij·v_i to p_j.
    const lo = c + 1;
    A.fill(0, P + lo, P + n);
    for (let i = lo; i < n; i++) {
      const vi = A[V + i]!;
      const s = kernels.dotAxpy(i * n + lo, V + lo, P + lo, i - lo, vi);
      A[P + i]! += s + A[i * n + i]! * vi;
    }
    let pv = 0;
    for (let i = lo; i < n; i++) {
      A[P + i]! *= beta;
      pv += A[P + i]! * A[V + i]!;
    }
    // w = p − (β·pᵀv/2)·v, A' ← A' − (v·wᵀ + w·vᵀ) on the lower triangle.
    const half = 0.5 * beta * pv;
    for (let i = lo; i < n; i++) A[P + i]! -= half * A[V + i]!; // p now holds w
    for (let i = lo; i < n; i++) kernels.rank2(i * n + lo, P + lo, V + lo, i - lo + 1, A[V + i]!, A[P + i]!);
  }
  if (n >= 2) offDiagonal[n - 2] = A[(n - 1) * n + n - 2]!;
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonal[i] = A[i * n + i]!;
  return { diagonal, offDiagonal, reflectors, betas };
}

/** ‖T‖₁ of the tridiagonal (largest absolute column sum); 1 for T = 0 (any scale will do there). */
function tridiagonalNorm(diagonal: Float64Array, off: Float64Array, n: number): number {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const s = Math.abs(diagonal[i]!) + (i > 0 ? Math.abs(off[i - 1]!) : 0) + (i < n - 1 ? Math.abs(off[i]!) : 0);
    if (s > norm) norm = s;
  }
  return norm > 0 ? norm : 1;
}

/** Number of eigenvalues of T below x (Sturm sequence, pivots kept away from 0 by `pivmin`). */
function countBelow(diagonal: Float64Array, off: Float64Array, n: number, x: number, pivmin: number): number {
  let count = 0;
  let q = diagonal[0]! - x;
  if (Math.abs(q) < pivmin) q = -pivmin;
  if (q < 0) count++;
  for (let i = 1; i < n; i++) {
    const e = off[i - 1]!;
    q = diagonal[i]! - x - (e * e) / q;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
  }
  return count;
}

/**
 * The eigenvalue of index `index` (0 = smallest) of T (scaled to ‖T‖₁ = 1) by bisection on Gershgorin's interval, to
 * the rounding limit.
 */
function bisectEigenvalue(diagonal: Float64Array, off: Float64Array, n: number, index: number): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(off[i - 1]!) : 0) + (i < n - 1 ? Math.abs(off[i]!) : 0);
    lo = Math.min(lo, diagonal[i]! - r);
    hi = Math.max(hi, diagonal[i]! + r);
  }
  lo -= 2 * EPS;
  hi += 2 * EPS;
  let maxOff2 = 0;
  for (let i = 0; i < n - 1; i++) maxOff2 = Math.max(maxOff2, off[i]! * off[i]!);
  const pivmin = Number.MIN_VALUE * Math.max(1, maxOff2) * 1e10;
  // Invariant: fewer than index + 1 eigenvalues below lo, at least index + 1 below hi.
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi || hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
    if (countBelow(diagonal, off, n, mid, pivmin) > index) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Unit eigenvector z of T (scaled to ‖T‖₁ = 1) for the eigenvalue `lambda` by inverse iteration, orthogonal to the rows
 * `cluster` of `found` (k, n) (eigenvectors of T already computed for eigenvalues within {@link CLUSTER}). Writes z.
 */
function inverseIteration(
  diagonal: Float64Array,
  off: Float64Array,
  n: number,
  lambda: number,
  found: Float64Array,
  cluster: number[],
  z: Float64Array,
): void {
  if (n === 1) {
    z[0] = 1;
    return;
  }
  // LU with partial pivoting of T − λI (LAPACK's dgttrf layout): U has diagonals u0, u1, u2, L the multipliers.
  const u0 = new Float64Array(n);
  const u1 = new Float64Array(n);
  const u2 = new Float64Array(n);
  const mult = new Float64Array(n);
  const swapped = new Uint8Array(n);
  const tiny = EPS;
  for (let i = 0; i < n; i++) u0[i] = diagonal[i]! - lambda;
  for (let i = 0; i < n - 1; i++) u1[i] = off[i]!;
  let sub = n > 1 ? off[0]! : 0; // T's sub-diagonal entry below the current pivot
  for (let i = 0; i < n - 1; i++) {
    if (Math.abs(u0[i]!) >= Math.abs(sub)) {
      // No swap.
      if (u0[i] === 0) u0[i] = tiny;
      const m = sub / u0[i]!;
      mult[i] = m;
      u0[i + 1]! -= m * u1[i]!;
      u2[i] = 0;
    } else {
      // Swap rows i and i + 1.
      const m = u0[i]! / sub;
      mult[i] = m;
      swapped[i] = 1;
      u0[i] = sub;
      const t = u1[i]!;
      u1[i] = u0[i + 1]!;
      u0[i + 1] = t - m * u0[i + 1]!;
      u2[i] = i + 1 < n - 1 ? off[i + 1]! : 0;
      if (i + 1 < n - 1) u1[i + 1] = -m * u2[i]!;
    }
    sub = i + 1 < n - 1 ? off[i + 1]! : 0;
  }
  if (u0[n - 1] === 0) u0[n - 1] = tiny;
  for (let i = 0; i < n; i++) if (Math.abs(u0[i]!) < tiny) u0[i] = u0[i]! < 0 ? -tiny : tiny;
  // A fixed start with every component nonzero (no random stream: deterministic, and not orthogonal to z by accident
  // except in contrived cases, which the re-orthogonalization and the iterations repair).
  for (let i = 0; i < n; i++) z[i] = 1 + ((i * 7919) % 101) / 1013;
  const residualTarget = 4 * n * EPS;
  for (let it = 0; it < 10; it++) {
    // Solve L·U·x = z (x into z).
    for (let i = 0; i < n - 1; i++) {
      if (swapped[i]) {
        const t = z[i]!;
        z[i] = z[i + 1]!;
        z[i + 1] = t - mult[i]! * z[i + 1]!;
      } else {
        z[i + 1]! -= mult[i]! * z[i]!;
      }
    }
    z[n - 1] = z[n - 1]! / u0[n - 1]!;
    z[n - 2] = (z[n - 2]! - u1[n - 2]! * z[n - 1]!) / u0[n - 2]!;
    for (let i = n - 3; i >= 0; i--) z[i] = (z[i]! - u1[i]! * z[i + 1]! - u2[i]! * z[i + 2]!) / u0[i]!;
    for (const c of cluster) {
      const row = found.subarray(c * n, (c + 1) * n);
      let s = 0;
      for (let i = 0; i < n; i++) s += row[i]! * z[i]!;
      for (let i = 0; i < n; i++) z[i]! -= s * row[i]!;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += z[i]! * z[i]!;
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < n; i++) z[i]! *= inv;
    // Residual ‖T·z − λ·z‖₂.
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let t = (diagonal[i]! - lambda) * z[i]!;
      if (i > 0) t += off[i - 1]! * z[i - 1]!;
      if (i < n - 1) t += off[i]! * z[i + 1]!;
      r2 += t * t;
    }
    if (it >= 1 && Math.sqrt(r2) <= residualTarget) break;
  }
}
