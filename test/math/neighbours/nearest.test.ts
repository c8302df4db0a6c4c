import { describe, expect, it } from 'vitest';
import { rowSquaredDistance, rowSquaredDistancesTo } from '../../../shared/math/distances/exact.ts';
import { createGramDistanceTiles, gramErrorBound, laneDot, TILE_ROWS } from '../../../shared/math/distances/gram-tiles.ts';
import { assignNearestCenters, forEachRanking, nearestNeighbours } from '../../../shared/math/neighbours/nearest.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';
import { BoundedTopK, selectSmallestSorted, smallestValue, sortIndicesByValue } from '../../../shared/math/neighbours/top-k.ts';

/** Rows with exact ties: small integers (every distance an integer), duplicated rows, and a near-duplicate cluster. */
function tiedData(n: number, dims: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const Y = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    if (i % 7 === 3 && i > 0) {
      Y.set(Y.subarray((i - 1) * dims, i * dims), i * dims); // duplicate of the previous row
      continue;
    }
    for (let f = 0; f < dims; f++) Y[i * dims + f] = rng.int(4);
  }
  return Y;
}

function smoothData(n: number, dims: number, seed: number, scale = 1): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n * dims }, () => (rng.next() - 0.5) * scale);
}

/** The brute-force reference: every pair by differencing, sorted by (distance, index). */
function bruteRanking(Q: Float64Array, q: number, R: Float64Array, m: number, dims: number, skip = -1): Array<[number, number]> {
  const all: Array<[number, number]> = [];
  for (let j = 0; j < m; j++) if (j !== skip) all.push([rowSquaredDistance(Q, q, R, j, dims), j]);
  return all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('Gram distance tiles', () => {
  it('give the same bits on the WebAssembly SIMD path and the TypeScript path, for odd and even sizes', () => {
    for (const [m, dims, t] of [[1, 1, 1], [7, 5, 9], [33, 17, 70], [64, 784, 5], [130, 2, 64]] as const) {
      const R = smoothData(m, dims, m, 10);
      const Q = smoothData(t, dims, t + 1, 10);
      const simd = createGramDistanceTiles(R, m, dims, true);
      const plain = createGramDistanceTiles(R, m, dims, false);
      expect(plain.simd).toBe(false);
      expect(Array.from(simd.norms)).toEqual(Array.from(plain.norms));
      for (let b0 = 0; b0 < t; b0 += TILE_ROWS) {
        const rows = Math.min(TILE_ROWS, t - b0);
        const na = new Float64Array(TILE_ROWS);
        const nb = new Float64Array(TILE_ROWS);
        const a = simd.distances(Q, b0, rows, new Float64Array(rows * m), na);
        const b = plain.distances(Q, b0, rows, new Float64Array(rows * m), nb);
        expect(Array.from(a)).toEqual(Array.from(b));
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < m; j++) {
            const e = rowSquaredDistance(Q, b0 + r, R, j, dims);
            // Within the documented bound of the exact differencing, and never negative.
            expect(Math.abs(a[r * m + j]! - e)).toBeLessThanOrEqual(gramErrorBound(dims, na[r]!, simd.maxNorm));
            expect(a[r * m + j]).toBeGreaterThanOrEqual(0);
          }
        }
      }
    }
  });

  it('give exactly 0 between identical rows (norms are summed as the dot products are)', () => {
    const dims = 13;
    const Y = smoothData(9, dims, 3, 1e3);
    const tiles = createGramDistanceTiles(Y, 9, dims);
    const out = tiles.distances(Y, 0, 9, new Float64Array(9 * 9), new Float64Array(TILE_ROWS));
    for (let i = 0; i < 9; i++) {
      expect(out[i * 9 + i]).toBe(0);
      expect(tiles.norms[i]).toBe(laneDot(Y, i * dims, Y, i * dims, dims));
    }
  });

  it('refuse a query block larger than a tile or an undersized output, naming the sizes', () => {
    const tiles = createGramDistanceTiles(new Float64Array(6), 3, 2);
    expect(() => tiles.distances(new Float64Array(200), 0, TILE_ROWS + 1, new Float64Array(1000), new Float64Array(100))).toThrow(/at most 64/);
    expect(() => tiles.distances(new Float64Array(4), 0, 2, new Float64Array(5), new Float64Array(2))).toThrow(/5 entries for 3 references/);
  });
});

