import { describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../../shared/domain/dataset.ts';
import { matchClasses, scoreOnTestSet } from '../../../shared/engine/evaluation/score.ts';
import { fitMetric } from '../../../shared/engine/fit.ts';

/** Two well-separated 2-D blobs per class name; rows listed as [x, y, class index]. */
function dataset(rows: number[][], classNames: string[]): DatasetMatrix {
  return {
    nRows: rows.length,
    nFeatures: 2,
    features: Float64Array.from(rows.flatMap((r) => [r[0]!, r[1]!])),
    featureNames: ['a', 'b'],
    labels: Int32Array.from(rows.map((r) => r[2]!)),
    classNames,
  };
}

const train = dataset(
  [
    [0, 0, 0],
    [0.1, 0.2, 0],
    [0.2, 0.1, 0],
    [5, 5, 1],
    [5.1, 5.2, 1],
    [5.2, 4.9, 1],
  ],
  ['cat', 'dog'],
);

describe('scoreOnTestSet', () => {
  it('matches classes by name, whatever their order in the test set', () => {
    // The test set lists its classes as [dog, cat]: index 0 is dog here.
    const test = dataset(
      [
        [5.05, 5.1, 0],
        [0.05, 0.1, 1],
        [4.9, 5.0, 0],
        [0.15, 0.05, 1],
      ],
      ['dog', 'cat'],
    );
    const metric = fitMetric(train, { method: 'euclidean', preprocess: 'none' });
    const score = scoreOnTestSet(metric, { name: 'train', data: train }, { name: 'test', data: test }, { k: 1, seed: 0 });
    expect(score.accuracy).toBe(1);
    expect(score.precisionAt1).toBe(1);
    expect(score.nmi).toBeCloseTo(1, 12);
    expect(score.ari).toBeCloseTo(1, 12);
    expect(score.unmatchedClasses).toEqual([]);
    expect([score.trainRows, score.testRows]).toEqual([6, 4]);
  });

  it('counts rows of a class the training set lacks as kNN errors and names that class', () => {
    const test = dataset(
      [
        [0, 0.1, 0],
        [5, 5.1, 1],
        [9, 9, 2],
        [9.1, 9, 2],
      ],
      ['cat', 'dog', 'bird'],
    );
    expect(Array.from(matchClasses(train, test).labels)).toEqual([0, 1, 2, 2]);
    const metric = fitMetric(train, { method: 'euclidean', preprocess: 'none' });
    const score = scoreOnTestSet(metric, { name: 'train', data: train }, { name: 'test', data: test }, { k: 1, seed: 0 });
    expect(score.accuracy).toBe(0.5);
    expect(score.unmatchedClasses).toEqual(['bird']);
  });

  it('refuses unlabeled data and a k beyond the training rows', () => {
    const metric = fitMetric(train, { method: 'euclidean', preprocess: 'none' });
    const unlabeled = { ...train, labels: null, classNames: [] };
    expect(() => scoreOnTestSet(metric, { name: 'train', data: train }, { name: 'u', data: unlabeled }, { k: 1, seed: 0 })).toThrow(
      "The test set 'u' has no class labels to score against.",
    );
    expect(() => scoreOnTestSet(metric, { name: 'train', data: train }, { name: 't', data: train }, { k: 7, seed: 0 })).toThrow(
      'k must be an integer in 1…6 (the training rows), got 7.',
    );
  });
});
