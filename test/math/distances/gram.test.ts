import { describe, expect, it } from 'vitest';
import { distanceRowsBufferLength, forEachDistanceRow, FULL_MATRIX_ROWS, gramSquaredDistanceMatrix } from '../../../shared/math/distances/gram.ts';
import { createGramDistanceTiles, TILE_ROWS, type GramDistanceTiles } from '../../../shared/math/distances/gram-tiles.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';

function random(length: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length }, () => rng.normal());
}

describe('gramSquaredDistanceMatrix', () => {
  it('gramSquaredDistanceMatrix is symmetric, zero on the diagonal and equals ‖z_i − z_j‖²', () => {
    const n = 13;
    const k = 3;
    const Z = random(n * k, 5);
    const D = gramSquaredDistanceMatrix(Z, n, k);
    for (let i = 0; i < n; i++) {
      expect(D[i * n + i]).toBe(0);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < k; r++) s += (Z[i * k + r]! - Z[j * k + r]!) ** 2;
        expect(D[i * n + j]).toBeCloseTo(s, 10);
        expect(D[i * n + j]).toBe(D[j * n + i]);
      }
    }
  });
});

describe('forEachDistanceRow', () => {
  it('visits every row in order with exact squared distances, through the full matrix and through row blocks', () => {
    for (const n of [50, FULL_MATRIX_ROWS + 3]) {
      const k = 2;
      const Z = random(n * k, n);
      const seen: number[] = [];
      const checkRows = new Set([0, 1, 63, 64, n - 1]);
      forEachDistanceRow(Z, n, k, (i, row) => {
        seen.push(i);
        expect(row).toHaveLength(n);
        if (!checkRows.has(i)) return;
        expect(row[i]).toBe(0);
        for (let j = 0; j < n; j += 7) {
          const exact = (Z[i * k]! - Z[j * k]!) ** 2 + (Z[i * k + 1]! - Z[j * k + 1]!) ** 2;
          expect(row[j]).toBeCloseTo(exact, 9);
        }
      });
      expect(seen).toHaveLength(n);
      expect(seen[n - 1]).toBe(n - 1);
      expect(seen.every((v, t) => v === t)).toBe(true);
      expect(distanceRowsBufferLength(n)).toBe(n <= FULL_MATRIX_ROWS ? n * n : 64 * n);
    }
  });
});

describe('createGramDistanceTiles with reuse', () => {
  it('gives the same bits as fresh tiles when it takes over the memory of tiles of the same shape', () => {
    const rng = createRng(4);
    const m = 301;
    const dims = 7;
    const first = Float64Array.from({ length: m * dims }, () => rng.normal());
    const second = Float64Array.from({ length: m * dims }, () => 3 * rng.normal());
    const rows = 40;
    const distances = (tiles: GramDistanceTiles): Float64Array => {
      const out = new Float64Array(rows * m);
      return Float64Array.from(tiles.distances(second, 100, rows, out, new Float64Array(TILE_ROWS)));
    };
    const fresh = distances(createGramDistanceTiles(second, m, dims));
    const earlier = createGramDistanceTiles(first, m, dims);
    earlier.distances(first, 0, rows, new Float64Array(rows * m), new Float64Array(TILE_ROWS));
    const reused = distances(createGramDistanceTiles(second, m, dims, true, earlier));
    expect(Buffer.from(reused.buffer).equals(Buffer.from(fresh.buffer))).toBe(true);
    // A different shape cannot be taken over: fresh memory, the same figures as fresh tiles.
    const head = second.subarray(0, 200 * dims);
    const of200 = (tiles: GramDistanceTiles): Buffer => Buffer.from(Float64Array.from(tiles.distances(second, 0, rows, new Float64Array(rows * 200), new Float64Array(TILE_ROWS))).buffer);
    expect(of200(createGramDistanceTiles(head, 200, dims, true, createGramDistanceTiles(first, m, dims))).equals(of200(createGramDistanceTiles(head, 200, dims)))).toBe(true);
  });
});
