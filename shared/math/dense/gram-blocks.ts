/**
 * The (optionally centered) Gram matrix G = (X − 1μᵀ)ᵀ(X − 1μᵀ) of X (n, d) → (d, d), in row chunks: the covariance,
 * scatter and PCA products of the closed-form learners at hundreds of features, where the rank-one-update loop of
 * dense.ts's `gram` (one pass over G per row: n·d²/2 scattered updates) spends most of a PCA fit.
 *
 * Rows are taken {@link CHUNK_ROWS} at a time, centered and transposed into a (d, chunk) panel, so that G's entry
 * (a, b) of that chunk is the dot product of panel rows a and b: the dot-product tiles of gram-tiles.ts (WebAssembly
 * SIMD, 4 × 2 rows per step, eight f64x2 accumulators) compute the upper triangle of 64 × 64 tiles, and the chunks'
 * results are added into G in chunk order. Where SIMD is unavailable, the TypeScript path does the same arithmetic in
 * the same order ({@link laneDot}: even chunk rows in lane 0, odd ones in lane 1, each in row order, then
 * lane₀ + lane₁), so both give the same bits.
 *
 * On a team of threads ({@link GramTeam}) the chunks are taken {@link RUN_CHUNKS} at a time: each chunk is one block
 * of {@link centeredGramKernel} that writes its products into its own (d, d) slot, and the caller adds the slots into G
 * in chunk order, so every entry of G is the same sum in the same order as on one thread: the same bits for any number
 * of threads. Extra memory: d·chunk + 64² doubles per thread (kept for its next Gram product), and
 * {@link RUN_CHUNKS}·d² shared doubles on a team.
 */
import { dotTilesModule, laneDot } from '../distances/gram-tiles.ts';

/** Data rows per chunk: a 64-row tile of a chunk's panel is 64·1024 doubles (512 KiB), two of them fit the L2 cache. */
export const CHUNK_ROWS = 1024;
/** Chunks per run of the team (blocks of one run; their slots, RUN_CHUNKS·d² doubles, are what it costs in memory). */
export const RUN_CHUNKS = 4;
/** The module's `dots(q, qRows, r, rRows, cp, out, outStride)` (gram-tiles.ts): byte addresses, row counts. */
type DotTile = (q: number, qRows: number, r: number, rRows: number, cp: number, out: number, outStride: number) => void;

/** A mean per group of rows: row i is centered by row `of[i]` of `means` (groups, d). */
export interface GroupMeans {
  of: Int32Array;
  means: Float64Array;
}

/** Feature rows of one dot-product tile. */
const TILE = 64;
/** Data rows transposed together: 8 doubles, one cache line of a panel row. */
const TRANSPOSE_ROWS = 8;

/**
 * One run of {@link centeredGramKernel}: X (n, d), its centering, and the chunks `first` … `first` + blocks − 1, block b
 * writing chunk `first` + b's products into `slots` (blocks, d, d), upper triangles only.
 */
export interface CenteredGramArgs {
  X: Float64Array;
  n: number;
  d: number;
  mean: Float64Array | GroupMeans | null;
  first: number;
  slots: Float64Array;
  preferSimd: boolean;
}

/** How {@link centeredGram} shares its chunks out over a fit's threads (shared/engine's BlockProducts, kernel 'centeredGram'). */
export interface GramTeam {
  /** `array`, or a copy of it the team's threads can read. */
  shared<T extends Float64Array | Int32Array>(array: T): T;
  /** A zeroed array the team's threads can write. */
  alloc(length: number): Float64Array;
  /** Runs blocks 0 … blocks − 1 of {@link centeredGramKernel} over `args`, on any threads, each exactly once. */
  runBlocks(args: CenteredGramArgs, blocks: number): void;
}

