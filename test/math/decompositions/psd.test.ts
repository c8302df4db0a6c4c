import { describe, expect, it } from 'vitest';
import { NonPsdError } from '../../../shared/errors.ts';
import { gram } from '../../../shared/math/dense/matrix.ts';
import { symmetricEigen } from '../../../shared/math/decompositions/eigen.ts';
import { componentsFromMetric, isPsd, metricFromComponents, projectOntoPsdCone } from '../../../shared/math/decompositions/psd.ts';
import { maxAbsDiff, randomMatrix } from '../../engine/fixtures.ts';

describe('PSD helpers', () => {
  it('componentsFromMetric inverts metricFromComponents for a positive-definite M (LᵀL = M)', () => {
    const M = metricFromComponents(randomMatrix(6, 4, 11), 6, 4);
    const L = componentsFromMetric(M, 4);
    expect(maxAbsDiff(metricFromComponents(L, 4, 4), M)).toBeLessThan(1e-12);
  });

  it('componentsFromMetric handles a singular PSD M through the eigen fallback (LᵀL = M, zero rows last)', () => {
    const M = gram(randomMatrix(2, 4, 5), 2, 4); // rank 2
    const L = componentsFromMetric(M, 4);
    expect(maxAbsDiff(metricFromComponents(L, 4, 4), M)).toBeLessThan(1e-12);
    expect(Array.from(L.subarray(8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('componentsFromMetric rejects a matrix with a negative eigenvalue or an asymmetric one', () => {
    expect(() => componentsFromMetric(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(NonPsdError);
    expect(() => componentsFromMetric(Float64Array.from([1, 2, 0, 1]), 2)).toThrow(
      new NonPsdError('Matrix is not positive semidefinite (PSD): it is not symmetric.'),
    );
  });

  it('projectOntoPsdCone clamps negative eigenvalues and keeps the eigenvectors', () => {
    // [1 2; 2 1] = V·diag(−1, 3)·Vᵀ → V·diag(0, 3)·Vᵀ = 1.5·[1 1; 1 1].
    const P = projectOntoPsdCone(Float64Array.from([1, 2, 2, 1]), 2);
    expect(maxAbsDiff(P, [1.5, 1.5, 1.5, 1.5])).toBeLessThan(1e-12);
    expect(isPsd(P, 2)).toBe(true);
  });

  it('projectOntoPsdCone leaves a PSD matrix unchanged and respects minEigenvalue', () => {
    const M = metricFromComponents(randomMatrix(5, 3, 2), 5, 3);
    expect(maxAbsDiff(projectOntoPsdCone(M, 3), M)).toBeLessThan(1e-12);
    const floored = projectOntoPsdCone(Float64Array.from([1, 0, 0, -4]), 2, 0.25);
    expect(maxAbsDiff(floored, [1, 0, 0, 0.25])).toBeLessThan(1e-15);
    expect(symmetricEigen(projectOntoPsdCone(Float64Array.from([0, 3, 3, 0]), 2, 0.5), 2).values[0]).toBeCloseTo(0.5, 12);
  });

  it('isPsd distinguishes PSD, indefinite, asymmetric and non-finite matrices', () => {
    expect(isPsd(Float64Array.from([2, 1, 1, 2]), 2)).toBe(true);
    expect(isPsd(Float64Array.from([1, 0, 0, 0]), 2)).toBe(true);
    expect(isPsd(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
    expect(isPsd(Float64Array.from([1, 1, 0, 1]), 2)).toBe(false);
    expect(isPsd(Float64Array.from([1, 0, 0, Number.NaN]), 2)).toBe(false);
  });
});

describe('componentsFromMetric tolerance', () => {
  it('accepts the rounding-level negative eigenvalues a PSD projection leaves behind, rejects clear ones', () => {
    // diag(1, −1e-13) is PSD up to rounding; diag(1, −1e-6) is not.
    const L = componentsFromMetric(Float64Array.from([1, 0, 0, -1e-13]), 2);
    expect(Array.from(L)).toEqual([1, 0, 0, 0]);
    expect(() => componentsFromMetric(Float64Array.from([1, 0, 0, -1e-6]), 2)).toThrow(NonPsdError);
    expect(() => componentsFromMetric(Float64Array.from([1, 0, 0, -1e-13]), 2, 1e-14)).toThrow(NonPsdError);
  });
});
