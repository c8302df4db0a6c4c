/**
 * Scoring a learned metric on a held-out test set: a dataset of its own (often the official test split that
 * comes with the data, e.g. Fashion-MNIST's 10,000 test images), with the same features as the training dataset.
 *
 * With the metric fitted on the training dataset (its preprocessing included), train X (m, d) and test X' (t, d)
 * are mapped to Y = pre(X)·Lᵀ (m, k) and Y' = pre(X')·Lᵀ (t, k), and:
 *
 * - accuracy: kNN with the training rows as the reference set, predicting every test row (see {@link knnPredict});
 * - nmi, ari: seeded k-means++ on Y' with one cluster per class present in the test set, against the test labels;
 * - precisionAt1, mapAtR: retrieval within Y' (see {@link retrievalScores}).
 *
 * These are the figures cross-validation reports per fold, with the test set in place of a fold's test part.
 * Classes are matched by name: a test row whose class the training dataset does not have counts as an error for
 * kNN (it cannot be predicted) and is reported in `unmatchedClasses`.
 */
import { ValidationError } from '../../errors.ts';
import type { DatasetMatrix } from '../../domain/dataset.ts';
import type { LearnedMetric } from '../../domain/learned-metric.ts';
import { transform } from '../../metric/mahalanobis.ts';
import { checkSeed } from '../fit.ts';
import { adjustedRandIndex, kMeans, normalizedMutualInformation } from './clustering.ts';
import { accuracyScore, knnPredict } from './knn.ts';
import { retrievalScores } from './retrieval.ts';
import type { TestSetScore } from '../../ipc/schemas.ts';

/** The figures of a metric on a test set: declared once, as TestSetScoreSchema in shared/ipc/schemas.ts. */
export type { TestSetScore } from '../../ipc/schemas.ts';

/** A dataset with the name used in messages. */
export interface NamedDataset {
  name: string;
  data: DatasetMatrix;
}

const quote = (s: string) => `'${s}'`;

/**
 * Checks that the test set has exactly the training dataset's features (same count, same names in the same order).
 * @throws ValidationError naming both datasets, their feature counts and the first feature that differs.
 */
export function checkSameFeatures(train: NamedDataset, test: NamedDataset): void {
  const a = train.data.featureNames;
  const b = test.data.featureNames;
  if (train.data.nFeatures !== test.data.nFeatures) {
    throw new ValidationError(
      `The test set ${quote(test.name)} has ${test.data.nFeatures} features but the training dataset ${quote(train.name)} has ` +
        `${train.data.nFeatures}; a metric can only be scored on data with the same features.`,
    );
  }
  const at = a.findIndex((name, f) => name !== b[f]);
  if (at >= 0) {
    throw new ValidationError(
      `The test set ${quote(test.name)} and the training dataset ${quote(train.name)} both have ${a.length} features, but feature ${at + 1} ` +
        `is ${quote(b[at]!)} in ${quote(test.name)} and ${quote(a[at]!)} in ${quote(train.name)}; the features must be the same, in the same order.`,
    );
  }
}

/**
 * The test labels in the training dataset's class numbering (matched by class name); test classes the training
 * dataset lacks get the next numbers, in test-class order.
 */
export function matchClasses(train: DatasetMatrix, test: DatasetMatrix): { labels: Int32Array; unmatched: string[] } {
  const index = new Map(train.classNames.map((name, c) => [name, c]));
  const unmatched: string[] = [];
  const map = test.classNames.map((name) => {
    let c = index.get(name);
    if (c === undefined) {
      c = train.classNames.length + unmatched.length;
      unmatched.push(name);
      index.set(name, c);
    }
    return c;
  });
  const labels = new Int32Array(test.nRows);
  for (let i = 0; i < test.nRows; i++) labels[i] = map[test.labels![i]!]!;
  return { labels, unmatched };
}

/**
 * Scores `metric` (fitted on `train`) on `test`; see the module comment for the figures.
 * @throws ValidationError when either dataset is unlabeled, the features differ, k is not in 1…train rows, or
 *   the metric does not take the training dataset's features.
 */
export function scoreOnTestSet(
  metric: LearnedMetric,
  train: NamedDataset,
  test: NamedDataset,
  options: { k: number; seed: number },
): TestSetScore {
  const { k } = options;
  const seed = checkSeed(options.seed);
  if (!train.data.labels) throw new ValidationError(`The training dataset ${quote(train.name)} has no class labels; kNN needs them.`);
  if (!test.data.labels) throw new ValidationError(`The test set ${quote(test.name)} has no class labels to score against.`);
  checkSameFeatures(train, test);
  if (metric.preprocessing.inputFeatures !== train.data.nFeatures) {
    throw new ValidationError(
      `The metric takes ${metric.preprocessing.inputFeatures} features but the training dataset ${quote(train.name)} has ${train.data.nFeatures}.`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > train.data.nRows) {
    throw new ValidationError(`k must be an integer in 1…${train.data.nRows} (the training rows), got ${JSON.stringify(k)}.`);
  }
  const dims = metric.nComponents;
  const trainY = transform(metric, train.data.features, train.data.nRows); // (m, dims)
  const testY = transform(metric, test.data.features, test.data.nRows); // (t, dims)
  const { labels: testLabels, unmatched } = matchClasses(train.data, test.data);
  const predicted = knnPredict(trainY, train.data.labels, train.data.nRows, testY, test.data.nRows, dims, k);
  const accuracy = accuracyScore(predicted, testLabels);
  const present = new Set(testLabels).size;
  const clusters = kMeans(testY, test.data.nRows, dims, present, { seed });
  const retrieval = retrievalScores(testY, testLabels, test.data.nRows, dims);
  return {
    accuracy,
    nmi: normalizedMutualInformation(testLabels, clusters.assignments),
    ari: adjustedRandIndex(testLabels, clusters.assignments),
    precisionAt1: retrieval.precisionAt1,
    mapAtR: retrieval.mapAtR,
    trainRows: train.data.nRows,
    testRows: test.data.nRows,
    k,
    seed,
    nComponents: dims,
    unmatchedClasses: unmatched,
  };
}
