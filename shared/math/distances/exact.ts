/**
 * Squared Euclidean distances between rows of row-major matrices. These are the kernels behind every
 * Mahalanobis distance: d_M(x, y)² = ‖Lx − Ly‖², so distances in the learned space are Euclidean distances
 * between mapped rows. Computed by differencing (not ‖a‖² + ‖b‖² − 2a·b), so they are exact to rounding,
 * never negative, and exactly 0 for identical rows, which keeps ties deterministic. The Gram-identity ones (fast,
 * for candidates and screens) are gram.ts and the tiles.
 */

/** ‖a − b‖² for rows `ia` of A and `ib` of B, both with `k` columns. Cost O(k). */
export function rowSquaredDistance(A: Float64Array, ia: number, B: Float64Array, ib: number, k: number): number {
  const oa = ia * k;
  const ob = ib * k;
  let s = 0;
  for (let f = 0; f < k; f++) {
    const t = A[oa + f]! - B[ob + f]!;
    s += t * t;
  }
  return s;
}

/**
 * out[t] = rowSquaredDistance(A, rows[t], B, ib, k) for t < count, bit for bit: one row of B against many rows of
 * A. Each sum is the same sequence of additions as the one-pair loop; four pairs run side by side, so the four
 * independent dependency chains keep the adder busy (the one-pair loop waits on each addition). Cost O(count·k).
 */
export function rowSquaredDistancesTo(A: Float64Array, rows: ArrayLike<number>, count: number, B: Float64Array, ib: number, k: number, out: Float64Array): void {
  const ob = ib * k;
  let t = 0;
  for (; t + 4 <= count; t += 4) {
    const o0 = rows[t]! * k;
    const o1 = rows[t + 1]! * k;
    const o2 = rows[t + 2]! * k;
    const o3 = rows[t + 3]! * k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let f = 0; f < k; f++) {
      const b = B[ob + f]!;
      const t0 = A[o0 + f]! - b;
      const t1 = A[o1 + f]! - b;
      const t2 = A[o2 + f]! - b;
      const t3 = A[o3 + f]! - b;
      s0 += t0 * t0;
      s1 += t1 * t1;
      s2 += t2 * t2;
      s3 += t3 * t3;
    }
    out[t] = s0;
    out[t + 1] = s1;
    out[t + 2] = s2;
    out[t + 3] = s3;
  }
  for (; t < count; t++) out[t] = rowSquaredDistance(A, rows[t]!, B, ib, k);
}

/** D[i][j] = ‖A_i − B_j‖² for A (m, k) and B (n, k) → D (m, n). Cost O(m·n·k). */
export function crossSquaredDistances(A: Float64Array, m: number, B: Float64Array, n: number, k: number): Float64Array {
  if (A.length !== m * k || B.length !== n * k) {
    throw new RangeError(`crossSquaredDistances: expected A ${m}×${k} and B ${n}×${k}, got ${A.length} and ${B.length} entries.`);
  }
  const D = new Float64Array(m * n); // (m, n)
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) D[row + j] = rowSquaredDistance(A, i, B, j, k);
  }
  return D;
}

/** D[i][j] = ‖Y_i − Y_j‖² for Y (n, k) → D (n, n), symmetric with a zero diagonal. Cost O(n²·k/2). */
export function exactSquaredDistanceMatrix(Y: Float64Array, n: number, k: number): Float64Array {
  if (Y.length !== n * k) throw new RangeError(`exactSquaredDistanceMatrix: expected ${n}×${k} = ${n * k} entries, got ${Y.length}.`);
  const D = new Float64Array(n * n); // (n, n)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = rowSquaredDistance(Y, i, Y, j, k);
      D[i * n + j] = v;
      D[j * n + i] = v;
    }
  }
  return D;
}
