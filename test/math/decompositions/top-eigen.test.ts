import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../../shared/math/decompositions/eigen.ts';
import { topSymmetricEigen } from '../../../shared/math/decompositions/top-eigen.ts';
import { randomMatrix, withSpectrum } from '../../engine/fixtures.ts';

/** XᵀX for X (n + 3, n) standard normal: a covariance-like SPD matrix with spread-out eigenvalues. */
function wishart(n: number, seed: number): Float64Array {
  const X = randomMatrix(n + 3, n, seed);
  const S = new Float64Array(n * n);
  for (let r = 0; r < n + 3; r++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j]! += X[r * n + i]! * X[r * n + j]!;
  return S;
}

/** Largest ‖S·v_j − λ_j·v_j‖∞ and largest |v_iᵀv_j − δ_ij|, relative to the largest |λ|. */
function quality(S: Float64Array, n: number, values: Float64Array, vectors: Float64Array) {
  const k = values.length;
  let residual = 0;
  let orthogonality = 0;
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let l = 0; l < n; l++) s += S[i * n + l]! * vectors[j * n + l]!;
      residual = Math.max(residual, Math.abs(s - values[j]! * vectors[j * n + i]!));
    }
    for (let i = 0; i <= j; i++) {
      let s = 0;
      for (let l = 0; l < n; l++) s += vectors[i * n + l]! * vectors[j * n + l]!;
      orthogonality = Math.max(orthogonality, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return { residual: residual / Math.max(Math.abs(values[0] ?? 0), 1e-300), orthogonality };
}

describe("topSymmetricEigen: the k largest eigenpairs, against ml-matrix's full decomposition", () => {
  it.each([
    [1, 1],
    [2, 1],
    [5, 2],
    [40, 10],
    [120, 32],
    [60, 60],
  ])('n = %i, k = %i: the same eigenvalues (largest first) and eigenvectors (up to sign), orthonormal', (n, k) => {
    const S = wishart(n, n + k);
    const top = topSymmetricEigen(S, n, k);
    const full = symmetricEigen(S, n); // ascending, vectors as columns
    const largest = Math.abs(full.values[n - 1]!);
    for (let j = 0; j < k; j++) {
      expect(Math.abs(top.values[j]! - full.values[n - 1 - j]!)).toBeLessThan(1e-12 * largest);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += top.vectors[j * n + i]! * full.vectors[i * n + (n - 1 - j)]!;
      expect(Math.abs(dot)).toBeCloseTo(1, 10);
    }
    const { residual, orthogonality } = quality(S, n, top.values, top.vectors);
    expect(residual).toBeLessThan(1e-12);
    expect(orthogonality).toBeLessThan(1e-12);
  });

  it('repeated and nearly repeated eigenvalues: an orthonormal basis of each eigenspace', () => {
    const spectrum = Array.from({ length: 50 }, (_, i) => (i < 8 ? 5 : i < 16 ? 5 + 1e-10 * i : i % 3));
    const S = withSpectrum(spectrum, 4);
    const top = topSymmetricEigen(S, 50, 20);
    const sorted = [...spectrum].sort((a, b) => b - a);
    for (let j = 0; j < 20; j++) expect(top.values[j]!).toBeCloseTo(sorted[j]!, 12);
    const { residual, orthogonality } = quality(S, 50, top.values, top.vectors);
    expect(residual).toBeLessThan(1e-12);
    expect(orthogonality).toBeLessThan(1e-12);
  });

  it('a diagonal matrix, already tridiagonal, with ties; the zero matrix', () => {
    const D = new Float64Array(36);
    [3, 1, 3, 0, 2, 3].forEach((v, i) => (D[i * 6 + i] = v));
    const top = topSymmetricEigen(D, 6, 4);
    expect(Array.from(top.values)).toEqual([3, 3, 3, 2].map((v): unknown => expect.closeTo(v, 14)));
    const { residual, orthogonality } = quality(D, 6, top.values, top.vectors);
    expect(residual).toBeLessThan(1e-13);
    expect(orthogonality).toBeLessThan(1e-13);
    const zero = topSymmetricEigen(new Float64Array(9), 3, 2);
    expect(Array.from(zero.values)).toEqual([expect.closeTo(0, 14), expect.closeTo(0, 14)]);
    expect(quality(new Float64Array(9), 3, zero.values, zero.vectors).orthogonality).toBeLessThan(1e-13);
  });

  it('rejects a wrong length or k', () => {
    expect(() => topSymmetricEigen(new Float64Array(3), 2, 1)).toThrow(new RangeError('topSymmetricEigen: expected an 2×2 matrix (4 entries), got 3 entries.'));
    expect(() => topSymmetricEigen(new Float64Array(4), 2, 3)).toThrow(new RangeError('topSymmetricEigen: k must be in [0, 2], got 3.'));
  });
});
