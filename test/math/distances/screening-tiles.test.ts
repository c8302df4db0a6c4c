import { describe, expect, it } from 'vitest';
import { rowSquaredDistance } from '../../../shared/math/distances/exact.ts';
import { createGramDistanceTiles, TILE_ROWS } from '../../../shared/math/distances/gram-tiles.ts';
import { assignNearestCenters, forEachRanking, nearestNeighbours } from '../../../shared/math/neighbours/nearest.ts';
import { createScreeningTiles } from '../../../shared/math/distances/screening-tiles.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';

function gaussianish(n: number, dims: number, seed: number, scale = 1, offset = 0): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n * dims }, () => offset + (rng.next() + rng.next() + rng.next() - 1.5) * scale);
}

/** Rows with a few very long ones (as z-scored data have) and exact duplicates. */
function lopsided(n: number, dims: number, seed: number): Float64Array {
  const Y = gaussianish(n, dims, seed);
  for (let i = 0; i < n; i++) {
    if (i % 11 === 5) for (let f = 0; f < dims; f++) Y[i * dims + f]! *= 40;
    if (i % 9 === 4 && i > 0) Y.copyWithin(i * dims, (i - 1) * dims, i * dims);
  }
  return Y;
}

function brute(Q: Float64Array, q: number, R: Float64Array, m: number, dims: number, skip = -1): number[] {
  const all: Array<[number, number]> = [];
  for (let j = 0; j < m; j++) if (j !== skip) all.push([rowSquaredDistance(Q, q, R, j, dims), j]);
  return all.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((p) => p[1]);
}

describe('single-precision screening tiles', () => {
  it('run in binary32 where WebAssembly SIMD exists, and stay within their bound of exact differencing', () => {
    for (const [m, dims, t] of [[1, 1, 1], [7, 5, 9], [33, 17, 70], [65, 784, 6], [130, 3, 64], [129, 96, 67]] as const) {
      const R = lopsided(m, dims, m + dims);
      const Q = lopsided(t, dims, t + 7);
      const tiles = createScreeningTiles(R, m, dims);
      expect(tiles.precision).toBe(typeof WebAssembly === 'object' ? 'f32' : 'f64');
      const f64 = createGramDistanceTiles(R, m, dims);
      expect(Array.from(tiles.norms)).toHaveLength(m);
      for (let b0 = 0; b0 < t; b0 += TILE_ROWS) {
        const rows = Math.min(TILE_ROWS, t - b0);
        const norms = new Float64Array(TILE_ROWS);
        const out = tiles.distances(Q, b0, rows, new Float64Array(rows * m), norms);
        // Odd reference counts are copied into the caller's array; even ones may come back as the tiles' own view.
        expect(out.length).toBeGreaterThanOrEqual(rows * m);
        let looser = 0;
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < m; j++) {
            const e = rowSquaredDistance(Q, b0 + r, R, j, dims);
            const bound = tiles.bound(norms[r]!, tiles.norms[j]!);
            expect(Math.abs(out[r * m + j]! - e), `m=${m} dims=${dims} r=${b0 + r} j=${j}`).toBeLessThanOrEqual(bound);
            expect(bound).toBeLessThanOrEqual(tiles.bound(norms[r]!, tiles.maxNorm));
            expect(out[r * m + j]).toBeGreaterThanOrEqual(0);
            if (bound > f64.bound(norms[r]!, tiles.norms[j]!)) looser++;
          }
        }
        // The single-precision bound is the wider one (it is a different, coarser computation).
        if (tiles.precision === 'f32') expect(looser).toBe(rows * m);
      }
    }
  });

  it('hand data too large for binary32 to the binary64 tiles', () => {
    const R = Float64Array.from([1, 2, 3, 2 ** 41]);
    expect(createScreeningTiles(R, 2, 2).precision).toBe('f64');
    expect(createScreeningTiles(Float64Array.from([1, Number.NaN]), 1, 2).precision).toBe('f64');
    expect(createScreeningTiles(R, 2, 2, false).precision).toBe('f64');
  });

  it('answer query rows too large for binary32 through binary64 tiles, within the same bound', () => {
    const dims = 6;
    const R = gaussianish(20, dims, 4);
    const Q = gaussianish(5, dims, 5);
    Q[2 * dims + 1] = 2 ** 45; // row 2 would overflow binary32 squares
    const tiles = createScreeningTiles(R, 20, dims);
    const norms = new Float64Array(TILE_ROWS);
    const out = tiles.distances(Q, 0, 5, new Float64Array(5 * 20), norms);
    for (let r = 0; r < 5; r++) {
      for (let j = 0; j < 20; j++) {
        expect(Number.isFinite(out[r * 20 + j])).toBe(true);
        expect(Math.abs(out[r * 20 + j]! - rowSquaredDistance(Q, r, R, j, dims))).toBeLessThanOrEqual(tiles.bound(norms[r]!, tiles.norms[j]!));
      }
    }
    const lists = nearestNeighbours(Q, 5, R, 20, dims, 3, {}, tiles);
    for (let q = 0; q < 5; q++) expect(Array.from(lists.index.subarray(q * 3, q * 3 + 3))).toEqual(brute(Q, q, R, 20, dims).slice(0, 3));
  });

  it('refuse a query block larger than a tile, naming the sizes', () => {
    const tiles = createScreeningTiles(new Float64Array(6).fill(1), 3, 2);
    expect(() => tiles.distances(new Float64Array(200), 0, TILE_ROWS + 1, new Float64Array(1000), new Float64Array(100))).toThrow(/at most 64/);
  });

  it('screen kNN, retrieval and center assignment to the exact brute-force answers', () => {
    const dims = 37;
    const R = lopsided(150, dims, 1);
    // Queries that are copies of reference rows, or offset from them by less than binary32 resolves: every such
    // query has exact ties and near-ties that only the exact re-ranking can order.
    const Q = new Float64Array(80 * dims);
    for (let q = 0; q < 80; q++) for (let f = 0; f < dims; f++) Q[q * dims + f] = R[((q * 7) % 150) * dims + f]! + (q % 3 === 0 ? 1e-9 * f : 0);
    for (const tiles of [createScreeningTiles(R, 150, dims), createGramDistanceTiles(R, 150, dims)]) {
      const lists = nearestNeighbours(Q, 80, R, 150, dims, 5, {}, tiles);
      for (let q = 0; q < 80; q++) expect(Array.from(lists.index.subarray(q * 5, q * 5 + 5)), `${tiles.precision} q=${q}`).toEqual(brute(Q, q, R, 150, dims).slice(0, 5));
    }
    const depth = (q: number): number => 1 + ((q * 17) % 60);
    forEachRanking(R, 150, dims, depth, (q, ranked, count) => {
      expect(Array.from(ranked.subarray(0, count))).toEqual(brute(R, q, R, 150, dims, q).slice(0, depth(q)));
    }, {}, createScreeningTiles(R, 150, dims));
    const C = Float64Array.from(R.subarray(0, 6 * dims));
    C.copyWithin(3 * dims, 2 * dims, 3 * dims); // centers 2 and 3 equal: ties go to 2
    const assignments = new Int32Array(150);
    assignNearestCenters(createScreeningTiles(R, 150, dims), R, C, 6, assignments, new Float64Array(TILE_ROWS * 150));
    for (let i = 0; i < 150; i++) {
      let best = 0;
      for (let c = 1; c < 6; c++) if (rowSquaredDistance(R, i, C, c, dims) < rowSquaredDistance(R, i, C, best, dims)) best = c;
      expect(assignments[i], `row ${i}`).toBe(best);
    }
  });
});
