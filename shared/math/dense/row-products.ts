/**
 * Row products with register blocking ({@link dotRows}, Z = X·Lᵀ, transposes into a buffer) and the "weighted pair
 * scatter" that turns per-pair weights into the gradient of a pairwise loss. All matrices are row-major
 * `Float64Array`s with their shape in a comment.
 *
 * Speed notes (one V8 thread): the naive triple loop reaches ≈ 0.9 G multiply-adds/s; blocking 4 rows of A
 * against 2 rows of B keeps 8 accumulators in registers and reaches ≈ 2.2 G/s on this kind of machine,
 * so every O(n²·k) or O(n·k·d) product goes through {@link dotRows}. These kernels keep their data in Float64:
 * Float32 storage was measured slower here (the conversions cost more than the saved bandwidth at these sizes).
 * Binary32 pays only where a screen is re-checked exactly: the single-precision tiles of
 * ../distances/screening-tiles.ts, whose candidates are re-ranked by exact differencing.
 */

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
  out: Float64Array,
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

/** A {@link dotRows}: the plain one, or the host's over row blocks on several threads (same bits). */
export type DotRows = (A: Float64Array, ma: number, B: Float64Array, mb: number, len: number, out: Float64Array, outStride: number, upper?: boolean) => void;

/** Columns of X per block of {@link timesRowsBlock}: fixed, never by thread count. */
const TIMES_ROWS_COLUMNS = 16;

/** Number of blocks of {@link timesRowsBlock} for X with `d` columns. */
export function timesRowsBlocks(d: number): number {
  return Math.ceil(d / TIMES_ROWS_COLUMNS);
}

/** This thread's last gather buffer: a fit's every product has the same n, so one buffer serves them all. */
let lastScratch: Float64Array | null = null;

/**
 * The gather buffer this thread needs for {@link timesRowsBlock} over X with `n` rows: the one of its last product
 * when n is the same (a product runs to its end before the next starts on a thread), else a new one.
 */
export function timesRowsScratch(n: number): Float64Array {
  if (lastScratch?.length !== TIMES_ROWS_COLUMNS * n) lastScratch = new Float64Array(TIMES_ROWS_COLUMNS * n); // (columns, n)
  return lastScratch;
}

/**
 * Block `block` of out (ma, d) = A (ma, n)·X (n, d): the block's {@link TIMES_ROWS_COLUMNS} columns of X are gathered
 * into `columns` as rows of Xᵀ, and {@link dotRows} takes A against them. So every entry has the bits of
 * dotRows(A, ma, Xᵀ, d, n, out, d) (dotRows sums each entry in row order, whatever the rows around it), without the
 * (d, n) transpose of a large X ever being stored: the gather reads n·d entries per product, as the product itself does.
 */
export function timesRowsBlock(A: Float64Array, ma: number, X: Float64Array, n: number, d: number, out: Float64Array, block: number, columns: Float64Array): void {
  const first = block * TIMES_ROWS_COLUMNS;
  const width = Math.min(TIMES_ROWS_COLUMNS, d - first);
  for (let i = 0; i < n; i++) {
    const row = i * d + first;
    for (let c = 0; c < width; c++) columns[c * n + i] = X[row + c]!;
  }
  dotRows(A, ma, columns, width, n, out.subarray(first), d);
}

/** out (ma, d) = A (ma, n)·X (n, d) on this thread, block by block: the bits of {@link timesRowsBlock} over every block. */
export function timesRows(A: Float64Array, ma: number, X: Float64Array, n: number, d: number, out: Float64Array): void {
  const columns = timesRowsScratch(n);
  for (let block = 0, blocks = timesRowsBlocks(d); block < blocks; block++) timesRowsBlock(A, ma, X, n, d, out, block, columns);
}

/** A {@link timesRows}: the plain one, or the host's over column blocks on several threads (same bits). */
export type TimesRows = (A: Float64Array, ma: number, X: Float64Array, n: number, d: number, out: Float64Array) => void;

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

/**
 * Bᵀ (width, n) for B = (D − S)·V, V (n, width): B_a += w_p (v_a − v_b) and B_b −= w_p (v_a − v_b) for every pair p
 * with |w_p| > `skipBelow`, in increasing p, so each row of B sums its pairs' terms in pair order. The serial
 * {@link pairScatterRows} builds B in `B` (n·width, scratch) and transposes it; a host's version over row blocks
 * (each row gathering its own pairs in that order) gives the same bits.
 */
export type PairScatterRows = (
  V: Float64Array,
  n: number,
  width: number,
  pairs: { count: number; a: Int32Array; b: Int32Array },
  weights: Float64Array,
  skipBelow: number,
  Bt: Float64Array,
  B: Float64Array,
) => void;

/** {@link PairScatterRows} on this thread: O(m·width + n·width). */
export function pairScatterRows(
  V: Float64Array,
  n: number,
  width: number,
  pairs: { count: number; a: Int32Array; b: Int32Array },
  weights: Float64Array,
  skipBelow: number,
  Bt: Float64Array,
  B: Float64Array,
): void {
  const pa = pairs.a;
  const pb = pairs.b;
  B.fill(0);
  for (let p = 0; p < pairs.count; p++) {
    const w = weights[p]!;
    if (!(Math.abs(w) > skipBelow)) continue;
    const ra = pa[p]! * width;
    const rb = pb[p]! * width;
    for (let f = 0; f < width; f++) {
      const diff = w * (V[ra + f]! - V[rb + f]!);
      B[ra + f]! += diff;
      B[rb + f]! -= diff;
    }
  }
  transposeInto(B, n, width, Bt);
}

