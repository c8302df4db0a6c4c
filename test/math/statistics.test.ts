import { describe, expect, it } from 'vitest';
import { columnMeans } from '../../shared/math/dense.ts';
import { columnVariances } from '../../shared/math/statistics.ts';

describe('columnVariances', () => {
  // (3, 2); golden values from numpy 1.24: np.var(X, axis=0) and np.var(X, axis=0, ddof=1).
  const X = Float64Array.of(1, 2, 3, 5, 6, 11.5);

  it('is numpy var about the column means, population (ddof 0) by default and sample with ddof 1', () => {
    const mean = columnMeans(X, 3, 2);
    expect(Array.from(columnVariances(X, 3, 2, mean))).toEqual([4.222222222222222, 15.722222222222223]);
    const sample = columnVariances(X, 3, 2, mean, 1);
    expect(sample[0]).toBeCloseTo(6.333333333333334, 14);
    expect(sample[1]).toBeCloseTo(23.583333333333336, 14);
  });

  it('is zero for a constant column and for no more rows than ddof', () => {
    expect(Array.from(columnVariances(Float64Array.of(4, 4, 4), 3, 1, Float64Array.of(4)))).toEqual([0]);
    expect(Array.from(columnVariances(new Float64Array(0), 0, 2, new Float64Array(2)))).toEqual([0, 0]);
    expect(Array.from(columnVariances(Float64Array.of(7), 1, 1, Float64Array.of(7), 1))).toEqual([0]);
  });
});
