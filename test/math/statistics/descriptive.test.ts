import { describe, expect, it } from 'vitest';
import { columnMeanAndVariance, median } from '../../../shared/math/statistics/descriptive.ts';

describe('columnMeanAndVariance', () => {
  it('gives the mean and the population variance (ddof 0) of each column', () => {
    const X = Float64Array.from([1, 10, 3, 10, 5, 10]); // (3, 2)
    const { mean, variance } = columnMeanAndVariance(X, 3, 2);
    expect(Array.from(mean)).toEqual([3, 10]);
    expect(Array.from(variance)).toEqual([8 / 3, 0]);
  });

  it('reads only the listed rows, in their order, and gives zeros for no rows', () => {
    const X = Float64Array.from([1, 2, 100, 200, 3, 6]); // (3, 2)
    const { mean, variance } = columnMeanAndVariance(X, 2, 2, Int32Array.of(2, 0));
    expect(Array.from(mean)).toEqual([2, 4]);
    expect(Array.from(variance)).toEqual([1, 4]);
    const none = columnMeanAndVariance(X, 0, 2);
    expect(Array.from(none.mean)).toEqual([0, 0]);
    expect(Array.from(none.variance)).toEqual([0, 0]);
  });

  it('is numpy var about the column means (golden values from numpy 1.24: np.var(X, axis=0))', () => {
    const X = Float64Array.of(1, 2, 3, 5, 6, 11.5); // (3, 2)
    expect(Array.from(columnMeanAndVariance(X, 3, 2).variance)).toEqual([4.222222222222222, 15.722222222222223]);
  });
});

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the two middle values of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});
