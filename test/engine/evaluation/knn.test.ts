import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.ts';
import { accuracyScore, knnPredict, nearestNeighbors } from '../../../shared/engine/evaluation/knn.ts';

describe('kNN', () => {
  // 1-d training points and their classes.
  const train = Float64Array.from([0, 1, 2, 10, 11, 12]);
  const trainLabels = Int32Array.from([0, 0, 0, 1, 1, 1]);

  it('predicts the majority class of the k nearest rows', () => {
    expect(Array.from(knnPredict(train, trainLabels, 6, Float64Array.from([0.4, 11.6, 5.9, 6.1]), 4, 1, 3))).toEqual([0, 1, 0, 1]);
  });

  it('takes rows at equal distance in order of lower row index', () => {
    const equal = Float64Array.from([1, -1, 1, -1]);
    expect(Array.from(nearestNeighbors(Float64Array.from([0]), 0, equal, 4, 1, 3).index)).toEqual([0, 1, 2]);
    // k = 1 with two rows at the same distance: the lower row index (class 1) wins.
    expect(Array.from(knnPredict(Float64Array.from([-1, 1]), Int32Array.from([1, 0]), 2, Float64Array.from([0]), 1, 1, 1))).toEqual([1]);
  });

  it('breaks vote ties by the lowest class index by default, by summed distance with tieBreak "nearest"', () => {
    // Three neighbours of three classes at distances 1 (class 2), 2 (class 1), 3 (class 0): one vote each.
    const pts = Float64Array.from([1, 2, 3]);
    const cls = Int32Array.from([2, 1, 0]);
    const q = Float64Array.from([0]);
    expect(Array.from(knnPredict(pts, cls, 3, q, 1, 1, 3))).toEqual([0]);
    expect(Array.from(knnPredict(pts, cls, 3, q, 1, 1, 3, 'nearest'))).toEqual([2]);
    // Equal votes and equal summed distances: the lowest class index wins under both rules.
    const sym = Float64Array.from([-1, 1]);
    expect(Array.from(knnPredict(sym, Int32Array.from([1, 0]), 2, q, 1, 1, 2, 'nearest'))).toEqual([0]);
  });

  it('validates k and scores accuracy', () => {
    expect(() => knnPredict(train, trainLabels, 6, Float64Array.from([0]), 1, 1, 7)).toThrow(
      new ValidationError('k (7) cannot be greater than the number of training rows (6).'),
    );
    expect(() => knnPredict(train, trainLabels, 6, Float64Array.from([0]), 1, 1, 0)).toThrow(new ValidationError('k must be an integer ≥ 1, got 0.'));
    expect(accuracyScore(Int32Array.from([0, 1, 1, 2]), Int32Array.from([0, 1, 2, 2]))).toBe(0.75);
  });
});
