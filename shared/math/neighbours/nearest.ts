/**
 * Exact nearest-neighbour queries, fast: Gram-identity tiles screen every reference row (by default the
 * single-precision tiles of ../distances/screening-tiles.ts, else the binary64 ones of ../distances/gram-tiles.ts), and only the candidates
 * that the tiles' rounding bound cannot rule out are re-ranked by the exact differencing {@link rowSquaredDistance}.
 * The answers (indices, order and the squared distances returned) are those of a brute-force loop over
 * `rowSquaredDistance` with ties to the lower index, bit for bit, whatever the tiles' precision or block sizes.
 *
 * Why the screen is safe: with |g_j − e_j| ≤ E_j for every reference row j (E_j = tiles.bound(‖q‖², ‖r_j‖²)), take
 * the count rows of smallest g and U = max over them of g_j + E_j. Those count rows have e ≤ U, so the exact
 * count-th smallest e is ≤ U, and every row of the exact top-count (ties included) has g_j − E_j ≤ e_j ≤ U. Those
 * rows are the candidates.
 */
import { rowSquaredDistance, rowSquaredDistancesTo } from '../distances/exact.ts';
import { TILE_ROWS, type GramDistanceTiles } from '../distances/gram-tiles.ts';
import { createScreeningTiles } from '../distances/screening-tiles.ts';
import { BoundedTopK, smallestValue, sortIndicesByValue } from './top-k.ts';

/**
 * U = max over the `count` screened rows index[0 … count) of g_j + E_j: an upper bound on the exact distance of each
 * of them, hence on the exact count-th smallest (see the module comment).
 */
function screenedUpperBound(tiles: GramDistanceTiles, queryNorm: number, g: Float64Array, index: Int32Array, count: number): number {
  let U = -Infinity;
  for (let s = 0; s < count; s++) {
    const j = index[s]!;
    U = Math.max(U, g[j]! + tiles.bound(queryNorm, tiles.norms[j]!));
  }
  return U;
}

export interface NeighbourLists {
  /** Neighbours per query (min(k, available)). */
  k: number;
  /** (t, k): reference row indices, nearest first; equal distances by lower index. */
  index: Int32Array;
  /** (t, k): their exact squared distances ‖q − r‖² (rowSquaredDistance). */
  squaredDistance: Float64Array;
}

/** Rows [first, end) of the queries, for splitting one query set across workers. */
export interface QueryRange {
  first?: number;
  end?: number;
}

/**
 * The k nearest rows of R (m, dims) to each query row of Q (t, dims), exact (see the module comment). With a range,
 * only queries [first, end) are answered, into rows 0 … end − first of the result. Pass `tiles` to reuse a loaded
 * reference. Cost O(t·m·dims) in the tiles plus O(t·(m + candidates·dims)).
 */
export function nearestNeighbours(
  Q: Float64Array,
  t: number,
  R: Float64Array,
  m: number,
  dims: number,
  k: number,
  range: QueryRange = {},
  tiles: GramDistanceTiles = createScreeningTiles(R, m, dims),
): NeighbourLists {
  const first = range.first ?? 0;
  const end = range.end ?? t;
  const kk = Math.max(0, Math.min(k, m));
  const count = end - first;
  const index = new Int32Array(count * kk);
  const squaredDistance = new Float64Array(count * kk);
  if (kk === 0 || count <= 0) return { k: kk, index, squaredDistance };
  const block = new Float64Array(TILE_ROWS * m);
  const queryNorms = new Float64Array(TILE_ROWS);
  const norms = tiles.norms;
  const screen = new BoundedTopK(kk);
  const exact = new BoundedTopK(kk);
  const candidates = new Int32Array(m);
  const candidateDistances = new Float64Array(m);
  for (let b0 = first; b0 < end; b0 += TILE_ROWS) {
    const rows = Math.min(TILE_ROWS, end - b0);
    const tile = tiles.distances(Q, b0, rows, block, queryNorms);
    for (let r = 0; r < rows; r++) {
      const g = tile.subarray(r * m, (r + 1) * m);
      const nq = queryNorms[r]!;
      // The screen's top-kk: the list is offered only what can enter it (the first kk rows, then values below its
      // current kk-th), which is exactly what offering every row would keep.
      screen.clear();
      let kth = Infinity;
      for (let j = 0; j < m; j++) {
        const v = g[j]!;
        if (j < kk || v < kth) {
          screen.offer(v, j);
          if (j >= kk - 1) kth = screen.value[kk - 1]!;
        }
      }
      const U = screenedUpperBound(tiles, nq, g, screen.index, kk);
      const coarse = U + tiles.bound(nq, tiles.maxNorm);
      exact.clear();
      const q = b0 + r;
      let c = 0;
      for (let j = 0; j < m; j++) {
        const v = g[j]!;
        if (v <= coarse && v - tiles.bound(nq, norms[j]!) <= U) candidates[c++] = j;
      }
      rowSquaredDistancesTo(R, candidates, c, Q, q, dims, candidateDistances);
      for (let t = 0; t < c; t++) exact.offer(candidateDistances[t]!, candidates[t]!);
      const o = (q - first) * kk;
      index.set(exact.index.subarray(0, kk), o);
      squaredDistance.set(exact.value.subarray(0, kk), o);
    }
  }
  return { k: kk, index, squaredDistance };
}