/** One thread's panel and chunk products, in WebAssembly memory when the SIMD tiles run. */
interface GramState {
  args: CenteredGramArgs;
  /** Rows per chunk; panel columns (the chunk rounded up to even) and rows (d rounded up to a multiple of 4). */
  chunk: number;
  cp: number;
  dp: number;
  /** (dp, cp): one chunk's centered rows, transposed; zero padding. */
  block: Float64Array;
  /** (TILE, TILE): one tile of a chunk's dot products. */
  D: Float64Array;
  dots: DotTile | null;
  /** Scratch of the transpose: X's offset and the mean's offset of each of its rows. */
  src: Float64Array;
  at: Float64Array;
}

/**
 * This thread's SIMD scratch memory and its `dots`, kept for the next state: a team prepares a state per thread for
 * every run (four chunks), and fresh memory costs a page fault per 4 KiB on first touch. A state's buffers are scratch
 * within one block (nothing is kept from one block to the next), and a thread runs one block at a time, so every state
 * of a thread can use the same memory. Kept up to {@link SPARE_BYTES}.
 */
let spare: { memory: WebAssembly.Memory; dots: DotTile } | null = null;
const SPARE_BYTES = 64 * 2 ** 20;

/** SIMD scratch memory of at least `bytes`, with the `dots` of an instance over it: this thread's spare when it fits. */
function scratchMemory(module: WebAssembly.Module, bytes: number): { memory: WebAssembly.Memory; dots: DotTile } {
  if (spare && bytes <= SPARE_BYTES) {
    const missing = Math.ceil((bytes - spare.memory.buffer.byteLength) / 65536);
    if (missing > 0) spare.memory.grow(missing);
    return spare;
  }
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const scratch = { memory, dots: (instance.exports as unknown as { dots: DotTile }).dots };
  if (bytes <= SPARE_BYTES) spare = scratch;
  return scratch;
}

function prepareGram(args: CenteredGramArgs): GramState {
  const { n, d, preferSimd } = args;
  const chunk = Math.min(CHUNK_ROWS, n + (n & 1));
  const cp = chunk + (chunk & 1); // panel columns, even
  const dp = d + ((4 - (d & 3)) & 3); // panel rows, a multiple of 4 (the tiles take 4 query rows per step)
  const module = preferSimd ? dotTilesModule() : null;
  if (module) {
    const { memory, dots } = scratchMemory(module, (dp * cp + TILE * TILE) * 8);
    const block = new Float64Array(memory.buffer, 0, dp * cp);
    block.fill(0); // the padding rows past d stay zero; an earlier state may have left data there
    return { args, chunk, cp, dp, block, D: new Float64Array(memory.buffer, block.byteLength, TILE * TILE), dots, src: new Float64Array(TRANSPOSE_ROWS), at: new Float64Array(TRANSPOSE_ROWS) };
  }
  return { args, chunk, cp, dp, block: new Float64Array(dp * cp), D: new Float64Array(TILE * TILE), dots: null, src: new Float64Array(TRANSPOSE_ROWS), at: new Float64Array(TRANSPOSE_ROWS) };
}

/**
 * Chunk `c`'s products Σ_{i in c} (x_i − μ_i)(x_i − μ_i)ᵀ, upper triangle, into `out` (·, d) from entry `offset`: added to
 * its entries with `add`, else written; tile by tile of 64 × 64 (its dot products in the state's D).
 */
