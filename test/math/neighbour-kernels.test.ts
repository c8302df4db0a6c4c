import { describe, expect, it } from 'vitest';
import {
  distanceRowsBufferLength,
  dotRows,
  embedInto,
  forEachDistanceRow,
  FULL_MATRIX_ROWS,
  pairGraphFromNeighbours,
  pairScatterGradient,
  pairScatterWorkLength,
  pairSquaredDistances,
  smallestIndices,
  squaredDistanceMatrix,
  transposeInto,
} from '../../shared/math/neighbour-kernels.ts';
import { createRng } from '../../shared/math/seeded-random.ts';

function random(length: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length }, () => rng.normal());
}

function naiveDot(A: Float64Array, i: number, B: Float64Array, j: number, len: number): number {
  let s = 0;
  for (let r = 0; r < len; r++) s += A[i * len + r]! * B[j * len + r]!;
  return s;
}

describe('dotRows', () => {
  it('equals the naive row dot products for shapes that are not multiples of the 4×2 block', () => {
    for (const [ma, mb, len] of [[7, 5, 3], [4, 2, 9], [1, 1, 1], [9, 11, 6]] as const) {
      const A = random(ma * len, ma);
      const B = random(mb * len, mb + 100);
      const out = new Float64Array(ma * mb);
      dotRows(A, ma, B, mb, len, out);
      for (let i = 0; i < ma; i++) for (let j = 0; j < mb; j++) expect(out[i * mb + j]).toBeCloseTo(naiveDot(A, i, B, j, len), 12);
    }
  });

  it('with upper, writes exactly the entries j ≥ i', () => {
    const n = 10;
    const A = random(n * 4, 3);
    const out = new Float64Array(n * n).fill(Number.NaN);
    dotRows(A, n, A, n, 4, out, n, true);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (j >= i) expect(out[i * n + j]).toBeCloseTo(naiveDot(A, i, A, j, 4), 12);
        else expect(out[i * n + j]).toBeNaN();
      }
    }
  });
});

