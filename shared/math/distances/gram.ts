/**
 * Squared Euclidean distances by the Gram identity ‖z_i‖² + ‖z_j‖² − 2⟨z_i, z_j⟩ (clamped at 0): half the flops of
 * differencing and blocked, but not exact for near neighbours, so these choose candidates (the neighbourhood
 * learners' candidate and impostor lists), never enter an objective. The exact differencing is in exact.ts.
 */
import { dotRows } from '../dense/row-products.ts';
import { createGramDistanceTiles, TILE_ROWS, type GramDistanceTiles } from './gram-tiles.ts';

/**
 * Full matrix of squared distances ‖z_i − z_j‖² for Z (n, k) → (n, n), through the Gram trick
 * ‖z_i‖² + ‖z_j‖² − 2⟨z_i, z_j⟩ (clamped at 0; the diagonal is exactly 0). Computes the upper triangle
 * only (O(n²·k/2)) and mirrors it tile by tile (cache friendly). Used to refresh candidate lists, never inside
 * an objective: the Gram trick loses relative accuracy for near-duplicate points, which does not matter for
 * choosing candidates. Pass `out` (n·n entries) to reuse a buffer.
 */
export function gramSquaredDistanceMatrix(Z: Float64Array, n: number, k: number, out?: Float64Array): Float64Array {
  const D = out ?? new Float64Array(n * n); // (n, n)
  if (D.length < n * n) throw new RangeError(`gramSquaredDistanceMatrix: out must hold ${n * n} entries, got ${D.length}.`);
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
/** Rows per block of {@link forEachDistanceRow} beyond {@link FULL_MATRIX_ROWS} (and of {@link distanceRowBlock}). */
export const DISTANCE_ROW_BLOCK = TILE_ROWS;

/** Length of the buffer {@link forEachDistanceRow} needs for n rows. */
export function distanceRowsBufferLength(n: number): number {
  return n <= FULL_MATRIX_ROWS ? n * n : DISTANCE_ROW_BLOCK * n;
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
    gramSquaredDistanceMatrix(Z, n, k, buf);
    for (let i = 0; i < n; i++) visit(i, buf.subarray(i * n, (i + 1) * n));
    return;
  }
  // Beyond the full matrix: blocks of 64 query rows against all n through the shared Gram-identity tiles
  // (gram-tiles.ts: WebAssembly SIMD, cache-blocked; ≈ 5–8× the plain dotRows blocks on 60,000 rows).
  const tiles = createGramDistanceTiles(Z, n, k);
  const queryNorms = new Float64Array(TILE_ROWS);
  for (let start = 0; start < n; start += DISTANCE_ROW_BLOCK) {
    const rows = Math.min(DISTANCE_ROW_BLOCK, n - start);
    const block = buf.subarray(0, rows * n);
    distanceRowBlock(tiles, Z, n, start, rows, block, queryNorms);
    for (let r = 0; r < rows; r++) visit(start + r, block.subarray(r * n, (r + 1) * n));
  }
}

/**
 * Rows start … start + rows − 1 (rows ≤ {@link DISTANCE_ROW_BLOCK}) of the squared distance matrix of Z (n, k) by the
 * Gram identity on `tiles` (createGramDistanceTiles(Z, n, k)), into `block` (rows, n), with row[i] = 0 on the
 * diagonal. The same bits whichever thread computes the block and whatever blocks it computed before.
 */
export function distanceRowBlock(
  tiles: GramDistanceTiles,
  Z: Float64Array,
  n: number,
  start: number,
  rows: number,
  block: Float64Array,
  queryNorms: Float64Array,
): void {
  const tile = tiles.distances(Z, start, rows, block, queryNorms);
  if (tile !== block) block.set(tile.subarray(0, rows * n));
  for (let r = 0; r < rows; r++) block[r * n + start + r] = 0;
}