function chunkProducts(state: GramState, c: number, out: Float64Array, offset: number, add: boolean): void {
  const { X, n, d, mean } = state.args;
  const { chunk, cp, dp, block, D, dots } = state;
  const r0 = c * chunk;
  const rows = Math.min(chunk, n - r0);
  if (rows < cp) block.fill(0);
  // Eight rows at a time, so that each feature's eight entries fill one cache line of the panel (row by row, every
  // entry would land on another page).
  const mu = mean === null ? null : mean instanceof Float64Array ? mean : mean.means;
  const { src, at } = state;
  for (let t0 = 0; t0 < rows; t0 += TRANSPOSE_ROWS) {
    const count = Math.min(TRANSPOSE_ROWS, rows - t0);
    for (let u = 0; u < count; u++) {
      src[u] = (r0 + t0 + u) * d;
      at[u] = mean === null || mean instanceof Float64Array ? 0 : mean.of[r0 + t0 + u]! * d;
    }
    if (mu === null) {
      for (let a = 0; a < d; a++) for (let u = 0; u < count; u++) block[a * cp + t0 + u] = X[src[u]! + a]!;
    } else {
      for (let a = 0; a < d; a++) for (let u = 0; u < count; u++) block[a * cp + t0 + u] = X[src[u]! + a]! - mu[at[u]! + a]!;
    }
  }
  const rowBytes = cp * 8;
  for (let i0 = 0; i0 < dp; i0 += TILE) {
    const qRows = Math.min(TILE, dp - i0);
    const aEnd = Math.min(d, i0 + TILE);
    for (let j0 = i0; j0 < dp; j0 += TILE) {
      const bEnd = Math.min(d, j0 + TILE);
      if (dots) {
        dots(block.byteOffset + i0 * rowBytes, qRows, block.byteOffset + j0 * rowBytes, Math.min(TILE, dp - j0), cp, D.byteOffset, TILE * 8);
      } else {
        for (let a = i0; a < aEnd; a++) for (let b = Math.max(a, j0); b < bEnd; b++) D[(a - i0) * TILE + b - j0] = laneDot(block, a * cp, block, b * cp, cp);
      }
      for (let a = i0; a < aEnd; a++) {
        const row = offset + a * d;
        const tile = (a - i0) * TILE - j0;
        if (add) for (let b = Math.max(a, j0); b < bEnd; b++) out[row + b]! += D[tile + b]!;
        else for (let b = Math.max(a, j0); b < bEnd; b++) out[row + b] = D[tile + b]!;
      }
    }
  }
}

/** The Gram product's blocks: block b computes chunk `first` + b into slot b (see {@link CenteredGramArgs}). */
export const centeredGramKernel = {
  prepare: prepareGram,
  run(state: GramState, block: number): void {
    const { d, first, slots } = state.args;
    chunkProducts(state, first + block, slots, block * d * d, false);
  },
};

/** G's upper triangle (d, d) += the upper triangle of `products` (·, d) from entry `at`. */
function addUpper(G: Float64Array, d: number, products: Float64Array, at: number): void {
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) G[a * d + b]! += products[at + a * d + b]!;
}

/**
 * G = Σ_i (x_i − μ_i)(x_i − μ_i)ᵀ (d, d), symmetric, for X (n, d) row-major, where μ_i is `mean` (d) for every row,
 * row `groups.of[i]` of `groups.means` (·, d) (e.g. each row's class mean: the within-class scatter, without a
 * centered copy of X), or 0 for `null`. With `team`, the chunks are shared out over its threads: the same bits.
 * Cost O(n·d²/2); memory O(d·{@link CHUNK_ROWS}) per thread, and G. `preferSimd: false` forces the TypeScript path (tests).
 */
export function centeredGram(
  X: Float64Array,
  n: number,
  d: number,
  mean: Float64Array | GroupMeans | null,
  preferSimd = true,
  team?: GramTeam,
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
  const chunks = Math.ceil(n / Math.min(CHUNK_ROWS, n + (n & 1)));
  if (team && chunks > 1) {
    const shared = mean === null ? null : mean instanceof Float64Array ? team.shared(mean) : { of: team.shared(mean.of), means: team.shared(mean.means) };
    const slots = team.alloc(Math.min(RUN_CHUNKS, chunks) * d * d); // (RUN_CHUNKS, d, d)
    const args: CenteredGramArgs = { X: team.shared(X), n, d, mean: shared, first: 0, slots, preferSimd };
    for (let first = 0; first < chunks; first += RUN_CHUNKS) {
      const blocks = Math.min(RUN_CHUNKS, chunks - first);
      team.runBlocks({ ...args, first }, blocks);
      for (let b = 0; b < blocks; b++) addUpper(G, d, slots, b * d * d);
    }
  } else {
    const state = prepareGram({ X, n, d, mean, first: 0, slots: new Float64Array(0), preferSimd });
    for (let c = 0; c < chunks; c++) chunkProducts(state, c, G, 0, true);
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) G[a * d + b] = G[b * d + a]!;
  return G;
}
