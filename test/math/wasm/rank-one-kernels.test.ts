import { describe, expect, it } from 'vitest';
import { createPairKernels, createRowDotKernel, paddedDimension } from '../../../shared/math/wasm/rank-one-kernels.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';

/** Fills a random symmetric M (d, d) and `rows` random vectors into kernels of padded size dp. */
function fill(kernels: ReturnType<typeof createPairKernels>, d: number, rows: number, seed: number): void {
  const rng = createRng(seed);
  const dp = kernels.dp;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      kernels.M[i * dp + j] = v;
      kernels.M[j * dp + i] = v;
    }
  }
  for (let r = 0; r < rows; r++) for (let f = 0; f < d; f++) kernels.V[r * dp + f] = rng.normal();
}

describe('pair kernels (ITML Bregman projections)', () => {
  it('pads the dimension to a multiple of 8', () => {
    expect([1, 4, 8, 9, 61, 64].map(paddedDimension)).toEqual([8, 8, 8, 16, 64, 64]);
  });

  it('uses WebAssembly SIMD on this platform', () => {
    expect(createPairKernels(3, 2).simd).toBe(true);
  });

  for (const d of [1, 3, 4, 13, 30, 61]) {
    it(`computes M·v, vᵀMv and M + β·u·uᵀ as the naive formulas do, identically on both paths (d = ${d})`, () => {
      const rows = 5;
      const simd = createPairKernels(d, rows, true);
      const plain = createPairKernels(d, rows, false);
      expect(plain.simd).toBe(false);
      fill(simd, d, rows, d);
      fill(plain, d, rows, d);
      const dp = plain.dp;
      // Naive reference on the plain copy before it changes.
      const Mv = new Float64Array(d);
      let p = 0;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) Mv[i]! += plain.M[i * dp + j]! * plain.V[j]!;
        p += Mv[i]! * plain.V[i]!;
      }
      const p1 = simd.matVecQuad(0, simd.a);
      const p2 = plain.matVecQuad(0, plain.a);
      expect(p1).toBe(p2);
      expect(Math.abs(p1 - p) / Math.abs(p)).toBeLessThan(1e-12);
      for (let i = 0; i < d; i++) expect(Math.abs(plain.a[i]! - Mv[i]!)).toBeLessThan(1e-12 * (1 + Math.abs(Mv[i]!)));

      const before = Float64Array.from(plain.M);
      const beta = 0.37;
      const q1 = simd.rankOneUpdateThenMatVec(simd.a, beta, 1, simd.b);
      const q2 = plain.rankOneUpdateThenMatVec(plain.a, beta, 1, plain.b);
      expect(q1).toBe(q2);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const expected = before[i * dp + j]! + beta * plain.a[i]! * plain.a[j]!;
          expect(Math.abs(plain.M[i * dp + j]! - expected)).toBeLessThan(1e-12 * (1 + Math.abs(expected)));
        }
      }
      simd.rankOneUpdate(simd.b, -0.05);
      plain.rankOneUpdate(plain.b, -0.05);
      expect(Array.from(simd.M)).toEqual(Array.from(plain.M));
      expect(Array.from(simd.b)).toEqual(Array.from(plain.b));
      // Padding stays zero.
      for (let i = 0; i < dp; i++) for (let j = d; j < dp; j++) expect(plain.M[i * dp + j]).toBe(0);
    });
  }
});

describe('row-dot kernel (MMC-diagonal Hessian)', () => {
  for (const [rows, cols] of [[1, 1], [5, 7], [9, 16], [13, 203]] as const) {
    it(`computes A[i]·x for a row range, identically on both paths (${rows}×${cols})`, () => {
      const simd = createRowDotKernel(rows, cols, true);
      const plain = createRowDotKernel(rows, cols, false);
      expect(simd.simd).toBe(true);
      expect(plain.simd).toBe(false);
      const rng = createRng(rows * 1000 + cols);
      const cp = plain.cp;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const v = rng.normal();
          simd.A[i * cp + j] = v;
          plain.A[i * cp + j] = v;
        }
      }
      for (let j = 0; j < cols; j++) {
        const v = rng.normal();
        simd.x[j] = v;
        plain.x[j] = v;
      }
      const first = rows > 2 ? 1 : 0;
      simd.rowDots(first, rows - first);
      plain.rowDots(first, rows - first);
      expect(Array.from(simd.out)).toEqual(Array.from(plain.out));
      if (first === 1) expect(plain.out[0]).toBe(0);
      for (let i = first; i < rows; i++) {
        let naive = 0;
        for (let j = 0; j < cols; j++) naive += plain.A[i * cp + j]! * plain.x[j]!;
        expect(Math.abs(plain.out[i]! - naive)).toBeLessThan(1e-12 * (1 + Math.abs(naive)) * cols);
      }
    });
  }
});
