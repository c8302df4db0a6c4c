import { describe, expect, it } from 'vitest';
import { smallestIndices, smallestIndicesSorted } from '../../../shared/math/neighbours/top-k.ts';

describe('smallestIndices', () => {
  it('returns the count smallest entries (ties by lower index), skipping the excluded one', () => {
    const values = Float64Array.of(5, 1, 3, 1, 0, 9, 3);
    expect(Array.from(smallestIndices(values, 7, 3, 4)).sort()).toEqual([1, 2, 3]);
    expect(Array.from(smallestIndices(values, 7, 2)).sort()).toEqual([1, 4]);
    expect(Array.from(smallestIndices(values, 7, 10, 0)).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('smallestIndicesSorted', () => {
  it('returns the count smallest entries sorted by (value, index), skipping the excluded one', () => {
    const values = Float64Array.of(5, 1, 3, 1, 0, 9, 3);
    expect(Array.from(smallestIndicesSorted(values, 7, 3, 4))).toEqual([1, 3, 2]);
    expect(Array.from(smallestIndicesSorted(values, 7, 4))).toEqual([4, 1, 3, 2]);
    expect(Array.from(smallestIndicesSorted(values, 3, 5, 0))).toEqual([1, 2]);
  });
});
