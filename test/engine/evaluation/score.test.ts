import { describe, expect, it } from 'vitest';
import type { DatasetMatrix } from '../../../shared/domain/dataset.ts';
import type { LearnedMetric } from '../../../shared/domain/learned-metric.ts';
import { JobCancelledError } from '../../../shared/errors.ts';
import { adjustedRandIndex, kMeans, normalizedMutualInformation } from '../../../shared/engine/evaluation/clustering.ts';
import { accuracyScore, knnPredict } from '../../../shared/engine/evaluation/knn.ts';
import { retrievalScores } from '../../../shared/engine/evaluation/retrieval.ts';
import { matchClasses, scoreOnTestSet, type TestSetStage } from '../../../shared/engine/evaluation/score.ts';
import { fitMetric } from '../../../shared/engine/fit.ts';
import { transform } from '../../../shared/metric/mahalanobis.ts';
import { splitDataset } from './split.ts';

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

/**
 * The score as scoreOnTestSet computed it before it was split into prepare / predict / complete: one kNN call, one
 * k-means, one retrieval over the whole test set.
 */
function oneCallScore(metric: LearnedMetric, train: DatasetMatrix, test: DatasetMatrix, k: number, seed: number) {
  const dims = metric.nComponents;
  const trainY = transform(metric, train.features, train.nRows);
  const testY = transform(metric, test.features, test.nRows);
  const { labels, unmatched } = matchClasses(train, test);
  const predicted = knnPredict(trainY, train.labels!, train.nRows, testY, test.nRows, dims, k);
  const clusters = kMeans(testY, test.nRows, dims, new Set(labels).size, { seed });
  const retrieval = retrievalScores(testY, labels, test.nRows, dims);
  return {
    accuracy: accuracyScore(predicted, labels),
    nmi: normalizedMutualInformation(labels, clusters.assignments),
    ari: adjustedRandIndex(labels, clusters.assignments),
    precisionAt1: retrieval.precisionAt1,
    mapAtR: retrieval.mapAtR,
    trainRows: train.nRows,
    testRows: test.nRows,
    k,
    seed,
    nComponents: dims,
    unmatchedClasses: unmatched,
  };
}

describe('scoreOnTestSet in row blocks', () => {
  const { train: digitsTrain, test: digitsTest } = splitDataset('digits');
  const named = { train: { name: 'digits-train', data: digitsTrain }, test: { name: 'digits-test', data: digitsTest } };

  it('gives the one-call figures bit for bit, whatever the block size (digits split 1198 / 599, pca and euclidean)', () => {
    for (const metric of [fitMetric(digitsTrain, { method: 'pca', params: { components: 12 } }), fitMetric(digitsTrain, { method: 'euclidean' })]) {
      const expected = oneCallScore(metric, digitsTrain, digitsTest, 3, 0);
      expect(scoreOnTestSet(metric, named.train, named.test, { k: 3, seed: 0 })).toEqual(expected);
      for (const blockRows of [64, 100, 599]) {
        expect(scoreOnTestSet(metric, named.train, named.test, { k: 3, seed: 0 }, { blockRows })).toEqual(expected);
      }
    }
  });

  it('reports each stage in order with rows done increasing, and stops with JobCancelledError when asked', () => {
    const metric = fitMetric(digitsTrain, { method: 'euclidean' });
    const seen: Array<[TestSetStage, number, number]> = [];
    scoreOnTestSet(metric, named.train, named.test, { k: 3, seed: 0 }, { blockRows: 200, onProgress: (stage, done, total) => seen.push([stage, done, total]) });
    expect(seen).toEqual([
      ['knn', 200, 599],
      ['knn', 400, 599],
      ['knn', 599, 599],
      ['kmeans', 0, 599],
      ['kmeans', 599, 599],
      ['retrieval', 200, 599],
      ['retrieval', 400, 599],
      ['retrieval', 599, 599],
    ]);
    // Asked to stop after the first kNN block: the next check throws, nothing more is reported.
    const stopped: TestSetStage[] = [];
    let stop = false;
    expect(() =>
      scoreOnTestSet(metric, named.train, named.test, { k: 3, seed: 0 }, {
        blockRows: 200,
        shouldStop: () => stop,
        onProgress: (stage) => {
          stopped.push(stage);
          stop = true;
        },
      }),
    ).toThrow(new JobCancelledError());
    expect(stopped).toEqual(['knn']);
    // k-means polls the flag before every pass.
    expect(() => kMeans(new Float64Array([0, 1, 2, 3]), 4, 1, 2, { seed: 0, shouldStop: () => true })).toThrow(JobCancelledError);
  });
});
