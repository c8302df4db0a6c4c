import { describe, expect, it } from 'vitest';
import {
  dotRows,
  embedInto,
  pairScatterGradient,
  pairScatterUsesTranspose,
  pairScatterWorkLength,
  pairSquaredDistances,
  timesRows,
  timesRowsBlock,
  timesRowsBlocks,
  timesRowsScratch,
  transposeInto,
} from '../../../shared/math/dense/row-products.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';

function random(length: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length }, () => rng.normal());
}

function naiveDot(A: Float64Array, i: number, B: Float64Array, j: number, len: number): number {
  let s = 0;
  for (let r = 0; r < len; r++) s += A[i * len + r]! * B[j * len + r]!;
  return s;
}

/** X (n, d), L (k, d), m random pairs with normal weights, Xᵀ and Z = X·Lᵀ: a pair-scatter problem from `seed`. */
function pairProblem(n: number, d: number, k: number, m: number, seed: number) {
  const X = random(n * d, seed);
  const L = random(k * d, seed + 1);
  const rng = createRng(seed + 2);
  const a = Int32Array.from({ length: m }, () => rng.int(n));
  const b = Int32Array.from(a, (v) => (v + 1 + rng.int(n - 1)) % n);
  const w = Float64Array.from({ length: m }, () => rng.normal());
  const Xt = new Float64Array(n * d);
  transposeInto(X, n, d, Xt);
  const Z = new Float64Array(n * k);
  embedInto(X, n, d, L, k, Z);
  return { X, L, Xt, Z, pairs: { count: m, a, b }, w };
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

describe('timesRows', () => {
  // Shapes around the 16-column blocks and dotRows' 4 × 2 register blocks.
  const shapes = [[32, 50, 37], [3, 7, 16], [5, 1, 33], [4, 20, 15]] as const;

  it('has the bits of dotRows against the explicit transpose, A·X = A·(Xᵀ)ᵀ', () => {
    for (const [ma, n, d] of shapes) {
      const A = random(ma * n, ma + n);
      const X = random(n * d, d);
      const Xt = new Float64Array(n * d);
      transposeInto(X, n, d, Xt);
      const expected = new Float64Array(ma * d);
      dotRows(A, ma, Xt, d, n, expected, d);
      const out = new Float64Array(ma * d).fill(Number.NaN);
      timesRows(A, ma, X, n, d, out);
      expect(Buffer.from(out.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    }
  });

  it('gives the same bits block by block in any order, each thread with its own gather buffer', () => {
    const [ma, n, d] = [6, 30, 50];
    const A = random(ma * n, 1);
    const X = random(n * d, 2);
    const whole = new Float64Array(ma * d);
    timesRows(A, ma, X, n, d, whole);
    const out = new Float64Array(ma * d).fill(Number.NaN);
    const threads = [timesRowsScratch(n), new Float64Array(timesRowsScratch(n).length)];
    for (let block = timesRowsBlocks(d) - 1; block >= 0; block--) timesRowsBlock(A, ma, X, n, d, out, block, threads[block % 2]!);
    expect(Buffer.from(out.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
  });
});

describe('embedInto and pairSquaredDistances', () => {
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

describe('pairScatterGradient without Xᵀ', () => {
  it('where route (a) can never be the cheaper (d ≥ 2k), gives the same bits from X alone as with Xᵀ', () => {
    const [n, d, k] = [40, 24, 4];
    expect(pairScatterUsesTranspose(d, k)).toBe(false);
    const { X, L, Xt, Z, pairs, w } = pairProblem(n, d, k, 200, 17);
    const withXt = new Float64Array(k * d);
    const withoutXt = new Float64Array(k * d);
    pairScatterGradient(X, Xt, n, d, L, Z, k, pairs, w, withXt, new Float64Array(pairScatterWorkLength(n, d, k)));
    pairScatterGradient(X, null, n, d, L, Z, k, pairs, w, withoutXt, new Float64Array(pairScatterWorkLength(n, d, k)));
    expect(withoutXt.some((v) => v !== 0)).toBe(true);
    expect(Buffer.from(withoutXt.buffer).equals(Buffer.from(withXt.buffer))).toBe(true);
  });
});

describe('pairScatterWorkLength', () => {
  it('asks only for route (b)’s 2·n·k entries when d ≥ 2k, and that buffer gives the same bits as a large one', () => {
    const n = 40;
    const d = 12;
    const k = 3;
    expect(pairScatterWorkLength(n, d, k)).toBe(2 * n * k);
    expect(pairScatterWorkLength(n, 5, 5)).toBe(2 * n * 5 + 25);
    const { X, L, Xt, Z, pairs, w } = pairProblem(n, d, k, 300, 7);
    const small = new Float64Array(k * d);
    const large = new Float64Array(k * d);
    pairScatterGradient(X, Xt, n, d, L, Z, k, pairs, w, small, new Float64Array(pairScatterWorkLength(n, d, k)));
    pairScatterGradient(X, Xt, n, d, L, Z, k, pairs, w, large, new Float64Array(2 * n * d + d * d));
    expect(Array.from(small)).toEqual(Array.from(large));
  });
});
