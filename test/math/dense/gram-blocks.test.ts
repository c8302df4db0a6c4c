import { describe, expect, it } from 'vitest';
import { centerRows, columnMeans, gram } from '../../../shared/math/dense/matrix.ts';
import { CHUNK_ROWS, centeredGram } from '../../../shared/math/dense/gram-blocks.ts';
import { randomMatrix } from '../../engine/fixtures.ts';

describe('centeredGram: (X − 1μᵀ)ᵀ(X − 1μᵀ) in row blocks', () => {
  it.each([
    [1, 1],
    [7, 3],
    [33, 70],
    [2 * CHUNK_ROWS + 5, 13],
    [CHUNK_ROWS + 1, 130],
  ])('n = %i, d = %i: equals dense.ts gram of the centered rows (to rounding), the SIMD and TypeScript paths bit for bit', (n, d) => {
    const X = randomMatrix(n, d, n + d);
    const mean = columnMeans(X, n, d);
    const reference = gram(centerRows(X, n, d, mean), n, d);
    const simd = centeredGram(X, n, d, mean);
    const plain = centeredGram(X, n, d, mean, false);
    let scale = 0;
    for (const v of reference) scale = Math.max(scale, Math.abs(v));
    for (let t = 0; t < d * d; t++) expect(Math.abs(simd[t]! - reference[t]!)).toBeLessThanOrEqual(1e-13 * scale);
    expect(Array.from(simd)).toEqual(Array.from(plain));
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) expect(simd[a * d + b]).toBe(simd[b * d + a]);
  });

  it('with group means, each row centered by its group mean: the same bits as the gram of a centered copy', () => {
    const [n, d] = [CHUNK_ROWS + 9, 11];
    const X = randomMatrix(n, d, 4);
    const of = Int32Array.from({ length: n }, (_, i) => (i * 7) % 3);
    const means = randomMatrix(3, d, 5);
    const centered = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) centered[i * d + f] = X[i * d + f]! - means[of[i]! * d + f]!;
    for (const preferSimd of [true, false]) {
      expect(Array.from(centeredGram(X, n, d, { of, means }, preferSimd))).toEqual(Array.from(centeredGram(centered, n, d, null, preferSimd)));
    }
    expect(() => centeredGram(X, n, d, { of: of.subarray(1), means })).toThrow(
      new RangeError(`centeredGram: the group means need ${n} group indices and rows of ${d} entries.`),
    );
  });

  it('without a mean it is XᵀX; empty data give zeros; a wrong length is refused', () => {
    const X = Float64Array.of(1, 2, 3, 4, 5, 6); // (3, 2)
    expect(Array.from(centeredGram(X, 3, 2, null))).toEqual([35, 44, 44, 56]);
    expect(Array.from(centeredGram(new Float64Array(0), 0, 2, null))).toEqual([0, 0, 0, 0]);
    expect(() => centeredGram(X, 4, 2, null)).toThrow(new RangeError('centeredGram: expected 4×2 entries, got 6.'));
  });
});
