/**
 * The (optionally centered) Gram matrix G = (X − 1μᵀ)ᵀ(X − 1μᵀ) of X (n, d) → (d, d), in row blocks: the covariance,
 * scatter and PCA products of the closed-form learners at hundreds of features, where the rank-one-update loop of
 * dense.ts's `gram` (one pass over G per row: n·d²/2 scattered updates) spends most of a PCA fit.
 *
 * Rows are taken {@link CHUNK_ROWS} at a time, centered and transposed into a (d, chunk) block, so that G's entry
 * (a, b) of that block is the dot product of block rows a and b: the dot-product tiles of distance-tiles.ts
 * (WebAssembly SIMD, 4 × 2 rows per step, eight f64x2 accumulators) compute the upper triangle of 64 × 64 tiles, and
 * the blocks' results are added in block order. Where SIMD is unavailable, the TypeScript path does the same
 * arithmetic in the same order ({@link laneDot}: even chunk rows in lane 0, odd ones in lane 1, each in row order,
 * then lane₀ + lane₁), so both give the same bits. Extra memory: d·chunk + d² doubles, whatever n.
 */
import { dotTilesModule, laneDot } from '../distances/gram-tiles.ts';

/** Data rows per block: a 64-row tile of a block is 64·1024 doubles (512 KiB), two of them fit the L2 cache. */
export const CHUNK_ROWS = 1024;
/** The module's `dots(q, qRows, r, rRows, cp, out, outStride)` (distance-tiles.ts): byte addresses, row counts. */
type DotTile = (q: number, qRows: number, r: number, rRows: number, cp: number, out: number, outStride: number) => void;

/** A mean per group of rows: row i is centered by row `of[i]` of `means` (groups, d). */
export interface GroupMeans {
  of: Int32Array;
  means: Float64Array;
}

/** Feature rows of one dot-product tile. */
const TILE = 64;

/**
 * G = Σ_i (x_i − μ_i)(x_i − μ_i)ᵀ (d, d), symmetric, for X (n, d) row-major, where μ_i is `mean` (d) for every row,
 * row `groups.of[i]` of `groups.means` (·, d) (e.g. each row's class mean: the within-class scatter, without a
 * centered copy of X), or 0 for `null`. Cost O(n·d²/2); memory O(d·{@link CHUNK_ROWS} + d²). `preferSimd: false`
 * forces the TypeScript path (tests).
 */
export function centeredGram(
  X: Float64Array,
  n: number,
  d: number,
  mean: Float64Array | GroupMeans | null,
  preferSimd = true,
): Float64Array {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 0 || X.length < n * d) {
    throw new RangeError(`centeredGram: expected ${n}×${d} entries, got ${X.length}.`);
  }
  if (mean instanceof Float64Array && mean.length !== d) {
    throw new RangeError(`centeredGram: the mean has ${mean.length} entries for ${d} features.`);
  }
  if (mean && !(mean instanceof Float64Array) && (mean.of.length < n || mean.means.length % Math.max(d, 1) !== 0)) {
    throw new RangeError(`centeredGram: the group means need ${n} group indices and rows of ${d} entries.`);
  }
  const G = new Float64Array(d * d); // (d, d)
  if (n === 0 || d === 0) return G;
  const chunk = Math.min(CHUNK_ROWS, n + (n & 1));
  const cp = chunk + (chunk & 1); // block columns, even
  const dp = d + ((4 - (d & 3)) & 3); // block rows, a multiple of 4 (the tiles take 4 query rows per step)
  const module = preferSimd ? dotTilesModule() : null;
  let block: Float64Array; // (dp, cp) the transposed, centered rows of one chunk; zero padding
  let D: Float64Array; // (dp, dp) one chunk's dot products (upper tiles only)
  let dots: DotTile | null = null;
  if (module) {
    const doubles = dp * cp + dp * dp;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((doubles * 8) / 65536)) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    dots = (instance.exports as unknown as { dots: DotTile }).dots;
    block = new Float64Array(memory.buffer, 0, dp * cp);
    D = new Float64Array(memory.buffer, block.byteLength, dp * dp);
  } else {
    block = new Float64Array(dp * cp);
    D = new Float64Array(dp * dp);
  }
  for (let r0 = 0; r0 < n; r0 += chunk) {
    const rows = Math.min(chunk, n - r0);
    block.fill(0);
    for (let t = 0; t < rows; t++) {
      const src = (r0 + t) * d;
      if (mean === null) {
        for (let a = 0; a < d; a++) block[a * cp + t] = X[src + a]!;
      } else {
        const mu = mean instanceof Float64Array ? mean : mean.means;
        const at = mean instanceof Float64Array ? 0 : mean.of[r0 + t]! * d;
        for (let a = 0; a < d; a++) block[a * cp + t] = X[src + a]! - mu[at + a]!;
      }
    }
    if (dots) {
      const rowBytes = cp * 8;
      for (let i0 = 0; i0 < dp; i0 += TILE) {
        const qRows = Math.min(TILE, dp - i0);
        for (let j0 = i0; j0 < dp; j0 += TILE) {
          dots(block.byteOffset + i0 * rowBytes, qRows, block.byteOffset + j0 * rowBytes, Math.min(TILE, dp - j0), cp, D.byteOffset + (i0 * dp + j0) * 8, dp * 8);
        }
      }
    } else {
      for (let a = 0; a < d; a++) for (let b = a; b < d; b++) D[a * dp + b] = laneDot(block, a * cp, block, b * cp, cp);
    }
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) G[a * d + b]! += D[a * dp + b]!;
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) G[a * d + b] = G[b * d + a]!;
  return G;
}