describe('distances', () => {
  it('squaredDistanceMatrix is symmetric, zero on the diagonal and equals ‖z_i − z_j‖²', () => {
    const n = 13;
    const k = 3;
    const Z = random(n * k, 5);
    const D = squaredDistanceMatrix(Z, n, k);
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

  it('embedInto computes X·Lᵀ and pairSquaredDistances the listed pairs', () => {
    const X = Float64Array.of(1, 2, 3, 4, 5, 6); // (3, 2)
    const L = Float64Array.of(1, 0, 1, 1); // (2, 2)
    const Z = new Float64Array(6);
    embedInto(X, 3, 2, L, 2, Z);
    expect(Array.from(Z)).toEqual([1, 3, 3, 7, 5, 11]);
    const out = new Float64Array(2);
    pairSquaredDistances(Z, 2, { count: 2, a: Int32Array.of(0, 1), b: Int32Array.of(2, 2) }, out);
    expect(Array.from(out)).toEqual([16 + 64, 4 + 16]);
  });
});

describe('pairGraphFromNeighbours', () => {
  it('keeps each unordered pair once, sorted, with a per-row index of the pairs touching it', () => {
    const g = pairGraphFromNeighbours(4, [Int32Array.of(1, 2), Int32Array.of(0), Int32Array.of(3, 2), Int32Array.of()]);
    expect(g.count).toBe(3);
    expect(Array.from(g.a)).toEqual([0, 0, 2]);
    expect(Array.from(g.b)).toEqual([1, 2, 3]);
    const touching = (i: number) => Array.from(g.rowPairs.subarray(g.rowStart[i]!, g.rowStart[i + 1]!)).sort();
    expect(touching(0)).toEqual([0, 1]);
    expect(touching(1)).toEqual([0]);
    expect(touching(2)).toEqual([1, 2]);
    expect(touching(3)).toEqual([2]);
  });
});

describe('smallestIndices', () => {
  it('returns the count smallest entries (ties by lower index), skipping the excluded one', () => {
    const values = Float64Array.of(5, 1, 3, 1, 0, 9, 3);
    expect(Array.from(smallestIndices(values, 7, 3, 4)).sort()).toEqual([1, 2, 3]);
    expect(Array.from(smallestIndices(values, 7, 2)).sort()).toEqual([1, 4]);
    expect(Array.from(smallestIndices(values, 7, 10, 0)).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('pairScatterGradient', () => {
  // The gradient of Σ_p w_p ‖L(x_a − x_b)‖² is 2·L·Σ_p w_p (x_a − x_b)(x_a − x_b)ᵀ; both internal routes must give it.
  for (const [k, label] of [[5, 'route (a), k = d'], [1, 'route (b), k ≪ d']] as const) {
    it(`equals the naive 2·L·Σ w (Δ Δᵀ) — ${label}`, () => {
      const n = 9;
      const d = 5;
      const X = random(n * d, 1);
      const L = random(k * d, 2);
      const rng = createRng(3);
      const m = 14;
      const a = Int32Array.from({ length: m }, () => rng.int(n));
      const b = Int32Array.from(a, (v) => (v + 1 + rng.int(n - 1)) % n);
      const w = Float64Array.from({ length: m }, () => rng.normal());
      const Xt = new Float64Array(n * d);
      transposeInto(X, n, d, Xt);
      const Z = new Float64Array(n * k);
      embedInto(X, n, d, L, k, Z);
      const out = new Float64Array(k * d);
      pairScatterGradient(X, Xt, n, d, L, Z, k, { count: m, a, b }, w, out, new Float64Array(pairScatterWorkLength(n, d, k)));
      const G = new Float64Array(d * d);
      for (let p = 0; p < m; p++) {
        for (let u = 0; u < d; u++) {
          for (let v = 0; v < d; v++) {
            G[u * d + v]! += w[p]! * (X[a[p]! * d + u]! - X[b[p]! * d + u]!) * (X[a[p]! * d + v]! - X[b[p]! * d + v]!);
          }
        }
      }
      for (let r = 0; r < k; r++) {
        for (let v = 0; v < d; v++) {
          let s = 0;
          for (let u = 0; u < d; u++) s += L[r * d + u]! * G[u * d + v]!;
          expect(out[r * d + v]).toBeCloseTo(2 * s, 10);
        }
      }
    });
  }
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

describe('pairScatterWorkLength', () => {
  it('asks only for route (b)’s 2·n·k entries when d ≥ 2k, and that buffer gives the same bits as a large one', () => {
    const n = 40;
    const d = 12;
    const k = 3;
    expect(pairScatterWorkLength(n, d, k)).toBe(2 * n * k);
    expect(pairScatterWorkLength(n, 5, 5)).toBe(2 * n * 5 + 25);
    const X = random(n * d, 7);
    const L = random(k * d, 8);
    const rng = createRng(9);
    const m = 300;
    const a = Int32Array.from({ length: m }, () => rng.int(n));
    const b = Int32Array.from(a, (v) => (v + 1 + rng.int(n - 1)) % n);
    const w = Float64Array.from({ length: m }, () => rng.normal());
    const Xt = new Float64Array(n * d);
    transposeInto(X, n, d, Xt);
    const Z = new Float64Array(n * k);
    embedInto(X, n, d, L, k, Z);
    const small = new Float64Array(k * d);
    const large = new Float64Array(k * d);
    pairScatterGradient(X, Xt, n, d, L, Z, k, { count: m, a, b }, w, small, new Float64Array(pairScatterWorkLength(n, d, k)));
    pairScatterGradient(X, Xt, n, d, L, Z, k, { count: m, a, b }, w, large, new Float64Array(2 * n * d + d * d));
    expect(Array.from(small)).toEqual(Array.from(large));
  });
});
