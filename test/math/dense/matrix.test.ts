import { describe, expect, it } from 'vitest';
import { centerRows, columnMeans, gram, identity, matmul, matmulTransA, matmulTransB, symmetrize, trace, transpose } from '../../../shared/math/dense/matrix.ts';
import { maxAbsDiff, randomMatrix } from '../../engine/fixtures.ts';

describe('dense kernels', () => {
  it('matmul multiplies a known 2×3 by 3×2 product', () => {
    const A = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const B = Float64Array.from([7, 8, 9, 10, 11, 12]);
    // [1 2 3; 4 5 6]·[7 8; 9 10; 11 12] = [58 64; 139 154]
    expect(Array.from(matmul(A, 2, 3, B, 2))).toEqual([58, 64, 139, 154]);
  });

  it('matmulTransB(A, B) equals matmul(A, transpose(B)) and matmulTransA(A, B) equals matmul(transpose(A), B)', () => {
    const A = randomMatrix(5, 4, 1);
    const B = randomMatrix(3, 4, 2);
    expect(maxAbsDiff(matmulTransB(A, 5, 4, B, 3), matmul(A, 5, 4, transpose(B, 3, 4), 3))).toBeLessThan(1e-14);
    const C = randomMatrix(5, 3, 3);
    expect(maxAbsDiff(matmulTransA(A, 5, 4, C, 3), matmul(transpose(A, 5, 4), 4, 5, C, 3))).toBeLessThan(1e-14);
  });

  it('gram(A) equals transpose(A)·A and is symmetric', () => {
    const A = randomMatrix(7, 4);
    const G = gram(A, 7, 4);
    expect(maxAbsDiff(G, matmul(transpose(A, 7, 4), 4, 7, A, 4))).toBeLessThan(1e-14);
    expect(maxAbsDiff(G, transpose(G, 4, 4))).toBe(0);
  });

  it('transpose twice is the identity; identity is neutral for matmul', () => {
    const A = randomMatrix(3, 5);
    expect(Array.from(transpose(transpose(A, 3, 5), 5, 3))).toEqual(Array.from(A));
    expect(maxAbsDiff(matmul(A, 3, 5, identity(5), 5), A)).toBe(0);
    expect(trace(identity(6), 6)).toBe(6);
  });

  it('symmetrize averages A and Aᵀ', () => {
    expect(Array.from(symmetrize(Float64Array.from([1, 2, 4, 3]), 2))).toEqual([1, 3, 3, 3]);
  });

  it('columnMeans and centerRows give zero-mean columns', () => {
    const X = randomMatrix(6, 3);
    const centered = centerRows(X, 6, 3, columnMeans(X, 6, 3));
    for (const m of columnMeans(centered, 6, 3)) expect(Math.abs(m)).toBeLessThan(1e-15);
  });

  it('rejects lengths that do not match the shape', () => {
    expect(() => matmul(new Float64Array(5), 2, 3, new Float64Array(6), 2)).toThrow(new RangeError('matmul A: expected 2×3 = 6 entries, got 5.'));
    expect(() => gram(new Float64Array(3), 2, 2)).toThrow(RangeError);
  });

  it('handles empty matrices', () => {
    expect(matmul(new Float64Array(0), 0, 3, new Float64Array(6), 2).length).toBe(0);
    expect(Array.from(gram(new Float64Array(0), 0, 2))).toEqual([0, 0, 0, 0]);
  });
});