/**
 * Retrieval ranking within one set Y (n, dims): for each query q in [first, end) with depth R_q = depth(q) > 0, the
 * R_q rows j ≠ q nearest to q in exact (distance, index) order, passed as `visit(q, ranked, R_q)` (`ranked` is only
 * valid during the call). Rows with depth 0 are skipped. The R_q smallest screened distances come from partial
 * selection; the candidates within the bound of them (as in the module comment) are sorted by screened distance, and
 * only runs of candidates closer to each other than twice the largest candidate bound are re-ranked by exact
 * differencing (the order between runs is already exact).
 * Cost O(n²·dims) in the tiles plus O(n + R·log R) per query.
 */
export function forEachRanking(
  Y: Float64Array,
  n: number,
  dims: number,
  depth: (q: number) => number,
  visit: (q: number, ranked: Int32Array, count: number) => void,
  range: QueryRange = {},
  tiles: GramDistanceTiles = createScreeningTiles(Y, n, dims),
): void {
  const first = range.first ?? 0;
  const end = range.end ?? n;
  const block = new Float64Array(TILE_ROWS * n);
  const queryNorms = new Float64Array(TILE_ROWS);
  const norms = tiles.norms;
  const scratch = new Float64Array(n);
  const candidates = new Int32Array(n);
  const exact = new Float64Array(n);
  const runRows = new Int32Array(n);
  const runDistances = new Float64Array(n);
  const runBounds = new Int32Array(n + 1); // at most n/2 runs, two entries each
  for (let b0 = first; b0 < end; b0 += TILE_ROWS) {
    const rows = Math.min(TILE_ROWS, end - b0);
    const tile = tiles.distances(Y, b0, rows, block, queryNorms);
    for (let r = 0; r < rows; r++) {
      const q = b0 + r;
      const want = Math.min(depth(q), n - 1);
      if (want <= 0) continue;
      const g = tile.subarray(r * n, (r + 1) * n);
      // vth = the want-th smallest screened distance over j ≠ q (NaN counted as +∞). The rows with g ≤ vth are at
      // least `want` rows, so U = max over them of g + E bounds the exact want-th smallest distance (module comment).
      let m = 0;
      for (let j = 0; j < n; j++) {
        if (j === q) continue;
        const v = g[j]!;
        scratch[m++] = v === v ? v : Infinity;
      }
      const vth = smallestValue(scratch, m, want);
      const nq = queryNorms[r]!;
      let U = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = g[j]!;
        if (j !== q && v <= vth) U = Math.max(U, v + tiles.bound(nq, norms[j]!));
      }
      const coarse = U + tiles.bound(nq, tiles.maxNorm);
      let c = 0;
      let candidateNorm = 0;
      for (let j = 0; j < n; j++) {
        const v = g[j]!;
        if (v <= coarse && j !== q && v - tiles.bound(nq, norms[j]!) <= U) {
          candidates[c++] = j;
          if (norms[j]! > candidateNorm) candidateNorm = norms[j]!;
        }
      }
      // Rank the candidates by g; with E the largest candidate bound, two whose g differ by more than 2E are in the
      // exact order already (e_a ≤ g_a + E < g_b − E ≤ e_b), so only runs closer than that are re-ranked exactly.
      const gap = 2 * tiles.bound(nq, candidateNorm);
      sortIndicesByValue(g, candidates, c);
      // The runs of two or more (start, end pairs), their rows' exact distances in one batch, then each run sorted.
      let runs = 0;
      let members = 0;
      for (let start = 0; start < c; ) {
        let end = start + 1;
        while (end < c && g[candidates[end]!]! - g[candidates[end - 1]!]! <= gap) end++;
        if (end - start > 1) {
          runBounds[runs++] = start;
          runBounds[runs++] = end;
          for (let t = start; t < end; t++) runRows[members++] = candidates[t]!;
        }
        start = end;
      }
      rowSquaredDistancesTo(Y, runRows, members, Y, q, dims, runDistances);
      for (let t = 0; t < members; t++) exact[runRows[t]!] = runDistances[t]!;
      for (let b = 0; b < runs; b += 2) sortIndicesByValue(exact, candidates.subarray(runBounds[b]!, runBounds[b + 1]!), runBounds[b + 1]! - runBounds[b]!);
      visit(q, candidates, Math.min(want, c));
    }
  }
}

