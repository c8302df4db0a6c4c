import { describe, expect, it } from 'vitest';
import { applyPreprocessing, learnedEmbedding, pca2d, zscoreColumns } from '../../../src-renderer/src/lib/projection/projection.ts';

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