describe('nearestNeighbours', () => {
  it('equals brute-force differencing bit for bit, ties by lower index, on tied integer data and smooth data', () => {
    for (const [name, Q, R, t, m, dims] of [
      ['tied', tiedData(70, 6, 1), tiedData(150, 6, 2), 70, 150, 6],
      ['smooth', smoothData(70, 31, 3), smoothData(90, 31, 4), 70, 90, 31],
      ['near-duplicates', smoothData(66, 4, 5, 1e-9).map((v) => 1e6 + v), smoothData(40, 4, 6, 1e-9).map((v) => 1e6 + v), 66, 40, 4],
    ] as const) {
      for (const k of [1, 3, 7]) {
        const lists = nearestNeighbours(Q, t, R, m, dims, k);
        for (let q = 0; q < t; q++) {
          const want = bruteRanking(Q, q, R, m, dims).slice(0, k);
          expect(Array.from(lists.index.subarray(q * k, (q + 1) * k)), `${name} k=${k} q=${q}`).toEqual(want.map((w) => w[1]));
          expect(Array.from(lists.squaredDistance.subarray(q * k, (q + 1) * k))).toEqual(want.map((w) => w[0]));
        }
      }
    }
  });

  it('answers a query range as the same rows of the whole answer', () => {
    const Q = tiedData(100, 5, 7);
    const R = tiedData(80, 5, 8);
    const whole = nearestNeighbours(Q, 100, R, 80, 5, 3);
    const part = nearestNeighbours(Q, 100, R, 80, 5, 3, { first: 37, end: 91 });
    expect(Array.from(part.index)).toEqual(Array.from(whole.index.subarray(37 * 3, 91 * 3)));
  });

  it('caps k at the number of reference rows', () => {
    const lists = nearestNeighbours(new Float64Array([0, 0]), 1, new Float64Array([1, 1, 0, 0]), 2, 2, 5);
    expect(lists.k).toBe(2);
    expect(Array.from(lists.index)).toEqual([1, 0]);
  });
});

describe('forEachRanking', () => {
  it('ranks every other row exactly as a full sort by (distance, index) would, to the requested depth', () => {
    for (const [Y, n, dims] of [[tiedData(90, 5, 9), 90, 5], [smoothData(75, 12, 10), 75, 12]] as const) {
      const depth = (q: number): number => (q % 5 === 0 ? 0 : 1 + ((q * 13) % (n - 1)));
      const seen: number[] = [];
      forEachRanking(Y, n, dims, depth, (q, ranked, count) => {
        seen.push(q);
        const want = bruteRanking(Y, q, Y, n, dims, q).slice(0, depth(q));
        expect(count).toBe(depth(q));
        expect(Array.from(ranked.subarray(0, count))).toEqual(want.map((w) => w[1]));
      });
      expect(seen).toEqual(Array.from({ length: n }, (_, q) => q).filter((q) => depth(q) > 0));
    }
  });
});

describe('assignNearestCenters', () => {
  it('picks the exact nearest center with ties to the lower center index', () => {
    const dims = 3;
    const Y = tiedData(120, dims, 11);
    const C = Float64Array.from([0, 0, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2, 1, 1, 1]); // duplicate centers: ties
    const tiles = createGramDistanceTiles(Y, 120, dims);
    const assignments = new Int32Array(120);
    assignNearestCenters(tiles, Y, C, 5, assignments, new Float64Array(TILE_ROWS * 120));
    for (let i = 0; i < 120; i++) {
      let best = 0;
      for (let c = 1; c < 5; c++) if (rowSquaredDistance(Y, i, C, c, dims) < rowSquaredDistance(Y, i, C, best, dims)) best = c;
      expect(assignments[i], `row ${i}`).toBe(best);
    }
    expect(assignments.includes(2)).toBe(false); // 2 duplicates 0 and 4 duplicates 1: never chosen
    expect(assignments.includes(4)).toBe(false);
  });
});

