import { describe, expect, it } from 'vitest';
import { createEigenKernels, type EigenKernels } from '../../../shared/math/wasm/eigen-kernels.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';

/** Both paths over the same random buffer of `size` doubles. */
function pair(size: number, seed: number): [EigenKernels, EigenKernels] {
  const simd = createEigenKernels(size);
  const plain = createEigenKernels(size, false);
  const rng = createRng(seed);
  for (let i = 0; i < size; i++) simd.data[i] = plain.data[i] = rng.normal();
  return [simd, plain];
}

describe('eigen kernels (tridiagonalisation, reflector accumulation, QL rotations)', () => {
  it('uses WebAssembly SIMD on this platform', () => {
    expect(createEigenKernels(4).simd).toBe(true);
    expect(createEigenKernels(4, false).simd).toBe(false);
  });

  for (const len of [0, 1, 2, 5, 64, 97]) {
    it(`dotAxpy, rank2 and axpy do the naive formulas, identically on both paths (len = ${len}, odd offsets)`, () => {
      const [simd, plain] = pair(1000, len);
      const before = Float64Array.from(plain.data);
      const [a, x, y] = [3, 201, 450];
      let expected = 0;
      for (let k = 0; k < len; k++) expected += before[a + k]! * before[x + k]!;
      const dots = [simd, plain].map((kernels) => kernels.dotAxpy(a, x, y, len, 0.75));
      expect(dots[0]).toBe(dots[1]);
      expect(Math.abs(dots[0]! - expected)).toBeLessThan(1e-12 * (1 + len));
      for (let k = 0; k < len; k++) expect(plain.data[y + k]).toBe(before[y + k]! + 0.75 * before[a + k]!);
      for (const kernels of [simd, plain]) {
        kernels.rank2(601, x, y, len, -1.5, 0.25);
        kernels.axpy(801, 7, len, 2.5);
      }
      for (let k = 0; k < len; k++) {
        expect(plain.data[601 + k]).toBe(before[601 + k]! - (-1.5 * before[x + k]! + 0.25 * plain.data[y + k]!));
        expect(plain.data[801 + k]).toBe(before[801 + k]! + 2.5 * before[7 + k]!);
      }
      expect(Array.from(simd.data)).toEqual(Array.from(plain.data));
    });
  }

  for (const n of [2, 3, 7, 8, 9, 16, 30]) {
    it(`rotateChain applies rotations m − 1 … l to rows (i, i + 1), identically on both paths (n = ${n})`, () => {
      const size = n * n + 2 * n + 1;
      const [simd, plain] = pair(size, 100 + n);
      const C = n * n + 1; // odd offset
      const S = C + n;
      const rng = createRng(n);
      for (let i = 0; i < n; i++) {
        const t = rng.normal();
        simd.data[C + i] = plain.data[C + i] = Math.cos(t);
        simd.data[S + i] = plain.data[S + i] = Math.sin(t);
      }
      const before = Float64Array.from(plain.data);
      const l = n > 3 ? 1 : 0;
      for (const kernels of [simd, plain]) kernels.rotateChain(0, n, l, n - 1, C, S);
      expect(Array.from(simd.data)).toEqual(Array.from(plain.data));
      // Rotations preserve each column's norm over rows l … n − 1 and leave the rows outside alone.
      for (let k = 0; k < n; k++) {
        let was = 0;
        let now = 0;
        for (let i = l; i < n; i++) {
          was += before[i * n + k]! ** 2;
          now += plain.data[i * n + k]! ** 2;
        }
        expect(Math.abs(now - was)).toBeLessThan(1e-12 * (1 + was));
        for (let i = 0; i < l; i++) expect(plain.data[i * n + k]).toBe(before[i * n + k]);
      }
      // The last rotation (i = l) leaves row l = c_l·z_l − s_l·(row l + 1 before it), checked on one entry by hand.
      if (n === 2) {
        const [c, s] = [before[C]!, before[S]!];
        expect(plain.data[0]).toBe(c * before[0]! - s * before[2]!);
        expect(plain.data[2]).toBe(s * before[0]! + c * before[2]!);
      }
    });
  }
});
