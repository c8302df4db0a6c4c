import { describe, expect, it } from 'vitest';
import { createPairKernels, paddedDimension } from '../../shared/math/pair-kernels.ts';
import { createRng } from '../../shared/math/seeded-random.ts';

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
  it('pads the dimension to a multiple of 4', () => {
    expect([1, 4, 5, 61, 64].map(paddedDimension)).toEqual([4, 4, 8, 64, 64]);
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
