import { describe, expect, it } from 'vitest';
import { NonPsdError } from '../../../shared/errors.ts';
import { gram, identity, matmul, transpose } from '../../../shared/math/dense/matrix.ts';
import { cholesky, inverseSpd, tryCholesky } from '../../../shared/math/decompositions/cholesky.ts';
import { pseudoInverseSymmetric, symmetricEigen } from '../../../shared/math/decompositions/eigen.ts';
import { maxAbsDiff, randomMatrix } from '../../engine/fixtures.ts';

function randomSymmetric(n: number, seed: number): Float64Array {
  const A = randomMatrix(n, n, seed);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = A[i * n + j]! + A[j * n + i]!;
  return S;
}

describe('symmetricEigen', () => {
  it.each([1, 2, 5, 12])('n = %i: A·V = V·D, V orthogonal, values ascending', (n) => {
    const S = randomSymmetric(n, n);
    const { values, vectors } = symmetricEigen(S, n);
    const D = new Float64Array(n * n);
    values.forEach((v, j) => (D[j * n + j] = v));
    expect(maxAbsDiff(matmul(S, n, n, vectors, n), matmul(vectors, n, n, D, n))).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmul(transpose(vectors, n, n), n, n, vectors, n), identity(n))).toBeLessThan(1e-12);
    for (let j = 1; j < n; j++) expect(values[j]!).toBeGreaterThanOrEqual(values[j - 1]!);
  });

  it('finds the known eigenvalues of a tridiagonal matrix', () => {
    // [2 −1 0; −1 2 −1; 0 −1 2] has eigenvalues 2 − √2, 2, 2 + √2.
    const { values } = symmetricEigen(Float64Array.from([2, -1, 0, -1, 2, -1, 0, -1, 2]), 3);
    expect(Array.from(values)).toEqual([expect.closeTo(2 - Math.SQRT2, 12), expect.closeTo(2, 12), expect.closeTo(2 + Math.SQRT2, 12)]);
  });

  it('handles the empty matrix and rejects a wrong length', () => {
    expect(symmetricEigen(new Float64Array(0), 0).values.length).toBe(0);
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(new RangeError('symmetricEigen: expected an 2×2 matrix (4 entries), got 3 entries.'));
  });
});

describe('cholesky and inverses', () => {
  const A = randomMatrix(8, 4, 3);
  const S = gram(A, 8, 4); // SPD with probability 1

  it('C·Cᵀ = S with C lower triangular', () => {
    const C = cholesky(S, 4);
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(C[i * 4 + j]).toBe(0);
    expect(maxAbsDiff(matmul(C, 4, 4, transpose(C, 4, 4), 4), S)).toBeLessThan(1e-12);
  });

  it('inverseSpd(S)·S = I and the pseudo-inverse of an invertible S is its inverse', () => {
    expect(maxAbsDiff(matmul(inverseSpd(S, 4), 4, 4, S, 4), identity(4))).toBeLessThan(1e-10);
    expect(maxAbsDiff(pseudoInverseSymmetric(S, 4), inverseSpd(S, 4))).toBeLessThan(1e-9);
  });

  it('rejects a matrix that is not positive definite', () => {
    const singular = Float64Array.from([1, 1, 1, 1]);
    expect(tryCholesky(singular, 2)).toBeNull();
    expect(() => cholesky(singular, 2)).toThrow(new NonPsdError('Matrix is not positive definite (Cholesky failed).'));
  });

  it('the pseudo-inverse of a singular matrix satisfies S·S⁺·S = S', () => {
    const singular = Float64Array.from([1, 1, 0, 1, 1, 0, 0, 0, 2]);
    const P = pseudoInverseSymmetric(singular, 3);
    expect(maxAbsDiff(matmul(matmul(singular, 3, 3, P, 3), 3, 3, singular, 3), singular)).toBeLessThan(1e-12);
  });
});