/**
 * The weighted pair scatter G = Σ_p w_p (x_{a_p} − x_{b_p})(x_{a_p} − x_{b_p})ᵀ = Xᵀ(D − S)X, where S is the
 * symmetric n×n matrix with S_ab = S_ba = w_p and D = diag(row sums of S). Every pairwise loss of the form
 * ℓ(L) = Σ_p φ_p(‖L(x_a − x_b)‖²) has gradient ∂ℓ/∂L = 2·L·G with w_p = φ_p'. This function returns that
 * gradient directly, choosing the cheaper of two equal formulas:
 *   (a) B = (D − S)·X (n, d), G = XᵀB (d, d, symmetric: half computed), grad = 2·L·G: O(m·d + n·d²/2 + k·d²);
 *   (b) B = (D − S)·Z (n, k), grad = 2·Bᵀ·X: O(m·k + n·k·d),
 * with m pairs, Z = X·Lᵀ (n, k), `Xt` = Xᵀ (d, n) precomputed by the caller, or null where (a) can never be the
 * cheaper ({@link pairScatterUsesTranspose}: (b) then takes Bᵀ·X by `times`, with the bits of Bᵀ·(Xᵀ)ᵀ by `dot`).
 * Writes grad (k, d) into `out`.
 * `work` must hold at least max(n·d, n·k) + d·n + d·d entries (reused between calls; no allocation).
 * Pairs with |w_p| ≤ `skipBelow` are left out (default 0: only exact zeros), which lets a caller drop the
 * numerically irrelevant tail of a softmax; the error is at most Σ_skipped |w_p|·‖L(x_a − x_b)‖·‖x_a − x_b‖·2.
 * `dot` computes the products XᵀB (upper) and L·G, or Bᵀ·Xᵀᵀ, `times` the product Bᵀ·X from X when there is no Xᵀ,
 * and `scatter` the rows of B (the host's blocks over threads: same bits as {@link dotRows}, {@link timesRows} and
 * {@link pairScatterRows}).
 */
export function pairScatterGradient(
  X: Float64Array,
  Xt: Float64Array | null,
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
  scatter: PairScatterRows = pairScatterRows,
  times: TimesRows = timesRows,
): void {
  const m = pairs.count;
  const costA = m * d + (n * d * d) / 2 + k * d * d;
  const costB = m * k + n * k * d;
  // (a) also needs Xᵀ and room for (n, d), (d, n) and (d, d): a buffer sized for (b) alone (see pairScatterWorkLength) means (b).
  const roomForA = work.length >= 2 * n * d + d * d;
  if (costA < costB && roomForA && Xt) {
    // (a) B = (D − S)X: B_a += w (x_a − x_b), B_b += w (x_b − x_a).
    const Bt = work.subarray(n * d, 2 * n * d);
    scatter(X, n, d, pairs, weights, skipBelow, Bt, work.subarray(0, n * d));
    const G = work.subarray(2 * n * d, 2 * n * d + d * d); // (d, d)
    // G = Xᵀ B is symmetric in exact arithmetic: compute the upper triangle of (Xᵀ)·(Bᵀ)ᵀ, then mirror.
    dot(Xt, d, Bt, d, n, G, d, true);
    for (let i = 0; i < d; i++) {
      for (let j = i + 1; j < d; j++) G[j * d + i] = G[i * d + j]!;
    }
    // grad = 2·L·G; G symmetric so row r of L·G = ⟨L_r, G_c⟩ over columns c = rows of G.
    dot(L, k, G, d, d, out, d);
    for (let t = 0; t < k * d; t++) out[t]! *= 2;
  } else {
    // (b) B = (D − S)Z (n, k), grad = 2 Bᵀ X = 2 (Bᵀ)(Xᵀ)ᵀ.
    const Bt = work.subarray(n * k, 2 * n * k);
    scatter(Z, n, k, pairs, weights, skipBelow, Bt, work.subarray(0, n * k));
    if (Xt) dot(Bt, k, Xt, d, n, out, d);
    else times(Bt, k, X, n, d, out);
    for (let t = 0; t < k * d; t++) out[t]! *= 2;
  }
}

/**
 * Work-buffer length {@link pairScatterGradient} needs. When d ≥ 2k formula (b) is never the dearer one, whatever the
 * number of pairs (cost(a) − cost(b) = m(d − k) + n·d²/2 + k·d² − n·k·d ≥ n·d(d/2 − k) ≥ 0), so only its 2·n·k
 * entries are needed: for NCA to 32 components on 60,000 × 784 that is 31 MB instead of 757 MB.
 */
export function pairScatterWorkLength(n: number, d: number, k: number): number {
  return pairScatterUsesTranspose(d, k) ? 2 * n * Math.max(d, k) + d * d : 2 * n * k;
}

/** Whether {@link pairScatterGradient} can take formula (a), which needs Xᵀ: only where d < 2k (see above). */
export function pairScatterUsesTranspose(d: number, k: number): boolean {
  return d < 2 * k;
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
