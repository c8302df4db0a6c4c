/**
 * Hot kernels shared by the neighbourhood learners (NCA, LMNN): row dot products with register blocking,
 * pairwise squared distances, candidate-pair selection and the "weighted pair scatter" that turns pair
 * weights into a gradient. All matrices are row-major `Float64Array`s with their shape in a comment.
 *
 * Speed notes (one V8 thread): the naive triple loop reaches ≈ 0.9 G multiply-adds/s; blocking 4 rows of A
 * against 2 rows of B keeps 8 accumulators in registers and reaches ≈ 2.2 G/s on this kind of machine,
 * so every O(n²·k) or O(n·k·d) product goes through {@link dotRows}; the all-pairs distances of big inputs go through
 * the WebAssembly SIMD tiles of distance-tiles.ts. Float32 storage was measured slower
 * (the conversions cost more than the saved bandwidth at these sizes), so everything stays Float64.
 */
import { partitionSmallest } from './top-k.ts';
import { createGramDistanceTiles, TILE_ROWS } from './distance-tiles.ts';

/**
 * out[i·outStride + j] = ⟨A_i, B_j⟩ for rows i < ma of A (ma, len) and j < mb of B (mb, len); a row is
 * `len` contiguous entries. With `upper`, only j ≥ i is written (half the work; for a product known to be
 * symmetric, such as Z·Zᵀ); the caller mirrors if needed. Cost O(ma·mb·len) multiply-adds (half with `upper`).
 */
export function dotRows(
  A: Float64Array,
  ma: number,
  B: Float64Array,
  mb: number,
  len: number,
  out: Float64Array | Float32Array,
  outStride = mb,
  upper = false,
): void {
  let i = 0;
  for (; i + 3 < ma; i += 4) {
    const a0 = i * len;
    const a1 = a0 + len;
    const a2 = a1 + len;
    const a3 = a2 + len;
    const o0 = i * outStride;
    const o1 = o0 + outStride;
    const o2 = o1 + outStride;
    const o3 = o2 + outStride;
    let j = upper ? i : 0;
    if (upper) {
      // The 4×4 diagonal block, simply.
      for (let jj = i; jj < i + 4 && jj < mb; jj++) {
        const b = jj * len;
        for (let ii = i; ii <= jj; ii++) {
          const a = ii * len;
          let s = 0;
          for (let r = 0; r < len; r++) s += A[a + r]! * B[b + r]!;
          out[ii * outStride + jj] = s;
        }
      }
      j = i + 4;
    }
    for (; j + 1 < mb; j += 2) {
      const b0 = j * len;
      const b1 = b0 + len;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0; // prettier-ignore
      for (let r = 0; r < len; r++) {
        const y = B[b0 + r]!;
        const w = B[b1 + r]!;
        const x0 = A[a0 + r]!;
        const x1 = A[a1 + r]!;
        const x2 = A[a2 + r]!;
        const x3 = A[a3 + r]!;
        s0 += x0 * y;
        s1 += x1 * y;
        s2 += x2 * y;
        s3 += x3 * y;
        t0 += x0 * w;
        t1 += x1 * w;
        t2 += x2 * w;
        t3 += x3 * w;
      }
      out[o0 + j] = s0;
      out[o1 + j] = s1;
      out[o2 + j] = s2;
      out[o3 + j] = s3;
      out[o0 + j + 1] = t0;
      out[o1 + j + 1] = t1;
      out[o2 + j + 1] = t2;
      out[o3 + j + 1] = t3;
    }
    for (; j < mb; j++) {
      const b0 = j * len;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
      for (let r = 0; r < len; r++) {
        const y = B[b0 + r]!;
        s0 += A[a0 + r]! * y;
        s1 += A[a1 + r]! * y;
        s2 += A[a2 + r]! * y;
        s3 += A[a3 + r]! * y;
      }
      out[o0 + j] = s0;
      out[o1 + j] = s1;
      out[o2 + j] = s2;
      out[o3 + j] = s3;
    }
  }
  for (; i < ma; i++) {
    const a = i * len;
    for (let j = upper ? i : 0; j < mb; j++) {
      const b = j * len;
      let s = 0;
      for (let r = 0; r < len; r++) s += A[a + r]! * B[b + r]!;
      out[i * outStride + j] = s;
    }
  }
}

/** A {@link dotRows} without `upper`: the plain one, or the host's over row blocks on several threads (same bits). */
export type DotRows = (A: Float64Array, ma: number, B: Float64Array, mb: number, len: number, out: Float64Array, outStride: number) => void;

/** Z = X·Lᵀ with X (n, d) and L (k, d) → written into `out` (n, k). Cost O(n·k·d). */
export function embedInto(X: Float64Array, n: number, d: number, L: Float64Array, k: number, out: Float64Array, dot: DotRows = dotRows): void {
  dot(X, n, L, k, d, out, k);
}

