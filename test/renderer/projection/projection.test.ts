import { symmetricEigen } from '../../../shared/math/decompositions/eigen.ts';
import { describe, expect, it } from 'vitest';
import { applyPreprocessing, learnedEmbedding, pca2d, topEigenpairs, zscoreColumns } from '../../../src-renderer/src/lib/projection/projection.ts';

describe('projection helpers', () => {
  it('pca2d puts the direction of largest variance on x', () => {
    // Points along the line y = 2x, with a little spread across it.
    const X = Float64Array.from([0, 0, 1, 2, 2, 4.1, 3, 6, 4, 7.9]);
    const { xs, ys, explained } = pca2d(X, 5, 2);
    expect(explained[0]).toBeGreaterThan(0.99);
    const spreadX = Math.max(...xs) - Math.min(...xs);
    const spreadY = Math.max(...ys) - Math.min(...ys);
    expect(spreadX).toBeCloseTo(Math.hypot(4, 7.9), 1);
    expect(spreadY).toBeLessThan(0.2);
    expect(explained[0] + explained[1]).toBeCloseTo(1, 12);
  });

  it('z-scores columns with the population std and zeroes constant columns', () => {
    const Z = zscoreColumns(Float64Array.from([1, 5, 3, 5]), 2, 2);
    expect([...Z]).toEqual([-1, 0, 1, 0]);
  });

  it("maps rows through a metric's preprocessing and L", () => {
    const prep = { kind: 'zscore' as const, inputFeatures: 3, kept: [0, 2], dropped: [1], center: Float64Array.from([1, 10]), scale: Float64Array.from([2, 5]) };
    const X = Float64Array.from([3, 7, 20, 1, 7, 10]);
    expect([...applyPreprocessing(X, 2, prep)]).toEqual([1, 2, 0, 0]);
    // L (1, 2) = [3, -1] → z·Lᵀ
    expect([...learnedEmbedding(X, 2, prep, Float64Array.from([3, -1]), 1)]).toEqual([1, 0]);
  });
});

describe('PCA at real size', () => {
  /** A PSD matrix with a clear spectrum: Q·diag(λ)·Qᵀ from a seeded random orthogonal-ish basis. */
  function psd(d: number): Float64Array {
    let s = 7;
    const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
    const A = new Float64Array(d * d).map(rand);
    const C = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += A[a * d + k]! * A[b * d + k]! * (k < 2 ? 40 - 10 * k : 1 / (1 + k));
      C[a * d + b] = sum;
    }
    return C;
  }

  it('subspace iteration finds the two largest eigenpairs of a full decomposition', () => {
    const d = 120;
    const C = psd(d);
    const { values, vectors } = symmetricEigen(C, d);
    const top = topEigenpairs(C, d, 2);
    for (let rank = 0; rank < 2; rank++) {
      const col = d - 1 - rank;
      expect(top.values[rank]).toBeCloseTo(values[col]!, 8);
      let dot = 0;
      for (let f = 0; f < d; f++) dot += top.vectors[rank]![f]! * vectors[f * d + col]!;
      expect(Math.abs(dot)).toBeCloseTo(1, 8);
    }
  });

  it('projects every row on axes fitted within the budget (wide data), with the same picture as the exact path', () => {
    // 3 blobs in 150 dimensions, separated along two directions: the subsample and subspace path must find them.
    const n = 1500, d = 150;
    const X = new Float64Array(n * d);
    let s = 3;
    const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < d; f++) X[i * d + f] = 0.1 * rand();
      X[i * d + 0]! += 5 * (i % 3);
      X[i * d + 1]! += i % 3 === 1 ? 4 : 0;
    }
    // A budget of 500 rows × d²: the axes come from every third row, the projection covers all 1500.
    const { xs, ys, explained } = pca2d(X, n, d, 500 * d * d);
    const exact = pca2d(X, n, d);
    expect(xs).toHaveLength(n);
    // The subsampled axes agree with the all-rows axes to within the noise (the data's structure is 2-D).
    let dot = 0, nx = 0, ne = 0;
    for (let i = 0; i < n; i++) {
      dot += xs[i]! * exact.xs[i]!;
      nx += xs[i]! ** 2;
      ne += exact.xs[i]! ** 2;
    }
    expect(Math.abs(dot) / Math.sqrt(nx * ne)).toBeGreaterThan(0.99);
    expect(explained[0]).toBeGreaterThan(0.5);
    // Same rows of a class land together: the class means are far apart relative to the spread.
    const meanX = [0, 1, 2].map((c) => xs.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / (n / 3));
    expect(Math.abs(meanX[2]! - meanX[0]!)).toBeGreaterThan(5);
    expect(ys).toHaveLength(n);
  });
});