/**
 * Nearest center for every row of Y (n, dims) among C (kc, dims), exact with ties to the lower center index:
 * assignments[i] = argmin_c rowSquaredDistance(Y, i, C, c). `tilesOfY` holds Y as the reference (loaded once per
 * k-means run; the centers are the queries). `work` must hold TILE_ROWS·n entries. Cost O(kc·n·dims).
 */
export function assignNearestCenters(
  tilesOfY: GramDistanceTiles,
  Y: Float64Array,
  C: Float64Array,
  kc: number,
  assignments: Int32Array,
  work: Float64Array,
): void {
  assignNearestCentersBatch(tilesOfY, Y, C, kc, [assignments], work);
}

/**
 * {@link assignNearestCenters} for several center sets at once: C holds `out.length` sets of kc centers each
 * (set t in rows t·kc … t·kc + kc − 1), and out[t][i] is row i's nearest center of set t. The sets share one pass of
 * the tiles over Y when they fit one tile (out.length·kc ≤ TILE_ROWS); each tile entry is the same sum whatever else
 * is in the tile, so every set gets the assignment it would get alone.
 */
export function assignNearestCentersBatch(
  tilesOfY: GramDistanceTiles,
  Y: Float64Array,
  C: Float64Array,
  kc: number,
  out: readonly Int32Array[],
  work: Float64Array,
): void {
  const n = tilesOfY.rows;
  const dims = tilesOfY.dims;
  const sets = out.length;
  if (sets * kc > TILE_ROWS) {
    if (sets > 1) {
      for (let t = 0; t < sets; t++) assignNearestCentersBatch(tilesOfY, Y, C.subarray(t * kc * dims, (t + 1) * kc * dims), kc, [out[t]!], work);
      return;
    }
    // More centers than one tile holds: plain exact scan (never the case for class counts we see).
    const assignments = out[0]!;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < kc; c++) {
        const d = rowSquaredDistance(Y, i, C, c, dims);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      assignments[i] = best;
    }
    return;
  }
  const centerNorms = new Float64Array(TILE_ROWS);
  const tile = tilesOfY.distances(C, 0, sets * kc, work, centerNorms);
  const norms = tilesOfY.norms;
  for (let t = 0; t < sets; t++) {
    const assignments = out[t]!;
    const base = t * kc;
    const Ct = C.subarray(base * dims, (base + kc) * dims);
    let maxCenterNorm = 0;
    for (let c = 0; c < kc; c++) maxCenterNorm = Math.max(maxCenterNorm, centerNorms[base + c]!);
    for (let i = 0; i < n; i++) {
      let gBest = Infinity;
      let best = 0;
      for (let c = 0; c < kc; c++) {
        const g = tile[(base + c) * n + i]!;
        if (g < gBest) {
          gBest = g;
          best = c;
        }
      }
      const threshold = gBest + 2 * tilesOfY.bound(maxCenterNorm, norms[i]!);
      let ambiguous = false;
      for (let c = 0; c < kc; c++) if (c !== best && tile[(base + c) * n + i]! <= threshold) ambiguous = true;
      if (ambiguous) {
        let bestD = Infinity;
        for (let c = 0; c < kc; c++) {
          if (!(tile[(base + c) * n + i]! <= threshold)) continue;
          const d = rowSquaredDistance(Y, i, Ct, c, dims);
          if (d < bestD) {
            bestD = d;
            best = c;
          }
        }
      }
      assignments[i] = best;
    }
  }
}