/** Aᵀ for A (rows, cols) → `out` (cols, rows). */
export function transposeInto(A: Float64Array, rows: number, cols: number, out: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const a = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = A[a + j]!;
  }
}

/** Squared Euclidean norm of every row of Z (n, k) → (n). */
export function rowSquaredNorms(Z: Float64Array, n: number, k: number, out = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const a = i * k;
    for (let r = 0; r < k; r++) s += Z[a + r]! * Z[a + r]!;
    out[i] = s;
  }
  return out;
}

/**
 * Full matrix of squared distances ‖z_i − z_j‖² for Z (n, k) → (n, n), through the Gram trick
 * ‖z_i‖² + ‖z_j‖² − 2⟨z_i, z_j⟩ (clamped at 0; the diagonal is exactly 0). Computes the upper triangle
 * only (O(n²·k/2)) and mirrors it tile by tile (cache friendly). Used to refresh candidate lists, never inside
 * an objective: the Gram trick loses relative accuracy for near-duplicate points, which does not matter for
 * choosing candidates. Pass `out` (n·n entries) to reuse a buffer.
 */
export function squaredDistanceMatrix(Z: Float64Array, n: number, k: number, out?: Float64Array): Float64Array {
  const D = out ?? new Float64Array(n * n); // (n, n)
  if (D.length < n * n) throw new RangeError(`squaredDistanceMatrix: out must hold ${n * n} entries, got ${D.length}.`);
  dotRows(Z, n, Z, n, k, D, n, true);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = D[i * n + i]!;
  const T = 64;
  for (let bi = 0; bi < n; bi += T) {
    const iEnd = Math.min(n, bi + T);
    for (let bj = bi; bj < n; bj += T) {
      const jEnd = Math.min(n, bj + T);
      for (let i = bi; i < iEnd; i++) {
        const ni = norms[i]!;
        const row = i * n;
        for (let j = bj === bi ? i + 1 : bj; j < jEnd; j++) {
          const v = ni + norms[j]! - 2 * D[row + j]!;
          const c = v > 0 ? v : 0;
          D[row + j] = c;
          D[j * n + i] = c;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) D[i * n + i] = 0;
  return D;
}

/** Up to this many rows, {@link forEachDistanceRow} fills one symmetric n×n matrix (half the flops). */
export const FULL_MATRIX_ROWS = 4096;
const ROW_BLOCK = TILE_ROWS;

/** Length of the buffer {@link forEachDistanceRow} needs for n rows. */
export function distanceRowsBufferLength(n: number): number {
  return n <= FULL_MATRIX_ROWS ? n * n : ROW_BLOCK * n;
}

/**
 * Calls `visit(i, row)` for i = 0 … n − 1 in order, where row[j] = ‖z_i − z_j‖² (row[i] = 0) for Z (n, k), by the
 * Gram identity (clamped at 0). Up to {@link FULL_MATRIX_ROWS} rows it computes the symmetric matrix once
 * (O(n²·k/2), n² memory); beyond, it works in blocks of 64 rows on the shared distance tiles (O(n²·k), 64·n memory
 * plus one copy of Z), so memory stays linear in n. `row` is only valid during the call.
 * Pass `buffer` (at least {@link distanceRowsBufferLength}(n) entries) to reuse one.
 */
export function forEachDistanceRow(
  Z: Float64Array,
  n: number,
  k: number,
  visit: (i: number, row: Float64Array) => void,
  buffer?: Float64Array,
): void {
  const need = distanceRowsBufferLength(n);
  const buf = buffer && buffer.length >= need ? buffer : new Float64Array(need);
  if (n <= FULL_MATRIX_ROWS) {
    squaredDistanceMatrix(Z, n, k, buf);
    for (let i = 0; i < n; i++) visit(i, buf.subarray(i * n, (i + 1) * n));
    return;
  }
  // Beyond the full matrix: blocks of 64 query rows against all n through the shared Gram-identity tiles
  // (distance-tiles.ts: WebAssembly SIMD, cache-blocked; ≈ 5–8× the plain dotRows blocks on 60,000 rows).
  const tiles = createGramDistanceTiles(Z, n, k);
  const queryNorms = new Float64Array(TILE_ROWS);
  for (let start = 0; start < n; start += ROW_BLOCK) {
    const rows = Math.min(ROW_BLOCK, n - start);
    const block = buf.subarray(0, rows * n);
    const tile = tiles.distances(Z, start, rows, block, queryNorms);
    if (tile !== block) block.set(tile.subarray(0, rows * n)); // the rows are written below
    for (let r = 0; r < rows; r++) {
      const i = start + r;
      const row = block.subarray(r * n, (r + 1) * n);
      row[i] = 0;
      visit(i, row);
    }
  }
}

/**
 * Unordered pairs {a_p, b_p} with a_p < b_p, sorted by (a, b), plus, per row, the list of pairs that touch it
 * (CSR: `rowPairs[rowStart[i] … rowStart[i+1])` are pair indices). Built once per candidate refresh.
 */
export interface PairGraph {
  n: number;
  count: number;
  a: Int32Array;
  b: Int32Array;
  rowStart: Int32Array;
  rowPairs: Int32Array;
}

/** Builds a {@link PairGraph} from per-row neighbour lists (the union: {i, j} is in if j ∈ N(i) or i ∈ N(j)). */
export function pairGraphFromNeighbours(n: number, neighbours: Int32Array[]): PairGraph {
  // Collect each unordered pair once as the key a·n + b, then sort; n² < 2⁵³ for every n we can hold.
  let total = 0;
  for (const list of neighbours) total += list.length;
  const keys = new Float64Array(total);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const list = neighbours[i]!;
    for (let t = 0; t < list.length; t++) {
      const j = list[t]!;
      if (j === i) continue;
      keys[m++] = i < j ? i * n + j : j * n + i;
    }
  }
  const sorted = keys.subarray(0, m).sort();
  let count = 0;
  for (let t = 0; t < m; t++) if (t === 0 || sorted[t] !== sorted[t - 1]) sorted[count++] = sorted[t]!;
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  const degree = new Int32Array(n + 1);
  for (let p = 0; p < count; p++) {
    const key = sorted[p]!;
    const ai = Math.floor(key / n);
    const bi = key - ai * n;
    a[p] = ai;
    b[p] = bi;
    degree[ai + 1]!++;
    degree[bi + 1]!++;
  }
  for (let i = 0; i < n; i++) degree[i + 1]! += degree[i]!;
  const rowStart = Int32Array.from(degree);
  const fill = Int32Array.from(degree.subarray(0, n));
  const rowPairs = new Int32Array(2 * count);
  for (let p = 0; p < count; p++) {
    rowPairs[fill[a[p]!]!++] = p;
    rowPairs[fill[b[p]!]!++] = p;
  }
  return { n, count, a, b, rowStart, rowPairs };
}

/**
 * Indices of the `count` smallest entries of `values[0 … length)` (skipping `exclude`), in no particular
 * order. Quickselect on an index buffer: O(length) expected. Ties are broken by index, so the result is
 * deterministic.
 */
export function smallestIndices(values: ArrayLike<number>, length: number, count: number, exclude = -1): Int32Array {
  const idx = new Int32Array(length - (exclude >= 0 && exclude < length ? 1 : 0));
  let m = 0;
  for (let j = 0; j < length; j++) if (j !== exclude) idx[m++] = j;
  if (count >= m) return idx;
  partitionSmallest(values, idx, m, count);
  return idx.slice(0, count);
}

/**
 * The weighted pair scatter G = Σ_p w_p (x_{a_p} − x_{b_p})(x_{a_p} − x_{b_p})ᵀ = Xᵀ(D − S)X, where S is the
 * symmetric n×n matrix with S_ab = S_ba = w_p and D = diag(row sums of S). Every pairwise loss of the form
 * ℓ(L) = Σ_p φ_p(‖L(x_a − x_b)‖²) has gradient ∂ℓ/∂L = 2·L·G with w_p = φ_p'. This function returns that
 * gradient directly, choosing the cheaper of two equal formulas:
 *   (a) B = (D − S)·X (n, d), G = XᵀB (d, d, symmetric: half computed), grad = 2·L·G: O(m·d + n·d²/2 + k·d²);
 *   (b) B = (D − S)·Z (n, k), grad = 2·Bᵀ·X: O(m·k + n·k·d),
 * with m pairs, Z = X·Lᵀ (n, k), `Xt` = Xᵀ (d, n) precomputed by the caller. Writes grad (k, d) into `out`.
 * `work` must hold at least max(n·d, n·k) + d·n + d·d entries (reused between calls; no allocation).
 * Pairs with |w_p| ≤ `skipBelow` are left out (default 0: only exact zeros), which lets a caller drop the
 * numerically irrelevant tail of a softmax; the error is at most Σ_skipped |w_p|·‖L(x_a − x_b)‖·‖x_a − x_b‖·2.
 * `dot` computes the final product (the host's row blocks over threads: same bits as {@link dotRows}).
 */
export function pairScatterGradient(
  X: Float64Array,
  Xt: Float64Array,
  n: number,
  d: number,
  L: Float64Array,
  Z: Float64Array,
  k: number,
  pairs: { count: number; a: Int32Array; b: Int32Array },
  weights: Float64Array,
  out: Float64Array,
  work: Float64Array,
  skipBelow = 0,
  dot: DotRows = dotRows,
): void {
  const m = pairs.count;
  const costA = m * d + (n * d * d) / 2 + k * d * d;
  const costB = m * k + n * k * d;
  // (a) also needs room for (n, d), (d, n) and (d, d): a buffer sized for (b) alone (see pairScatterWorkLength) means (b).
  const roomForA = work.length >= 2 * n * d + d * d;
  const pa = pairs.a;
  const pb = pairs.b;
  if (costA < costB && roomForA) {
    // (a) B = (D − S)X: B_a += w (x_a − x_b), B_b += w (x_b − x_a).
    const B = work.subarray(0, n * d);
    B.fill(0);
    for (let p = 0; p < m; p++) {
      const w = weights[p]!;
      if (!(Math.abs(w) > skipBelow)) continue;
      const ra = pa[p]! * d;
      const rb = pb[p]! * d;
      for (let f = 0; f < d; f++) {
        const diff = w * (X[ra + f]! - X[rb + f]!);
        B[ra + f]! += diff;
        B[rb + f]! -= diff;
      }
    }
    const Bt = work.subarray(n * d, 2 * n * d);
    transposeInto(B, n, d, Bt);
    const G = work.subarray(2 * n * d, 2 * n * d + d * d); // (d, d)
    // G = Xᵀ B is symmetric in exact arithmetic: compute the upper triangle of (Xᵀ)·(Bᵀ)ᵀ, then mirror.
    dotRows(Xt, d, Bt, d, n, G, d, true);
    for (let i = 0; i < d; i++) {
      for (let j = i + 1; j < d; j++) G[j * d + i] = G[i * d + j]!;
    }
    // grad = 2·L·G; G symmetric so row r of L·G = ⟨L_r, G_c⟩ over columns c = rows of G.
    dot(L, k, G, d, d, out, d);
    for (let t = 0; t < k * d; t++) out[t]! *= 2;
  } else {
    // (b) B = (D − S)Z (n, k), grad = 2 Bᵀ X = 2 (Bᵀ)(Xᵀ)ᵀ.
    const B = work.subarray(0, n * k);
    B.fill(0);
    for (let p = 0; p < m; p++) {
      const w = weights[p]!;
      if (!(Math.abs(w) > skipBelow)) continue;
      const ra = pa[p]! * k;
      const rb = pb[p]! * k;
      for (let f = 0; f < k; f++) {
        const diff = w * (Z[ra + f]! - Z[rb + f]!);
        B[ra + f]! += diff;
        B[rb + f]! -= diff;
      }
    }
    const Bt = work.subarray(n * k, 2 * n * k);
    transposeInto(B, n, k, Bt);
    dot(Bt, k, Xt, d, n, out, d);
    for (let t = 0; t < k * d; t++) out[t]! *= 2;
  }
}

/**
 * Work-buffer length {@link pairScatterGradient} needs. When d ≥ 2k formula (b) is never the dearer one, whatever the
 * number of pairs (cost(a) − cost(b) = m(d − k) + n·d²/2 + k·d² − n·k·d ≥ n·d(d/2 − k) ≥ 0), so only its 2·n·k
 * entries are needed: for NCA to 32 components on 60,000 × 784 that is 31 MB instead of 757 MB.
 */
export function pairScatterWorkLength(n: number, d: number, k: number): number {
  return d >= 2 * k ? 2 * n * k : 2 * n * Math.max(d, k) + d * d;
}

/** ‖z_a − z_b‖² for every pair → `out` (m). Cost O(m·k). */
export function pairSquaredDistances(
  Z: Float64Array,
  k: number,
  pairs: { count: number; a: Int32Array; b: Int32Array },
  out: Float64Array,
): void {
  const pa = pairs.a;
  const pb = pairs.b;
  for (let p = 0; p < pairs.count; p++) {
    const ra = pa[p]! * k;
    const rb = pb[p]! * k;
    let s = 0;
    let r = 0;
    for (; r + 1 < k; r += 2) {
      const u = Z[ra + r]! - Z[rb + r]!;
      const v = Z[ra + r + 1]! - Z[rb + r + 1]!;
      s += u * u + v * v;
    }
    if (r < k) {
      const u = Z[ra + r]! - Z[rb + r]!;
      s += u * u;
    }
    out[p] = s;
  }
}

/**
 * {@link squaredDistanceMatrix} of this file under a name that says how it computes (the Gram identity, fast but not
 * exact for near neighbours), distinct from distances.ts's exact `exactSquaredDistanceMatrix`. The short name stays
 * for the learners that import it.
 */
export const gramSquaredDistanceMatrix = squaredDistanceMatrix;