describe('top-k selection', () => {
  it('BoundedTopK keeps the k smallest in (value, index) order', () => {
    const values = [5, 1, 3, 1, 2, 1, 9];
    const top = new BoundedTopK(4);
    values.forEach((v, j) => top.offer(v, j));
    expect(Array.from(top.index)).toEqual([1, 3, 5, 4]);
    expect(Array.from(top.value)).toEqual([1, 1, 1, 2]);
    expect(top.bound).toBe(2);
    expect(new BoundedTopK(3).bound).toBe(Infinity);
  });

  it('selectSmallestSorted agrees with a full sort for every count, with many ties', () => {
    const rng = createRng(4);
    const values = Float64Array.from({ length: 200 }, () => rng.int(10));
    const full = Array.from({ length: 200 }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
    for (const count of [0, 1, 2, 17, 199, 200, 250]) {
      const idx = Int32Array.from({ length: 200 }, (_, i) => i);
      const got = selectSmallestSorted(values, idx, 200, count);
      expect(got).toBe(Math.min(count, 200));
      expect(Array.from(idx.subarray(0, got))).toEqual(full.slice(0, got));
    }
  });

  it('sortIndicesByValue orders by (value, index) like a comparator sort, for short and long lists with ties', () => {
    const rng = createRng(9);
    for (const [length, distinct] of [[0, 1], [1, 1], [5, 2], [17, 3], [300, 7], [2000, 2000], [2000, 1]] as const) {
      const values = Float64Array.from({ length: length + 3 }, () => rng.int(distinct) * 0.5 - 1);
      const idx = Int32Array.from({ length }, (_, i) => (i * 7919) % Math.max(1, length)); // a permutation when length is prime to 7919
      const expected = Array.from(idx).sort((a, b) => values[a]! - values[b]! || a - b);
      sortIndicesByValue(values, idx, length);
      expect(Array.from(idx), `length ${length}`).toEqual(expected);
    }
  });

  it('smallestValue is the count-th entry of the sorted values, for every count', () => {
    const rng = createRng(5);
    const values = Float64Array.from({ length: 301 }, () => rng.int(40) - 20.5);
    values[7] = Infinity;
    const sorted = Array.from(values).sort((a, b) => a - b);
    for (let count = 1; count <= 301; count += 15) expect(smallestValue(Float64Array.from(values), 301, count), `count ${count}`).toBe(sorted[count - 1]);
    expect(smallestValue(Float64Array.from(values), 301, 301)).toBe(Infinity);
    expect(() => smallestValue(new Float64Array(3), 3, 0)).toThrow(RangeError);
    expect(() => smallestValue(new Float64Array(3), 3, 4)).toThrow(RangeError);
  });
});

describe('rowSquaredDistancesTo', () => {
  it('gives rowSquaredDistance bit for bit, for any number of rows (not only multiples of four)', () => {
    const rng = createRng(13);
    const dims = 37;
    const A = Float64Array.from({ length: 50 * dims }, () => (rng.next() - 0.5) * 10 ** rng.int(6));
    const B = Float64Array.from({ length: 3 * dims }, () => rng.next() * 100 - 50);
    for (const count of [0, 1, 3, 4, 7, 50]) {
      const rows = Int32Array.from({ length: count }, () => rng.int(50));
      const out = new Float64Array(count);
      rowSquaredDistancesTo(A, rows, count, B, 2, dims, out);
      for (let t = 0; t < count; t++) expect(Object.is(out[t], rowSquaredDistance(A, rows[t]!, B, 2, dims)), `row ${t} of ${count}`).toBe(true);
    }
  });
});
